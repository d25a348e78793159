"""Camera indicators for the statistics (docs/statistics.md, docs/cameras.md#indicators).

Cameras in the registry are a stock (+1 on the day registered, −1 on the day the owner left or the
camera was marked removed), by sharing level and by status now. Footage requests count on the day
they were sent, by their outcome now; "no answer" counts on the day of the deadline (a pending
request's deadline may lie ahead: that +1 is written on its future day and counts once the day
comes, with no event). Clips count on the day received, and on the day retention deleted them.
Counts only: no camera, owner or case is named in a fact.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from binhan.cameras.models import Camera, CameraStatus, Footage, FootageRequest, RequestStatus, Sharing
from binhan.stats.registry import Contribution, Indicator, Source, local_day, register


def _sharing() -> dict[str, str]:
    return dict(Sharing.choices)


def _statuses() -> dict[str, str]:
    return dict(CameraStatus.choices)


def _request_statuses() -> dict[str, str]:
    return dict(RequestStatus.choices)


register(Indicator(
    code="cameras.registered", name=_("Cameras in the registry"), unit=_("cameras"), domain="cameras", order=10,
    aggregation="stock", breakdown=_("sharing"), key_labels=_sharing, public=True, higher_is_better=True,
    definition=_("Public and private cameras registered and still in the registry at the end of the period, by "
                 "what their owner shares now."),
))
register(Indicator(
    code="cameras.by_status", name=_("Cameras by status"), unit=_("cameras"), domain="cameras", order=20,
    aggregation="stock", breakdown=_("status"), key_labels=_statuses,
    definition=_("The same cameras by their status now (a camera that has left shows as removed in the periods "
                 "before it left)."),
))
register(Indicator(
    code="cameras.requests", name=_("Footage requests sent"), unit=_("requests"), domain="cameras", order=30,
    breakdown=_("outcome"), key_labels=_request_statuses,
    definition=_("Requests for footage sent by the police to camera owners, on the day sent, by their outcome now."),
))
register(Indicator(
    code="cameras.requests_accepted", name=_("Footage requests accepted"), unit=_("requests"), domain="cameras",
    order=40, definition=_("Requests sent in the period that the owner accepted (footage received or not) and "
                           "has not withdrawn."),
))
register(Indicator(
    code="cameras.requests_refused", name=_("Footage requests refused"), unit=_("requests"), domain="cameras",
    order=50, definition=_("Requests sent in the period that the owner refused (refusing has no consequence)."),
))
register(Indicator(
    code="cameras.requests_unanswered", name=_("Footage requests with no answer"), unit=_("requests"),
    domain="cameras", order=60, higher_is_better=False,
    definition=_("Requests still waiting for the owner after their deadline, on the day of the deadline."),
))
register(Indicator(
    code="cameras.clips", name=_("Footage clips received"), unit=_("clips"), domain="cameras", order=70,
    definition=_("Clips owners sent for a request, on the day they arrived."),
))
register(Indicator(
    code="cameras.clips_deleted", name=_("Footage clips deleted by retention"), unit=_("clips"), domain="cameras",
    order=80, definition=_("Clip files deleted when their retention period ended, on the day deleted (the record "
                           "that they existed stays)."),
))


class CameraSource(Source):
    name = "cameras.camera"
    events = ("camera.created", "camera.changed")
    payload_id = "camera_id"

    def queryset(self):
        return Camera.objects.values_list("id", "unit_path", "sharing", "status", "created_at", "updated_at",
                                          "left_at", named=True)

    def contributions(self, camera):
        registered = local_day(camera.created_at)
        if camera.left_at is not None:
            ended = local_day(camera.left_at)
        elif camera.status == CameraStatus.REMOVED:  # a public camera taken down by its unit
            ended = local_day(camera.updated_at)
        else:
            ended = None
        yield Contribution("cameras.registered", camera.unit_path, registered, camera.sharing, 1)
        yield Contribution("cameras.by_status", camera.unit_path, registered, camera.status, 1)
        if ended is not None:
            yield Contribution("cameras.registered", camera.unit_path, ended, camera.sharing, -1)
            yield Contribution("cameras.by_status", camera.unit_path, ended, camera.status, -1)


class RequestSource(Source):
    """A footage request: created, answered, withdrawn, cancelled, and fulfilled when a clip arrives."""

    name = "cameras.request"
    events = ("footage_request.", "footage.uploaded")
    payload_id = "request_id"

    def queryset(self):
        return FootageRequest.objects.values_list("id", "unit_path", "status", "created_at", "deadline", named=True)

    def contributions(self, request):
        sent = local_day(request.created_at)
        yield Contribution("cameras.requests", request.unit_path, sent, request.status, 1)
        if request.status in (RequestStatus.ACCEPTED, RequestStatus.FULFILLED):
            yield Contribution("cameras.requests_accepted", request.unit_path, sent, "", 1)
        elif request.status == RequestStatus.REFUSED:
            yield Contribution("cameras.requests_refused", request.unit_path, sent, "", 1)
        elif request.status == RequestStatus.PENDING:
            yield Contribution("cameras.requests_unanswered", request.unit_path, local_day(request.deadline), "", 1)


class FootageSource(Source):
    name = "cameras.footage"
    events = ("footage.",)
    payload_id = "footage_id"

    def queryset(self):
        return Footage.objects.values_list("id", "unit_path", "uploaded_at", "deleted_at", "deletion_reason",
                                           named=True)

    def contributions(self, clip):
        yield Contribution("cameras.clips", clip.unit_path, local_day(clip.uploaded_at), "", 1)
        if clip.deleted_at is not None and clip.deletion_reason == "retention":
            yield Contribution("cameras.clips_deleted", clip.unit_path, local_day(clip.deleted_at), "", 1)


register(CameraSource())
register(RequestSource())
register(FootageSource())
