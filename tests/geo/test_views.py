import pytest
from django.urls import reverse

from binhan.core.models import AuditEvent
from binhan.geo.models import Household


def test_unit_browser_lists_roots_and_searches(client, login, world):
    login(world.police_a)
    page = client.get(reverse("geo:unit_browser")).content.decode()
    assert "Phường An Sinh" in page
    assert "Phường Đông Triều" not in page
    found = client.get(reverse("geo:unit_browser"), {"q": "Đông Triều"}).content.decode()
    assert "No unit under yours is called" in found


def test_unit_detail_shows_households_of_group(client, login, world):
    login(world.police_a)
    body = client.get(reverse("geo:unit_detail", args=[world.group_a.pk])).content.decode()
    assert "Số 1 phố An Sinh" in body
    assert "0912345678" not in body  # personal data stays hidden


def test_cross_commune_unit_is_404_and_audited(client, login, world):
    login(world.police_a)
    response = client.get(reverse("geo:unit_detail", args=[world.group_b.pk]))
    assert response.status_code == 404
    event = AuditEvent.objects.get(action="access.denied")
    assert (event.actor, event.object_id) == (world.police_a, str(world.group_b.pk))


@pytest.mark.parametrize("name", ["resident_a", "auditor_a"])
def test_non_staff_get_403(client, login, world, name):
    login(getattr(world, name))
    assert client.get(reverse("geo:unit_detail", args=[world.group_a.pk])).status_code == 403


def test_anonymous_redirected_to_login(client, world):
    response = client.get(reverse("geo:unit_detail", args=[world.group_a.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_household_create_page(client, login, world):
    login(world.group_leader_a)
    url = reverse("geo:household_create", args=[world.group_a.pk])
    bad = client.post(url, {"address": "", "member_count": "0"})
    assert bad.status_code == 400
    assert Household.objects.count() == 2
    good = client.post(url, {"address": "Số 5 ngõ 2", "member_count": "3"})
    assert good.status_code == 302
    assert Household.objects.filter(unit=world.group_a, address="Số 5 ngõ 2").count() == 1


def test_household_personal_data_needs_purpose(client, login, world):
    login(world.police_a)
    url = reverse("geo:household_detail", args=[world.household_a.pk])
    assert "0912345678" not in client.get(url).content.decode()
    missing = client.post(url, {"purpose": ""})
    assert missing.status_code == 400
    shown = client.post(url, {"purpose": "Follow up a fire-safety visit"})
    assert "0912345678" in shown.content.decode()
    assert AuditEvent.objects.get(action="household.read_personal").purpose == "Follow up a fire-safety visit"


def test_household_of_other_commune_is_404(client, login, world):
    login(world.police_a)
    assert client.get(reverse("geo:household_detail", args=[world.household_b.pk])).status_code == 404


def test_security_member_cannot_reveal_or_add(client, login, world):
    from tests.factories import UserFactory, grant

    member = UserFactory(username="patrol")
    grant(member, world.group_a, "security_member")
    login(member)
    detail = client.get(reverse("geo:household_detail", args=[world.household_a.pk])).content.decode()
    assert "Your role does not include reading them." in detail
    assert client.post(reverse("geo:household_detail", args=[world.household_a.pk]),
                       {"purpose": "x"}).status_code == 403
    assert client.get(reverse("geo:household_create", args=[world.group_a.pk])).status_code == 403
