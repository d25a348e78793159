"""Writes to the camera registry, footage requests and footage. Each one validates, saves, audits and
emits an event in one transaction. Every view or download of footage is audited with its purpose."""

from __future__ import annotations

import dataclasses
import io
import uuid
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.accounts.roles import Role
from binhan.cameras import crypto, media, notify
from binhan.cameras.models import (
    Camera,
    CameraStatus,
    Footage,
    FootageRequest,
    Funding,
    OwnerKind,
    RequestStatus,
    Sharing,
)
from binhan.cameras.roles import POLICE_ROLES, REGISTRY_ROLES, STREAM_ROLES
from binhan.core import audit, events, scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.geo.models import AdministrativeUnit, Level

EDITABLE = ("name", "owner_name", "contact_email", "lat", "lon", "direction", "angle", "range_m",
            "mount_height_m", "outdoor", "covers", "recording", "retention_days", "notice_posted",
            "installed_on", "status", "sharing")
STREAM_SCHEMES = ("rtsp://", "rtsps://", "http://", "https://")


def _clean(value: str, *, field: str, limit: int, required: bool = False, message: str = "") -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ServiceError(message or _("This field is required."), field=field)
    if len(value) > limit:
        raise ServiceError(_("Please keep it under %(limit)s characters.") % {"limit": limit}, field=field)
    return value


