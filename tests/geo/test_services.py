import pytest

from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.models import AuditEvent, OutboxEvent
from binhan.geo import services
from binhan.geo.models import Household, Level


def test_household_create_audits_and_emits(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        household = services.household_create(actor=world.group_leader_a, unit=world.group_a,
                                              address=" Số 9 ngõ 3 ", member_count=5, head_name="Lê Văn Tám")
    assert (household.address, household.unit_path) == ("Số 9 ngõ 3", world.group_a.path)
    event = AuditEvent.objects.get(action="household.create")
    assert event.changes == {"unit_id": [None, world.group_a.pk], "address": [None, "Số 9 ngõ 3"],
                             "member_count": [None, 5], "head_name": ["[personal data]", "[personal data]"]}
    outbox = OutboxEvent.objects.get(name="household.created")
    assert (outbox.unit_path, outbox.payload) == (world.group_a.path, {"household_id": household.pk})


def test_household_needs_a_group(world):
    with pytest.raises(ServiceError) as error:
        services.household_create(actor=world.police_a, unit=world.commune_a, address="X")
    assert error.value.field == "unit"
    assert Household.objects.count() == 2


def test_household_outside_scope_refused(world):
    with pytest.raises(PermissionDeniedError):
        services.household_create(actor=world.police_a, unit=world.group_b, address="X")
    assert not AuditEvent.objects.filter(action="household.create").exists()


def test_household_member_count_validated(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.household_create(actor=world.police_a, unit=world.group_a, address="X", member_count=0)
    assert Household.objects.count() == 2


def test_personal_data_never_enters_the_audit_log(world):
    services.household_update(actor=world.police_a, household=world.household_a, head_phone="0900000001")
    event = AuditEvent.objects.get(action="household.update")
    assert event.changes == {"head_phone": ["[personal data]", "[personal data]"]}
    assert "0900000001" not in str(AuditEvent.objects.values_list("changes", flat=True)[::1])


def test_household_update_records_only_changes(world):
    services.household_update(actor=world.police_a, household=world.household_a, member_count=4, address="Mới")
    event = AuditEvent.objects.get(action="household.update")
    assert event.changes == {"address": ["Số 1 phố An Sinh", "Mới"]}


def test_household_update_unknown_field(world):
    with pytest.raises(ServiceError):
        services.household_update(actor=world.police_a, household=world.household_a, unit_path="/x/")


def test_read_personal_needs_purpose(world):
    with pytest.raises(ServiceError):
        services.household_read_personal(actor=world.police_a, household=world.household_a, purpose="  ")
    services.household_read_personal(actor=world.police_a, household=world.household_a, purpose="Verify a tip")
    event = AuditEvent.objects.get(action="household.read_personal")
    assert (event.purpose, event.actor) == ("Verify a tip", world.police_a)


def test_unit_create_checks_level_and_builds_path(world):
    group = services.unit_create(actor=world.police_a, code="7090-002", name="Tổ 2", level=Level.GROUP,
                                 parent=world.commune_a)
    assert (group.path, group.depth) == ("/VN/22/7090/7090-002/", 3)
    with pytest.raises(ServiceError):
        services.unit_create(actor=world.police_a, code="X1", name="Bad", level=Level.COMMUNE, parent=world.commune_a)
    with pytest.raises(PermissionDeniedError):
        services.unit_create(actor=world.police_a, code="X2", name="Bad", level=Level.GROUP, parent=world.commune_b)


def test_unit_code_validated(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.unit_create(actor=world.admin, code="a/b", name="Bad", level=Level.GROUP, parent=world.commune_a)


def test_unit_update(world):
    services.unit_update(actor=world.police_a, unit=world.group_a, name="Tổ dân phố số 1", names={"en": "Group 1"})
    world.group_a.refresh_from_db()
    assert world.group_a.name == "Tổ dân phố số 1"
    event = AuditEvent.objects.get(action="unit.update")
    assert event.changes["name"] == ["Tổ dân phố 1", "Tổ dân phố số 1"]


@pytest.mark.parametrize("role", ["security_member", "fire_team_leader", "mediator"])
def test_team_members_see_but_do_not_keep_households(world, role):
    from binhan.core import scoping
    from tests.factories import UserFactory, grant

    member = UserFactory(username=f"m-{role}")
    grant(member, world.group_a, role)
    assert list(scoping.visible(Household.objects.all(), member)) == [world.household_a]
    with pytest.raises(PermissionDeniedError):
        services.household_create(actor=member, unit=world.group_a, address="X")
    with pytest.raises(PermissionDeniedError):
        services.household_read_personal(actor=member, household=world.household_a, purpose="curious")
    assert not AuditEvent.objects.filter(action__startswith="household.").exists()


def test_update_without_change_writes_nothing(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.household_update(actor=world.police_a, household=world.household_a, member_count=4)
    assert not AuditEvent.objects.filter(action="household.update").exists()
    assert not OutboxEvent.objects.filter(name="household.updated").exists()
