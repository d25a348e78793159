import pytest
from django.http import Http404

from binhan.accounts.models import Membership
from binhan.core import scoping
from binhan.core.models import AuditEvent
from binhan.geo.models import AdministrativeUnit, Household


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def test_commune_police_sees_only_their_commune(world):
    units = scoping.visible(AdministrativeUnit.objects.all(), world.police_a)
    assert codes(units) == ["7090", "7090-001"]


def test_province_sees_every_commune(world):
    units = scoping.visible(AdministrativeUnit.objects.all(), world.province_leader)
    assert codes(units) == ["22", "7090", "7090-001", "7093", "7093-001"]


def test_admin_at_nation_sees_everything(world):
    assert scoping.visible(AdministrativeUnit.objects.all(), world.admin).count() == 6


@pytest.mark.parametrize("name", ["auditor_a", "resident_a", "outsider"])
def test_non_staff_see_no_domain_data(world, name):
    user = getattr(world, name)
    assert scoping.visible(Household.objects.all(), user).count() == 0
    assert scoping.visible(AdministrativeUnit.objects.all(), user).count() == 0
    assert scoping.visible(Membership.objects.all(), user).count() == 0


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert scoping.visible(Household.objects.all(), AnonymousUser()).count() == 0


def test_households_are_scoped(world):
    assert list(scoping.visible(Household.objects.all(), world.police_a)) == [world.household_a]
    assert list(scoping.visible(Household.objects.all(), world.police_b)) == [world.household_b]


def test_memberships_are_scoped(world):
    visible = scoping.visible(Membership.objects.all(), world.police_b)
    assert sorted(visible.values_list("user__username", flat=True)) == ["police-b"]


def test_auditor_sees_audit_log_under_their_unit_only(world):
    from binhan.core import audit

    audit.record(actor=world.police_a, action="x.a", obj=world.household_a)
    audit.record(actor=world.police_b, action="x.b", obj=world.household_b)
    visible = scoping.visible_audit(AuditEvent.objects.all(), world.auditor_a)
    assert list(visible.values_list("action", flat=True)) == ["x.a"]
    assert scoping.visible_audit(AuditEvent.objects.all(), world.police_a).count() == 0


def test_cross_commune_read_is_404_and_audited(world):
    with pytest.raises(Http404):
        scoping.get_visible_or_404(Household.objects.all(), world.police_a, pk=world.household_b.pk)
    denied = AuditEvent.objects.get(action="access.denied")
    assert denied.actor == world.police_a
    assert denied.object_type == "geo.household"
    assert denied.object_id == str(world.household_b.pk)
    assert denied.unit_path == "/VN/22/7093/7093-001/"


def test_missing_row_is_404_without_audit(world):
    with pytest.raises(Http404):
        scoping.get_visible_or_404(Household.objects.all(), world.police_a, pk=999999)
    assert not AuditEvent.objects.filter(action="access.denied").exists()


def test_prefix_does_not_leak_into_sibling_codes(world):
    from tests.factories import UnitFactory

    UnitFactory(code="709", name="Short code", level="commune", parent=world.province)
    UnitFactory(code="70900", name="Long code", level="commune", parent=world.province)
    assert codes(scoping.visible(AdministrativeUnit.objects.all(), world.police_a)) == ["7090", "7090-001"]


def test_model_without_path_field_is_refused(world):
    from binhan.core.models import OutboxEvent

    with pytest.raises(TypeError):
        scoping.visible(OutboxEvent.objects.all(), world.police_a)
