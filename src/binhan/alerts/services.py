"""Writes to alerts: compose, review, send, cancel, acknowledge, reply, subscribe.

Each validates, saves, audits and emits an event in one transaction. Delivery itself (the
fan-out and the sending on each channel) lives in `delivery.py` and runs in the background.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.accounts.roles import Role
from binhan.alerts import conf
from binhan.alerts.models import (
    EDITABLE_STATUSES,
    SEVERITY_RANK,
    Acknowledgement,
    Alert,
    AlertTarget,
    AlertText,
    Audience,
    Category,
    Channel,
    Delivery,
    DeliveryStatus,
    PollVote,
    PushSubscription,
    Reply,
    Severity,
    Status,
    Subscription,
    Urgency,
)
from binhan.core import audit, events, paths, scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.geo.models import AdministrativeUnit, Level

# Roles an alert can be addressed to instead of every household.
AUDIENCE_ROLES = (Role.GROUP_LEADER, Role.SECURITY_MEMBER, Role.FIRE_TEAM_LEADER, Role.MEDIATOR)
# Who may address a whole province (or several): the province's police and leaders.
PROVINCE_ROLES = frozenset({Role.PROVINCE_POLICE, Role.PROVINCE_LEADER, Role.ADMIN})
SENDER_ROLES = frozenset({Role.GROUP_LEADER, Role.COMMUNE_POLICE, Role.COMMUNE_LEADER, Role.PROVINCE_POLICE,
                          Role.PROVINCE_LEADER, Role.ADMIN})
MAX_TITLE = 160
MAX_BODY = 4000
MAX_INSTRUCTION = 500
MAX_REPLY = 2000
MAX_POLYGON_POINTS = 200
MAX_RADIUS_KM = 100
ATTACHMENT_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".pdf"}
# Markup has no place in an alert: it is read on phones, in SMS and in CAP feeds as plain text.
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]|javascript:", re.IGNORECASE)
UNSUBSCRIBE_SALT = "binhan.alerts.unsubscribe"


@dataclass
class AlertInput:
    """What a composer fills in. `texts` maps a language code to {"title", "body", "instruction"}."""

    texts: dict[str, dict[str, str]]
    targets: list[AdministrativeUnit]
    starts_at: datetime
    expires_at: datetime
    severity: str = Severity.MODERATE
    urgency: str = Urgency.EXPECTED
    category: str = Category.COMMUNITY
    audience: str = Audience.HOUSEHOLDS
    audience_roles: list[str] = field(default_factory=list)
    circle: dict | None = None
    polygon: list | None = None
    send_at: datetime | None = None
    is_public: bool = True
    attachment: object | None = None
    article: object | None = None  # a published library article to read more
    campaign: object | None = None  # the campaign the alert belongs to
    poll_kind: str = ""  # "", "yesno" or "choice"
    poll_options: list[str] = field(default_factory=list)  # for "choice": 2 to 6 answers
    poll: dict | None = None  # set by the validation from poll_kind and poll_options


# -- validation -----------------------------------------------------------------------

def _clean_text(value, *, field: str, limit: int, required: bool = False, empty_message: str = "") -> str:
    value = str(value or "").replace("\x00", "").strip()
    if required and not value:
        raise ServiceError(empty_message or _("This field is required."), field=field)
    if len(value) > limit:
        raise ServiceError(_("Please keep it under %(limit)s characters.") % {"limit": limit}, field=field)
    if MARKUP.search(value):
        raise ServiceError(_("Write plain text only: remove the HTML tags or script."), field=field)
    return value


def _clean_texts(texts: dict) -> dict[str, dict[str, str]]:
    languages = {code for code, _name in settings.LANGUAGES}
    unknown = set(texts) - languages
    if unknown:
        raise ServiceError(_("Unknown language: %(codes)s") % {"codes": ", ".join(sorted(unknown))}, field="texts")
    cleaned = {}
    for language, text in texts.items():
        text = text or {}
        if language != "vi" and not (text.get("title") or text.get("body") or text.get("instruction")):
            continue  # an empty optional translation is simply left out
        required = True
        cleaned[language] = {
            "title": _clean_text(text.get("title"), field=f"title_{language}", limit=MAX_TITLE, required=required,
                                 empty_message=_("Give the alert a title.")),
            "body": _clean_text(text.get("body"), field=f"body_{language}", limit=MAX_BODY, required=required,
                                empty_message=_("Write the text of the alert.")),
            "instruction": _clean_text(text.get("instruction"), field=f"instruction_{language}",
                                       limit=MAX_INSTRUCTION),
        }
    if "vi" not in cleaned:
        raise ServiceError(_("The Vietnamese text is required."), field="title_vi")
    return cleaned


def _clean_circle(circle: dict | None) -> dict | None:
    if not circle:
        return None
    try:
        lat, lon, radius = float(circle["lat"]), float(circle["lon"]), float(circle["radius_km"])
    except (KeyError, TypeError, ValueError):
        raise ServiceError(_("A circle needs a latitude, a longitude and a radius in kilometres."),
                           field="circle") from None
    if not all(math.isfinite(v) for v in (lat, lon, radius)) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ServiceError(_("The circle's centre is outside the valid range of latitude and longitude."),
                           field="circle")
    if not 0 < radius <= MAX_RADIUS_KM:
        raise ServiceError(_("The radius must be more than 0 and at most %(max)s km.") % {"max": MAX_RADIUS_KM},
                           field="circle")
    return {"lat": lat, "lon": lon, "radius_km": radius}


def _clean_polygon(polygon: list | None) -> list | None:
    if not polygon:
        return None
    try:
        points = [[float(lat), float(lon)] for lat, lon in polygon]
    except (TypeError, ValueError):
        raise ServiceError(_("A polygon is a list of points, each a latitude and a longitude."),
                           field="polygon") from None
    if any(not (math.isfinite(a) and math.isfinite(b) and -90 <= a <= 90 and -180 <= b <= 180) for a, b in points):
        raise ServiceError(_("A point of the polygon is outside the valid range of latitude and longitude."),
                           field="polygon")
    if points[0] != points[-1]:
        points.append(points[0])
    if len({tuple(p) for p in points}) < 3:
        raise ServiceError(_("A polygon needs at least three different points."), field="polygon")
    if len(points) > MAX_POLYGON_POINTS:
        raise ServiceError(_("A polygon may have at most %(max)s points.") % {"max": MAX_POLYGON_POINTS},
                           field="polygon")
    return points


POLL_KINDS = ("yesno", "choice")
MAX_POLL_OPTIONS = 6


def _clean_poll(kind: str, options: list[str]) -> dict | None:
    if not kind:
        return None
    if kind not in POLL_KINDS:
        raise ServiceError(_("Choose a yes/no question or a choice of answers."), field="poll_kind")
    if kind == "yesno":
        return {"kind": "yesno", "options": []}
    cleaned = [_clean_text(option, field="poll_options", limit=80) for option in options]
    cleaned = [option for option in cleaned if option]
    if not 2 <= len(cleaned) <= MAX_POLL_OPTIONS or len(set(cleaned)) != len(cleaned):
        raise ServiceError(_("Give between 2 and %(max)s different answers, one per line.")
                           % {"max": MAX_POLL_OPTIONS}, field="poll_options")
    return {"kind": "choice", "options": cleaned}


def poll_choices(alert: Alert) -> list[tuple[str, str]]:
    """(code, label) of each answer of the alert's poll, labels in the current language for yes/no."""
    if not alert.poll:
        return []
    if alert.poll["kind"] == "yesno":
        return [("yes", _("Yes")), ("no", _("No"))]
    return [(str(index), label) for index, label in enumerate(alert.poll["options"], start=1)]