def _full_clean(obj, exclude=()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ServiceError(messages[0], field=None if field == "__all__" else field) from None


def is_owner(actor, camera: Camera) -> bool:
    return bool(actor and actor.is_authenticated and camera.owner_user_id == actor.pk)


def can_edit(actor, camera: Camera) -> bool:
    if camera.is_private:
        return is_owner(actor, camera)
    return scoping.can_see_path(actor, camera.unit_path, roles=REGISTRY_ROLES)


def _set_stream(camera: Camera, stream_url: str | None, stream_credentials: str | None) -> dict:
    changes = {}
    if stream_url is not None:
        stream_url = _clean(stream_url, field="stream_url", limit=500)
        if stream_url and not stream_url.lower().startswith(STREAM_SCHEMES):
            raise ServiceError(_("A stream address starts with rtsp://, rtsps://, http:// or https://."),
                               field="stream_url")
        if stream_url != (crypto.decrypt(camera.stream_url_encrypted) or ""):
            camera.stream_url_encrypted = crypto.encrypt(stream_url)
            changes["stream_url_encrypted"] = [None, None]
    if stream_credentials is not None:
        stream_credentials = _clean(stream_credentials, field="stream_credentials", limit=300)
        if stream_credentials != (crypto.decrypt(camera.stream_credentials_encrypted) or ""):
            camera.stream_credentials_encrypted = crypto.encrypt(stream_credentials)
            changes["stream_credentials_encrypted"] = [None, None]
    return changes


def _apply(camera: Camera, fields: dict) -> dict:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ServiceError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    before = audit.snapshot(camera, list(fields))
    for name, value in fields.items():
        setattr(camera, name, value.strip() if isinstance(value, str) else value)
    if not isinstance(camera.covers, list):
        raise ServiceError(_("Choose what the camera covers from the list."), field="covers")
    return audit.diff(before, audit.snapshot(camera, list(fields)))


def _check_shared_has_stream(camera: Camera) -> None:
    if camera.sharing == Sharing.SHARED_VIEW and not camera.stream_url_encrypted:
        raise ServiceError(_("To share the view, give the stream address the police may open."), field="stream_url")


@transaction.atomic
def camera_register_public(*, actor, unit: AdministrativeUnit, fields: dict, stream_url: str = "",
                           stream_credentials: str = "", funding: list[tuple[str, int, str]] = ()) -> Camera:
    """The police or the commune register a camera paid by a unit, a model, households or donors."""
    if unit.level != Level.GROUP:
        raise ServiceError(_("A camera belongs to a residential group or village."), field="unit")
    if not scoping.can_see_path(actor, unit.path, roles=REGISTRY_ROLES):
        raise PermissionDeniedError(_("You may only register cameras under your own units."))
    camera = Camera(unit=unit, unit_path=unit.path, owner_kind=OwnerKind.PUBLIC)
    return _create(actor, camera, fields, stream_url, stream_credentials, funding)


@transaction.atomic
def camera_register_private(*, actor, business: bool, fields: dict, stream_url: str = "",
                            stream_credentials: str = "") -> Camera:
    """A household or a business registers its own camera, and chooses what it shares."""
    if business:
        membership = actor.memberships.filter(role=Role.RESIDENT, unit__level=Level.GROUP).select_related("unit").first()
        unit = membership.unit if membership else (actor.household.unit if actor.household_id else None)
        if unit is None:
            raise PermissionDeniedError(_("Join your residential group first, then register the camera."))
        if not (fields.get("owner_name") or "").strip():
            raise ServiceError(_("Give the business's name."), field="owner_name")
        camera = Camera(unit=unit, unit_path=unit.path, owner_kind=OwnerKind.BUSINESS, owner_user=actor)
    else:
        if not actor.household_id:
            raise PermissionDeniedError(_("Only a resident with a household may register a household camera."))
        household = actor.household
        camera = Camera(unit=household.unit, unit_path=household.unit_path, owner_kind=OwnerKind.HOUSEHOLD,
                        household=household, owner_user=actor)
    return _create(actor, camera, fields, stream_url, stream_credentials, ())


def _create(actor, camera, fields, stream_url, stream_credentials, funding) -> Camera:
    fields = {"name": "", **fields}
    fields["name"] = _clean(fields["name"], field="name", limit=120, required=True,
                            message=_("Give the camera a name people recognise (a place)."))
    changes = _apply(camera, fields)
    changes.update(_set_stream(camera, stream_url, stream_credentials))
    _check_shared_has_stream(camera)
    _full_clean(camera, exclude=("unit", "household", "owner_user"))
    camera.save()
    for source, amount, note in funding:
        row = Funding(camera=camera, source=source, amount=amount, note=note)
        _full_clean(row, exclude=("camera",))
        row.save()
    audit.record(actor=actor, action="camera.create", obj=camera, changes=changes)
    events.publish("camera.created", unit_path=camera.unit_path, camera_id=camera.pk)
    return camera


@transaction.atomic
def camera_update(*, actor, camera: Camera, fields: dict, stream_url: str | None = None,
                  stream_credentials: str | None = None) -> Camera:
    """The owner (or, for a public camera, its unit) changes the camera's details or choices."""
    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    if not can_edit(actor, camera):
        raise PermissionDeniedError(_("Only the camera's owner may change it."))
    if camera.left_at is not None:
        raise ServiceError(_("This camera has left the registry."))
    changes = _apply(camera, fields)
    if "name" in fields:
        camera.name = _clean(camera.name, field="name", limit=120, required=True)
    changes.update(_set_stream(camera, stream_url, stream_credentials))
    _check_shared_has_stream(camera)
    _full_clean(camera, exclude=("unit", "household", "owner_user"))
    if changes:
        camera.save()
        audit.record(actor=actor, action="camera.update", obj=camera, changes=changes)
        events.publish("camera.changed", unit_path=camera.unit_path, camera_id=camera.pk)
    return camera


@transaction.atomic
def camera_leave(*, actor, camera: Camera) -> Camera:
    """A private owner leaves the registry: no more sharing, the stream is forgotten, open requests end.

    Footage already handed over as evidence stays under the police's retention rules.
    """
    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    if not is_owner(actor, camera):
        raise PermissionDeniedError(_("Only the camera's owner may take it out of the registry."))
    if camera.left_at is not None:
        return camera
    now = timezone.now()
    camera.left_at, camera.status, camera.sharing = now, CameraStatus.REMOVED, Sharing.REGISTER_ONLY
    camera.stream_url_encrypted = camera.stream_credentials_encrypted = ""
    camera.save()
    ended = FootageRequest.objects.filter(camera=camera, status__in=[RequestStatus.PENDING, RequestStatus.ACCEPTED])
    ended_ids = list(ended.values_list("pk", flat=True))
    ended.update(status=RequestStatus.WITHDRAWN, answered_at=now)
    audit.record(actor=actor, action="camera.leave", obj=camera, changes={"requests_withdrawn": ended_ids})
    events.publish("camera.changed", unit_path=camera.unit_path, camera_id=camera.pk)
    for request_id in ended_ids:  # each request's outcome changed (statistics)
        events.publish("footage_request.answered", unit_path=camera.unit_path, request_id=request_id)
    return camera


def camera_reveal_stream(*, actor, camera: Camera, purpose: str) -> tuple[str, str]:
    """The stream address and credentials of a shared camera, for allowed roles, audited with the reason."""
    if not scoping.can_see_path(actor, camera.unit_path, roles=STREAM_ROLES):
        raise PermissionDeniedError(_("Only the police of this area may open a camera's stream."))
    if camera.sharing != Sharing.SHARED_VIEW or not camera.has_stream or camera.left_at:
        raise ServiceError(_("The owner does not share this camera's view."))
    purpose = _clean(purpose, field="purpose", limit=500, required=True,
                     message=_("Please say why you need to open this stream."))
    url, credentials = crypto.decrypt(camera.stream_url_encrypted), crypto.decrypt(camera.stream_credentials_encrypted)
    if url is None:
        raise ServiceError(_("The stream details cannot be read with the current key; ask the owner to enter them "
                             "again."))
    audit.record(actor=actor, action="camera.reveal_stream", obj=camera, purpose=purpose)
    return url, credentials or ""


# -- footage requests -------------------------------------------------------------------------------

@transaction.atomic
def request_create(*, actor, camera: Camera, case_reference: str, reason: str, investigator_contact: str,
                   window_start, window_end, deadline, report=None) -> FootageRequest:
    """The police ask the owner for a time window of footage; the owner is told in the app, by email, and by
    Web Push or SMS where they opted in."""
    if not scoping.can_see_path(actor, camera.unit_path, roles=POLICE_ROLES):
        raise PermissionDeniedError(_("Only the police of this area may ask for footage."))
    if camera.left_at is not None or camera.status == CameraStatus.REMOVED:
        raise ServiceError(_("This camera is no longer in the registry."))
    if report is not None and not scoping.can_see_path(actor, report.unit_path, roles=POLICE_ROLES):
        raise PermissionDeniedError(_("Only the police of this area may ask for footage."))
    now = timezone.now()
    if window_end <= window_start:
        raise ServiceError(_("The window must end after it starts."), field="window_end")
    hours = settings.BINHAN_CAMERAS_MAX_WINDOW_HOURS
    if window_end - window_start > timedelta(hours=hours):
        raise ServiceError(_("Ask for at most %(hours)s hours of footage at a time.") % {"hours": hours},
                           field="window_end")
    if window_end > now:
        raise ServiceError(_("The window cannot end in the future."), field="window_end")
    if deadline <= now:
        raise ServiceError(_("The deadline must be in the future."), field="deadline")
    request = FootageRequest(
        camera=camera, unit_path=camera.unit_path, report=report, requested_by=actor, created_at=now,
        case_reference=_clean(case_reference or (report.reference if report else ""), field="case_reference",
                              limit=60, required=True, message=_("Give the case or report reference.")),
        reason=_clean(reason, field="reason", limit=500, required=True, message=_("Say why the footage is needed.")),
        investigator_contact=_clean(investigator_contact, field="investigator_contact", limit=160, required=True,
                                    message=_("Say how the owner can reach the investigator.")),
        window_start=window_start, window_end=window_end, deadline=deadline)
    _full_clean(request, exclude=("camera", "report", "requested_by"))
    request.save()
    audit.record(actor=actor, action="footage_request.create", obj=request, purpose=request.reason,
                 changes={"camera": [None, camera.pk], "report": [None, report.pk if report else None],
                          "window": [None, [window_start.isoformat(), window_end.isoformat()]]})
    events.publish("footage_request.created", unit_path=request.unit_path, request_id=request.pk,
                   camera_id=camera.pk)
    # Email when there is an address; Web Push and SMS only where the owner opted in (their alert
    # subscription). Nothing about this reaches the police: they learn only the owner's answer.
    targets = ["email"] if (camera.owner_user_id or camera.contact_email) else []
    targets += notify.owner_channels(camera.owner_user) if camera.owner_user_id else []
    if targets:
        from binhan.cameras import tasks

        for channel in targets:
            transaction.on_commit(lambda channel=channel: tasks.notify_owner.enqueue(request_id=request.pk,
                                                                                     channel=channel))
    return request


def _owner_request(actor, request: FootageRequest) -> FootageRequest:
    request = FootageRequest.objects.select_for_update().select_related("camera").get(pk=request.pk)
    if not is_owner(actor, request.camera):
        raise PermissionDeniedError(_("Only the camera's owner may answer this request."))
    return request


@transaction.atomic
def request_answer(*, actor, request: FootageRequest, accept: bool, note: str = "") -> FootageRequest:
    """The owner accepts or refuses. Refusing has no consequence for them."""
    request = _owner_request(actor, request)
    if request.status != RequestStatus.PENDING:
        raise ServiceError(_("This request has already been answered."))
    before = request.status
    request.status = RequestStatus.ACCEPTED if accept else RequestStatus.REFUSED
    request.answered_at = timezone.now()
    request.answer_note = _clean(note, field="note", limit=500)
    request.save(update_fields=["status", "answered_at", "answer_note"])
    audit.record(actor=actor, action="footage_request.answer", obj=request, changes={"status": [before, request.status]})
    events.publish("footage_request.answered", unit_path=request.unit_path, request_id=request.pk)
    return request


@transaction.atomic
def request_withdraw(*, actor, request: FootageRequest) -> FootageRequest:
    """The owner takes back an acceptance before sending footage (or after: no further clips)."""
    request = _owner_request(actor, request)
    if request.status not in (RequestStatus.ACCEPTED, RequestStatus.FULFILLED):
        raise ServiceError(_("Only an accepted request can be withdrawn."))
    before = request.status
    request.status, request.answered_at = RequestStatus.WITHDRAWN, timezone.now()
    request.save(update_fields=["status", "answered_at"])
    audit.record(actor=actor, action="footage_request.withdraw", obj=request,
                 changes={"status": [before, request.status]})
    events.publish("footage_request.answered", unit_path=request.unit_path, request_id=request.pk)
    return request


@transaction.atomic
def request_cancel(*, actor, request: FootageRequest) -> FootageRequest:
    """The police no longer need the footage."""
    request = FootageRequest.objects.select_for_update().get(pk=request.pk)
    if not scoping.can_see_path(actor, request.unit_path, roles=POLICE_ROLES):
        raise PermissionDeniedError(_("Only the police of this area may cancel this request."))
    if not request.is_open:
        raise ServiceError(_("This request is already closed."))
    before = request.status
    request.status = RequestStatus.CANCELLED
    request.save(update_fields=["status"])
    audit.record(actor=actor, action="footage_request.cancel", obj=request, changes={"status": [before, request.status]})
    events.publish("footage_request.answered", unit_path=request.unit_path, request_id=request.pk)
    return request


# -- footage ----------------------------------------------------------------------------------------

def footage_upload(*, actor, request: FootageRequest, upload) -> Footage:
    """The owner sends a clip for an accepted request. Checked by content and size, hashed on arrival.

    Nothing is half-stored: the file is checked before it is written, and removed again if the
    database write fails.
    """
    checked = media.check_clip(upload)
    name = None
    try:
        with transaction.atomic():
            request = _owner_request(actor, request)
            if request.status not in (RequestStatus.ACCEPTED, RequestStatus.FULFILLED):
                raise ServiceError(_("Accept the request before sending footage."), field="clip")
            now = timezone.now()
            name = default_storage.save(f"cameras/footage/{now:%Y/%m}/{uuid.uuid4().hex}.{checked.extension}", upload)
            footage = Footage(request=request, camera=request.camera, unit_path=request.unit_path,
                              report_id=request.report_id, file=name, content_type=checked.content_type,
                              size=checked.size, sha256=checked.sha256, uploaded_by=actor, uploaded_at=now)
            footage.save()
            before = request.status
            request.status = RequestStatus.FULFILLED
            request.save(update_fields=["status"])
            audit.record(actor=actor, action="footage.upload", obj=footage,
                         changes={"sha256": [None, footage.sha256], "size": [None, footage.size],
                                  "request_status": [before, request.status]})
            events.publish("footage.uploaded", unit_path=footage.unit_path, request_id=request.pk,
                           footage_id=footage.pk)
    except BaseException:
        if name:
            default_storage.delete(name)
        raise
    return footage


class FootageIntegrityError(ServiceError):
    """The stored file no longer matches the hash recorded at arrival."""


def footage_open(*, actor, footage: Footage, purpose: str, action: str = "view") -> Footage:
    """Check the actor, the purpose and the file's hash; audit the view or download. Returns the footage."""
    if action not in ("view", "download"):
        raise ServiceError(_("Unknown action."))
    if not scoping.can_see_path(actor, footage.unit_path, roles=POLICE_ROLES):
        raise PermissionDeniedError(_("Only the police of this area may open footage."))
    if footage.is_deleted:
        raise ServiceError(_("This clip was deleted when its retention period ended."))
    purpose = _clean(purpose, field="purpose", limit=500, required=True,
                     message=_("Please say why you open this footage."))
    try:
        intact = bool(footage.file.name) and media.file_sha256(footage.file) == footage.sha256
    except OSError:  # the file is missing from storage
        intact = False
    if not intact:
        audit.record(actor=actor, action="footage.integrity_failed", obj=footage, purpose=purpose)
        raise FootageIntegrityError(_("This clip does not match the hash recorded when it arrived. It was not opened; "
                                "the failure is in the custody log."))
    audit.record(actor=actor, action=f"footage.{action}", obj=footage, purpose=purpose,
                 changes={"sha256": footage.sha256})
    return footage


def package_export(*, actor, request: FootageRequest, purpose: str) -> bytes:
    """A ZIP for prosecutors: the clips, their SHA-256 sums and the custody log as a PDF."""
    from binhan.cameras import custody

    if not scoping.can_see_path(actor, request.unit_path, roles=POLICE_ROLES):
        raise PermissionDeniedError(_("Only the police of this area may export footage."))
    clips = [item for item in request.footage.all() if not item.is_deleted]
    if not clips:
        raise ServiceError(_("There is no footage to export for this request."))
    for item in clips:
        footage_open(actor=actor, footage=item, purpose=purpose, action="download")
    audit.record(actor=actor, action="footage_request.export", obj=request, purpose=purpose,
                 changes={"footage": [item.pk for item in clips]})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        sums = []
        for item in clips:
            arcname = f"{item}.{item.file.name.rsplit('.', 1)[-1]}"
            with item.file.open("rb") as handle, archive.open(f"footage/{arcname}", "w") as target:
                for chunk in iter(lambda h=handle: h.read(media.CHUNK), b""):
                    target.write(chunk)
            sums.append(f"{item.sha256}  footage/{arcname}\n")
        archive.writestr("SHA256SUMS.txt", "".join(sums))
        archive.writestr("custody-log.pdf", custody.custody_pdf(request=request))
    return buffer.getvalue()


# -- retention and health ---------------------------------------------------------------------------

def footage_due_for_deletion(now=None):
    """Clips whose time is up: not linked to an open case after KEEP days; a closed case plus CASE_KEEP days."""
    from django.db.models import Q

    from binhan.reports.models import OPEN_STATUSES

    now = now or timezone.now()
    keep = now - timedelta(days=settings.BINHAN_CAMERAS_FOOTAGE_KEEP_DAYS)
    case_keep = now - timedelta(days=settings.BINHAN_CAMERAS_CASE_KEEP_DAYS)
    no_case = Q(report__isnull=True, uploaded_at__lt=keep)
    closed_case = (Q(report__isnull=False) & ~Q(report__status__in=OPEN_STATUSES)
                   & Q(report__closed_at__lt=case_keep) & Q(uploaded_at__lt=keep))
    return Footage.objects.filter(deleted_at__isnull=True).filter(no_case | closed_case).order_by("id")


def footage_retention(*, now=None) -> int:
    """Delete the files whose retention has ended; keep each row as the record that it existed. Audited."""
    now = now or timezone.now()
    deleted = 0
    for footage_id in list(footage_due_for_deletion(now).values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            footage = Footage.objects.select_for_update().filter(pk=footage_id, deleted_at__isnull=True).first()
            if footage is None:
                continue
            name = footage.file.name
            footage.file = ""
            footage.deleted_at = now
            footage.deletion_reason = "retention"
            footage.save(update_fields=["file", "deleted_at", "deletion_reason"])
            audit.record(actor=None, action="footage.delete", obj=footage,
                         changes={"file": [name, None], "sha256": footage.sha256}, purpose="retention")
            events.publish("footage.deleted", unit_path=footage.unit_path, request_id=footage.request_id,
                           footage_id=footage.pk)
            transaction.on_commit(lambda name=name: default_storage.delete(name) if name else None)
            deleted += 1
    return deleted


@dataclasses.dataclass
class KeyRotation:
    """What `streams_rotate_key` did, in counts of stored secrets (an address or a credential each)."""

    cameras: int = 0  # cameras with stored stream details
    rotated: int = 0  # re-encrypted with the current key
    current: int = 0  # already under the current key, left as they were
    unreadable: int = 0  # no configured key opens them: left as they were, never lost
    unreadable_cameras: list[int] = dataclasses.field(default_factory=list)


ROTATED_FIELDS = ("stream_url_encrypted", "stream_credentials_encrypted")


def streams_rotate_key(*, batch_size: int = 500, dry_run: bool = False, progress=None) -> KeyRotation:
    """An operator rotates the stream key: every stored stream address and credential is re-encrypted
    with the current key, a batch of cameras per transaction, so writers are never held long.

    Idempotent (a secret already under the current key is not rewritten), and one audit event
    records the counts, never a secret. Run again after an interruption: what was done stays done.
    """
    result = KeyRotation()
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(Camera.objects.select_for_update().filter(pk__gt=last_pk)
                         .exclude(stream_url_encrypted="", stream_credentials_encrypted="")
                         .only("pk", *ROTATED_FIELDS).order_by("pk")[:batch_size])
            if not batch:
                break
            changed = []
            for camera in batch:
                result.cameras += 1
                dirty = False
                for name in ROTATED_FIELDS:
                    if not getattr(camera, name):
                        continue
                    rotation = crypto.rotate(getattr(camera, name))
                    if rotation.state == crypto.UNREADABLE:
                        result.unreadable += 1
                        if camera.pk not in result.unreadable_cameras:
                            result.unreadable_cameras.append(camera.pk)
                    elif rotation.state == crypto.ROTATED:
                        result.rotated += 1
                        setattr(camera, name, rotation.token)
                        dirty = True
                    else:
                        result.current += 1
                if dirty:
                    changed.append(camera)
            if changed and not dry_run:
                # Not `save()`: a new key is not a change of the camera (updated_at stays).
                Camera.objects.bulk_update(changed, ROTATED_FIELDS)
            last_pk = batch[-1].pk
        if progress is not None:
            progress(result)
    if not dry_run:
        audit.record(actor=None, action="camera.rotate_key", object_type=Camera._meta.label_lower, unit_path="",
                     changes={"cameras": result.cameras, "rotated": result.rotated, "current": result.current,
                              "unreadable": result.unreadable,
                              "unreadable_cameras": result.unreadable_cameras[:1000]},
                     purpose="key rotation")
    return result


def camera_record_health(*, camera_id: int, reachable: bool, now=None) -> None:
    """The health check's result: a system write, not a person's, so no audit row (it holds no personal data)."""
    now = now or timezone.now()
    values = {"last_checked_at": now, "reachable": reachable}
    if reachable:
        values["last_reachable_at"] = now
    Camera.objects.filter(pk=camera_id).update(**values)
