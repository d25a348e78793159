"""API for alerts under /api/v1/alerts: compose and send, list, detail, tally, acknowledgements, replies.

Everything is scoped to the caller's units. No resident's name or contact details are ever part
of these answers: an acknowledgement or reply says which residential group it came from.
"""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from binhan.alerts import selectors, services
from binhan.alerts.models import Audience, Category, Severity, Urgency
from binhan.alerts.models import Status as AlertStatus
from binhan.core.api_utils import Pagination, throttle
from binhan.core.exceptions import PermissionDeniedError
from binhan.geo.models import AdministrativeUnit

router = Router(tags=["alerts"])


class TextIn(Schema):
    title: str = Field("", max_length=160)
    body: str = Field("", max_length=4000)
    instruction: str = Field("", max_length=500)


class CircleIn(Schema):
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)
    radius_km: float = Field(..., gt=0, le=100)


class AlertIn(Schema):
    texts: dict[str, TextIn] = Field(..., description='By language; "vi" is required, e.g. {"vi": {...}, "en": {...}}')
    target_unit_ids: list[int] = Field(..., min_length=1, max_length=200)
    starts_at: datetime
    expires_at: datetime
    severity: Severity = Severity.MODERATE
    urgency: Urgency = Urgency.EXPECTED
    category: Category = Category.COMMUNITY
    audience: Audience = Audience.HOUSEHOLDS
    audience_roles: list[str] = Field(default_factory=list)
    circle: CircleIn | None = None
    polygon: list[tuple[float, float]] | None = Field(None, max_length=200)
    send_at: datetime | None = None
    is_public: bool = True
    poll_kind: str = Field("", description='"", "yesno" or "choice"')
    poll_options: list[str] = Field(default_factory=list, max_length=6, description='for "choice": 2 to 6 answers')
    send: bool = Field(False, description="Send at once (or schedule, or ask for approval) instead of a draft")


class TextOut(Schema):
    language: str
    title: str
    body: str
    instruction: str


class AlertOut(Schema):
    id: int
    status: str
    severity: str
    urgency: str
    category: str
    audience: str
    audience_roles: list[str]
    unit_id: int
    target_unit_ids: list[int]
    area_circle: dict | None
    area_polygon: list | None
    is_public: bool
    starts_at: datetime
    expires_at: datetime
    send_at: datetime | None
    sent_at: datetime | None
    cancelled_at: datetime | None
    recipient_count: int
    poll: dict | None
    fanout_complete: bool
    texts: list[TextOut]
    cap_url: str | None

    @staticmethod
    def resolve_target_unit_ids(obj):
        return sorted(t.unit_id for t in obj.targets.all())

    @staticmethod
    def resolve_texts(obj):
        return list(obj.texts.all())

    @staticmethod
    def resolve_fanout_complete(obj):
        return obj.fanout_done_at is not None

    @staticmethod
    def resolve_cap_url(obj):
        return f"/alerts/cap/{obj.pk}.xml" if obj.is_public and obj.sent_at else None


class TallyOut(Schema):
    recipients: int
    delivered: int
    read: int
    acknowledged: int
    replies: int
    failed: int
    queued: int
    whole: bool


class PollResultOut(Schema):
    code: str
    label: str
    count: int


class AcknowledgementOut(Schema):
    id: int
    unit_id: int
    created_at: datetime


class ReplyOut(Schema):
    id: int
    unit_id: int
    is_staff: bool
    visibility: str
    in_reply_to_id: int | None
    body: str
    created_at: datetime


class AnswerIn(Schema):
    body: str = Field(..., max_length=2000)
    in_reply_to_id: int | None = None
    public: bool = True


class CancelIn(Schema):
    reason: str = Field("", max_length=500)


def _input(request, payload: AlertIn) -> services.AlertInput:
    units = list(AdministrativeUnit.objects.filter(pk__in=payload.target_unit_ids))
    if len(units) != len(set(payload.target_unit_ids)):
        # An id that does not exist, or that the caller may not see, is refused the same way.
        raise PermissionDeniedError(_denied(), field="target_unit_ids")
    return services.AlertInput(
        texts={lang: text.dict() for lang, text in payload.texts.items()}, targets=units,
        starts_at=payload.starts_at, expires_at=payload.expires_at, severity=payload.severity,
        urgency=payload.urgency, category=payload.category, audience=payload.audience,
        audience_roles=payload.audience_roles, circle=payload.circle.dict() if payload.circle else None,
        polygon=[list(p) for p in payload.polygon] if payload.polygon else None, send_at=payload.send_at,
        is_public=payload.is_public, poll_kind=payload.poll_kind, poll_options=payload.poll_options,
    )


