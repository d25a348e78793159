"""Getting a sent alert to people: the fan-out (set-based), then sending on each person's channels.

The fan-out writes one in-app row per household with INSERT … SELECT, a batch of residential
groups per transaction, and moves the alert's cursor in the same transaction. Unique keys make
any repeat a no-op, so after a crash the task simply runs again and nobody gets the alert twice.
Rows for other channels are queued; `send_due_deliveries` claims them in rounds, sends, and
retries failures with exponential backoff until they succeed or fail for good.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation

from binhan.alerts import channels, conf
from binhan.alerts.models import (
    SEVERITY_RANK,
    Alert,
    Audience,
    Channel,
    Delivery,
    DeliveryStatus,
    Severity,
    Status,
    Subscription,
)
from binhan.core import events, paths
from binhan.geo.models import AdministrativeUnit, Household, Level

logger = logging.getLogger(__name__)

EARTH_RADIUS_KM = 6371.0
# A row a crashed worker left "sending" is taken again after this long.
STALE_SENDING = timedelta(minutes=10)


# -- where: the target groups ---------------------------------------------------------------

def _in_circle(lat: float, lon: float, circle: dict) -> bool:
    phi1, phi2 = math.radians(lat), math.radians(circle["lat"])
    dphi, dlambda = phi2 - phi1, math.radians(circle["lon"] - lon)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a)) <= circle["radius_km"]


def _in_polygon(lat: float, lon: float, polygon: list) -> bool:
    inside = False
    for (lat1, lon1), (lat2, lon2) in zip(polygon, polygon[1:], strict=False):
        if (lon1 > lon) != (lon2 > lon) and lat < (lat2 - lat1) * (lon - lon1) / (lon2 - lon1) + lat1:
            inside = not inside
    return inside


def target_groups(alert: Alert) -> list[int]:
    """Ids of the residential groups the alert reaches, ascending.

    With a circle or polygon, only groups whose centre lies inside count: a group without a
    centre point is left out, so nobody outside the drawn area is reached by mistake.
    """
    target_paths = list(alert.targets.values_list("unit_path", flat=True))
    groups = AdministrativeUnit.objects.filter(paths.under_any("path", target_paths), level=Level.GROUP)
    if not (alert.area_circle or alert.area_polygon):
        return list(groups.order_by("id").values_list("id", flat=True))
    kept = []
    for pk, lat, lon in groups.order_by("id").values_list("id", "centre_lat", "centre_lon"):
        if lat is None or lon is None:
            continue
        if alert.area_circle and not _in_circle(lat, lon, alert.area_circle):
            continue
        if alert.area_polygon and not _in_polygon(lat, lon, alert.area_polygon):
            continue
        kept.append(pk)
    return kept


# -- the fan-out -------------------------------------------------------------------------------

def _insert_ignore(table: str, columns: list[str], select_sql: str) -> str:
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "sqlite":
        return f"INSERT OR IGNORE INTO {table} ({cols}) {select_sql}"
    return f"INSERT INTO {table} ({cols}) {select_sql} ON CONFLICT DO NOTHING"


def _insert_household_rows(alert: Alert, group_ids: list[int], now: datetime) -> int:
    """One in-app row, already delivered, for every household of these groups: one statement."""
    qn = connection.ops.quote_name
    stamp = connection.ops.adapt_datetimefield_value(now)
    select = (f"SELECT %s, {qn('id')}, {qn('unit_id')}, %s, %s, 0, '', %s, %s "  # noqa: S608
              f"FROM {qn(Household._meta.db_table)} WHERE {qn('unit_id')} IN ({', '.join(['%s'] * len(group_ids))})")
    sql = _insert_ignore(qn(Delivery._meta.db_table), ["alert_id", "household_id", "unit_id", "channel", "status",
                                                        "attempts", "error", "created_at", "delivered_at"], select)
    with connection.cursor() as cursor:
        cursor.execute(sql, [alert.pk, Channel.INAPP, DeliveryStatus.DELIVERED, stamp, stamp, *group_ids])
        return max(cursor.rowcount, 0)


def _wants(subscription: Subscription, alert: Alert) -> bool:
    if alert.severity == Severity.EXTREME:
        return True
    if SEVERITY_RANK[Severity(alert.severity)] < SEVERITY_RANK[Severity(subscription.min_severity)]:
        return False
    return not subscription.topics or alert.category in subscription.topics


def _person_rows(alert: Alert, people: list[tuple[int, int | None, int]], now: datetime) -> list[Delivery]:
    """Queued rows for each person's chosen channels: (user id, household id, group id) each."""
    from binhan.alerts.services import quiet_until

    available = [c.code for c in channels.person_channels()]
    if not available or not people:
        return []
    by_user = {s.user_id: s for s in Subscription.objects.filter(user_id__in=[p[0] for p in people])}
    rows = []
    for user_id, household_id, unit_id in people:
        subscription = by_user.get(user_id)
        if subscription is None or not _wants(subscription, alert):
            continue
        due = quiet_until(subscription, severity=alert.severity, now=now) or now
        for code in subscription.channels():
            if code in available:
                rows.append(Delivery(alert=alert, household_id=household_id, user_id=user_id, unit_id=unit_id,
                                     channel=code, status=DeliveryStatus.QUEUED, created_at=now,
                                     next_attempt_at=due))
    return rows


