import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from binhan.core import audit
from binhan.core.models import AppendOnlyError, AuditEvent


def test_record_fills_every_field(world):
    event = audit.record(actor=world.police_a, action="household.update", obj=world.household_a,
                         changes={"member_count": [3, 4]}, purpose="p", ip="10.0.0.1")
    event.refresh_from_db()
    assert (event.actor_label, event.object_type, event.object_id, event.unit_path, event.ip, event.purpose) == (
        "police-a", "geo.household", str(world.household_a.pk), world.group_a.path, "10.0.0.1", "p")
    assert event.changes == {"member_count": [3, 4]}
    assert event.object_label == "Số 1 phố An Sinh"


def test_orm_refuses_update_and_delete(world):
    event = audit.record(actor=world.police_a, action="x", obj=world.household_a)
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="y")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "x"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgres_trigger_refuses_raw_update_and_delete(world):
    event = audit.record(actor=world.police_a, action="x", obj=world.household_a)
    for sql in ("UPDATE core_auditevent SET action = 'y' WHERE id = %s", "DELETE FROM core_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "x"


def test_audit_rolls_back_with_the_change(world):
    from binhan.geo import services

    with pytest.raises(RuntimeError), transaction.atomic():
        services.household_create(actor=world.police_a, unit=world.group_a, address="Số 3")
        raise RuntimeError("boom")
    assert not AuditEvent.objects.filter(action="household.create").exists()


def test_ip_comes_from_the_request(client, world):
    client.post(reverse("accounts:login"), {"username": "police-a", "password": "correct horse battery"},
                REMOTE_ADDR="203.0.113.9")
    assert AuditEvent.objects.get(action="user.login").ip == "203.0.113.9"


class TestAuditPages:
    def setup_events(self, world):
        audit.record(actor=world.police_a, action="household.update", obj=world.household_a, purpose="=cmd()")
        audit.record(actor=world.police_b, action="household.update", obj=world.household_b)
        audit.record(actor=world.police_a, action="unit.update", obj=world.group_a)

    def test_auditor_sees_events_of_their_unit(self, client, login, world):
        self.setup_events(world)
        login(world.auditor_a)
        body = client.get(reverse("core:audit_log")).content.decode()
        assert body.count("<code>household.update</code>") == 1
        assert body.count("<code>unit.update</code>") == 1

    def test_filters(self, client, login, world):
        self.setup_events(world)
        login(world.auditor_a)
        body = client.get(reverse("core:audit_log"), {"action": "unit."}).content.decode()
        assert "<code>unit.update</code>" in body
        assert "<code>household.update</code>" not in body
        assert "No audit events match" in client.get(reverse("core:audit_log"), {"actor": "police-b"}).content.decode()

    def test_bad_filters_are_400_with_message(self, client, login, world):
        login(world.auditor_a)
        response = client.get(reverse("core:audit_log"), {"since": "2026-02-30"})
        assert response.status_code == 400
        response = client.get(reverse("core:audit_log"), {"unit": "nope"})
        assert "No unit has the code nope." in response.content.decode()
        response = client.get(reverse("core:audit_log"), {"since": "2026-05-02", "until": "2026-05-01"})
        assert "The end date must not be before the start date." in response.content.decode()

    @pytest.mark.parametrize("name", ["police_a", "resident_a", "leader_a"])
    def test_others_are_refused(self, client, login, world, name):
        login(getattr(world, name))
        assert client.get(reverse("core:audit_log")).status_code == 403
        assert client.get(reverse("core:audit_export")).status_code == 403

    def test_csv_export(self, client, login, world):
        self.setup_events(world)
        login(world.auditor_a)
        response = client.get(reverse("core:audit_export"), {"actor": "police-a"})
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
        assert rows[0][:3] == ["time", "actor", "action"]
        assert sorted(r[2] for r in rows[1:]) == ["household.update", "unit.update"]
        assert "'=cmd()" in [r[8] for r in rows[1:]]  # formulas are neutralised
        assert AuditEvent.objects.filter(action="audit.export", actor=world.auditor_a).count() == 1

    def test_csv_export_bad_filter(self, client, login, world):
        login(world.auditor_a)
        response = client.get(reverse("core:audit_export"), {"since": "yesterday"})
        assert response.status_code == 400


def test_personal_events_belong_to_the_users_unit(client, world):
    """Logins, tokens and language changes carry the user's unit, so their unit's auditor sees them."""
    client.post(reverse("accounts:login"), {"username": "police-a", "password": "correct horse battery"})
    assert AuditEvent.objects.get(action="user.login").unit_path == world.commune_a.path
    visible = audit_events_for(world.auditor_a)
    assert "user.login" in visible


def audit_events_for(user):
    from binhan.core import scoping

    return list(scoping.visible_audit(AuditEvent.objects.all(), user).values_list("action", flat=True))


def test_admin_edit_is_audited(client, login, world):
    world.admin.is_staff = True
    world.admin.save()
    login(world.admin)
    url = f"/admin/geo/administrativeunit/{world.group_a.pk}/change/"
    response = client.post(url, {"name": "Tổ dân phố số 1", "names": "{}", "kind": "", "centre_lat": "",
                                 "centre_lon": "", "boundary": "null"})
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="administrativeunit.admin_change")
    assert event.changes["name"] == ["Tổ dân phố 1", "Tổ dân phố số 1"]
