"""Reads of alerts: staff lists and tallies (through the scoping door), a resident's inbox, the public feed."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from binhan.alerts.models import (
    Acknowledgement,
    Alert,
    AlertTarget,
    Channel,
    Delivery,
    DeliveryStatus,
    PollVote,
    Reply,
    Status,
)
from binhan.alerts.services import SENDER_ROLES
from binhan.core import audit, paths, scoping
from binhan.geo.models import AdministrativeUnit

INBOX_STATUSES = (Status.SENT, Status.EXPIRED, Status.CANCELLED)


# -- staff ---------------------------------------------------------------------------------------

def _reach_q(viewer) -> Q | None:
    """Alerts sent from the viewer's units, or reaching them (a province alert reaches a commune)."""
    prefixes = scoping.scope_paths(viewer)
    if prefixes is scoping.EVERYTHING:
        return None
    if not prefixes:
        return Q(pk__in=[])
    above = {ancestor for prefix in prefixes for ancestor in paths.ancestors(prefix)}
    reaching = AlertTarget.objects.filter(Q(unit_path__in=above) | paths.under_any("unit_path", prefixes))
    return paths.under_any("unit_path", prefixes) | Q(Exists(reaching.filter(alert=OuterRef("pk"))))


def visible_alerts(*, viewer) -> QuerySet[Alert]:
    query = _reach_q(viewer)
    alerts = Alert.objects.all()
    return alerts if query is None else alerts.filter(query)


def alert_list(*, viewer, status: str = "") -> QuerySet[Alert]:
    alerts = visible_alerts(viewer=viewer)
    if status:
        alerts = alerts.filter(status=status)
    return alerts.select_related("unit", "author").prefetch_related("texts").order_by("-created_at", "-id")


def alert_get(*, viewer, pk: int) -> Alert:
    """One alert the viewer may see; one outside their reach is a 404, and the attempt is audited."""
    found = visible_alerts(viewer=viewer).select_related("unit", "author", "approved_by").filter(pk=pk).first()
    if found is None:
        hidden = Alert.objects.filter(pk=pk).first()
        if hidden is not None:
            audit.record(actor=viewer, action="access.denied", obj=hidden)
        raise Http404
    return found


def can_manage(viewer, alert: Alert) -> bool:
    return scoping.can_see_path(viewer, alert.unit_path, roles=SENDER_ROLES)


@dataclass(frozen=True)
class Tally:
    recipients: int
    delivered: int
    read: int
    acknowledged: int
    replies: int
    failed: int
    queued: int
    whole: bool  # False when the figures cover only part of the alert's area (the viewer's units)


def tally(*, viewer, alert: Alert) -> Tally:
    """Reached, read, acknowledged, replies: for the whole alert if the viewer manages it, else their units."""
    prefixes = scoping.scope_paths(viewer)
    whole = prefixes is scoping.EVERYTHING or can_manage(viewer, alert)
    deliveries = Delivery.objects.filter(alert=alert)
    acks = Acknowledgement.objects.filter(alert=alert)
    replies = Reply.objects.filter(alert=alert, is_staff=False)
    if not whole:
        deliveries = deliveries.filter(paths.under_any("unit__path", prefixes or []))
        acks, replies = scoping.visible(acks, viewer), scoping.visible(replies, viewer)
    inapp = {row["status"]: row["n"] for row in deliveries.filter(channel=Channel.INAPP).order_by()
             .values("status").annotate(n=Count("id"))}
    other = {row["status"]: row["n"] for row in deliveries.exclude(channel=Channel.INAPP).order_by()
             .values("status").annotate(n=Count("id"))}
    read = inapp.get(DeliveryStatus.READ, 0)
    return Tally(
        recipients=sum(inapp.values()), delivered=inapp.get(DeliveryStatus.DELIVERED, 0) + read, read=read,
        acknowledged=acks.count(), replies=replies.count(), failed=other.get(DeliveryStatus.FAILED, 0),
        queued=other.get(DeliveryStatus.QUEUED, 0) + other.get(DeliveryStatus.SENDING, 0), whole=whole,
    )