def _household_people(group_ids: list[int]) -> list[tuple[int, int | None, int]]:
    from binhan.accounts.models import User

    return list(User.objects.filter(is_active=True, household__unit_id__in=group_ids, alert_subscription__isnull=False)
                .values_list("id", "household_id", "household__unit_id"))


def _role_people(alert: Alert, group_ids: set[int]) -> list[tuple[int, int | None, int]]:
    """People holding one of the alert's roles under its targets (at a reached group, for group roles)."""
    from binhan.accounts.models import Membership

    target_paths = list(alert.targets.values_list("unit_path", flat=True))
    found: dict[int, tuple[int, int | None, int]] = {}
    memberships = (Membership.objects.filter(paths.under_any("unit_path", target_paths), role__in=alert.audience_roles,
                                             user__is_active=True)
                   .values_list("user_id", "user__household_id", "unit_id", "unit__level").order_by("unit_path"))
    for user_id, household_id, unit_id, level in memberships:
        if level == Level.GROUP and unit_id not in group_ids:
            continue
        found.setdefault(user_id, (user_id, household_id, unit_id))
    return list(found.values())


# Tests set this to simulate a worker that dies between two batches.
after_batch_hook = None


def fan_out(alert_id: int) -> int:
    """Record the alert for every recipient; resumes from the alert's cursor. Returns rows written."""
    alert = Alert.objects.filter(pk=alert_id).first()
    if alert is None or alert.status != Status.SENT or alert.fanout_done_at is not None:
        return 0
    groups = target_groups(alert)
    target_paths = sorted(alert.targets.values_list("unit_path", flat=True))
    batch = max(1, conf.fanout_groups())
    written = 0
    if alert.audience == Audience.HOUSEHOLDS:
        pending = [g for g in groups if g > alert.fanout_cursor]
        for start in range(0, len(pending), batch):
            chunk = pending[start:start + batch]
            now = timezone.now()
            with transaction.atomic():
                current = Alert.objects.select_for_update().get(pk=alert_id)
                if current.status != Status.SENT:
                    return written  # cancelled meanwhile: stop here
                chunk = [g for g in chunk if g > current.fanout_cursor]
                if not chunk:
                    continue
                inserted = _insert_household_rows(alert, chunk, now)
                Delivery.objects.bulk_create(_person_rows(alert, _household_people(chunk), now),
                                             ignore_conflicts=True, batch_size=2000)
                Alert.objects.filter(pk=alert_id).update(fanout_cursor=chunk[-1],
                                                         recipient_count=F("recipient_count") + inserted)
                events.publish("alert.delivered", unit_path=alert.unit_path, alert_id=alert_id, paths=target_paths,
                               count=inserted)
                written += inserted
            if after_batch_hook is not None:
                after_batch_hook(alert_id)
    else:
        now = timezone.now()
        with transaction.atomic():
            people = _role_people(alert, set(groups))
            rows = [Delivery(alert=alert, user_id=user_id, household_id=None, unit_id=unit_id, channel=Channel.INAPP,
                             status=DeliveryStatus.DELIVERED, created_at=now, delivered_at=now)
                    for user_id, _household, unit_id in people]
            Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
            Delivery.objects.bulk_create(_person_rows(alert, people, now), ignore_conflicts=True, batch_size=2000)
            Alert.objects.filter(pk=alert_id).update(recipient_count=len(people))
            events.publish("alert.delivered", unit_path=alert.unit_path, alert_id=alert_id, paths=target_paths,
                           count=len(people))
            written = len(people)
    with transaction.atomic():
        Alert.objects.filter(pk=alert_id, status=Status.SENT).update(fanout_done_at=timezone.now())
        events.publish("alert.fanout_done", unit_path=alert.unit_path, alert_id=alert_id)
    if Delivery.objects.filter(alert_id=alert_id, status=DeliveryStatus.QUEUED).exists():
        from binhan.alerts.tasks import send_deliveries

        transaction.on_commit(lambda: send_deliveries.enqueue())
    return written


