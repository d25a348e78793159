"""The fan-out and the channels: nothing lost, nothing doubled, nothing leaked, retries with backoff."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from binhan.accounts.roles import Role
from binhan.alerts import delivery, services, sms
from binhan.alerts.models import Channel, Delivery, DeliveryStatus
from tests.factories import HouseholdFactory, UnitFactory, UserFactory, grant


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def inapp_households(alert) -> list[int]:
    return sorted(Delivery.objects.filter(alert=alert, channel=Channel.INAPP).values_list("household_id", flat=True))


def test_every_household_under_the_target_gets_one_row_and_no_one_else(people, send_alert):
    extra = HouseholdFactory.create_batch(5, unit=people.group_a)
    alert = send_alert(people.police_a, [people.commune_a])
    expected = sorted([people.household_a.pk, people.neighbour_home.pk, *(h.pk for h in extra)])
    assert inapp_households(alert) == expected
    assert people.household_b.pk not in inapp_households(alert)
    assert (alert.recipient_count, alert.fanout_done_at is not None) == (7, True)
    assert set(Delivery.objects.filter(alert=alert).values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_running_the_fan_out_again_writes_nothing(people, send_alert):
    alert = send_alert(people.police_a, [people.group_a])
    before = Delivery.objects.filter(alert=alert).count()
    type(alert).objects.filter(pk=alert.pk).update(fanout_done_at=None, fanout_cursor=0)
    assert (delivery.fan_out(alert.pk), Delivery.objects.filter(alert=alert).count()) == (0, before)


def test_the_idempotency_key_is_a_database_constraint(people, send_alert):
    alert = send_alert(people.police_a, [people.group_a])
    row = Delivery.objects.filter(alert=alert, household=people.household_a).get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(alert=alert, household=people.household_a, unit=people.group_a,
                                channel=Channel.INAPP, status=DeliveryStatus.DELIVERED, created_at=row.created_at)


class WorkerDied(Exception):
    pass


def test_worker_dying_mid_fan_out_then_restarting_delivers_exactly_once(people, send_alert, settings, monkeypatch):
    settings.BINHAN_ALERTS_FANOUT_GROUPS = 1  # one group per transaction
    second = UnitFactory(code="7090-002", name="Tổ dân phố 2", level="group", parent=people.commune_a)
    third = UnitFactory(code="7090-003", name="Tổ dân phố 3", level="group", parent=people.commune_a)
    HouseholdFactory.create_batch(3, unit=second)
    HouseholdFactory.create_batch(4, unit=third)
    alert = send_alert(people.police_a, [people.commune_a], fan_out=False)
    batches = []

    def die_after_the_second_batch(alert_id):
        batches.append(alert_id)
        if len(batches) == 2:
            raise WorkerDied

    monkeypatch.setattr(delivery, "after_batch_hook", die_after_the_second_batch)
    with pytest.raises(WorkerDied):
        delivery.fan_out(alert.pk)
    alert.refresh_from_db()
    assert (alert.fanout_done_at, alert.fanout_cursor, alert.recipient_count) == (None, second.pk, 5)
    monkeypatch.setattr(delivery, "after_batch_hook", None)
    delivery.fan_out(alert.pk)  # the restarted worker
    alert.refresh_from_db()
    rows = Delivery.objects.filter(alert=alert, channel=Channel.INAPP)
    assert (rows.count(), rows.values("household_id").distinct().count(), alert.recipient_count) == (9, 9, 9)
    assert alert.fanout_done_at is not None


def test_a_crash_inside_a_batch_rolls_the_batch_back(people, send_alert, monkeypatch):
    alert = send_alert(people.police_a, [people.group_a], fan_out=False)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(delivery, "_household_people", broken)
    with pytest.raises(RuntimeError):
        delivery.fan_out(alert.pk)
    alert.refresh_from_db()
    assert (Delivery.objects.filter(alert=alert).count(), alert.fanout_cursor) == (0, 0)
    monkeypatch.undo()
    delivery.fan_out(alert.pk)
    assert inapp_households(alert) == sorted([people.household_a.pk, people.neighbour_home.pk])


def test_cancelled_alert_stops_its_fan_out(people, send_alert):
    alert = send_alert(people.police_a, [people.group_a], fan_out=False)
    services.alert_cancel(actor=people.police_a, alert=alert)
    assert (delivery.fan_out(alert.pk), Delivery.objects.filter(alert=alert).count()) == (0, 0)


def test_a_circle_narrows_to_groups_whose_centre_is_inside(people, send_alert):
    people.group_a.centre_lat, people.group_a.centre_lon = 20.95, 107.05
    people.group_a.save()
    far = UnitFactory(code="7090-009", level="group", parent=people.commune_a, centre_lat=21.5, centre_lon=107.5)
    no_centre = UnitFactory(code="7090-010", level="group", parent=people.commune_a)
    HouseholdFactory(unit=far)
    HouseholdFactory(unit=no_centre)
    alert = send_alert(people.police_a, [people.commune_a], circle={"lat": 20.95, "lon": 107.05, "radius_km": 2})
    assert inapp_households(alert) == sorted([people.household_a.pk, people.neighbour_home.pk])


def test_a_polygon_narrows_too(people, send_alert):
    people.group_a.centre_lat, people.group_a.centre_lon = 20.95, 107.05
    people.group_a.save()
    far = UnitFactory(code="7090-009", level="group", parent=people.commune_a, centre_lat=21.5, centre_lon=107.5)
    HouseholdFactory(unit=far)
    alert = send_alert(people.police_a, [people.commune_a],
                       polygon=[[20.9, 107.0], [20.9, 107.1], [21.0, 107.1], [21.0, 107.0]])
    assert inapp_households(alert) == sorted([people.household_a.pk, people.neighbour_home.pk])


def test_an_alert_to_roles_reaches_only_those_roles(people, send_alert):
    security = UserFactory(username="security-a")
    grant(security, people.group_a, Role.SECURITY_MEMBER)
    security_b = UserFactory(username="security-b")
    grant(security_b, people.group_b, Role.SECURITY_MEMBER)
    alert = send_alert(people.police_a, [people.commune_a], audience="roles",
                       audience_roles=[Role.GROUP_LEADER, Role.SECURITY_MEMBER])
    assert sorted(Delivery.objects.filter(alert=alert).values_list("user__username", "household_id")) == [
        ("group-leader-a", None), ("security-a", None)]


def test_person_channels_follow_the_subscription(people, send_alert):
    type(people.resident_a).objects.filter(pk=people.resident_a.pk).update(preferred_language="en")
    services.subscription_update(user=people.resident_a, email=True, sms=True, min_severity="moderate")
    services.subscription_update(user=people.neighbour, sms=True, min_severity="extreme")
    alert = send_alert(people.police_a, [people.group_a])  # severe
    rows = Delivery.objects.filter(alert=alert).exclude(channel=Channel.INAPP)
    assert sorted(rows.values_list("user__username", "channel", "status")) == [
        ("resident-a", "email", "queued"), ("resident-a", "sms", "queued")]
    assert delivery.send_due_deliveries() == 2
    assert sorted(rows.values_list("channel", "status")) == [("email", "sent"), ("sms", "sent")]
    message = mail.outbox[0]
    assert (message.to, message.subject) == (["resident-a@example.org"], "[Severe] Theft warning")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/alerts/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert [m["to"] for m in sms.outbox] == ["0911000001"]
    assert delivery.send_due_deliveries() == 0  # never sent twice


def test_topics_filter_but_extreme_always_comes(people, send_alert):
    services.subscription_update(user=people.resident_a, sms=True, topics=["fire"])
    crime = send_alert(people.police_a, [people.group_a], category="crime", severity="severe")
    extreme = send_alert(people.police_a, [people.group_a], category="crime", severity="extreme")
    assert (Delivery.objects.filter(alert=crime, channel="sms").count(),
            Delivery.objects.filter(alert=extreme, channel="sms").count()) == (0, 1)


def test_quiet_hours_defer_all_but_extreme(people):
    subscription = services.subscription_update(user=people.resident_a, sms=True, quiet_start=time(22),
                                                quiet_end=time(6))
    zone = timezone.get_current_timezone()
    night = datetime(2026, 8, 19, 23, 30, tzinfo=zone)
    morning = datetime(2026, 8, 20, 6, 0, tzinfo=zone)
    assert services.quiet_until(subscription, severity="severe", now=night) == morning
    assert services.quiet_until(subscription, severity="extreme", now=night) is None
    assert services.quiet_until(subscription, severity="severe", now=morning + timedelta(hours=3)) is None


def test_failures_are_retried_with_backoff_then_fail_with_a_reason(people, send_alert, settings, monkeypatch):
    settings.BINHAN_ALERTS_MAX_ATTEMPTS = 3
    services.subscription_update(user=people.resident_a, sms=True)
    alert = send_alert(people.police_a, [people.group_a])

    def gateway_down(self, to, text):
        raise ConnectionError("gateway unreachable")

    monkeypatch.setattr(sms.LocmemBackend, "send", gateway_down)
    row = Delivery.objects.get(alert=alert, channel="sms")
    start = timezone.now()
    delivery.send_due_deliveries(now=start)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.error) == ("queued", 1, "ConnectionError: gateway unreachable")
    assert timedelta(seconds=29) < row.next_attempt_at - start < timedelta(seconds=32)
    assert delivery.send_due_deliveries(now=start + timedelta(seconds=10)) == 0  # not due yet
    delivery.send_due_deliveries(now=start + timedelta(seconds=31))
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 2)
    delivery.send_due_deliveries(now=start + timedelta(minutes=5))
    row.refresh_from_db()
    assert (row.status, row.attempts, row.error, row.next_attempt_at) == (
        "failed", 3, "ConnectionError: gateway unreachable", None)


def test_no_phone_is_a_permanent_failure(people, send_alert):
    services.subscription_update(user=people.resident_a, sms=True)
    type(people.resident_a).objects.filter(pk=people.resident_a.pk).update(phone=None)
    alert = send_alert(people.police_a, [people.group_a])
    delivery.send_due_deliveries()
    assert list(Delivery.objects.filter(alert=alert, channel="sms").values_list("status", "error", "attempts")) == [
        ("failed", "no phone number", 1)]


def test_a_row_left_sending_by_a_dead_worker_is_taken_again(people, send_alert):
    services.subscription_update(user=people.resident_a, sms=True)
    alert = send_alert(people.police_a, [people.group_a])
    now = timezone.now()
    Delivery.objects.filter(alert=alert, channel="sms").update(status="sending", next_attempt_at=now)
    assert delivery.send_due_deliveries(now=now + timedelta(minutes=1)) == 0
    assert delivery.send_due_deliveries(now=now + timedelta(minutes=11)) == 1
    assert Delivery.objects.get(alert=alert, channel="sms").status == "sent"


def test_web_push_is_off_without_keys(settings):
    from binhan.alerts import channels

    settings.BINHAN_VAPID_PRIVATE_KEY = ""
    assert channels.get("webpush").is_available() is False
    assert [c.code for c in channels.person_channels()] == ["email", "sms"]
