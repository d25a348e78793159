"""Duty rosters and patrol logs: shifts (who, when, where), swaps, and "start patrol / end patrol" on the phone."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.community.models import (
    DutyKind,
    DutyShift,
    PatrolLog,
    Position,
    SecurityTeam,
    TeamArea,
    TeamMember,
)
from binhan.community.services._common import can_manage, clean_text
from binhan.core import audit, events
from binhan.core.exceptions import PermissionDeniedError, ServiceError

MAX_SHIFT = timedelta(hours=24)
MAX_ROUTE_POINTS = 2000
# A patrol started this long before a shift, or during it, counts for that shift.
SHIFT_GRACE = timedelta(hours=1)


def member_of(actor, team: SecurityTeam) -> TeamMember | None:
    """The actor's own active membership of `team`, if any."""
    if not getattr(actor, "is_authenticated", False):
        return None
    return team.members.filter(user=actor, status=TeamMember.Status.ACTIVE).first()


def can_keep_roster(actor, team: SecurityTeam) -> bool:
    """The police and leaders of the area, or the team's own leader or deputy."""
    if can_manage(actor, team.unit_path):
        return True
    own = member_of(actor, team)
    return own is not None and own.position in (Position.LEADER, Position.DEPUTY)


def _check_roster_keeper(actor, team: SecurityTeam) -> None:
    if not can_keep_roster(actor, team):
        raise PermissionDeniedError(_("Only the team's leader or deputy, or the commune police, may change the roster."))


def _check_active_member(member: TeamMember, team: SecurityTeam, field: str = "member") -> None:
    if member.team_id != team.pk or member.status != TeamMember.Status.ACTIVE:
        raise ServiceError(_("Choose an active member of this team."), field=field)


