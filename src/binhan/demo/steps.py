"""The platform's own demo steps: the real units, synthetic groups and households, demo users."""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.accounts.models import Membership, User
from binhan.accounts.roles import ROLE_LEVEL, Role
from binhan.core import paths
from binhan.core.exceptions import ServiceError
from binhan.demo import names
from binhan.demo.registry import DemoContext, register
from binhan.geo import importers
from binhan.geo.models import LEVEL_ORDER, AdministrativeUnit, Household, Level

DEMO_PASSWORD = "demo"  # noqa: S105 - printed by `binhan demo-logins`; check --deploy refuses demo users
# (south, north, west, east) of the provinces whose groups get approximate centre points.
PROVINCE_BOXES = {"22": (20.7, 21.6, 106.4, 108.1)}
URBAN_KINDS = {"phường"}
INSERT_BATCH = 20_000


def allocate(total: int, parts: int, rng: random.Random, *, spread: float = 0.4, minimum: int = 1) -> list[int]:
    """Split `total` into `parts` uneven shares of at least `minimum` that add up exactly."""
    if parts == 0:
        return []
    spare = total - minimum * parts
    if spare < 0:
        raise ServiceError(_("Too few items to give every place at least one."))
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(parts)]
    scale = spare / sum(weights)
    shares = [int(w * scale) for w in weights]
    for index in range(spare - sum(shares)):  # the rounding remainder, one each from the start
        shares[index % parts] += 1
    return [minimum + share for share in shares]


def demo_username(role: str) -> str:
    return "demo-" + role.replace("_", "-")


@register("units", order=10)
def generate_units(ctx: DemoContext) -> None:
    result = importers.import_vietnam(province_code=ctx.province_code)
    ctx.count("units", result.created)
    ctx.nation = AdministrativeUnit.objects.get(code=importers.NATION_CODE)
    ctx.province = AdministrativeUnit.objects.get(code=importers.official_province_code(ctx.province_code))
    communes = list(AdministrativeUnit.objects.filter(parent=ctx.province).order_by("code"))
    ctx.communes = communes[: ctx.size.communes] if ctx.size.communes else communes
    ctx.log(_("%(count)s communes of %(province)s get demo data.")
            % {"count": len(ctx.communes), "province": ctx.province.name})


@register("groups", order=20)
def generate_groups(ctx: DemoContext) -> None:
    """Residential groups (tổ dân phố) in wards, villages (thôn) in communes and special zones."""
    if AdministrativeUnit.objects.filter(parent__in=ctx.communes).exists():
        raise ServiceError(_("These communes already have residential groups; the demo needs a fresh database."))
    box = PROVINCE_BOXES.get(ctx.province.code)
    rng = ctx.rng
    units = []
    for commune, count in zip(ctx.communes, allocate(ctx.size.groups, len(ctx.communes), rng), strict=True):
        urban = commune.kind in URBAN_KINDS
        if box:  # an invented commune centre, with its groups around it
            south, north, west, east = box
            centre = (rng.uniform(south + 0.03, north - 0.03), rng.uniform(west + 0.03, east - 0.03))
        for number in range(1, count + 1):
            code = f"{commune.code}-{number:03d}"
            lat = lon = None
            if box:
                lat = round(centre[0] + rng.uniform(-0.025, 0.025), 6)
                lon = round(centre[1] + rng.uniform(-0.025, 0.025), 6)
            units.append(AdministrativeUnit(
                code=code, name=f"Tổ dân phố {number}" if urban else f"Thôn {number}",
                kind="tổ dân phố" if urban else "thôn", level=Level.GROUP, parent=commune,
                path=paths.child_path(commune.path, code), depth=LEVEL_ORDER.index(Level.GROUP),
                centre_lat=lat, centre_lon=lon,
            ))
    ctx.groups = AdministrativeUnit.objects.bulk_create(units, batch_size=1000)
    if any(group.pk is None for group in ctx.groups):  # a backend that cannot return ids
        ctx.groups = list(AdministrativeUnit.objects.filter(parent__in=ctx.communes).order_by("code"))
    ctx.count("groups", len(ctx.groups))


