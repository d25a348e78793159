"""API for the community register under /api/v1/community/: models, teams, members, rosters and patrol logs.

Members' personal data (date of birth, phone, address) is returned only to the police and leaders,
only when they ask for it with a reason, and each such read is audited.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from binhan.community.models import (
    DutyKind,
    DutyShift,
    Education,
    Effectiveness,
    ModelStatus,
    ModelType,
    PatrolLog,
    Position,
    RecognitionLevel,
    TeamGrade,
    TeamMember,
)
from binhan.community.selectors import commendations as commendation_selectors
from binhan.community.selectors import selfmanagement as model_selectors
from binhan.community.selectors import teams as team_selectors
from binhan.community.services import duty as duty_services
from binhan.community.services import selfmanagement as model_services
from binhan.community.services import teams as team_services
from binhan.core import scoping
from binhan.core.api_utils import Pagination, throttle
from binhan.core.exceptions import ServiceError
from binhan.geo import selectors as geo_selectors

router = Router(tags=["community"])


# --- schemas ---


class ModelTypeOut(Schema):
    id: int
    code: str
    name: str = Field(..., alias="display_name")
    province_id: int | None


class ModelOut(Schema):
    id: int
    name: str
    type: str = Field(..., alias="type.code")
    unit_id: int
    status: str
    started_on: date | None
    last_rating: str
    last_rated_year: int | None
    recognition_level: str
    replicated_from_id: int | None
    ended_on: date | None
    end_reason: str
    site_count: int = 0
    team_count: int = 0


class ModelIn(Schema):
    unit_id: int
    type: str = Field(..., max_length=40, description="a model type code")
    name: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=4000)
    started_on: date | None = None


class ModelFiltersIn(Schema):
    unit_id: int | None = None
    type: str = Field("", max_length=40)
    status: ModelStatus | None = None
    recognised: bool = False
    not_effective: bool = False
    q: str = Field("", max_length=100)


class RateIn(Schema):
    year: int = Field(..., ge=1990, le=2100)
    result: Effectiveness
    evidence: str = Field(..., min_length=1, max_length=4000)


class RecogniseIn(Schema):
    level: RecognitionLevel
    decision_number: str = Field(..., min_length=1, max_length=60)
    decision_date: date
    issued_by: str = Field("", max_length=200)


class ReplicateIn(Schema):
    unit_id: int
    name: str = Field("", max_length=200)
    started_on: date | None = None


class EndIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)
    ended_on: date | None = None


class SiteIn(Schema):
    unit_id: int
    since: date | None = None
    note: str = Field("", max_length=300)


class TeamOut(Schema):
    id: int
    name: str
    unit_id: int
    commune_id: int
    established_on: date
    decision_number: str
    status: str
    population: int
    active_members: int
    expected_size: int


class TeamIn(Schema):
    unit_id: int
    extra_unit_ids: list[int] = Field(default_factory=list, max_length=50)
    name: str = Field("", max_length=200)
    established_on: date
    decision_number: str = Field("", max_length=60)
    decision_date: date | None = None


class MemberOut(Schema):
    id: int
    team_id: int
    user_id: int | None
    full_name: str
    position: str
    education: str
    resident_since: date
    joined_on: date
    decision_number: str
    decision_date: date | None
    decided_by: str
    allowance: int
    status: str
    # Only with ?include_personal=true&purpose=..., for the police and leaders; audited.
    date_of_birth: date | None = None
    phone: str | None = None
    address: str | None = None


class MemberIn(Schema):
    full_name: str = Field(..., min_length=1, max_length=150)
    date_of_birth: date
    education: Education
    resident_since: date
    joined_on: date | None = None
    position: Position = Position.MEMBER
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=255)
    remote_area: bool = False
    chairman_consent: str = Field("", max_length=200)
    decision_number: str = Field("", max_length=60)
    decision_date: date | None = None
    decided_by: str = Field("", max_length=150)
    allowance: int | None = Field(None, ge=0, le=100_000_000)
    user_id: int | None = None


class ShiftOut(Schema):
    id: int
    team_id: int
    member_id: int
    kind: str
    starts_at: datetime
    ends_at: datetime
    place: str
    swapped_from_id: int | None


class ShiftIn(Schema):
    member_id: int
    kind: DutyKind = DutyKind.PATROL
    starts_at: datetime
    ends_at: datetime
    place: str = Field("", max_length=200)


class SwapIn(Schema):
    to_member_id: int
    reason: str = Field(..., min_length=1, max_length=300)


class PatrolOut(Schema):
    id: int
    team_id: int
    member_id: int
    shift_id: int | None
    kind: str
    started_at: datetime
    ended_at: datetime | None
    route: list[list[float]]
    notes: str
    report_id: int | None


class PatrolStartIn(Schema):
    member_id: int | None = None
    kind: DutyKind = DutyKind.PATROL
    notes: str = Field("", max_length=4000)


class PatrolEndIn(Schema):
    notes: str = Field("", max_length=4000)
    route: list[list[float]] = Field(default_factory=list, max_length=2000)


class RatingIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    grade: TeamGrade
    tasks_assigned: int | None = Field(None, ge=0)
    tasks_done: int | None = Field(None, ge=0)
    note: str = Field("", max_length=500)


class RatingOut(Schema):
    id: int
    team_id: int
    year: int
    grade: str
    tasks_assigned: int
    tasks_done: int
    patrols: int
    reports_handled: int


class CommendationOut(Schema):
    id: int
    subject: str
    unit_id: int
    team_id: int | None
    model_id: int | None
    household_id: int | None
    member_id: int | None
    level: str
    decision_number: str
    decision_date: date
    deed: str


# --- models ---


@router.get("/community/model-types", response=list[ModelTypeOut], summary="Types of self-management models")
def list_model_types(request):
    return list(model_selectors.model_types())


@router.get("/community/models", response=list[ModelOut], summary="Self-management models under your units")
@paginate(Pagination)
def list_models(request, filters: Annotated[ModelFiltersIn, Query()]):
    unit = geo_selectors.unit_get(viewer=request.user, pk=filters.unit_id) if filters.unit_id else None
    type_id = None
    if filters.type:
        type_id = ModelType.objects.filter(code=filters.type).values_list("pk", flat=True).first() or 0
    return model_selectors.model_list(viewer=request.user, filters=model_selectors.ModelFilters(
        query=filters.q.strip(), type_id=type_id, status=filters.status or "", unit_path=unit.path if unit else "",
        recognised=filters.recognised, not_effective=filters.not_effective))


def _model(request, model_id: int):
    return model_selectors.model_list(viewer=request.user).filter(pk=model_id).first() or \
        model_selectors.model_get(viewer=request.user, pk=model_id)


@router.get("/community/models/{model_id}", response=ModelOut, summary="One model")
def get_model(request, model_id: int):
    return _model(request, model_id)


@router.post("/community/models", response={201: ModelOut}, summary="Propose a self-management model")
def create_model(request, payload: ModelIn):
    throttle(request, scope="community.write", rate="120/m")
    unit = geo_selectors.unit_get(viewer=request.user, pk=payload.unit_id)
    model_type = model_selectors.model_types(unit=unit).filter(code=payload.type).first()
    if model_type is None:
        raise ServiceError(_("Unknown model type."), field="type")
    model = model_services.model_create(actor=request.user, unit=unit, model_type=model_type, name=payload.name,
                                        description=payload.description, started_on=payload.started_on)
    return Status(201, _model(request, model.pk))


@router.post("/community/models/{model_id}/start", response=ModelOut, summary="Start a proposed model")
def start_model(request, model_id: int):
    model = model_selectors.model_get(viewer=request.user, pk=model_id)
    model_services.model_start(actor=request.user, model=model)
    return _model(request, model_id)


@router.post("/community/models/{model_id}/ratings", response={201: ModelOut}, summary="Rate a model for a year")
def rate_model(request, model_id: int, payload: RateIn):
    model = model_selectors.model_get(viewer=request.user, pk=model_id)
    model_services.model_rate(actor=request.user, model=model, **payload.dict())
    return Status(201, _model(request, model_id))


@router.post("/community/models/{model_id}/recognitions", response={201: ModelOut}, summary="Record a recognition")
def recognise_model(request, model_id: int, payload: RecogniseIn):
    model = model_selectors.model_get(viewer=request.user, pk=model_id)
    model_services.model_recognise(actor=request.user, model=model, **payload.dict())
    return Status(201, _model(request, model_id))


@router.post("/community/models/{model_id}/replicas", response={201: ModelOut}, summary="Replicate at another unit")
def replicate_model(request, model_id: int, payload: ReplicateIn):
    model = model_selectors.model_get(viewer=request.user, pk=model_id)
    unit = geo_selectors.unit_get(viewer=request.user, pk=payload.unit_id)
    replica = model_services.model_replicate(actor=request.user, original=model, unit=unit, name=payload.name,
                                             started_on=payload.started_on)
    return Status(201, _model(request, replica.pk))


@router.post("/community/models/{model_id}/end", response=ModelOut, summary="End a model, with the reason")
def end_model(request, model_id: int, payload: EndIn):
    model = model_selectors.model_get(viewer=request.user, pk=model_id)
    model_services.model_end(actor=request.user, model=model, reason=payload.reason, ended_on=payload.ended_on)
    return _model(request, model_id)


@router.post("/community/models/{model_id}/sites", response={201: ModelOut}, summary="Add a site where it runs")
def add_site(request, model_id: int, payload: SiteIn):
    model = model_selectors.model_get(viewer=request.user, pk=model_id)
    unit = geo_selectors.unit_get(viewer=request.user, pk=payload.unit_id)
    model_services.site_add(actor=request.user, model=model, unit=unit, since=payload.since, note=payload.note)
    return Status(201, _model(request, model_id))


# --- teams ---


@router.get("/community/teams", response=list[TeamOut], summary="Security teams under your units")
@paginate(Pagination)
def list_teams(request, unit_id: int | None = None, size: Literal["", "under", "over", "ok"] = "",
               q: Annotated[str, Query(max_length=100)] = ""):
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id) if unit_id else None
    return team_selectors.team_list(viewer=request.user, filters=team_selectors.TeamFilters(
        unit_path=unit.path if unit else "", size=size, query=q.strip()))


@router.get("/community/teams/{team_id}", response=TeamOut, summary="One security team")
def get_team(request, team_id: int):
    return team_selectors.team_get(viewer=request.user, pk=team_id)


@router.post("/community/teams", response={201: TeamOut}, summary="Set up a security team")
def create_team(request, payload: TeamIn):
    throttle(request, scope="community.write", rate="120/m")
    unit = geo_selectors.unit_get(viewer=request.user, pk=payload.unit_id)
    extra = [geo_selectors.unit_get(viewer=request.user, pk=pk) for pk in payload.extra_unit_ids]
    team = team_services.team_create(actor=request.user, unit=unit, extra_units=extra,
                                     **payload.dict(exclude={"unit_id", "extra_unit_ids"}))
    return Status(201, team_selectors.team_get(viewer=request.user, pk=team.pk))


@router.get("/community/teams/{team_id}/members", response=list[MemberOut], summary="Members of a team")
def list_members(request, team_id: int, include_personal: bool = False,
                 purpose: Annotated[str, Query(max_length=500)] = ""):
    team = team_selectors.team_get(viewer=request.user, pk=team_id)
    members = list(team_selectors.team_members(team=team, include_left=True))
    if not include_personal:
        for member in members:  # deferred, and never sent without a recorded reason
            member.date_of_birth = member.phone = member.address = None
        return members
    # The service refuses anyone but the police and leaders, and an empty reason; each read is audited.
    full = {m.pk: m for m in team.members.all()}
    for member in members:
        team_services.member_read_personal(actor=request.user, member=full[member.pk], purpose=purpose)
    return [full[member.pk] for member in members]


@router.post("/community/teams/{team_id}/members", response={201: MemberOut}, summary="Add a member to a team")
def add_member(request, team_id: int, payload: MemberIn):
    throttle(request, scope="community.write", rate="120/m")
    team = team_selectors.team_get(viewer=request.user, pk=team_id)
    user = None
    if payload.user_id is not None:
        from binhan.accounts.models import User

        user = User.objects.filter(pk=payload.user_id, is_active=True).first()
        if user is None:
            raise ServiceError(_("No active account has this number."), field="user_id")
    member = team_services.member_add(actor=request.user, team=team, user=user,
                                      **payload.dict(exclude={"user_id"}))
    member.date_of_birth = member.phone = member.address = None  # personal data is not echoed back
    return Status(201, member)


@router.post("/community/teams/{team_id}/ratings", response={201: RatingOut}, summary="Rate a team for a period")
def rate_team(request, team_id: int, payload: RatingIn):
    team = team_selectors.team_get(viewer=request.user, pk=team_id)
    return Status(201, team_services.team_rate(actor=request.user, team=team, **payload.dict()))


class MemberRatingOut(Schema):
    id: int
    member_id: int
    year: int
    grade: str
    tasks_assigned: int
    tasks_done: int


@router.post("/community/members/{member_id}/ratings", response={201: MemberRatingOut},
             summary="Rate a team member for a period")
def rate_member(request, member_id: int, payload: RatingIn):
    member = team_selectors.member_get(viewer=request.user, pk=member_id)
    return Status(201, team_services.member_rate(actor=request.user, member=member, **payload.dict()))


# --- rosters and patrols ---


def _member_of_team(team, member_id: int) -> TeamMember:
    member = team.members.filter(pk=member_id).first()
    if member is None:
        raise ServiceError(_("Choose an active member of this team."), field="member_id")
    return member


@router.get("/community/teams/{team_id}/shifts", response=list[ShiftOut], summary="A team's roster")
@paginate(Pagination)
def list_shifts(request, team_id: int, since: datetime | None = None):
    team = team_selectors.team_get(viewer=request.user, pk=team_id)
    return team.shifts.filter(**({"ends_at__gt": since} if since else {})).order_by("starts_at", "id")


@router.post("/community/teams/{team_id}/shifts", response={201: ShiftOut}, summary="Put a member on the roster")
def create_shift(request, team_id: int, payload: ShiftIn):
    team = team_selectors.team_get(viewer=request.user, pk=team_id)
    member = _member_of_team(team, payload.member_id)
    return Status(201, duty_services.shift_create(actor=request.user, team=team, member=member,
                                                  **payload.dict(exclude={"member_id"})))


@router.post("/community/shifts/{shift_id}/swap", response=ShiftOut, summary="Give a shift to another member")
def swap_shift(request, shift_id: int, payload: SwapIn):
    shift = scoping.get_visible_or_404(DutyShift.objects.select_related("team"), request.user, pk=shift_id)
    member = _member_of_team(shift.team, payload.to_member_id)
    return duty_services.shift_swap(actor=request.user, shift=shift, to_member=member, reason=payload.reason)


@router.get("/community/patrols", response=list[PatrolOut], summary="Patrol and duty logs under your units")
@paginate(Pagination)
def list_patrols(request, team_id: int | None = None, open_only: bool = False, since: datetime | None = None):
    patrols = team_selectors.patrol_list(viewer=request.user, filters=team_selectors.PatrolFilters(
        open_only=open_only, since=since))
    return patrols.filter(team_id=team_id) if team_id else patrols


@router.post("/community/teams/{team_id}/patrols", response={201: PatrolOut}, summary="Start a patrol or duty")
def start_patrol(request, team_id: int, payload: PatrolStartIn):
    team = scoping.get_visible_or_404(team_selectors.visible_teams(viewer=request.user), request.user, pk=team_id)
    member = _member_of_team(team, payload.member_id) if payload.member_id else None
    return Status(201, duty_services.patrol_start(actor=request.user, team=team, member=member, kind=payload.kind,
                                                  notes=payload.notes))


@router.post("/community/patrols/{patrol_id}/end", response=PatrolOut, summary="End a patrol or duty")
def end_patrol(request, patrol_id: int, payload: PatrolEndIn):
    patrol = scoping.get_visible_or_404(PatrolLog.objects.select_related("team"), request.user, pk=patrol_id)
    return duty_services.patrol_end(actor=request.user, patrol=patrol, notes=payload.notes, route=payload.route)


class PatrolReportIn(Schema):
    category: str = Field(..., max_length=40, description="a report category code")
    description: str = Field(..., min_length=1, max_length=4000)
    answers: dict = Field(default_factory=dict, description="answers to the category's extra questions")
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)


@router.post("/community/patrols/{patrol_id}/report", response={201: PatrolOut},
             summary="Make an incident report from a patrol, attached to its log")
def report_from_patrol(request, patrol_id: int, payload: PatrolReportIn):
    from binhan.reports.selectors import categories_for

    throttle(request, scope="community.write", rate="120/m")
    patrol = scoping.get_visible_or_404(PatrolLog.objects.select_related("team", "team__unit"), request.user,
                                        pk=patrol_id)
    category = categories_for(unit=patrol.team.unit).filter(code=payload.category).first()
    if category is None:
        raise ServiceError(_("Unknown category."), field="category")
    duty_services.patrol_report(actor=request.user, patrol=patrol, category=category,
                                description=payload.description, lat=payload.lat, lon=payload.lon,
                                answers=payload.answers)
    patrol.refresh_from_db()
    return Status(201, patrol)


# --- commendations ---


@router.get("/community/commendations", response=list[CommendationOut], summary="Commendations under your units")
@paginate(Pagination)
def list_commendations(request, unit_id: int | None = None, year: int | None = None):
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id) if unit_id else None
    return commendation_selectors.commendation_list(viewer=request.user, filters=commendation_selectors.
                                                    CommendationFilters(unit_path=unit.path if unit else "",
                                                                        year=year))

