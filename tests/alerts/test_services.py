"""Composing, reviewing, sending, cancelling: validation, scoping, audit and events."""

from datetime import timedelta

import pytest
from django.utils import timezone

from binhan.alerts import services
from binhan.alerts.models import Alert, AlertText, Delivery, DeliveryStatus, Status
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.models import AuditEvent, OutboxEvent
from tests.alerts.conftest import make_input


def test_create_stores_texts_targets_audits_and_emits(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alert = services.alert_create(actor=world.police_a, data=make_input([world.group_a]))
    assert (alert.status, alert.unit, alert.unit_path, alert.author) == (
        Status.DRAFT, world.commune_a, world.commune_a.path, world.police_a)
    assert sorted(AlertText.objects.filter(alert=alert).values_list("language", "title")) == [
        ("en", "Theft warning"), ("vi", "Cảnh báo trộm cắp")]
    event = AuditEvent.objects.get(action="alert.create")
    assert (event.object_id, event.unit_path, event.changes["targets"]) == (
        str(alert.pk), world.commune_a.path, [None, ["7090-001"]])
    outbox = OutboxEvent.objects.get(name="alert.created")
    assert (outbox.unit_path, outbox.payload) == (world.commune_a.path,
                                                  {"alert_id": alert.pk, "paths": [world.group_a.path]})


def test_reader_sees_own_language_or_vietnamese(world):
    alert = services.alert_create(actor=world.police_a, data=make_input([world.group_a]))
    assert (alert.text("en").title, alert.text("fr").title, alert.text("vi").title) == (
        "Theft warning", "Cảnh báo trộm cắp", "Cảnh báo trộm cắp")


BAD_INPUT = [
    ({"texts": {"vi": {"title": "Tiêu đề", "body": "  "}}}, "body_vi", "Write the text of the alert."),
    ({"texts": {"en": {"title": "Only English", "body": "Text"}}}, "title_vi", "The Vietnamese text is required."),
    ({"texts": {"vi": {"title": "A", "body": "<script>alert(1)</script>"}}}, "body_vi",
     "Write plain text only: remove the HTML tags or script."),
    ({"texts": {"vi": {"title": "<b>A</b>", "body": "B"}}}, "title_vi",
     "Write plain text only: remove the HTML tags or script."),
    ({"texts": {"vi": {"title": "A", "body": "B"}, "xx": {"title": "A", "body": "B"}}}, "texts",
     "Unknown language: xx"),
    ({"expires_at": timezone.now() - timedelta(hours=2)}, "expires_at", "The alert must expire after it starts."),
    ({"starts_at": timezone.now() - timedelta(days=3), "expires_at": timezone.now() - timedelta(days=2)},
     "expires_at", "The expiry time has already passed."),
    ({"send_at": timezone.now() + timedelta(days=5)}, "send_at", "The alert would be sent after it expires."),
    ({"targets": []}, "targets", "Choose at least one place to send the alert to."),
    ({"severity": "apocalyptic"}, "severity", "Choose a severity."),
    ({"audience": "roles", "audience_roles": []}, "audience_roles",
     "Choose one or more roles among the teams and leaders."),
    ({"audience": "roles", "audience_roles": ["commune_police"]}, "audience_roles",
     "Choose one or more roles among the teams and leaders."),
    ({"circle": {"lat": 21, "lon": 107, "radius_km": 0}}, "circle",
     "The radius must be more than 0 and at most 100 km."),
    ({"circle": {"lat": 95, "lon": 107, "radius_km": 1}}, "circle",
     "The circle's centre is outside the valid range of latitude and longitude."),
    ({"polygon": [[21, 107], [21, 107]]}, "polygon", "A polygon needs at least three different points."),
    ({"texts": {"vi": {"title": "A" * 161, "body": "B"}}}, "title_vi", "Please keep it under 160 characters."),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_and_nothing_written(world, overrides, field, message):
    with pytest.raises(ServiceError) as caught:
        services.alert_create(actor=world.police_a,
                              data=make_input(overrides.pop("targets", [world.group_a]), **overrides))
    assert (caught.value.field, str(caught.value.message), Alert.objects.count(),
            AuditEvent.objects.filter(action="alert.create").count()) == (field, message, 0, 0)


def test_oversize_attachment_is_refused(world, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.BINHAN_ALERTS_MAX_ATTACHMENT_MB = 1
    big = SimpleUploadedFile("leaflet.pdf", b"%PDF" + b"0" * (1024 * 1024 + 1), content_type="application/pdf")
    with pytest.raises(ServiceError) as caught:
        services.alert_create(actor=world.police_a, data=make_input([world.group_a], attachment=big))
    assert (caught.value.field, str(caught.value.message), Alert.objects.count()) == (
        "attachment", "The attachment is too large: at most 1 MB.", 0)


@pytest.mark.parametrize(("actor", "target"), [
    ("police_a", "group_b"), ("police_a", "commune_b"), ("police_a", "province"), ("group_leader_a", "commune_a"),
    ("resident_a", "group_a"), ("auditor_a", "group_a"), ("outsider", "group_a"), ("leader_a", "nation"),
])
def test_area_outside_own_units_is_forbidden(world, actor, target):
    with pytest.raises(PermissionDeniedError):
        services.alert_create(actor=getattr(world, actor), data=make_input([getattr(world, target)]))
    assert Alert.objects.count() == 0


def test_whole_province_needs_the_province_role(world):
    alert = services.alert_create(actor=world.province_leader, data=make_input([world.province]))
    assert alert.unit == world.province


def test_group_leader_sends_to_own_group_from_the_group(world):
    alert = services.alert_create(actor=world.group_leader_a, data=make_input([world.group_a]))
    assert alert.unit == world.group_a


def test_send_without_approval_setting_sends(world, django_capture_on_commit_callbacks):
    alert = services.alert_create(actor=world.police_a, data=make_input([world.group_a]))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alert = services.alert_send(actor=world.police_a, alert=alert)
    assert (alert.status, alert.sent_at is not None, len(callbacks) >= 1) == (Status.SENT, True, True)
    assert list(AuditEvent.objects.filter(action="alert.send").values_list("changes", flat=True))[0]["status"] == [
        "draft", "sent"]


def test_above_the_approval_severity_a_second_person_must_approve(world, settings):
    settings.BINHAN_ALERTS_APPROVAL_SEVERITY = "severe"
    alert = services.alert_create(actor=world.police_a, data=make_input([world.group_a], severity="extreme"))
    alert = services.alert_send(actor=world.police_a, alert=alert)
    assert alert.status == Status.REVIEW
    with pytest.raises(PermissionDeniedError):
        services.alert_approve(actor=world.police_a, alert=alert)
    with pytest.raises(PermissionDeniedError):
        services.alert_approve(actor=world.police_b, alert=alert)
    with pytest.raises(ServiceError):
        services.alert_send(actor=world.police_a, alert=alert)
    alert = services.alert_approve(actor=world.leader_a, alert=alert)
    assert (alert.status, alert.approved_by) == (Status.SENT, world.leader_a)
    assert AuditEvent.objects.filter(action__in=["alert.submit", "alert.approve", "alert.send"]).count() == 3


def test_below_the_approval_severity_sends_at_once(world, settings):
    settings.BINHAN_ALERTS_APPROVAL_SEVERITY = "severe"
    alert = services.alert_create(actor=world.police_a, data=make_input([world.group_a], severity="moderate"))
    assert services.alert_send(actor=world.police_a, alert=alert).status == Status.SENT


def test_returned_alert_goes_back_to_draft(world, settings):
    settings.BINHAN_ALERTS_APPROVAL_SEVERITY = "minor"
    alert = services.alert_send(actor=world.police_a,
                                alert=services.alert_create(actor=world.police_a, data=make_input([world.group_a])))
    alert = services.alert_return_to_draft(actor=world.leader_a, alert=alert)
    assert alert.status == Status.DRAFT


def test_scheduled_alert_is_sent_when_due(world):
    later = timezone.now() + timedelta(hours=2)
    alert = services.alert_create(actor=world.police_a, data=make_input([world.group_a], send_at=later))
    alert = services.alert_send(actor=world.police_a, alert=alert)
    assert alert.status == Status.SCHEDULED
    assert services.send_due() == 0
    assert services.send_due(now=later + timedelta(seconds=1)) == 1
    alert.refresh_from_db()
    assert alert.status == Status.SENT


def test_update_only_drafts_and_audits_the_difference(world):
    first = make_input([world.group_a])
    alert = services.alert_create(actor=world.police_a, data=first)
    services.alert_update(actor=world.police_a, alert=alert, data=make_input(
        [world.group_a], severity="minor", starts_at=first.starts_at, expires_at=first.expires_at))
    assert AuditEvent.objects.get(action="alert.update").changes == {"severity": ["severe", "minor"]}
    services.alert_send(actor=world.police_a, alert=alert)
    with pytest.raises(ServiceError):
        services.alert_update(actor=world.police_a, alert=alert, data=make_input([world.group_a]))


def test_other_commune_cannot_send_or_cancel(world):
    alert = services.alert_create(actor=world.police_a, data=make_input([world.group_a]))
    for action in (services.alert_send, services.alert_cancel):
        with pytest.raises(PermissionDeniedError):
            action(actor=world.police_b, alert=alert)
    alert.refresh_from_db()
    assert alert.status == Status.DRAFT


def test_cancel_stops_queued_messages(people, send_alert):
    services.subscription_update(user=people.resident_a, email=True)
    alert = send_alert(people.police_a, [people.group_a])
    assert Delivery.objects.filter(alert=alert, channel="email", status=DeliveryStatus.QUEUED).count() == 1
    services.alert_cancel(actor=people.police_a, alert=alert, reason="Nhầm địa bàn")
    assert list(Delivery.objects.filter(alert=alert, channel="email").values_list("status", "error")) == [
        (DeliveryStatus.FAILED, "alert cancelled")]
    with pytest.raises(ServiceError):
        services.alert_cancel(actor=people.police_a, alert=alert)


def test_expire_due(world, send_alert):
    alert = send_alert(world.police_a, [world.group_a])
    assert services.expire_due(now=alert.expires_at + timedelta(seconds=1)) == 1
    alert.refresh_from_db()
    assert alert.status == Status.EXPIRED
