"""API for grassroots mediation under /api/v1/mediation/: teams, cases from intake to outcome, yearly summaries.

Lists carry no personal data. A case's parties and content come only from `GET /mediation/cases/{id}`,
to the people the law allows (assigned mediators, the team leader, the supervising commune roles),
and each read is audited. Mediators' personal data is not in the API.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from binhan.core import scoping
from binhan.core.api_utils import Pagination, throttle
from binhan.core.exceptions import ServiceError
from binhan.geo import selectors as geo_selectors
from binhan.mediation.models import CaseStatus, DisputeType, Exclusion, Guidance, Mediator, Party
from binhan.mediation.selectors import cases as case_selectors
from binhan.mediation.selectors import summary as summary_selectors
from binhan.mediation.selectors import teams as team_selectors
from binhan.mediation.services import cases as case_services
from binhan.reports.models import Report

router = Router(tags=["grassroots mediation"])

DisputeCode = Literal[tuple(DisputeType.values)]  # type: ignore[valid-type]
ExclusionCode = Literal[tuple(Exclusion.values)]  # type: ignore[valid-type]
PartyRole = Literal[tuple(Party.Role.values)]  # type: ignore[valid-type]


class TeamOut(Schema):
    id: int
    name: str
    unit_id: int
    commune_id: int
    status: str
    minority_area: bool
    established_on: date
    active_mediators: int = Field(..., alias="active_count")
    women: int = Field(..., alias="women_count")
    warnings: list[str]

    @staticmethod
    def resolve_warnings(team) -> list[str]:
        return team_selectors.team_warnings(team)


class MediatorOut(Schema):
    id: int
    full_name: str
    position: str
    gender: str
    is_minority: bool
    status: str
    appointed_on: date


class TeamDetailOut(TeamOut):
    mediators: list[MediatorOut]

    @staticmethod
    def resolve_mediators(team) -> list[Mediator]:
        return team_selectors.team_mediators(team=team)


class CaseOut(Schema):
    id: int
    reference: str
    team_id: int
    source: str
    report_id: int | None
    dispute_type: str
    status: str
    received_on: date
    assigned_on: date | None
    start_deadline: date | None
    started_on: date | None
    started_late: bool
    closed_on: date | None
    reopened_count: int


class PartyOut(Schema):
    role: str
    full_name: str
    age: int | None
    address: str
    contact: str


class SessionOut(Schema):
    id: int
    held_at: datetime
    place: str
    mediator_ids: list[int]
    invitees: str
    requests: str
    agreed: str

    @staticmethod
    def resolve_mediator_ids(session) -> list[int]:
        return [m.pk for m in session.mediators.all()]


class CaseDetailOut(CaseOut):
    description: str
    documents: str
    agency: str
    exclusions: list[str]
    referred_to: str
    referral_reason: str
    agreement: str
    follow_up_on: date | None
    positions: str
    guidance: str
    notes: str
    parties: list[PartyOut]
    mediator_ids: list[int]
    sessions: list[SessionOut]


class PartyIn(Schema):
    role: PartyRole
    full_name: str = Field(..., min_length=1, max_length=150)
    age: int | None = Field(None, ge=0, le=130)
    address: str = Field("", max_length=255)
    contact: str = Field("", max_length=100)


class CaseIn(Schema):
    team_id: int
    source: Literal["mediator", "leader", "agency", "report"]
    dispute_type: DisputeCode
    description: str = Field(..., min_length=1, max_length=4000)
    parties: list[PartyIn] = Field(..., min_length=2, max_length=20)
    received_on: date | None = None
    exclusions: list[ExclusionCode] = Field(default_factory=list)
    referred_to: str = Field("", max_length=200)
    referral_reason: str = Field("", max_length=500)
    report_id: int | None = None
    agency: str = Field("", max_length=200)
    documents: str = Field("", max_length=2000)


class AssignIn(Schema):
    mediator_ids: list[int] = Field(..., min_length=1, max_length=20)
    chosen_by_parties: bool = False


class SessionIn(Schema):
    held_at: datetime
    place: str = Field(..., min_length=1, max_length=200)
    mediator_ids: list[int] = Field(..., min_length=1, max_length=20)
    invitees: str = Field("", max_length=500)
    requests: str = Field("", max_length=4000)
    agreed: str = Field("", max_length=4000)


class OutcomeIn(Schema):
    outcome: Literal["successful", "unsuccessful"]
    agreement: str = Field("", max_length=4000)
    follow_up_on: date | None = None
    positions: str = Field("", max_length=4000)
    guidance: Literal[tuple(["", *Guidance.values])] = ""  # type: ignore[valid-type]
    minutes_requested: bool = False
    notes: str = Field("", max_length=1000)


class TypeCountsOut(Schema):
    received: int
    successful: int
    unsuccessful: int
    referred: int
    pending: int


class SummaryOut(Schema):
    year: int
    path: str
    label: str = ""
    received: int
    mediated: int
    successful: int
    unsuccessful: int
    referred: int
    pending: int
    success_rate: float | None
    teams: int
    mediators: int
    workload: float | None
    by_type: dict[str, TypeCountsOut]


class SummaryWithRowsOut(SummaryOut):
    rows: list[SummaryOut]


def _summary(summary) -> dict:
    return {**summary.as_dict(), "label": summary.label}


# --- teams ---


@router.get("/mediation/teams", response=list[TeamOut], summary="Mediation teams under your units")
@paginate(Pagination)
def list_teams(request, unit_id: int | None = None, q: Annotated[str, Query(max_length=100)] = ""):
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id) if unit_id else None
    return team_selectors.team_list(viewer=request.user, unit=unit, query=q.strip())


@router.get("/mediation/teams/{team_id}", response=TeamDetailOut, summary="One team with its mediators")
def get_team(request, team_id: int):
    team = team_selectors.team_get(viewer=request.user, pk=team_id)
    return team_selectors.team_list(viewer=request.user, active_only=False).get(pk=team.pk)


# --- cases ---


@router.get("/mediation/cases", response=list[CaseOut], summary="Cases you may read (no personal data)")
@paginate(Pagination)
def list_cases(request, status: Literal[tuple(["", "pending", *CaseStatus.values])] = "",  # type: ignore[valid-type]
               team_id: int | None = None, year: int | None = Query(None, ge=2000, le=2100)):
    return case_selectors.case_list(viewer=request.user, filters=case_selectors.CaseFilters(
        status=status, team_id=team_id, year=year))


def _detail(request, case_id: int) -> dict:
    case = case_selectors.case_get(viewer=request.user, pk=case_id)
    case_services.case_record_read(actor=request.user, case=case)
    data = {f: getattr(case, f) for f in CaseDetailOut.model_fields if hasattr(case, f)}
    data.update(parties=case_selectors.case_parties(case=case), sessions=case_selectors.case_sessions(case=case),
                mediator_ids=[m.pk for m in case_selectors.case_assigned(case=case)])
    return data


@router.get("/mediation/cases/{case_id}", response=CaseDetailOut,
            summary="One case with its parties and content (audited)")
def get_case(request, case_id: int):
    return _detail(request, case_id)


@router.post("/mediation/cases", response={201: CaseOut}, summary="Record a case and decide intake")
def create_case(request, payload: CaseIn):
    throttle(request, scope="mediation.write", rate="120/m")
    team = team_selectors.team_get(viewer=request.user, pk=payload.team_id)
    report = None
    if payload.report_id is not None:
        report = scoping.get_visible_or_404(Report.objects.select_related("category"), request.user,
                                            pk=payload.report_id)
    case = case_services.case_create(
        actor=request.user, team=team, source=payload.source, dispute_type=payload.dispute_type,
        description=payload.description, received_on=payload.received_on, exclusions=payload.exclusions,
        referred_to=payload.referred_to, referral_reason=payload.referral_reason, report=report,
        agency=payload.agency, documents=payload.documents,
        parties=[case_services.PartyIn(**p.dict()) for p in payload.parties])
    return Status(201, case)


def _team_mediators(case, ids: list[int]) -> list[Mediator]:
    found = {m.pk: m for m in Mediator.objects.filter(team=case.team, pk__in=ids)}
    if len(found) != len(set(ids)):
        raise ServiceError(_("Choose active mediators of this team."), field="mediator_ids")
    return [found[pk] for pk in dict.fromkeys(ids)]


@router.post("/mediation/cases/{case_id}/assign", response=CaseOut, summary="Assign mediators (3 days to start)")
def assign_case(request, case_id: int, payload: AssignIn):
    throttle(request, scope="mediation.write", rate="120/m")
    case = case_selectors.case_get(viewer=request.user, pk=case_id)
    return case_services.case_assign(actor=request.user, case=case, chosen_by_parties=payload.chosen_by_parties,
                                     mediators=_team_mediators(case, payload.mediator_ids))


@router.post("/mediation/cases/{case_id}/sessions", response={201: SessionOut}, summary="Record a session")
def add_session(request, case_id: int, payload: SessionIn):
    throttle(request, scope="mediation.write", rate="120/m")
    case = case_selectors.case_get(viewer=request.user, pk=case_id)
    held_at = payload.held_at if timezone.is_aware(payload.held_at) else timezone.make_aware(payload.held_at)
    session = case_services.session_record(
        actor=request.user, case=case, held_at=held_at, place=payload.place,
        mediators=_team_mediators(case, payload.mediator_ids), invitees=payload.invitees,
        requests=payload.requests, agreed=payload.agreed)
    return Status(201, session)


@router.post("/mediation/cases/{case_id}/outcome", response=CaseOut, summary="Record the outcome")
def close_case(request, case_id: int, payload: OutcomeIn):
    throttle(request, scope="mediation.write", rate="120/m")
    case = case_selectors.case_get(viewer=request.user, pk=case_id)
    return case_services.case_close(actor=request.user, case=case, **payload.dict())


# --- summaries ---


@router.get("/mediation/summary", response=SummaryWithRowsOut,
            summary="Yearly summary of a unit (counts only), with one row per team or commune")
def summary(request, unit_id: int, year: int = Query(..., ge=2000, le=2100)):
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id)
    total = summary_selectors.yearly_summary(viewer=request.user, unit=unit, year=year)
    rows = summary_selectors.yearly_breakdown(viewer=request.user, unit=unit, year=year)
    return {**_summary(total), "rows": [_summary(row) for row in rows]}