def resume_stalled(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Fan-outs that a dead worker left half done are run again (a periodic task)."""
    from binhan.alerts.tasks import fan_out as fan_out_task

    stalled = Alert.objects.filter(status=Status.SENT, fanout_done_at__isnull=True,
                                   updated_at__lt=timezone.now() - older_than).values_list("pk", flat=True)
    count = 0
    for pk in stalled:
        fan_out_task.enqueue(alert_id=pk)
        count += 1
    return count


# -- sending on a person's channels ------------------------------------------------------------

def message_for(delivery: Delivery):
    from binhan.alerts.services import unsubscribe_token

    user = delivery.user
    language = (getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE)[:2]
    base = conf.get("BINHAN_SITE_URL", "") or "http://localhost:8000"
    alert = delivery.alert
    with translation.override(language):
        text = alert.text(language)
        return channels.Message(
            alert_id=alert.pk, title=text.title, body=text.body, instruction=text.instruction,
            severity=alert.severity, severity_label=str(alert.get_severity_display()),
            url=base.rstrip("/") + reverse("alerts:inbox_alert", args=[alert.pk]),
            unsubscribe_url=base.rstrip("/") + reverse(
                "alerts:unsubscribe", args=[unsubscribe_token(user_id=delivery.user_id, channel=delivery.channel)]),
            language=language,
        )


def _claim(now: datetime, limit: int) -> list[Delivery]:
    due = Q(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, next_attempt_at__lte=now - STALE_SENDING)
    ids = list(Delivery.objects.filter(due).order_by("next_attempt_at").values_list("id", flat=True)[:limit])
    if not ids:
        return []
    # The claim is conditional: a row another worker took meanwhile no longer matches `due`.
    Delivery.objects.filter(due, id__in=ids).update(status=DeliveryStatus.SENDING, next_attempt_at=now)
    return list(Delivery.objects.filter(id__in=ids, status=DeliveryStatus.SENDING, next_attempt_at=now)
                .select_related("alert", "user").prefetch_related("alert__texts"))


def _backoff(attempt: int) -> timedelta:
    return timedelta(seconds=conf.retry_backoff_seconds() * 2 ** (attempt - 1))


def send_due_deliveries(*, now: datetime | None = None, limit: int = 500) -> int:
    """Send one round of due rows on their channels; returns how many were handled."""
    now = now or timezone.now()
    claimed = _claim(now, limit)
    for delivery in claimed:
        attempt = delivery.attempts + 1
        channel = channels.get(delivery.channel)
        try:
            if delivery.alert.status not in (Status.SENT,):
                outcome = channels.Outcome(ok=False, error="alert no longer active", permanent=True)
            elif channel is None or not channel.is_available():
                outcome = channels.Outcome(ok=False, error="channel not configured", permanent=True)
            else:
                outcome = channel.send(delivery, message_for(delivery))
        except Exception as error:  # a gateway's hiccup: try again later
            logger.warning("Delivery %s on %s failed", delivery.pk, delivery.channel, exc_info=True)
            outcome = channels.Outcome(ok=False, error=f"{type(error).__name__}: {error}"[:255])
        finished = timezone.now()
        if outcome.ok:
            update = {"status": DeliveryStatus.DELIVERED if outcome.delivered else DeliveryStatus.SENT,
                      "sent_at": finished, "error": "", "next_attempt_at": None}
            if outcome.delivered:
                update["delivered_at"] = finished
        elif outcome.permanent or attempt >= conf.max_attempts():
            update = {"status": DeliveryStatus.FAILED, "error": outcome.error[:255], "next_attempt_at": None}
        else:
            update = {"status": DeliveryStatus.QUEUED, "error": outcome.error[:255],
                      "next_attempt_at": finished + _backoff(attempt)}
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(attempts=attempt, **update)
    return len(claimed)