def poll_results(*, viewer, alert: Alert) -> list[dict]:
    """Each answer of the poll with its count, within the viewer's units unless they manage the alert."""
    from binhan.alerts.services import poll_choices

    votes = PollVote.objects.filter(alert=alert)
    if not (scoping.scope_paths(viewer) is scoping.EVERYTHING or can_manage(viewer, alert)):
        votes = scoping.visible(votes, viewer)
    counts = dict(votes.order_by().values_list("option").annotate(n=Count("id")))
    return [{"code": code, "label": str(label), "count": counts.get(code, 0)} for code, label in poll_choices(alert)]


def my_vote(*, user, alert: Alert) -> str | None:
    query = Q(user=user, household__isnull=True)
    if user.household_id:
        query |= Q(household_id=user.household_id)
    return PollVote.objects.filter(query, alert=alert).values_list("option", flat=True).first()


def tally_by_group(*, viewer, alert: Alert, limit: int = 200) -> list[dict]:
    """Recipients, read, acknowledged, residents' replies and poll answers per residential group,
    within the viewer's units."""
    prefixes = scoping.scope_paths(viewer)
    deliveries = Delivery.objects.filter(alert=alert, channel=Channel.INAPP)
    acks = Acknowledgement.objects.filter(alert=alert)
    votes = PollVote.objects.filter(alert=alert)
    replies = Reply.objects.filter(alert=alert, is_staff=False)
    if prefixes is not scoping.EVERYTHING:
        deliveries = deliveries.filter(paths.under_any("unit__path", prefixes))
        acks, votes, replies = (scoping.visible(acks, viewer), scoping.visible(votes, viewer),
                                scoping.visible(replies, viewer))
    rows = list(deliveries.order_by().values("unit_id").annotate(
        recipients=Count("id"), read=Count("id", filter=Q(status=DeliveryStatus.READ)))
        .order_by("-recipients")[:limit])
    acked = dict(acks.order_by().values_list("unit_id").annotate(n=Count("id")))
    replied = dict(replies.order_by().values_list("unit_id").annotate(n=Count("id")))
    answers: dict[int, dict[str, int]] = {}
    for unit_id, option, count in votes.order_by().values_list("unit_id", "option").annotate(n=Count("id")):
        answers.setdefault(unit_id, {})[option] = count
    names = AdministrativeUnit.objects.in_bulk([row["unit_id"] for row in rows])
    from binhan.alerts.services import poll_choices

    codes = [code for code, _label in poll_choices(alert)]
    return [{**row, "unit": names.get(row["unit_id"]), "acknowledged": acked.get(row["unit_id"], 0),
             "replies": replied.get(row["unit_id"], 0),
             "answers": [answers.get(row["unit_id"], {}).get(code, 0) for code in codes]} for row in rows]


def staff_replies(*, viewer, alert: Alert) -> QuerySet[Reply]:
    """Replies the viewer may read: residents' replies from their units, and staff answers."""
    replies = scoping.visible(Reply.objects.filter(alert=alert), viewer)
    return replies.select_related("unit", "in_reply_to").order_by("created_at", "id")


def acknowledgements(*, viewer, alert: Alert) -> QuerySet[Acknowledgement]:
    return scoping.visible(Acknowledgement.objects.filter(alert=alert), viewer).order_by("-created_at", "-id")


# -- residents -----------------------------------------------------------------------------------

def inbox_deliveries(*, user) -> QuerySet[Delivery]:
    """The in-app rows addressed to the user's household or to the user."""
    if not user.is_authenticated:
        return Delivery.objects.none()
    query = Q(user=user, channel=Channel.INAPP)
    if user.household_id:
        query |= Q(household_id=user.household_id, user__isnull=True, channel=Channel.INAPP)
    return Delivery.objects.filter(query)