def _clean_attachment(attachment) -> object | None:
    if not attachment:
        return None
    name = getattr(attachment, "name", "") or ""
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in ATTACHMENT_EXTENSIONS:
        raise ServiceError(_("Attach a photo (JPEG, PNG, WebP) or a PDF."), field="attachment")
    if attachment.size > conf.max_attachment_bytes():
        raise ServiceError(_("The attachment is too large: at most %(mb)s MB.")
                           % {"mb": conf.max_attachment_bytes() // (1024 * 1024)}, field="attachment")
    return attachment


def _sending_unit(actor, targets: list[AdministrativeUnit]) -> AdministrativeUnit:
    """The unit the alert is sent from: the actor's narrowest staff unit that covers every target."""
    if not targets:
        raise ServiceError(_("Choose at least one place to send the alert to."), field="targets")
    for unit in targets:
        if not scoping.can_see_path(actor, unit.path, roles=SENDER_ROLES):
            raise PermissionDeniedError(_("You may only send alerts to places under your own units."),
                                        field="targets")
        if unit.level in (Level.NATION, Level.PROVINCE) and not (
                actor.is_superuser or actor.memberships.filter(role__in=PROVINCE_ROLES).exists()):
            raise PermissionDeniedError(_("Only the province's police or leaders may alert a whole province."),
                                        field="targets")
    if actor.is_superuser:
        common = paths.codes(targets[0].path)
        for unit in targets[1:]:
            codes = paths.codes(unit.path)
            common = [a for a, b in zip(common, codes, strict=False) if a == b][: len(common)]
        return AdministrativeUnit.objects.get(path=paths.SEPARATOR + paths.SEPARATOR.join(common) + paths.SEPARATOR)
    candidates = actor.memberships.filter(role__in=SENDER_ROLES).select_related("unit")
    covering = [m.unit for m in candidates if all(t.path.startswith(m.unit_path) for t in targets)]
    if not covering:
        raise PermissionDeniedError(_("The places must all lie under one of your units."), field="targets")
    return max(covering, key=lambda unit: len(unit.path))


def _validate(actor, data: AlertInput) -> tuple[dict, AdministrativeUnit, dict | None, list | None]:
    texts = _clean_texts(data.texts)
    if data.severity not in Severity.values:
        raise ServiceError(_("Choose a severity."), field="severity")
    if data.urgency not in Urgency.values:
        raise ServiceError(_("Choose an urgency."), field="urgency")
    if data.category not in Category.values:
        raise ServiceError(_("Choose a category."), field="category")
    if data.audience not in Audience.values:
        raise ServiceError(_("Choose who receives the alert."), field="audience")
    if data.audience == Audience.ROLES:
        if not data.audience_roles or not set(data.audience_roles) <= {str(r) for r in AUDIENCE_ROLES}:
            raise ServiceError(_("Choose one or more roles among the teams and leaders."), field="audience_roles")
    if data.expires_at <= data.starts_at:
        raise ServiceError(_("The alert must expire after it starts."), field="expires_at")
    if data.expires_at <= timezone.now():
        raise ServiceError(_("The expiry time has already passed."), field="expires_at")
    if data.send_at and data.send_at >= data.expires_at:
        raise ServiceError(_("The alert would be sent after it expires."), field="send_at")
    unit = _sending_unit(actor, list(data.targets))
    _clean_attachment(data.attachment)
    if data.article is not None and not data.article.is_published:
        raise ServiceError(_("Link a published library article."), field="article")
    if data.campaign is not None and not scoping.can_see_path(actor, data.campaign.unit_path):
        raise PermissionDeniedError(_("Choose one of your units' campaigns."), field="campaign")
    data.poll = _clean_poll(data.poll_kind, data.poll_options)
    return texts, unit, _clean_circle(data.circle), _clean_polygon(data.polygon)


def _summary(alert: Alert) -> dict:
    return {
        "severity": alert.severity, "urgency": alert.urgency, "category": alert.category,
        "audience": alert.audience, "audience_roles": list(alert.audience_roles),
        "area_circle": alert.area_circle, "area_polygon": alert.area_polygon, "is_public": alert.is_public,
        "starts_at": alert.starts_at, "expires_at": alert.expires_at, "send_at": alert.send_at,
        "targets": sorted(t.unit.code for t in alert.targets.select_related("unit")),
        "article": alert.article_id, "campaign": alert.campaign_id, "poll": alert.poll,
        "texts": {t.language: t.title for t in alert.texts.all()},
    }


def _write_parts(alert: Alert, texts: dict, targets: list[AdministrativeUnit]) -> None:
    alert.texts.all().delete()
    AlertText.objects.bulk_create(AlertText(alert=alert, language=language, **text)
                                  for language, text in texts.items())
    alert.targets.all().delete()
    AlertTarget.objects.bulk_create(AlertTarget(alert=alert, unit=unit, unit_path=unit.path)
                                    for unit in {u.pk: u for u in targets}.values())


def _event(name: str, alert: Alert, **payload) -> None:
    events.publish(name, unit_path=alert.unit_path, alert_id=alert.pk,
                   paths=sorted(alert.targets.values_list("unit_path", flat=True)), **payload)


# -- compose ----------------------------------------------------------------------------

@transaction.atomic
def alert_create(*, actor, data: AlertInput) -> Alert:
    """A police officer or leader writes an alert; it stays a draft until sent."""
    texts, unit, circle, polygon = _validate(actor, data)
    alert = Alert(unit=unit, unit_path=unit.path, author=actor, severity=data.severity, urgency=data.urgency,
                  category=data.category, audience=data.audience,
                  audience_roles=sorted(data.audience_roles) if data.audience == Audience.ROLES else [],
                  area_circle=circle, area_polygon=polygon, is_public=data.is_public, starts_at=data.starts_at,
                  expires_at=data.expires_at, send_at=data.send_at, article=data.article, campaign=data.campaign,
                  poll=data.poll)
    if data.attachment:
        alert.attachment = data.attachment
    alert.full_clean(exclude=["attachment"])
    alert.save()
    _write_parts(alert, texts, list(data.targets))
    audit.record(actor=actor, action="alert.create", obj=alert,
                 changes={key: [None, value] for key, value in _summary(alert).items()})
    _event("alert.created", alert)
    return alert


@transaction.atomic
def alert_update(*, actor, alert: Alert, data: AlertInput) -> Alert:
    """Change a draft (or an alert waiting for approval, which then needs approving again)."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    _check_manage(actor, alert)
    if alert.status not in EDITABLE_STATUSES:
        raise ServiceError(_("Only a draft can be changed. Cancel the alert and send a new one."), field="status")
    texts, unit, circle, polygon = _validate(actor, data)
    before = _summary(alert)
    alert.unit, alert.unit_path = unit, unit.path
    for name, value in {"severity": data.severity, "urgency": data.urgency, "category": data.category,
                        "audience": data.audience, "is_public": data.is_public, "starts_at": data.starts_at,
                        "expires_at": data.expires_at, "send_at": data.send_at, "area_circle": circle,
                        "area_polygon": polygon, "article": data.article, "campaign": data.campaign,
                        "poll": data.poll}.items():
        setattr(alert, name, value)
    alert.audience_roles = sorted(data.audience_roles) if data.audience == Audience.ROLES else []
    if data.attachment:
        alert.attachment = data.attachment
    alert.status, alert.approved_by = Status.DRAFT, None
    alert.full_clean(exclude=["attachment"])
    alert.save()
    _write_parts(alert, texts, list(data.targets))
    changes = audit.diff(before, _summary(alert))
    audit.record(actor=actor, action="alert.update", obj=alert, changes=changes)
    _event("alert.updated", alert)
    return alert


def _check_manage(actor, alert: Alert) -> None:
    if not scoping.can_see_path(actor, alert.unit_path, roles=SENDER_ROLES):
        raise PermissionDeniedError(_("Only staff of the sending unit may do this."))


def needs_approval(alert: Alert) -> bool:
    threshold = conf.approval_severity()
    return bool(threshold) and SEVERITY_RANK[Severity(alert.severity)] >= SEVERITY_RANK[Severity(threshold)]


def _transition(actor, alert: Alert, to_status: str, *, action: str, **fields) -> None:
    before = alert.status
    alert.status = to_status
    for name, value in fields.items():
        setattr(alert, name, value)
    alert.save(update_fields=["status", "updated_at", *fields])
    audit.record(actor=actor, action=action, obj=alert, changes={
        "status": [before, to_status], **{k: [None, v] for k, v in fields.items()}})


@transaction.atomic
def alert_send(*, actor, alert: Alert) -> Alert:
    """Send now, at the scheduled time, or (above the approval severity) ask a second person first."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    _check_manage(actor, alert)
    if alert.status == Status.REVIEW:
        raise ServiceError(_("This alert is waiting for a second person's approval."), field="status")
    if alert.status != Status.DRAFT:
        raise ServiceError(_("This alert has already been sent or cancelled."), field="status")
    if alert.expires_at <= timezone.now():
        raise ServiceError(_("The expiry time has already passed."), field="expires_at")
    if needs_approval(alert):
        _transition(actor, alert, Status.REVIEW, action="alert.submit")
        _event("alert.submitted", alert)
        return alert
    _release(actor, alert)
    return alert


@transaction.atomic
def alert_approve(*, actor, alert: Alert) -> Alert:
    """A second person approves an alert above the approval severity; it is then sent (or scheduled)."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    _check_manage(actor, alert)
    if alert.status != Status.REVIEW:
        raise ServiceError(_("Only an alert waiting for approval can be approved."), field="status")
    if alert.author_id == actor.pk:
        raise PermissionDeniedError(_("A second person must approve this alert, not its author."))
    alert.approved_by = actor
    alert.save(update_fields=["approved_by", "updated_at"])
    audit.record(actor=actor, action="alert.approve", obj=alert, changes={"approved_by": [None, actor.pk]})
    _release(actor, alert)
    return alert


@transaction.atomic
def alert_return_to_draft(*, actor, alert: Alert, note: str = "") -> Alert:
    """The reviewer sends the alert back to its author for changes."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    _check_manage(actor, alert)
    if alert.status != Status.REVIEW:
        raise ServiceError(_("Only an alert waiting for approval can be returned."), field="status")
    _transition(actor, alert, Status.DRAFT, action="alert.return")
    _event("alert.returned", alert, note=_clean_text(note, field="note", limit=500))
    return alert


def _release(actor, alert: Alert) -> None:
    if alert.send_at and alert.send_at > timezone.now():
        _transition(actor, alert, Status.SCHEDULED, action="alert.schedule")
        _event("alert.scheduled", alert)
        return
    _dispatch(actor, alert)


def _dispatch(actor, alert: Alert) -> None:
    _transition(actor, alert, Status.SENT, action="alert.send", sent_at=timezone.now())
    _event("alert.sent", alert)
    from binhan.alerts.tasks import fan_out

    alert_id = alert.pk
    transaction.on_commit(lambda: fan_out.enqueue(alert_id=alert_id))


@transaction.atomic
def alert_cancel(*, actor, alert: Alert, reason: str = "") -> Alert:
    """Withdraw an alert: it leaves the feeds, its CAP document becomes a Cancel, unsent messages stop."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    _check_manage(actor, alert)
    if alert.status in (Status.CANCELLED, Status.EXPIRED):
        raise ServiceError(_("This alert is already over."), field="status")
    reason = _clean_text(reason, field="reason", limit=500)
    _transition(actor, alert, Status.CANCELLED, action="alert.cancel", cancelled_at=timezone.now())
    Delivery.objects.filter(alert=alert, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]).update(
        status=DeliveryStatus.FAILED, error="alert cancelled", next_attempt_at=None)
    _event("alert.cancelled", alert, reason=reason)
    return alert


def send_due(*, now: datetime | None = None) -> int:
    """Send the scheduled alerts whose time has come (a periodic task)."""
    now = now or timezone.now()
    sent = 0
    for pk in Alert.objects.filter(status=Status.SCHEDULED, send_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            alert = Alert.objects.select_for_update().get(pk=pk)
            if alert.status == Status.SCHEDULED:
                _dispatch(None, alert)
                sent += 1
    return sent


def expire_due(*, now: datetime | None = None) -> int:
    """Mark sent alerts past their expiry as expired (a periodic task)."""
    now = now or timezone.now()
    expired = 0
    for pk in Alert.objects.filter(status=Status.SENT, expires_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            alert = Alert.objects.select_for_update().get(pk=pk)
            if alert.status == Status.SENT:
                _transition(None, alert, Status.EXPIRED, action="alert.expire")
                _event("alert.expired", alert)
                expired += 1
    return expired


# -- answers from residents --------------------------------------------------------------

@dataclass(frozen=True)
class Recipient:
    """Who receives, as the inbox sees it: a household (with its group) and/or the person."""

    user: object
    household_id: int | None
    unit: AdministrativeUnit | None


def recipient_of(user) -> Recipient:
    household = getattr(user, "household", None)
    unit = household.unit if household is not None else None
    if unit is None:
        membership = user.memberships.select_related("unit").order_by("-unit_path").first()
        unit = membership.unit if membership else None
    return Recipient(user=user, household_id=household.pk if household else None, unit=unit)


def _received(user, alert: Alert) -> bool:
    from binhan.alerts.selectors import inbox_deliveries

    return inbox_deliveries(user=user).filter(alert=alert).exists()


def _check_recipient(user, alert: Alert) -> Recipient:
    if not user.is_authenticated or not _received(user, alert):
        raise PermissionDeniedError(_("This alert was not sent to you."))
    recipient = recipient_of(user)
    if recipient.unit is None:
        raise PermissionDeniedError(_("This alert was not sent to you."))
    return recipient


@transaction.atomic
def mark_read(*, user, alert: Alert) -> int:
    """The recipient opened the alert: its in-app rows become read (once)."""
    from binhan.alerts.selectors import inbox_deliveries

    now = timezone.now()
    user.__dict__.pop("_alerts_unread", None)
    return inbox_deliveries(user=user).filter(alert=alert, read_at__isnull=True).update(
        status=DeliveryStatus.READ, read_at=now)


@transaction.atomic
def alert_acknowledge(*, user, alert: Alert) -> Acknowledgement:
    """"I have read this": recorded once per household (or person), told to the sender's live tally."""
    recipient = _check_recipient(user, alert)
    if alert.status != Status.SENT:
        raise ServiceError(_("This alert is no longer active."), field="status")
    lookup = ({"household_id": recipient.household_id} if recipient.household_id
              else {"household__isnull": True, "user": user})
    existing = Acknowledgement.objects.filter(alert=alert, **lookup).first()
    if existing is not None:
        return existing
    mark_read(user=user, alert=alert)
    ack = Acknowledgement.objects.create(alert=alert, household_id=recipient.household_id, user=user,
                                         unit=recipient.unit, unit_path=recipient.unit.path)
    audit.record(actor=user, action="alert.acknowledge", obj=ack, object_type="alerts.acknowledgement",
                 changes={"alert": [None, alert.pk]})
    events.publish("alert.acknowledged", unit_path=recipient.unit.path, alert_id=alert.pk)
    return ack


@transaction.atomic
def poll_vote(*, user, alert: Alert, option: str) -> PollVote:
    """A household answers the alert's quick poll (once; answering again changes the answer)."""
    recipient = _check_recipient(user, alert)
    if alert.status != Status.SENT:
        raise ServiceError(_("This alert is no longer active."), field="status")
    if not alert.poll:
        raise ServiceError(_("This alert asks no question."), field="option")
    if option not in {code for code, _label in poll_choices(alert)}:
        raise ServiceError(_("Choose one of the offered answers."), field="option")
    lookup = ({"household_id": recipient.household_id} if recipient.household_id
              else {"household__isnull": True, "user": user})
    vote = PollVote.objects.select_for_update().filter(alert=alert, **lookup).first()
    before = vote.option if vote else None
    if vote is None:
        vote = PollVote.objects.create(alert=alert, household_id=recipient.household_id, user=user,
                                       unit=recipient.unit, unit_path=recipient.unit.path, option=option)
    elif vote.option != option:
        vote.option, vote.user = option, user
        vote.save(update_fields=["option", "user", "updated_at"])
    if before != option:
        mark_read(user=user, alert=alert)
        audit.record(actor=user, action="alert.vote", obj=vote, changes={"option": [before, option]})
        events.publish("alert.voted", unit_path=recipient.unit.path, alert_id=alert.pk)
    return vote


@transaction.atomic
def reply_create(*, user, alert: Alert, body: str) -> Reply:
    """A resident answers an alert; the sending unit's staff (and only they) read it."""
    recipient = _check_recipient(user, alert)
    if alert.status not in (Status.SENT, Status.EXPIRED):
        raise ServiceError(_("This alert no longer takes replies."), field="status")
    body = _clean_text(body, field="body", limit=MAX_REPLY, required=True,
                       empty_message=_("Write your reply."))
    reply = Reply.objects.create(alert=alert, author=user, household_id=recipient.household_id,
                                 unit=recipient.unit, unit_path=recipient.unit.path, body=body)
    audit.record(actor=user, action="alert.reply", obj=reply, changes={"alert": [None, alert.pk]})
    events.publish("alert.replied", unit_path=recipient.unit.path, alert_id=alert.pk, reply_id=reply.pk)
    return reply


@transaction.atomic
def reply_answer(*, actor, alert: Alert, body: str, in_reply_to: Reply | None = None,
                 public: bool = True) -> Reply:
    """Staff answer: to everyone who received the alert, or privately to the resident who wrote."""
    _check_manage(actor, alert)
    body = _clean_text(body, field="body", limit=MAX_REPLY, required=True, empty_message=_("Write your answer."))
    if in_reply_to is not None:
        if in_reply_to.alert_id != alert.pk or not scoping.can_see_path(actor, in_reply_to.unit_path):
            raise PermissionDeniedError(_("You may only answer replies from your own units."))
    if not public and (in_reply_to is None or in_reply_to.is_staff):
        raise ServiceError(_("A private answer goes to one resident's reply."), field="in_reply_to")
    visibility = Reply.Visibility.PUBLIC if public else Reply.Visibility.PRIVATE
    reply = Reply.objects.create(alert=alert, author=actor, unit=alert.unit, unit_path=alert.unit_path,
                                 in_reply_to=in_reply_to, is_staff=True, visibility=visibility, body=body,
                                 household_id=in_reply_to.household_id if in_reply_to and not public else None)
    audit.record(actor=actor, action="alert.answer", obj=reply,
                 changes={"alert": [None, alert.pk], "visibility": [None, visibility]})
    if public:
        _event("alert.answered", alert, reply_id=reply.pk)
    else:
        events.publish("alert.answered", unit_path=in_reply_to.unit_path, alert_id=alert.pk, reply_id=reply.pk,
                       paths=[in_reply_to.unit_path])
    return reply


# -- subscriptions -------------------------------------------------------------------------

SUBSCRIPTION_FIELDS = ("inapp", "webpush", "email", "sms", "min_severity", "quiet_start", "quiet_end", "topics")


def subscription_of(user) -> Subscription:
    return Subscription.objects.filter(user=user).first() or Subscription(user=user)


@transaction.atomic
def subscription_update(*, user, **fields) -> Subscription:
    """A household member chooses channels, a minimum severity, quiet hours and topics."""
    unknown = set(fields) - set(SUBSCRIPTION_FIELDS)
    if unknown:
        raise ServiceError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    subscription = subscription_of(user)
    before = audit.snapshot(subscription, SUBSCRIPTION_FIELDS) if subscription.pk else {}
    if fields.get("min_severity", subscription.min_severity) not in Severity.values:
        raise ServiceError(_("Choose a severity."), field="min_severity")
    topics = fields.get("topics", subscription.topics) or []
    if not set(topics) <= set(Category.values):
        raise ServiceError(_("Choose topics among the categories offered."), field="topics")
    if (fields.get("quiet_start", subscription.quiet_start) is None) != (
            fields.get("quiet_end", subscription.quiet_end) is None):
        raise ServiceError(_("Give both the start and the end of the quiet hours, or neither."), field="quiet_start")
    if fields.get("email") and not user.email:
        raise ServiceError(_("Add an email address to your account first."), field="email")
    if fields.get("sms") and not user.phone:
        raise ServiceError(_("Add a phone number to your account first."), field="sms")
    for name, value in fields.items():
        setattr(subscription, name, value)
    subscription.topics = sorted(topics)
    subscription.save()
    changes = audit.diff(before, audit.snapshot(subscription, SUBSCRIPTION_FIELDS))
    if changes:
        audit.record(actor=user, action="alert.subscription", obj=subscription, changes=changes,
                     unit_path=audit.user_unit_path(user))
    return subscription


def unsubscribe_token(*, user_id: int, channel: str) -> str:
    return signing.dumps({"u": user_id, "c": channel}, salt=UNSUBSCRIBE_SALT, compress=True)


@transaction.atomic
def unsubscribe(*, token: str) -> tuple[object, str]:
    """One-click unsubscribe from a signed link: turns one channel off (or every channel: "all")."""
    from binhan.accounts.models import User

    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user = User.objects.get(pk=int(data["u"]))
        channel = str(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, User.DoesNotExist):
        raise ServiceError(_("This unsubscribe link is not valid."), field="token") from None
    channels = [Channel.WEBPUSH, Channel.EMAIL, Channel.SMS] if channel == "all" else [channel]
    if not set(channels) <= {Channel.WEBPUSH, Channel.EMAIL, Channel.SMS}:
        raise ServiceError(_("This unsubscribe link is not valid."), field="token")
    subscription = subscription_of(user)
    before = audit.snapshot(subscription, channels) if subscription.pk else {}
    for name in channels:
        setattr(subscription, name, False)
    subscription.save()
    audit.record(actor=user, action="alert.unsubscribe", obj=subscription,
                 changes=audit.diff(before, audit.snapshot(subscription, channels)) or {"channel": [None, channel]},
                 unit_path=audit.user_unit_path(user), record_ip=False)
    return user, channel


@transaction.atomic
def push_subscribe(*, user, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """A browser gives its Web Push endpoint; notifications switch on for this person."""
    if not endpoint.startswith("https://") or len(endpoint) > 500:
        raise ServiceError(_("This browser's notification address is not valid."), field="endpoint")
    if not p256dh or not auth or len(p256dh) > 200 or len(auth) > 100:
        raise ServiceError(_("This browser's notification keys are missing."), field="keys")
    push, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth})
    subscription_update(user=user, webpush=True)
    audit.record(actor=user, action="alert.push_subscribe", obj=push, unit_path=audit.user_unit_path(user))
    return push


# -- quiet hours ------------------------------------------------------------------------------

def quiet_until(subscription: Subscription, *, severity: str, now: datetime) -> datetime | None:
    """When a non-extreme alert may be sent to someone in their quiet hours (None: now)."""
    if severity == Severity.EXTREME or subscription.quiet_start is None or subscription.quiet_end is None:
        return None
    local = timezone.localtime(now)
    start, end, clock = subscription.quiet_start, subscription.quiet_end, local.time()
    inside = (start <= clock < end) if start <= end else (clock >= start or clock < end)
    if not inside:
        return None
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, end), local.tzinfo)