@register("households", order=30)
def generate_households(ctx: DemoContext) -> None:
    """Households with invented heads, written in bulk: a large demo has a million of them."""
    names_ = ("unit", "unit_path", "code", "address", "member_count", "head_name", "head_phone", "created_at",
              "updated_at")
    table = connection.ops.quote_name(Household._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(Household._meta.get_field(name).column) for name in names_)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    communes = {commune.pk: commune for commune in ctx.communes}
    total = 0
    with connection.cursor() as cursor:
        write = _copy_writer(cursor, table, columns) if connection.vendor == "postgresql" else None
        if write is None:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names_))})"  # noqa: S608
            if connection.vendor == "sqlite":
                # A bigger page cache keeps the household indexes in memory while they grow.
                cursor.execute("PRAGMA cache_size = -262144")
        batch: list[tuple] = []
        shares = allocate(ctx.size.households, len(ctx.groups), ctx.rng)
        for group, count in zip(ctx.groups, shares, strict=True):
            urban = communes[group.parent_id].kind in URBAN_KINDS
            for address, members, head, phone in names.households(
                ctx.rng, group_name=group.name, urban=urban, count=count
            ):
                batch.append((group.pk, group.path, "", address, members, head, phone, now, now))
            if len(batch) >= INSERT_BATCH or group is ctx.groups[-1]:
                if write is not None:
                    write(batch)
                else:
                    cursor.executemany(sql, batch)
                total += len(batch)
                batch.clear()
    ctx.count("households", total)


def _copy_writer(cursor, table: str, columns: str):
    """PostgreSQL's COPY, several times faster than INSERT for a million rows."""
    raw = cursor.cursor  # the psycopg cursor under Django's wrapper

    def write(rows: list[tuple]) -> None:
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    return write


@register("users", order=40)
def generate_users(ctx: DemoContext) -> None:
    """One demo user per role at the unit of its level, and a second commune police officer."""
    rng = ctx.rng
    first_commune = ctx.communes[0]
    first_group = ctx.groups_of(first_commune)[0]
    unit_of_level = {
        Level.NATION: ctx.nation, Level.PROVINCE: ctx.province, Level.COMMUNE: first_commune, Level.GROUP: first_group,
    }
    wanted = [(demo_username(role), role, unit_of_level[ROLE_LEVEL[role]]) for role in Role]
    if len(ctx.communes) > 1:
        wanted.append((demo_username(Role.COMMUNE_POLICE) + "-2", Role.COMMUNE_POLICE, ctx.communes[1]))
    household = Household.objects.filter(unit=first_group).order_by("id").first()
    # One hash for all: hashing "demo" a dozen times would cost seconds and protect nothing.
    password = make_password(DEMO_PASSWORD)
    users = []
    for username, role, _unit in wanted:
        family, middle, given = names.person(rng)
        users.append(User(
            username=username, password=password, first_name=f"{family} {middle}", last_name=given,
            is_demo=True, is_staff=role == Role.ADMIN,
            household=household if role == Role.RESIDENT else None,
            phone=names.phone(rng) if role == Role.RESIDENT else None,
        ))
    users = User.objects.bulk_create(users)
    if any(user.pk is None for user in users):
        by_name = User.objects.in_bulk([u.username for u in users], field_name="username")
        users = [by_name[u.username] for u in users]
    Membership.objects.bulk_create(
        Membership(user=user, unit=unit, unit_path=unit.path, role=role)
        for user, (_name, role, unit) in zip(users, wanted, strict=True)
    )
    for user, (_name, role, _unit) in zip(users, wanted, strict=True):
        ctx.users.setdefault(str(role), []).append(user)
    resident = ctx.user(Role.RESIDENT)
    if household is not None:  # the resident heads the household they are linked to
        Household.objects.filter(pk=household.pk).update(head_name=resident.get_full_name(), head_phone=resident.phone)
    ctx.count("users", len(users))