def inbox(*, user) -> QuerySet[Alert]:
    """The alerts a resident has received, newest first, each with `unread` set."""
    received = inbox_deliveries(user=user)
    unread = received.filter(alert=OuterRef("pk"), read_at__isnull=True)
    return (Alert.objects.filter(pk__in=received.values("alert_id"), status__in=INBOX_STATUSES)
            .annotate(unread=Exists(unread)).prefetch_related("texts").order_by("-sent_at", "-id"))


def unread_count(*, user) -> int:
    """Active alerts not opened yet; remembered on the user object for the rest of the request."""
    if "_alerts_unread" not in user.__dict__:
        user.__dict__["_alerts_unread"] = (
            inbox_deliveries(user=user).filter(read_at__isnull=True, alert__status=Status.SENT)
            .values("alert_id").distinct().count())
    return user.__dict__["_alerts_unread"]


def inbox_alert(*, user, pk: int) -> Alert:
    alert = inbox(user=user).filter(pk=pk).first()
    if alert is None:
        raise Http404
    return alert


def alert_for_report_origin(user, pk: int) -> str | None:
    """The alert's title when `user` received it, so a report can be started from it (reports.origins)."""
    alert = inbox(user=user).filter(pk=pk).first()
    return alert.text().title if alert is not None else None


def reports_from_alert(*, viewer, alert: Alert):
    """Reports residents started from this alert, those the viewer may handle (through the scoping door)."""
    from binhan.reports.models import Report
    from binhan.reports.roles import HANDLER_ROLES

    return scoping.visible(Report.objects.filter(origin=f"alert:{alert.pk}"), viewer, roles=HANDLER_ROLES).select_related(
        "category").order_by("-created_at", "-id")


def acknowledged(*, user, alert: Alert) -> bool:
    query = Q(user=user, household__isnull=True)
    if user.household_id:
        query |= Q(household_id=user.household_id)
    return Acknowledgement.objects.filter(query, alert=alert).exists()


def resident_thread(*, user, alert: Alert) -> QuerySet[Reply]:
    """What a resident sees of the conversation: their own replies and staff answers to all or to them.

    Never another resident's reply, so no resident learns who else lives in the area.
    """
    query = Q(author=user, is_staff=False) | Q(is_staff=True, visibility=Reply.Visibility.PUBLIC)
    query |= Q(is_staff=True, visibility=Reply.Visibility.PRIVATE, in_reply_to__author=user)
    return Reply.objects.filter(query, alert=alert).order_by("created_at", "id")


def recipient_paths(user) -> list[str]:
    """Where a person receives alerts: their household's group and the units of their roles."""
    found = [user.household.unit_path] if user.household_id and user.household else []
    found += list(user.memberships.values_list("unit_path", flat=True))
    return found


# -- public ----------------------------------------------------------------------------------------

def public_alerts(*, unit: AdministrativeUnit | None = None) -> QuerySet[Alert]:
    """Active public alerts (for CAP and the Atom feed), optionally those reaching one unit."""
    now = timezone.now()
    alerts = Alert.objects.filter(is_public=True, status=Status.SENT, starts_at__lte=now, expires_at__gt=now)
    if unit is not None:
        reaching = AlertTarget.objects.filter(Q(unit_path__in=paths.ancestors(unit.path))
                                              | paths.under("unit_path", unit.path))
        alerts = alerts.filter(Exists(reaching.filter(alert=OuterRef("pk"))))
    return alerts.prefetch_related("texts", "targets__unit").order_by("-sent_at", "-id")


def public_alert(pk: int) -> Alert:
    """A public alert's CAP document stays at its URL once sent, also after cancellation or expiry."""
    alert = (Alert.objects.filter(pk=pk, is_public=True, status__in=INBOX_STATUSES)
             .prefetch_related("texts", "targets__unit").first())
    if alert is None:
        raise Http404
    return alert
