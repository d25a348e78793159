"""Reads of mediation cases. Parties and content are seen only by the case's assigned mediators, its
team's leader and the supervising commune roles (`roles.SUPERVISOR_ROLES`); anyone else, even a
mediator of another team or an unassigned one of the same team, gets a 404 (audited as
`access.denied`). Every read of one case's content is audited by the caller (`case_record_read`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.core import audit, paths, scoping
from binhan.mediation.models import (
    PENDING_STATUSES,
    Assignment,
    CaseStatus,
    MediationCase,
    MediationTeam,
    Mediator,
    Party,
    Session,
)
from binhan.mediation.roles import SUPERVISOR_ROLES
from binhan.mediation.services._common import is_supervisor, is_team_leader


def _mine(viewer) -> Q:
    """Cases the viewer mediates or whose team they lead (an active mediator record linked to them)."""
    assigned = Assignment.objects.filter(case=OuterRef("pk"), mediator__user=viewer,
                                         mediator__status=Mediator.Status.ACTIVE)
    leads = Mediator.objects.filter(team=OuterRef("team"), user=viewer, status=Mediator.Status.ACTIVE,
                                    position=Mediator.Position.LEADER)
    return Q(Exists(assigned)) | Q(Exists(leads))


def visible_cases(viewer, queryset: QuerySet | None = None) -> QuerySet[MediationCase]:
    """The door for case content: supervisors under their communes, mediators and leaders for their own."""
    queryset = MediationCase.objects.all() if queryset is None else queryset
    supervised = scoping.scope_paths(viewer, SUPERVISOR_ROLES)
    if supervised is scoping.EVERYTHING:
        return queryset
    staff = scoping.scope_paths(viewer)
    if not staff:
        return queryset.none()
    allowed = paths.under_any("unit_path", supervised)
    allowed |= paths.under_any("unit_path", staff) & _mine(viewer)
    return queryset.filter(allowed)


def case_get(*, viewer, pk: int) -> MediationCase:
    """One case with its team; out of reach is a 404 and recorded as `access.denied`."""
    queryset = MediationCase.objects.select_related("team", "team__unit", "report", "report__category",
                                                    "preferred_mediator", "requested_by")
    try:
        return visible_cases(viewer, queryset).get(pk=pk)
    except MediationCase.DoesNotExist:
        hidden = MediationCase.objects.filter(pk=pk).first()
        if hidden is not None:
            audit.record(actor=viewer, action="access.denied", obj=hidden)
        raise Http404 from None


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    team_id: int | None = None
    unit_path: str = ""
    late_only: bool = False
    year: int | None = None


def case_list(*, viewer, filters: CaseFilters = CaseFilters()) -> QuerySet[MediationCase]:
    cases = visible_cases(viewer)
    if filters.status == "pending":
        cases = cases.filter(status__in=PENDING_STATUSES)
    elif filters.status:
        cases = cases.filter(status=filters.status)
    if filters.team_id:
        cases = cases.filter(team_id=filters.team_id)
    if filters.unit_path:
        cases = cases.filter(paths.under("unit_path", filters.unit_path))
    if filters.year:
        cases = cases.filter(received_on__year=filters.year)
    if filters.late_only:
        cases = cases.filter(status=CaseStatus.ASSIGNED, start_deadline__lt=timezone.localdate())
    return cases.select_related("team", "team__unit").order_by("-received_on", "-id")


def my_cases(*, viewer) -> QuerySet[MediationCase]:
    """The mediator's phone page: pending cases they mediate or whose team they lead."""
    if not scoping.scope_paths(viewer):
        return MediationCase.objects.none()
    return (MediationCase.objects.filter(_mine(viewer), status__in=PENDING_STATUSES)
            .select_related("team", "team__unit").order_by("start_deadline", "received_on", "id"))


def follow_ups_due(*, viewer, within_days: int = 7) -> QuerySet[MediationCase]:
    """Successful cases of the viewer whose agreement is to be checked within a week (or is overdue)."""
    if not scoping.scope_paths(viewer):
        return MediationCase.objects.none()
    until = timezone.localdate() + timedelta(days=within_days)
    return (MediationCase.objects.filter(_mine(viewer), status=CaseStatus.SUCCESSFUL, follow_up_on__lte=until)
            .order_by("follow_up_on", "id"))


