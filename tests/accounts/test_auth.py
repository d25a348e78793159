import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from binhan.accounts.models import Membership, User
from binhan.accounts.roles import Role
from binhan.core.models import AuditEvent

PASSWORD = "correct horse battery"


def test_login_with_username_then_audited(client, world):
    response = client.post(reverse("accounts:login"), {"username": "police-a", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert AuditEvent.objects.filter(action="user.login", actor=world.police_a).count() == 1


def test_login_with_phone_and_email(client, world):
    world.resident_a.phone = "0912000111"
    world.resident_a.email = "lan@example.vn"
    world.resident_a.save()
    for name in ("0912000111", "LAN@example.vn"):
        client.logout()
        response = client.post(reverse("accounts:login"), {"username": name, "password": PASSWORD})
        assert response.status_code == 302, name


def test_wrong_password_shows_a_clear_error(client, world):
    response = client.post(reverse("accounts:login"), {"username": "police-a", "password": "nope"})
    assert response.status_code == 200
    assert "The sign-in name or the password is wrong" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_per_name(client, world):
    url = reverse("accounts:login")
    statuses = [client.post(url, {"username": "police-a", "password": "bad"}).status_code for _ in range(6)]
    assert statuses == [200, 200, 200, 200, 200, 429]
    response = client.post(url, {"username": "police-a", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert int(response["Retry-After"]) > 0


def test_logout_needs_post(client, login, world):
    login(world.police_a)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_an_email(client, world):
    world.police_a.email = "police@example.vn"
    world.police_a.save()
    response = client.post(reverse("accounts:password_reset"), {"email": "police@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_password_change(client, login, world):
    login(world.police_a)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "a new long passphrase", "new_password2": "a new long passphrase",
    })
    assert response.status_code == 302
    world.police_a.refresh_from_db()
    assert world.police_a.check_password("a new long passphrase")


class TestRegistration:
    def post(self, client, **overrides):
        data = {"full_name": "Trần Thị Mai", "phone": "0987 654 321", "email": "", "password": "mai-secret-2026",
                "password_again": "mai-secret-2026"}
        data.update(overrides)
        return client.post(reverse("accounts:register"), data)

    def test_resident_registers_with_phone_and_group(self, client, world):
        response = self.post(client, group=world.group_a.pk)
        assert response.status_code == 302
        user = User.objects.get(phone="0987654321")
        assert (user.first_name, user.last_name) == ("Trần Thị", "Mai")
        assert list(user.memberships.values_list("role", "unit__code")) == [(Role.RESIDENT, "7090-001")]
        event = AuditEvent.objects.get(action="user.register")
        assert event.actor == user
        assert event.unit_path == world.group_a.path

    def test_group_must_be_a_residential_group(self, client, world):
        response = self.post(client, group=world.commune_a.pk)
        assert response.status_code == 400
        assert "Choose your residential group from the list." in response.content.decode()
        assert not User.objects.filter(phone="0987654321").exists()

    def test_needs_phone_or_email(self, client, world):
        response = self.post(client, phone="", group=world.group_a.pk)
        assert response.status_code == 400
        assert "Give a phone number or an email address." in response.content.decode()

    def test_bad_phone(self, client, world):
        response = self.post(client, phone="12ab", group=world.group_a.pk)
        assert response.status_code == 400
        assert "Enter a phone number of 9 to 15 digits" in response.content.decode()

    def test_duplicate_phone(self, client, world):
        world.resident_a.phone = "0987654321"
        world.resident_a.save()
        response = self.post(client, group=world.group_a.pk)
        assert response.status_code == 400
        assert "already exists" in response.content.decode()
        assert User.objects.filter(phone="0987654321").count() == 1

    def test_mismatched_passwords(self, client, world):
        response = self.post(client, password_again="other", group=world.group_a.pk)
        assert response.status_code == 400
        assert "The two passwords are not the same." in response.content.decode()

    def test_weak_password_refused(self, client, world):
        response = self.post(client, password="12345678", password_again="12345678", group=world.group_a.pk)
        assert response.status_code == 400
        assert not User.objects.filter(phone="0987654321").exists()

    def test_group_search_lists_groups_only(self, client, world):
        response = client.get(reverse("geo:unit_pick"), {"group_q": "Tổ dân phố"})
        body = response.content.decode()
        assert body.count('name="group"') == 2
        assert "Phường An Sinh" in body  # the commune is shown to tell groups apart


@pytest.mark.parametrize("name", ["police_a", "auditor_a"])
def test_two_factor_required_for_staff_when_enabled(client, login, world, settings, name):
    settings.BINHAN_REQUIRE_2FA = True
    login(getattr(world, name))
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:otp_setup")
    api = client.get("/api/v1/units")
    assert api.status_code == 403


def test_two_factor_not_required_for_residents(client, login, world, settings):
    settings.BINHAN_REQUIRE_2FA = True
    login(world.resident_a)
    assert client.get(reverse("core:home")).status_code == 200


def test_two_factor_setup_and_verify(client, world, settings):
    settings.BINHAN_REQUIRE_2FA = True
    client.post(reverse("accounts:login"), {"username": "police-a", "password": PASSWORD})
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=world.police_a)
    wrong = client.post(reverse("accounts:otp_setup"), {"code": "000000" if totp(device.bin_key) else "111111"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes a wrong code wait a second before the next try
    code = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("accounts:otp_setup"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(action="user.2fa_enabled", actor=world.police_a).count() == 1
    # A new session must verify again.
    client.logout()
    client.post(reverse("accounts:login"), {"username": "police-a", "password": PASSWORD})
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:otp_verify")


class TestGrant:
    def test_commune_police_grants_group_leader_below(self, client, login, world):
        login(world.police_a)
        response = client.post(reverse("accounts:membership_grant", args=[world.group_a.pk]),
                               {"username": "outsider", "role": Role.GROUP_LEADER})
        assert response.status_code == 302
        membership = Membership.objects.get(user=world.outsider)
        assert (membership.role, membership.unit, membership.granted_by) == (Role.GROUP_LEADER, world.group_a,
                                                                             world.police_a)
        assert AuditEvent.objects.filter(action="membership.grant", object_id=str(membership.pk)).count() == 1

    def test_cannot_grant_at_own_level(self, client, login, world):
        login(world.police_a)
        response = client.post(reverse("accounts:membership_grant", args=[world.commune_a.pk]),
                               {"username": "outsider", "role": Role.COMMUNE_POLICE})
        assert response.status_code == 403
        assert not Membership.objects.filter(user=world.outsider).exists()

    def test_cannot_grant_in_other_commune(self, client, login, world):
        login(world.police_a)
        response = client.post(reverse("accounts:membership_grant", args=[world.group_b.pk]),
                               {"username": "outsider", "role": Role.GROUP_LEADER})
        assert response.status_code == 404
        assert not Membership.objects.filter(user=world.outsider).exists()

    def test_role_must_fit_the_level(self, client, login, world):
        login(world.province_leader)
        response = client.post(reverse("accounts:membership_grant", args=[world.group_a.pk]),
                               {"username": "outsider", "role": Role.COMMUNE_POLICE})
        assert response.status_code == 400
        assert "can only be granted at the level" in response.content.decode()

    def test_unknown_person(self, client, login, world):
        login(world.police_a)
        response = client.post(reverse("accounts:membership_grant", args=[world.group_a.pk]),
                               {"username": "nobody", "role": Role.GROUP_LEADER})
        assert response.status_code == 400
        assert "No account has this username" in response.content.decode()

    def test_group_leader_cannot_grant(self, client, login, world):
        login(world.group_leader_a)
        response = client.post(reverse("accounts:membership_grant", args=[world.group_a.pk]),
                               {"username": "outsider", "role": Role.SECURITY_MEMBER})
        assert response.status_code == 403

    def test_revoke(self, client, login, world):
        login(world.police_a)
        membership = world.group_leader_a.memberships.get()
        response = client.post(reverse("accounts:membership_revoke", args=[membership.pk]))
        assert response.status_code == 302
        assert not Membership.objects.filter(pk=membership.pk).exists()
        assert AuditEvent.objects.filter(action="membership.revoke").count() == 1

    def test_revoke_in_other_commune_is_404(self, client, login, world):
        login(world.police_b)
        membership = world.group_leader_a.memberships.get()
        response = client.post(reverse("accounts:membership_revoke", args=[membership.pk]))
        assert response.status_code == 404
        assert Membership.objects.filter(pk=membership.pk).exists()


def test_commune_admin_cannot_grant_outside_their_commune(world):
    from binhan.accounts import services
    from tests.factories import UserFactory, grant

    commune_admin = UserFactory(username="commune-admin")
    grant(commune_admin, world.commune_a, Role.ADMIN)
    assert services.can_grant(actor=commune_admin, unit=world.group_a) is True
    assert services.can_grant(actor=commune_admin, unit=world.group_b) is False
    assert services.can_grant(actor=world.admin, unit=world.province) is True
    assert services.can_grant(actor=world.admin, unit=world.nation) is False