def _check_free(member: TeamMember, starts_at: datetime, ends_at: datetime, exclude: int | None = None) -> None:
    overlapping = DutyShift.objects.filter(member=member, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude:
        overlapping = overlapping.exclude(pk=exclude)
    if overlapping.exists():
        raise ServiceError(_("%(name)s already has a shift at that time.") % {"name": member.full_name},
                           field="member")


def _publish(team: SecurityTeam, name: str, **payload) -> None:
    events.publish(f"community.{name}", unit_path=team.unit_path, team_id=team.pk, **payload)


@transaction.atomic
def shift_create(*, actor, team: SecurityTeam, member: TeamMember, starts_at: datetime, ends_at: datetime,
                 place: str = "", kind: str = DutyKind.PATROL) -> DutyShift:
    """Put a member on the roster."""
    _check_roster_keeper(actor, team)
    _check_active_member(member, team)
    if kind not in DutyKind.values:
        raise ServiceError(_("Choose patrol or duty at the post."), field="kind")
    if ends_at <= starts_at:
        raise ServiceError(_("A shift must end after it starts."), field="ends_at")
    if ends_at - starts_at > MAX_SHIFT:
        raise ServiceError(_("A shift may last at most 24 hours."), field="ends_at")
    _check_free(member, starts_at, ends_at)
    shift = DutyShift(team=team, unit_path=team.unit_path, member=member, kind=kind, starts_at=starts_at,
                      ends_at=ends_at, place=clean_text(place, field="place", limit=200))
    shift.save()
    audit.record(actor=actor, action="community.shift.create", obj=shift,
                 changes={"member": [None, member.pk], "starts_at": [None, starts_at], "ends_at": [None, ends_at]})
    _publish(team, "shift.changed", shift_id=shift.pk)
    return shift


@transaction.atomic
def shift_swap(*, actor, shift: DutyShift, to_member: TeamMember, reason: str) -> DutyShift:
    """Another member takes the shift. The member on it, the team leader or the police may swap it."""
    shift = DutyShift.objects.select_for_update().select_related("team", "member").get(pk=shift.pk)
    team = shift.team
    own = member_of(actor, team)
    if not (can_keep_roster(actor, team) or (own is not None and own.pk == shift.member_id)):
        raise PermissionDeniedError(_("Only the member on this shift, the team leader or the police may swap it."))
    if shift.ends_at <= timezone.now():
        raise ServiceError(_("This shift is over; it cannot be swapped."), field="shift")
    _check_active_member(to_member, team, field="to_member")
    if to_member.pk == shift.member_id:
        raise ServiceError(_("Choose another member."), field="to_member")
    reason = clean_text(reason, field="reason", limit=300, required=_("Say why the shift is swapped."))
    _check_free(to_member, shift.starts_at, shift.ends_at, exclude=shift.pk)
    before = shift.member_id
    shift.swapped_from, shift.member, shift.swap_reason = shift.member, to_member, reason
    shift.save(update_fields=["swapped_from", "member", "swap_reason"])
    audit.record(actor=actor, action="community.shift.swap", obj=shift, changes={"member": [before, to_member.pk]},
                 purpose=reason)
    _publish(team, "shift.changed", shift_id=shift.pk)
    return shift


def _clean_route(route) -> list[list[float]]:
    if route in (None, ""):
        return []
    if not isinstance(route, list | tuple) or len(route) > MAX_ROUTE_POINTS:
        raise ServiceError(_("The route must be a list of at most 2,000 points."), field="route")
    cleaned = []
    for point in route:
        try:
            lat, lon = (float(value) for value in point)
        except (TypeError, ValueError):
            raise ServiceError(_("Each point of the route needs a latitude and a longitude."),
                               field="route") from None
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise ServiceError(_("A point of the route is outside the valid range of latitude and longitude."),
                               field="route")
        cleaned.append([round(lat, 6), round(lon, 6)])
    return cleaned


@transaction.atomic
def patrol_start(*, actor, team: SecurityTeam, member: TeamMember | None = None, kind: str = DutyKind.PATROL,
                 notes: str = "") -> PatrolLog:
    """A member starts a patrol or a duty on their phone; the commune police see it at once."""
    own = member_of(actor, team)
    member = member or own
    if member is None:
        raise PermissionDeniedError(_("Only an active member of this team can start its patrol."))
    if own is None or own.pk != member.pk:
        if not can_keep_roster(actor, team):
            raise PermissionDeniedError(_("You may only start your own patrol."))
    _check_active_member(member, team)
    if team.status != SecurityTeam.Status.ACTIVE:
        raise ServiceError(_("This team is dissolved."), field="team")
    if kind not in DutyKind.values:
        raise ServiceError(_("Choose patrol or duty at the post."), field="kind")
    TeamMember.objects.select_for_update().filter(pk=member.pk).first()
    if PatrolLog.objects.filter(member=member, ended_at__isnull=True).exists():
        raise ServiceError(_("A patrol of %(name)s is still going on: end it first.") % {"name": member.full_name},
                           field="member")
    now = timezone.now()
    shift = (DutyShift.objects.filter(member=member, starts_at__lte=now + SHIFT_GRACE, ends_at__gt=now)
             .order_by("starts_at").first())
    patrol = PatrolLog.objects.create(team=team, unit_path=team.unit_path, member=member, shift=shift, kind=kind,
                                      started_at=now, notes=clean_text(notes, field="notes"))
    audit.record(actor=actor, action="community.patrol.start", obj=patrol,
                 changes={"member": [None, member.pk], "kind": [None, kind]})
    _publish(team, "patrol.started", patrol_id=patrol.pk)
    return patrol


def can_change_patrol(actor, patrol: PatrolLog) -> bool:
    """The member on the patrol, the team leader or deputy, or the police of the area."""
    own = member_of(actor, patrol.team)
    return (own is not None and own.pk == patrol.member_id) or can_keep_roster(actor, patrol.team)


def _check_patrol_owner(actor, patrol: PatrolLog) -> None:
    if not can_change_patrol(actor, patrol):
        raise PermissionDeniedError(_("Only the member on this patrol, the team leader or the police may change it."))


@transaction.atomic
def patrol_end(*, actor, patrol: PatrolLog, notes: str = "", route=None) -> PatrolLog:
    """The patrol is over: its notes and the route the phone recorded (if any) are kept."""
    _check_patrol_owner(actor, patrol)
    patrol = PatrolLog.objects.select_for_update().select_related("team").get(pk=patrol.pk)
    if patrol.ended_at is not None:
        raise ServiceError(_("This patrol has already ended."), field="patrol")
    notes = clean_text(notes, field="notes")
    cleaned_route = _clean_route(route)
    patrol.ended_at = timezone.now()
    if notes:
        patrol.notes = f"{patrol.notes}\n{notes}".strip() if patrol.notes else notes
    if cleaned_route:
        patrol.route = cleaned_route
    patrol.save(update_fields=["ended_at", "notes", "route"])
    audit.record(actor=actor, action="community.patrol.end", obj=patrol,
                 changes={"ended_at": [None, patrol.ended_at], "route_points": [None, len(patrol.route)]})
    _publish(patrol.team, "patrol.ended", patrol_id=patrol.pk)
    return patrol


def patrol_report(*, actor, patrol: PatrolLog, category, description: str, lat: float | None = None,
                  lon: float | None = None, address: str = "", answers: dict | None = None):
    """Something seen on patrol becomes an incident report, attached to the log."""
    from binhan.reports import services as report_services
    from binhan.reports.models import Source

    _check_patrol_owner(actor, patrol)
    created = report_services.report_create(
        category=category, description=description, group=patrol.team.unit, lat=lat, lon=lon, address=address,
        answers=answers, reporter=actor, source=Source.STAFF)
    _attach(actor=actor, patrol=patrol, report=created.report, action="community.patrol.report_create")
    return created.report


def patrol_attach_report(*, actor, patrol: PatrolLog, reference: str):
    """Link the log to a report already made, by its reference; the report must be in the team's groups."""
    from binhan.reports.models import Report, parse_reference

    _check_patrol_owner(actor, patrol)
    pk = parse_reference(clean_text(reference, field="reference", limit=40,
                                    required=_("Give the report's reference, e.g. R-2026-000123.")))
    groups = TeamArea.objects.filter(team=patrol.team_id).values("unit_id")
    report = Report.objects.filter(pk=pk, unit_id__in=groups).first() if pk else None
    if report is None:
        raise ServiceError(_("No report with this reference was made in the team's residential groups."),
                           field="reference")
    _attach(actor=actor, patrol=patrol, report=report, action="community.patrol.report_attach")
    return report


@transaction.atomic
def _attach(*, actor, patrol: PatrolLog, report, action: str) -> None:
    before = patrol.report_id
    PatrolLog.objects.filter(pk=patrol.pk).update(report=report)
    patrol.report = report
    audit.record(actor=actor, action=action, obj=patrol, changes={"report": [before, report.pk]})
    _publish(patrol.team, "patrol.updated", patrol_id=patrol.pk)
