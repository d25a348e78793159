"""Services: registration, choices and leaving, stream secrets, requests and consent, footage, retention."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from binhan.cameras import crypto, services
from binhan.cameras.models import (
    Camera,
    CameraStatus,
    Footage,
    FootageRequest,
    OwnerKind,
    RequestStatus,
    Sharing,
)
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.models import AuditEvent, OutboxEvent
from tests.cameras.conftest import LAT, LON, MP4, clip, make_camera, make_request
from tests.factories import make_report

FIELDS = {"name": "Ngã ba chợ", "lat": LAT, "lon": LON, "direction": 45, "angle": 90, "range_m": 30,
          "retention_days": 15, "covers": ["intersection", "market"], "notice_posted": True}


def _stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# -- registry ---------------------------------------------------------------------------------------

def test_public_camera_is_registered_audited_and_announced(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        camera = services.camera_register_public(
            actor=world.police_a, unit=world.group_a, fields={**FIELDS, "owner_name": "Thôn 1"},
            funding=[("households", 4_000_000, ""), ("donors", 1_500_000, "Nhà hảo tâm")])
    event = AuditEvent.objects.get(action="camera.create")
    assert (camera.owner_kind, camera.unit_path, event.unit_path, event.changes["covers"]) == (
        OwnerKind.PUBLIC, world.group_a.path, world.group_a.path, [[], ["intersection", "market"]])
    assert sorted(camera.funding.values_list("source", "amount")) == [("donors", 1_500_000), ("households", 4_000_000)]
    assert OutboxEvent.objects.get(name="camera.created").payload == {"camera_id": camera.pk}


@pytest.mark.parametrize("name", ["police_b", "resident_a", "group_leader_a"])
def test_public_camera_elsewhere_or_without_role_changes_nothing(world, name):
    with pytest.raises(PermissionDeniedError):
        services.camera_register_public(actor=getattr(world, name), unit=world.group_a, fields=FIELDS)
    assert (Camera.objects.count(), AuditEvent.objects.filter(action="camera.create").count()) == (0, 0)


def test_household_registers_its_camera(world, owner):
    camera = services.camera_register_private(actor=owner, business=False, fields=FIELDS)
    assert (camera.owner_kind, camera.household, camera.owner_user, camera.unit) == (
        OwnerKind.HOUSEHOLD, world.household_a, owner, world.group_a)


def test_resident_without_household_cannot_register_a_household_camera(world):
    with pytest.raises(PermissionDeniedError):
        services.camera_register_private(actor=world.resident_a, business=False, fields=FIELDS)
    assert Camera.objects.count() == 0


def test_business_needs_its_name(world):
    with pytest.raises(ServiceError) as error:
        services.camera_register_private(actor=world.resident_a, business=True, fields=FIELDS)
    camera = services.camera_register_private(actor=world.resident_a, business=True,
                                              fields={**FIELDS, "owner_name": "Tiệm vàng Kim Thành"})
    assert (error.value.field, camera.owner_kind, camera.unit) == ("owner_name", OwnerKind.BUSINESS, world.group_a)


def test_shared_view_needs_a_stream_and_keeps_it_encrypted(world, owner):
    with pytest.raises(ServiceError) as error:
        services.camera_register_private(actor=owner, business=False, fields={**FIELDS, "sharing": Sharing.SHARED_VIEW})
    camera = services.camera_register_private(actor=owner, business=False, fields={**FIELDS, "sharing": "shared"},
                                              stream_url="rtsp://10.0.0.5:554/live", stream_credentials="admin:pw1")
    raw = Camera.objects.values_list("stream_url_encrypted", "stream_credentials_encrypted").get(pk=camera.pk)
    assert error.value.field == "stream_url"
    assert ("10.0.0.5" in raw[0], "pw1" in raw[1]) == (False, False)
    assert (crypto.decrypt(raw[0]), crypto.decrypt(raw[1])) == ("rtsp://10.0.0.5:554/live", "admin:pw1")
    assert AuditEvent.objects.get(action="camera.create").changes["stream_url_encrypted"] == [
        "[personal data]", "[personal data]"]


def test_stream_with_another_scheme_is_refused(world, owner):
    with pytest.raises(ServiceError) as error:
        services.camera_register_private(actor=owner, business=False, fields=FIELDS, stream_url="file:///etc/passwd")
    assert (error.value.field, Camera.objects.count()) == ("stream_url", 0)


def test_only_the_owner_changes_a_private_camera(world, owner, private_camera):
    with pytest.raises(PermissionDeniedError):
        services.camera_update(actor=world.police_a, camera=private_camera, fields={"retention_days": 1})
    services.camera_update(actor=owner, camera=private_camera, fields={"retention_days": 3})
    assert (Camera.objects.get().retention_days, AuditEvent.objects.get(action="camera.update").changes) == (
        3, {"retention_days": [7, 3]})


def test_owner_leaves_stream_forgotten_and_open_requests_end(world, owner):
    camera = make_camera(world.group_a, owner_kind=OwnerKind.HOUSEHOLD, owner_user=owner, stream="rtsp://x/1")
    pending = make_request(camera)
    refused = make_request(camera, status=RequestStatus.REFUSED)
    services.camera_leave(actor=owner, camera=camera)
    camera.refresh_from_db()
    assert (camera.status, camera.sharing, camera.stream_url_encrypted, camera.left_at is not None) == (
        CameraStatus.REMOVED, Sharing.REGISTER_ONLY, "", True)
    assert [FootageRequest.objects.get(pk=r.pk).status for r in (pending, refused)] == ["withdrawn", "refused"]


# -- stream reveal ----------------------------------------------------------------------------------

def test_reveal_stream_is_audited_with_its_purpose(world):
    camera = make_camera(world.group_a, stream="rtsp://10.1.1.1/ch1")
    assert services.camera_reveal_stream(actor=world.police_a, camera=camera, purpose="Theo dõi vụ cháy") == (
        "rtsp://10.1.1.1/ch1", "viewer:secret")
    event = AuditEvent.objects.get(action="camera.reveal_stream")
    assert (event.actor, event.purpose, event.unit_path) == (world.police_a, "Theo dõi vụ cháy", world.group_a.path)


@pytest.mark.parametrize("name", ["leader_a", "group_leader_a", "police_b", "resident_a", "auditor_a"])
def test_reveal_stream_refused_to_other_roles(world, name):
    camera = make_camera(world.group_a, stream="rtsp://10.1.1.1/ch1")
    with pytest.raises(PermissionDeniedError):
        services.camera_reveal_stream(actor=getattr(world, name), camera=camera, purpose="x")
    assert AuditEvent.objects.filter(action="camera.reveal_stream").count() == 0


def test_reveal_needs_a_purpose_and_a_shared_view(world):
    shared = make_camera(world.group_a, stream="rtsp://10.1.1.1/ch1")
    register_only = make_camera(world.group_a)
    with pytest.raises(ServiceError) as no_purpose:
        services.camera_reveal_stream(actor=world.police_a, camera=shared, purpose="  ")
    with pytest.raises(ServiceError):
        services.camera_reveal_stream(actor=world.police_a, camera=register_only, purpose="x")
    assert (no_purpose.value.field, AuditEvent.objects.filter(action="camera.reveal_stream").count()) == ("purpose", 0)


def test_stream_unreadable_after_key_change(world, settings):
    camera = make_camera(world.group_a, stream="rtsp://10.1.1.1/ch1")
    settings.BINHAN_CAMERAS_KEY = "another secret"
    with pytest.raises(ServiceError):
        services.camera_reveal_stream(actor=world.police_a, camera=camera, purpose="x")
    assert crypto.decrypt(camera.stream_url_encrypted) is None


# -- requests and consent ---------------------------------------------------------------------------

def _ask(world, camera, **overrides):
    now = timezone.now()
    values = {"case_reference": "R-2026-000123", "reason": "Xác minh vụ trộm xe máy",
              "investigator_contact": "Đại úy Hùng 0912", "window_start": now - timedelta(hours=5),
              "window_end": now - timedelta(hours=4), "deadline": now + timedelta(days=2), **overrides}
    return services.request_create(actor=world.police_a, camera=camera, **values)


def test_request_is_audited_and_the_owner_emailed(world, owner, private_camera, django_capture_on_commit_callbacks,
                                                  mailoutbox, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        request = _ask(world, private_camera)
    event = AuditEvent.objects.get(action="footage_request.create")
    assert (request.status, event.purpose, event.unit_path) == ("pending", "Xác minh vụ trộm xe máy", world.group_a.path)
    assert (len(mailoutbox), mailoutbox[0].to, "Trước nhà số 1" in mailoutbox[0].subject) == (
        1, ["owner@example.org"], True)


def test_request_reaches_the_owner_by_sms_only_when_they_opted_in(world, owner, private_camera, settings,
                                                                   django_capture_on_commit_callbacks):
    from binhan.alerts import services as alert_services
    from binhan.alerts import sms

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    owner.phone = "0912345678"
    owner.save(update_fields=["phone"])
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _ask(world, private_camera)  # a phone number alone is not a choice to be texted
    alert_services.subscription_update(user=owner, sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        request = _ask(world, private_camera)
    assert [(m["to"], f"/cameras/mine/requests/{request.pk}/" in m["text"]) for m in sms.outbox] == [
        ("0912345678", True)]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"window_end_hours": 7}, "window_end"),      # longer than the 6-hour limit
    ({"window_end_hours": -1}, "window_end"),     # ends before it starts
    ({"future": True}, "window_end"),             # ends in the future
    ({"deadline_days": -1}, "deadline"),          # deadline passed
    ({"reason": ""}, "reason"),
])
def test_bad_request_is_refused_and_nothing_stored(world, private_camera, overrides, field):
    now = timezone.now()
    start = now - timedelta(hours=10)
    values = {"window_start": start,
              "window_end": now + timedelta(hours=1) if overrides.get("future")
              else start + timedelta(hours=overrides.get("window_end_hours", 1)),
              "deadline": now + timedelta(days=overrides.get("deadline_days", 2))}
    if "reason" in overrides:
        values["reason"] = overrides["reason"]
    with pytest.raises(ServiceError) as error:
        _ask(world, private_camera, **values)
    assert (error.value.field, FootageRequest.objects.count(), AuditEvent.objects.count()) == (field, 0, 0)


def test_police_elsewhere_cannot_request(world, private_camera):
    with pytest.raises(PermissionDeniedError):
        services.request_create(actor=world.police_b, camera=private_camera, case_reference="x", reason="x",
                                investigator_contact="x", window_start=timezone.now() - timedelta(hours=2),
                                window_end=timezone.now() - timedelta(hours=1),
                                deadline=timezone.now() + timedelta(days=1))
    assert FootageRequest.objects.count() == 0


def test_owner_refuses_with_no_consequence(world, owner, private_camera):
    request = make_request(private_camera)
    services.request_answer(actor=owner, request=request, accept=False, note="Camera hỏng hôm đó")
    request.refresh_from_db()
    assert (request.status, request.police_status(), request.answer_note) == (
        "refused", "Refused", "Camera hỏng hôm đó")
    with pytest.raises(ServiceError):
        services.request_answer(actor=owner, request=request, accept=True)


def test_someone_else_cannot_answer(world, private_camera):
    request = make_request(private_camera)
    with pytest.raises(PermissionDeniedError):
        services.request_answer(actor=world.police_a, request=request, accept=True)
    assert FootageRequest.objects.get().status == "pending"


def test_ignored_request_shows_only_no_answer(world, private_camera):
    request = make_request(private_camera, deadline=timezone.now() - timedelta(minutes=1))
    assert (request.status, request.police_status()) == ("pending", "No answer")


def test_accept_then_withdraw_stops_uploads(world, owner, private_camera):
    request = make_request(private_camera)
    services.request_answer(actor=owner, request=request, accept=True)
    services.request_withdraw(actor=owner, request=request)
    with pytest.raises(ServiceError):
        services.footage_upload(actor=owner, request=request, upload=clip())
    assert (FootageRequest.objects.get().status, Footage.objects.count(),
            [e.action for e in AuditEvent.objects.order_by("id")]) == (
        "withdrawn", 0, ["footage_request.answer", "footage_request.withdraw"])


def test_police_cancel(world, private_camera):
    request = make_request(private_camera)
    services.request_cancel(actor=world.police_a, request=request)
    assert FootageRequest.objects.get().status == "cancelled"


# -- footage ----------------------------------------------------------------------------------------

def _accepted(world, owner, camera, report=None):
    request = make_request(camera, report=report, status=RequestStatus.ACCEPTED)
    return request


def test_upload_records_the_hash_and_fulfils(world, owner, private_camera, _media):
    import hashlib

    request = _accepted(world, owner, private_camera)
    footage = services.footage_upload(actor=owner, request=request, upload=clip())
    assert (footage.sha256, footage.size, footage.content_type, FootageRequest.objects.get().status) == (
        hashlib.sha256(MP4).hexdigest(), len(MP4), "video/mp4", "fulfilled")
    assert (len(_stored_files(_media)), footage.file.name.endswith(".mp4")) == (1, True)
    assert AuditEvent.objects.get(action="footage.upload").changes["sha256"] == [None, footage.sha256]


@pytest.mark.parametrize(("data", "name"), [
    (b"%PDF-1.7 not a video" + b"\x00" * 100, "clip.mp4"),         # the name says video; the content does not
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "clip.mov"),
    (b"MZ" + b"\x00" * 200, "clip.webm"),
])
def test_upload_checks_the_content_not_the_name(world, owner, private_camera, _media, data, name):
    request = _accepted(world, owner, private_camera)
    with pytest.raises(ServiceError) as error:
        services.footage_upload(actor=owner, request=request, upload=clip(data, name))
    assert (error.value.field, Footage.objects.count(), _stored_files(_media),
            FootageRequest.objects.get().status) == ("clip", 0, [], "accepted")


def test_oversize_upload_is_refused_and_nothing_stored(world, owner, private_camera, _media, settings):
    settings.BINHAN_CAMERAS_MAX_CLIP_MB = 1
    request = _accepted(world, owner, private_camera)
    with pytest.raises(ServiceError) as error:
        services.footage_upload(actor=owner, request=request, upload=clip(MP4 + b"\x00" * 1024 * 1024))
    assert ("1 MB" in error.value.message, Footage.objects.count(), _stored_files(_media)) == (True, 0, [])


def test_failed_database_write_removes_the_stored_file(world, owner, private_camera, _media, monkeypatch):
    request = _accepted(world, owner, private_camera)

    def fail(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("binhan.cameras.services.audit.record", fail)
    with pytest.raises(RuntimeError):
        services.footage_upload(actor=owner, request=request, upload=clip())
    assert (Footage.objects.count(), _stored_files(_media)) == (0, [])


def test_open_checks_the_hash_and_audits_the_purpose(world, owner, private_camera):
    footage = services.footage_upload(actor=owner, request=_accepted(world, owner, private_camera), upload=clip())
    services.footage_open(actor=world.police_a, footage=footage, purpose="Xem để xác minh", action="view")
    event = AuditEvent.objects.get(action="footage.view")
    assert (event.actor, event.purpose, event.object_id) == (world.police_a, "Xem để xác minh", str(footage.pk))


def test_tampered_clip_is_not_opened_and_the_failure_logged(world, owner, private_camera):
    footage = services.footage_upload(actor=owner, request=_accepted(world, owner, private_camera), upload=clip())
    with default_storage.open(footage.file.name, "wb") as handle:
        handle.write(MP4 + b"tampered")
    with pytest.raises(services.FootageIntegrityError):
        services.footage_open(actor=world.police_a, footage=footage, purpose="Tải về", action="download")
    assert (AuditEvent.objects.filter(action="footage.integrity_failed").count(),
            AuditEvent.objects.filter(action="footage.download").count()) == (1, 0)


@pytest.mark.parametrize("name", ["police_b", "leader_a", "group_leader_a", "resident_a"])
def test_footage_only_for_the_police_of_the_area(world, owner, private_camera, name):
    footage = services.footage_upload(actor=owner, request=_accepted(world, owner, private_camera), upload=clip())
    with pytest.raises(PermissionDeniedError):
        services.footage_open(actor=getattr(world, name), footage=footage, purpose="x")


def test_export_package_has_clips_hashes_and_custody_pdf(world, owner, private_camera):
    report = make_report(unit=world.group_a, lat=LAT, lon=LON)
    request = _accepted(world, owner, private_camera, report=report)
    footage = services.footage_upload(actor=owner, request=request, upload=clip())
    data = services.package_export(actor=world.police_a, request=request, purpose="Chuyển Viện kiểm sát")
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(archive.namelist())
    assert names == ["SHA256SUMS.txt", "custody-log.pdf", f"footage/{footage}.mp4"]
    assert archive.read("SHA256SUMS.txt").decode() == f"{footage.sha256}  footage/{footage}.mp4\n"
    assert (archive.read(f"footage/{footage}.mp4"), archive.read("custody-log.pdf")[:5]) == (MP4, b"%PDF-")
    assert list(AuditEvent.objects.filter(action__in=["footage.download", "footage_request.export"])
                .values_list("action", "purpose").order_by("id")) == [
        ("footage.download", "Chuyển Viện kiểm sát"), ("footage_request.export", "Chuyển Viện kiểm sát")]


# -- retention (time travel) ------------------------------------------------------------------------

def test_retention_deletes_unlinked_footage_after_the_period_and_keeps_the_record(
        world, owner, private_camera, _media, settings, django_capture_on_commit_callbacks):
    settings.BINHAN_CAMERAS_FOOTAGE_KEEP_DAYS = 30
    footage = services.footage_upload(actor=owner, request=_accepted(world, owner, private_camera), upload=clip())
    now = timezone.now()
    assert services.footage_retention(now=now + timedelta(days=29)) == 0
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the deletion is committed
        assert services.footage_retention(now=now + timedelta(days=31)) == 1
    footage.refresh_from_db()
    assert (footage.is_deleted, footage.file.name, footage.sha256 != "", _stored_files(_media)) == (
        True, "", True, [])
    event = AuditEvent.objects.get(action="footage.delete")
    assert (event.actor, event.purpose, event.unit_path) == (None, "retention", world.group_a.path)
    assert services.footage_retention(now=now + timedelta(days=60)) == 0  # idempotent


def test_retention_keeps_footage_of_an_open_case_then_case_close_plus_period(world, owner, private_camera, settings):
    settings.BINHAN_CAMERAS_FOOTAGE_KEEP_DAYS = 30
    settings.BINHAN_CAMERAS_CASE_KEEP_DAYS = 90
    report = make_report(unit=world.group_a, lat=LAT, lon=LON)
    services.footage_upload(actor=owner, request=_accepted(world, owner, private_camera, report=report), upload=clip())
    now = timezone.now()
    assert services.footage_retention(now=now + timedelta(days=400)) == 0  # the case is open
    report.status, report.closed_at = "resolved", now + timedelta(days=100)
    report.save(update_fields=["status", "closed_at"])
    assert services.footage_retention(now=now + timedelta(days=189)) == 0
    assert services.footage_retention(now=now + timedelta(days=191)) == 1


def test_retention_task_uses_the_clock(world, owner, private_camera, monkeypatch):
    from binhan.cameras import tasks

    services.footage_upload(actor=owner, request=_accepted(world, owner, private_camera), upload=clip())
    later = timezone.now() + timedelta(days=45)
    monkeypatch.setattr("binhan.cameras.services.timezone.now", lambda: later)
    assert (tasks.footage_retention.call(), Footage.objects.get().deleted_at) == (1, later)
