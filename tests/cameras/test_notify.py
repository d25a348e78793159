"""A footage request on the owner's alert channels: Web Push and SMS where they opted in, nowhere else,
with only the reference, window, deadline and link; and nothing of it reaches the police."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from binhan.alerts import services as alert_services
from binhan.alerts.models import Delivery, PushSubscription
from binhan.cameras import notify, services, tasks
from binhan.core.models import AuditEvent, OutboxEvent
from tests.cameras.conftest import make_camera

REASON, CONTACT = "Xác minh vụ trộm xe máy nhà ông Ba", "Đại úy Hùng 0912000111"


@pytest.fixture
def channels(settings, tmp_path, monkeypatch):
    """The real local variants the alerts tests use: the file SMS gateway, and Web Push whose push
    service (pywebpush's endpoint call) is the only thing replaced."""
    import pywebpush

    settings.BINHAN_SMS_BACKEND, settings.BINHAN_SMS_FILE = "file", str(tmp_path / "sms" / "outbox.jsonl")
    settings.BINHAN_VAPID_PUBLIC_KEY, settings.BINHAN_VAPID_PRIVATE_KEY = "public", "private"
    settings.BINHAN_SITE_URL = "https://binhan.example.vn"
    pushed: list[tuple[str, dict]] = []

    def push_service(*, subscription_info, data, **kwargs):
        pushed.append((subscription_info["endpoint"], json.loads(data)))

    monkeypatch.setattr(pywebpush, "webpush", push_service)

    class Sent:
        push = pushed

        @staticmethod
        def sms() -> list[dict]:
            path = tmp_path / "sms" / "outbox.jsonl"
            return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    return Sent


@pytest.fixture
def opted_in(owner):
    owner.phone = "0912345678"
    owner.save(update_fields=["phone"])
    alert_services.subscription_update(user=owner, sms=True)
    alert_services.push_subscribe(user=owner, endpoint="https://push.example.org/owner-phone", p256dh="k", auth="a")
    return owner


def _ask(world, camera):
    now = timezone.now()
    return services.request_create(actor=world.police_a, camera=camera, case_reference="R-2026-000123", reason=REASON,
                                   investigator_contact=CONTACT, window_start=now - timedelta(hours=5),
                                   window_end=now - timedelta(hours=4), deadline=now + timedelta(days=2))


def test_opted_in_owner_gets_push_and_sms_with_only_what_they_need(world, opted_in, private_camera, channels, settings,
                                                                   mailoutbox, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        request = _ask(world, private_camera)
    link = f"https://binhan.example.vn/cameras/mine/requests/{request.pk}/"
    [(endpoint, data)] = channels.push
    [sms] = channels.sms()
    assert (endpoint, data["url"], "R-2026-000123" in data["title"], sms["to"], sms["text"].endswith(link),
            "R-2026-000123" in sms["text"], len(mailoutbox)) == (
        "https://push.example.org/owner-phone", link, True, "0912345678", True, True, 1)
    leaked = [text for text in (REASON, CONTACT, private_camera.name, opted_in.username)
              if text in json.dumps(data, ensure_ascii=False) + sms["text"]]
    assert leaked == []


def test_opted_out_owner_gets_only_the_email(world, owner, private_camera, channels, settings, mailoutbox,
                                             django_capture_on_commit_callbacks):
    """A phone and a registered browser are not consent: the owner switched both channels off."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    owner.phone = "0912345678"
    owner.save(update_fields=["phone"])
    PushSubscription.objects.create(user=owner, endpoint="https://push.example.org/old", p256dh="k", auth="a")
    alert_services.subscription_update(user=owner, sms=False, webpush=False, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(world, private_camera)
    assert (channels.push, channels.sms(), [m.to for m in mailoutbox]) == ([], [], [["owner@example.org"]])


def test_owner_who_opts_out_after_the_request_gets_nothing_more(world, opted_in, private_camera, channels):
    request = _ask(world, private_camera)
    alert_services.subscription_update(user=opted_in, sms=False, webpush=False)
    sent = [tasks.notify_owner.call(request_id=request.pk, channel=code) for code in notify.CHANNELS]
    assert (sent, channels.push, channels.sms()) == ([False, False], [], [])


def test_neighbour_opted_in_gets_nothing_of_someone_elses_request(world, owner, private_camera, channels, settings,
                                                                  django_capture_on_commit_callbacks):
    from tests.factories import UserFactory

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    neighbour = UserFactory(username="neighbour", phone="0911222333", household=world.household_a)
    alert_services.subscription_update(user=neighbour, sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(world, private_camera)
    assert (channels.sms(), channels.push) == ([], [])


def test_police_learn_nothing_of_how_the_owner_was_reached(client, world, opted_in, private_camera, channels, settings,
                                                           token_for, django_capture_on_commit_callbacks):
    """Whether and where the owner was told is not the police's business: no delivery row, audit event,
    live event or field changes when the notices go out, so an ignored request stays "no answer"."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    headers = token_for(world.police_a)

    def police_view():
        listed = client.get("/api/v1/cameras/footage-requests", **headers).json()
        return listed, AuditEvent.objects.count(), OutboxEvent.objects.count(), Delivery.objects.count()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _ask(world, private_camera)
    before = police_view()
    for callback in callbacks:
        callback()
    assert (len(channels.push), len(channels.sms()), police_view()) == (1, 1, before)
    assert before[0]["items"][0]["status"] == "pending"


CLOSED = {
    "refused": lambda world, owner, request: services.request_answer(actor=owner, request=request, accept=False),
    "cancelled": lambda world, owner, request: services.request_cancel(actor=world.police_a, request=request),
    "owner left": lambda world, owner, request: services.camera_leave(actor=owner, camera=request.camera),
    # held by quiet hours or retries until the deadline had passed
    "past deadline": lambda world, owner, request: type(request).objects.filter(pk=request.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)),
}


@pytest.mark.parametrize("close", CLOSED.values(), ids=CLOSED.keys())
def test_request_closed_before_the_notice_goes_sends_nothing(world, opted_in, private_camera, channels, close):
    request = _ask(world, private_camera)
    close(world, opted_in, request)
    sent = [tasks.notify_owner.call(request_id=request.pk, channel=code) for code in ("email", *notify.CHANNELS)]
    assert (sent, channels.push, channels.sms()) == ([False, False, False], [], [])


def test_quiet_hours_hold_the_sms_until_they_end(world, opted_in, private_camera, channels):
    now = timezone.localtime()
    start, end = (now - timedelta(hours=1)).time().replace(microsecond=0), (now + timedelta(hours=1)).time().replace(
        second=0, microsecond=0)
    subscription = alert_services.subscription_update(user=opted_in, quiet_start=start, quiet_end=end)
    request = _ask(world, private_camera)
    DBTaskResult.objects.all().delete()
    assert tasks.notify_owner.call(request_id=request.pk, channel="sms") is False
    held = DBTaskResult.objects.get()
    assert (channels.sms(), held.args_kwargs["kwargs"], held.run_after) == (
        [], {"request_id": request.pk, "channel": "sms"},
        alert_services.quiet_until(subscription, severity="minor", now=timezone.now()))


def test_gateway_down_is_retried_later(world, opted_in, private_camera, channels, settings):
    with socket.socket() as probe:  # a port nobody listens on: the gateway is down
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.BINHAN_SMS_BACKEND, settings.BINHAN_SMS_URL = "http", f"http://127.0.0.1:{port}/send"
    request = _ask(world, private_camera)
    DBTaskResult.objects.all().delete()
    with pytest.raises(notify.RetryLater):
        tasks.notify_owner.call(request_id=request.pk, channel="sms")
    retry = DBTaskResult.objects.get()
    assert (retry.args_kwargs["kwargs"], retry.run_after > timezone.now()) == (
        {"request_id": request.pk, "channel": "sms", "_attempt": 2}, True)


def test_owner_without_phone_is_not_retried(world, opted_in, private_camera, channels):
    """A permanent failure (the number was removed since) is not retried."""
    request = _ask(world, private_camera)
    type(opted_in).objects.filter(pk=opted_in.pk).update(phone=None)
    DBTaskResult.objects.all().delete()
    assert (tasks.notify_owner.call(request_id=request.pk, channel="sms"), DBTaskResult.objects.count(),
            channels.sms()) == (False, 0, [])


def test_public_camera_without_an_account_is_told_by_email_only(world, channels, settings, mailoutbox,
                                                                django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    camera = make_camera(world.group_a, contact_email="thon1@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        _ask(world, camera)
    assert ([m.to for m in mailoutbox], channels.push, channels.sms()) == ([["thon1@example.org"]], [], [])