def _denied() -> str:
    from django.utils.translation import gettext as _

    return _("You may only send alerts to places under your own units.")


def _detail(request, pk: int):
    return selectors.alert_get(viewer=request.user, pk=pk)


def _staff_only(request) -> None:
    if not request.user.is_staff_member:
        from django.utils.translation import gettext as _

        raise PermissionDeniedError(_("Only staff may use the alerts API."))


@router.post("/alerts", response={201: AlertOut}, summary="Write an alert (a draft, or sent at once with send=true)")
def create_alert(request, payload: AlertIn):
    _staff_only(request)
    throttle(request, scope="alerts.create", rate="60/m")
    alert = services.alert_create(actor=request.user, data=_input(request, payload))
    if payload.send:
        alert = services.alert_send(actor=request.user, alert=alert)
    return Status(201, _detail(request, alert.pk))


@router.get("/alerts", response=list[AlertOut], summary="Alerts sent from or reaching your units, newest first")
@paginate(Pagination)
def list_alerts(request, status: AlertStatus | None = None):
    _staff_only(request)
    return selectors.alert_list(viewer=request.user, status=status or "").prefetch_related("targets")


@router.get("/alerts/{alert_id}", response=AlertOut, summary="One alert")
def get_alert(request, alert_id: int):
    _staff_only(request)
    return _detail(request, alert_id)


@router.post("/alerts/{alert_id}/send", response=AlertOut, summary="Send a draft (or ask for approval)")
def send_alert(request, alert_id: int):
    _staff_only(request)
    services.alert_send(actor=request.user, alert=_detail(request, alert_id))
    return _detail(request, alert_id)


@router.post("/alerts/{alert_id}/approve", response=AlertOut, summary="Approve an alert (a second person)")
def approve_alert(request, alert_id: int):
    _staff_only(request)
    services.alert_approve(actor=request.user, alert=_detail(request, alert_id))
    return _detail(request, alert_id)


@router.post("/alerts/{alert_id}/cancel", response=AlertOut, summary="Cancel an alert")
def cancel_alert(request, alert_id: int, payload: CancelIn):
    _staff_only(request)
    services.alert_cancel(actor=request.user, alert=_detail(request, alert_id), reason=payload.reason)
    return _detail(request, alert_id)


@router.get("/alerts/{alert_id}/tally", response=TallyOut, summary="Reached, read, acknowledged, replies")
def get_tally(request, alert_id: int):
    _staff_only(request)
    return selectors.tally(viewer=request.user, alert=_detail(request, alert_id))


@router.get("/alerts/{alert_id}/poll", response=list[PollResultOut], summary="Answers to the alert's quick poll")
def get_poll(request, alert_id: int):
    _staff_only(request)
    return selectors.poll_results(viewer=request.user, alert=_detail(request, alert_id))


@router.get("/alerts/{alert_id}/acknowledgements", response=list[AcknowledgementOut],
            summary="Acknowledgements from your units (which group, when; never who)")
@paginate(Pagination)
def list_acknowledgements(request, alert_id: int):
    _staff_only(request)
    return selectors.acknowledgements(viewer=request.user, alert=_detail(request, alert_id))


@router.get("/alerts/{alert_id}/replies", response=list[ReplyOut], summary="Replies from your units and answers")
@paginate(Pagination)
def list_replies(request, alert_id: int):
    _staff_only(request)
    return selectors.staff_replies(viewer=request.user, alert=_detail(request, alert_id))


@router.post("/alerts/{alert_id}/replies", response={201: ReplyOut},
             summary="Answer everyone, or privately one resident's reply")
def answer(request, alert_id: int, payload: AnswerIn):
    _staff_only(request)
    alert = _detail(request, alert_id)
    parent = None
    if payload.in_reply_to_id is not None:
        parent = get_object_or_404(selectors.staff_replies(viewer=request.user, alert=alert),
                                   pk=payload.in_reply_to_id)
    reply = services.reply_answer(actor=request.user, alert=alert, body=payload.body, in_reply_to=parent,
                                  public=payload.public)
    return Status(201, reply)