def todays_sessions(*, viewer) -> QuerySet[Session]:
    """Sessions held today in the viewer's own cases."""
    today = timezone.localdate()
    start = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone())
    mine = visible_cases(viewer).filter(_mine(viewer)).values("pk")
    return (Session.objects.filter(case__in=mine, held_at__gte=start, held_at__lt=start + timedelta(days=1))
            .select_related("case").order_by("held_at"))


def case_parties(*, case: MediationCase) -> list[Party]:
    return list(case.parties.all())


def case_sessions(*, case: MediationCase) -> list[Session]:
    return list(case.sessions.prefetch_related("mediators").order_by("held_at", "id"))


def case_assigned(*, case: MediationCase) -> list[Mediator]:
    return [a.mediator for a in case.assignments.select_related("mediator").order_by("mediator__full_name")]


def case_interests(*, case: MediationCase):
    return list(case.interests.select_related("mediator").order_by("declared_at"))


def cases_for_report(*, viewer, report) -> list[MediationCase]:
    """The cases a viewer may see that started from an incident report (for the report's panel)."""
    return list(visible_cases(viewer).filter(report=report).order_by("-received_on", "-id"))


def requests_of(*, resident) -> QuerySet[MediationCase]:
    """A resident's own requests: status only, never the other parties' data."""
    return MediationCase.objects.filter(requested_by=resident).select_related("team").order_by("-received_on", "-id")


# -- the case log book ------------------------------------------------------------------------------

@dataclass(frozen=True)
class LogRow:
    number: int
    case: MediationCase
    received_on: date
    mediators: str
    invitees: str
    parties: list[Party]
    content: str
    agreement: str
    result: str
    notes: str


def can_read_log_book(viewer, team: MediationTeam) -> bool:
    return is_supervisor(viewer, team.unit_path) or is_team_leader(viewer, team)


def log_book(*, viewer, team: MediationTeam, start: date, end: date) -> list[LogRow]:
    """The team's case log book for a period, in the law's columns (cases received between the dates).

    Only the team leader and the supervising commune roles read it; the read is audited.
    """
    if not can_read_log_book(viewer, team):
        raise PermissionDenied(_("Only the team leader and the commune may read the case log book."))
    audit.record(actor=viewer, action="mediation.logbook.read", obj=team,
                 changes={"period": [None, [start.isoformat(), end.isoformat()]]})
    cases = (MediationCase.objects.filter(team=team, received_on__gte=start, received_on__lte=end)
             .order_by("received_on", "id")
             .prefetch_related("parties", Prefetch("sessions", queryset=Session.objects.order_by("held_at", "id")),
                               Prefetch("assignments", queryset=Assignment.objects.select_related("mediator")
                                        .order_by("mediator__full_name"))))
    rows = []
    for number, case in enumerate(cases, start=1):
        sessions = list(case.sessions.all())
        invitees = "; ".join(s.invitees for s in sessions if s.invitees)
        if case.status == CaseStatus.SUCCESSFUL:
            agreement = case.agreement
        elif case.status == CaseStatus.UNSUCCESSFUL:
            agreement = case.positions
        else:
            agreement = "\n".join(s.requests for s in sessions if s.requests)
        notes = [case.notes] if case.notes else []
        if case.status == CaseStatus.REFERRED:
            notes.append(_("Referred to %(body)s: %(reason)s") % {"body": case.referred_to,
                                                                  "reason": case.referral_reason})
        if case.reopened_count:
            notes.append(_("Times reopened: %(count)s") % {"count": case.reopened_count})
        rows.append(LogRow(number=number, case=case, received_on=case.received_on,
                           mediators=", ".join(a.mediator.full_name for a in case.assignments.all()),
                           invitees=invitees, parties=list(case.parties.all()), content=case.description,
                           agreement=agreement, result=case.get_status_display(), notes="\n".join(notes)))
    return rows
