"""The demo province generator, its users, its registry and the deploy check that refuses it."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.utils import translation
from vietnam_provinces import Ward

from binhan.accounts.models import Membership, User
from binhan.accounts.roles import ROLE_LEVEL, Role
from binhan.core.checks import no_demo_users
from binhan.core.models import AuditEvent
from binhan.demo import registry
from binhan.geo.models import AdministrativeUnit, Household, Level
from tests.demo_data import remove_demo_data

pytestmark = pytest.mark.django_db

USERNAMES = [
    "demo-resident", "demo-group-leader", "demo-security-member", "demo-fire-team-leader", "demo-mediator",
    "demo-commune-police", "demo-commune-leader", "demo-province-police", "demo-province-leader", "demo-auditor",
    "demo-admin", "demo-commune-police-2",
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--size", "tiny", *args, stdout=out)
    return out.getvalue()


def quang_ninh_commune_codes() -> list[str]:
    return sorted(f"{int(w.code):05d}" for w in Ward.iter_all() if int(w.province_code) == 22)


def households_snapshot() -> list[tuple]:
    return list(Household.objects.order_by("unit_path", "id").values_list(
        "unit__code", "address", "member_count", "head_name", "head_phone"))


def test_tiny_demo_creates_the_province_and_its_groups():
    demo("--seed", "3")
    communes = quang_ninh_commune_codes()
    assert AdministrativeUnit.objects.filter(level=Level.COMMUNE).count() == len(communes)
    groups = AdministrativeUnit.objects.filter(level=Level.GROUP).select_related("parent").order_by("code")
    assert groups.count() == 4
    assert {g.parent.code for g in groups} == set(communes[:2])
    assert [g.code.split("-")[0] for g in groups] == sorted(g.parent.code for g in groups)
    for group in groups:
        expected = "Tổ dân phố" if group.parent.kind == "phường" else "Thôn"
        number = int(group.code.split("-")[1])
        assert (group.name, group.path, group.depth) == (
            f"{expected} {number}", f"{group.parent.path}{group.code}/", 3
        )
        assert 20.7 <= group.centre_lat <= 21.6 and 106.4 <= group.centre_lon <= 108.1
    assert Household.objects.count() == 40
    assert set(Household.objects.values_list("unit_path", flat=True)) == {g.path for g in groups}
    assert not Household.objects.exclude(member_count__range=(1, 7)).exists()
    assert Household.objects.exclude(head_phone__regex=r"^09[0-9]{8}$").count() == 0
    event = AuditEvent.objects.get(action="demo.generate")
    platform = ("province", "size", "seed", "units", "groups", "households", "users", "reports")
    # Every domain's step adds its own counts; those are pinned in the domain's demo tests.
    assert {key: event.changes[key] for key in platform} == {
        "province": "22", "size": "tiny", "seed": 3, "units": len(communes) + 2, "groups": 4, "households": 40,
        "users": 12, "reports": 200}


def test_same_seed_same_people_other_seed_other_people():
    demo("--seed", "5")
    first = households_snapshot()
    remove_demo_data()
    demo("--seed", "5")
    assert households_snapshot() == first
    remove_demo_data()
    demo("--seed", "6")
    assert [row[3] for row in households_snapshot()] != [row[3] for row in first]


def test_each_demo_user_holds_its_role_at_the_right_unit():
    demo()
    communes = quang_ninh_commune_codes()
    first_group = AdministrativeUnit.objects.filter(parent__code=communes[0]).order_by("code").first()
    unit_code_of_level = {"nation": "VN", "province": "22", "commune": communes[0], "group": first_group.code}
    memberships = Membership.objects.select_related("user", "unit").order_by("id")
    assert [(m.user.username, m.role, m.unit.code) for m in memberships] == [
        *[(f"demo-{role.replace('_', '-')}", role, unit_code_of_level[ROLE_LEVEL[role]]) for role in Role.values],
        ("demo-commune-police-2", Role.COMMUNE_POLICE, communes[1]),
    ]
    users = User.objects.filter(is_demo=True).order_by("id")
    assert [u.username for u in users] == USERNAMES
    assert all(u.check_password("demo") for u in users)
    assert [u.username for u in users if u.is_staff] == ["demo-admin"]
    assert [u.username for u in users if u.is_superuser] == []
    assert all(len(u.get_full_name().split()) == 3 for u in users)
    resident = User.objects.get(username="demo-resident")
    assert resident.household.unit_id == first_group.pk
    assert (resident.household.head_name, resident.household.head_phone) == (resident.get_full_name(), resident.phone)


def test_if_empty_reuses_and_a_second_run_is_refused():
    demo()
    counts = (AdministrativeUnit.objects.count(), Household.objects.count(), User.objects.count())
    assert demo("--if-empty").strip() == "The database already holds demo data; it is reused as it is."
    with pytest.raises(CommandError) as error:
        demo()
    assert str(error.value) == "This database already holds demo data. Use a fresh database, or --if-empty."
    assert (AdministrativeUnit.objects.count(), Household.objects.count(), User.objects.count()) == counts


def test_unknown_province_is_refused_and_leaves_nothing():
    with pytest.raises(CommandError) as error:
        demo("--province", "99")
    assert str(error.value) == "There is no province with the code 99."
    assert (AdministrativeUnit.objects.count(), User.objects.count()) == (0, 0)


def test_demo_logins():
    out = io.StringIO()
    call_command("demo-logins", stdout=out)
    assert out.getvalue().strip() == "There are no demo users in this database. Create them with: binhan demo"
    demo()
    out = io.StringIO()
    call_command("demo-logins", stdout=out)
    lines = out.getvalue().splitlines()
    commune = AdministrativeUnit.objects.get(code=quang_ninh_commune_codes()[0])
    assert lines[0].split() == ["Username", "Password", "Role", "Unit"]
    assert [line.split()[0] for line in lines[2:14]] == [
        "demo-resident", "demo-group-leader", "demo-security-member", "demo-fire-team-leader", "demo-mediator",
        "demo-commune-police", "demo-commune-police-2", "demo-commune-leader", "demo-province-police",
        "demo-province-leader", "demo-auditor", "demo-admin",
    ]
    assert lines[7].split(None, 4) == ["demo-commune-police", "demo", "Commune", "police", commune.name]
    assert lines[-1] == "Sign in at http://127.0.0.1:8000/accounts/login/"


def test_a_domain_step_runs_after_the_platform_steps():
    seen = {}

    @registry.register("test-step", order=950)  # after every domain's step, statistics (900) included
    def generate(ctx: registry.DemoContext) -> None:
        seen.update(groups=len(ctx.groups), province=ctx.province.code, police=ctx.user(Role.COMMUNE_POLICE).username,
                    communes=[c.code for c in ctx.communes], draw=ctx.rng.random())
        ctx.log("test step ran")

    try:
        out = demo("--seed", "9")
    finally:
        registry._steps.pop("test-step")
    assert seen == {"groups": 4, "province": "22", "police": "demo-commune-police",
                    "communes": quang_ninh_commune_codes()[:2], "draw": registry.step_rng(9, "test-step").random()}
    steps = [line.split()[1] for line in out.splitlines() if line.startswith("Step ")]
    assert (steps[:5], steps[-1]) == (["units", "groups", "households", "users", "reports"], "test-step")
    assert "test step ran" in out.splitlines()


def test_deploy_check_refuses_demo_users():
    assert no_demo_users(None) == []
    demo()
    assert [error.id for error in no_demo_users(None)] == ["binhan.E001"]
    with pytest.raises(SystemCheckError, match="binhan.E001"):
        call_command("check", "--deploy", stdout=io.StringIO(), stderr=io.StringIO())
