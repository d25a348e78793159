"""Data for the browser tests, written into the real server's database.

These functions run inside `binhan shell` with the server's environment (see
`harness.LiveServer.seed`), never in the pytest process: the browser tests use no `db`
fixture and share no database with pytest-django. Each returns something JSON can carry.
Units and households go through the services, so the audit log and the outbox look real.
"""

from __future__ import annotations

import random

from binhan.accounts.models import Membership, User
from binhan.geo import services
from binhan.geo.models import AdministrativeUnit, Household, Level

PASSWORD = "correct horse battery"

# (address, members, head of household) for the small, exactly-counted area.
AN_SINH_1 = [("Số 1 phố An Sinh", 4, "Nguyễn Văn An"), ("Số 3 phố An Sinh", 3, "Trần Thị Bình"),
             ("Số 5 phố An Sinh", 5, "Lê Văn Cường")]
AN_SINH_2 = [("Số 2 ngõ Hòa Bình", 2, "Phạm Thị Dung"), ("Số 4 ngõ Hòa Bình", 6, "Hoàng Văn Em")]
DONG_TRIEU_1 = [("Số 10 phố Đông Triều", 3, "Vũ Thị Giang")]


def unit(code: str, name: str, level: str, parent_code: str | None = None) -> AdministrativeUnit:
    """The unit with this code, created under `parent_code` if it does not exist yet."""
    existing = AdministrativeUnit.objects.filter(code=code).first()
    if existing is not None:
        return existing
    parent = AdministrativeUnit.objects.get(code=parent_code) if parent_code else None
    return services.unit_create(actor=None, code=code, name=name, level=level, parent=parent)


def households(group_code: str, rows: list[tuple[str, int, str]]) -> list[int]:
    group = AdministrativeUnit.objects.get(code=group_code)
    return [
        services.household_create(actor=None, unit=group, address=address, member_count=members, head_name=head).pk
        for address, members, head in rows
    ]


def staff_user(username: str, unit_code: str, role: str, password: str = PASSWORD, first_name: str = "Lan",
               last_name: str = "Nguyễn Thị") -> dict:
    """A user holding `role` at the unit `unit_code`, signing in with `password`."""
    target = AdministrativeUnit.objects.get(code=unit_code)
    user = User.objects.create(username=username, first_name=first_name, last_name=last_name)
    user.set_password(password)
    user.save(update_fields=["password"])
    Membership.objects.create(user=user, unit=target, unit_path=target.path, role=role)
    return {"username": username, "password": password, "unit_id": target.pk}


def area() -> dict:
    """Việt Nam > Quảng Ninh > Phường An Sinh (2 groups, 5 households) and Phường Đông Triều (1 household).

    Returns the ids and the figures a commune police officer of An Sinh must see.
    """
    if not AdministrativeUnit.objects.filter(code="7090").exists():
        unit("VN", "Việt Nam", Level.NATION)
        unit("22", "Quảng Ninh", Level.PROVINCE, "VN")
        unit("7090", "Phường An Sinh", Level.COMMUNE, "22")
        unit("7090-001", "Tổ dân phố 1", Level.GROUP, "7090")
        unit("7090-002", "Tổ dân phố 2", Level.GROUP, "7090")
        unit("7093", "Phường Đông Triều", Level.COMMUNE, "22")
        unit("7093-001", "Tổ dân phố 1", Level.GROUP, "7093")
        households("7090-001", AN_SINH_1)
        households("7090-002", AN_SINH_2)
        households("7093-001", DONG_TRIEU_1)
    codes = ["7090", "7090-001", "7090-002", "7093", "7093-001"]
    ids = dict(AdministrativeUnit.objects.filter(code__in=codes).values_list("code", "pk"))
    units = AdministrativeUnit.objects.filter(path__startswith="/VN/22/7090/")
    homes = Household.objects.filter(unit_path__startswith="/VN/22/7090/")
    return {
        "unit_ids": ids,
        # What the staff home of a commune police officer at 7090 shows.
        "an_sinh_figures": {
            "units": units.count(), "groups": units.filter(level=Level.GROUP).count(),
            "households": homes.count(), "people": sum(homes.values_list("member_count", flat=True)),
        },
    }


# --- A larger, realistic commune for the README screenshots ---

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc", "Hữu"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phương", "Quân",
         "Sơn", "Thảo", "Trang", "Tuấn", "Yến"]
STREETS = ["phố Trần Hưng Đạo", "phố Lê Lợi", "ngõ Hòa Bình", "phố Nguyễn Du", "đường Bạch Đằng", "ngõ Cây Đa"]


def readme_area(seed: int = 7090) -> dict:
    """Phường An Sinh with 9 residential groups and about 300 households of synthetic people."""
    rng = random.Random(seed)
    unit("VN", "Việt Nam", Level.NATION)
    unit("22", "Quảng Ninh", Level.PROVINCE, "VN")
    unit("7090", "Phường An Sinh", Level.COMMUNE, "22")
    for number in range(1, 10):
        code = f"7090-{number:03d}"
        if AdministrativeUnit.objects.filter(code=code).exists():
            continue
        unit(code, f"Tổ dân phố {number}", Level.GROUP, "7090")
        rows = []
        for house in range(rng.randint(28, 40)):
            head = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            rows.append((f"Số {2 * house + 1} {rng.choice(STREETS)}", rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 6]), head))
        households(code, rows)
    return {"households": Household.objects.count()}
