"""API for fire safety under /api/v1/fire-safety/: teams and their households, equipment and the
overdue register, public points, inspections and findings, drills, the readiness score, and the
recent fire reports as a map layer.

Households appear by id and address only; heads of household and phones never leave through here.
"""

from datetime import date
from decimal import Decimal
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from binhan.core.api_utils import Pagination, throttle
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.firesafety import rules
from binhan.firesafety.models import Condition, Drill, Finding
from binhan.firesafety.selectors import drills as drill_selectors
from binhan.firesafety.selectors import equipment as equipment_selectors
from binhan.firesafety.selectors import maps as map_selectors
from binhan.firesafety.selectors import points as point_selectors
from binhan.firesafety.selectors import readiness as readiness_selectors
from binhan.firesafety.selectors import reports as report_selectors
from binhan.firesafety.selectors import teams as team_selectors
from binhan.firesafety.services import drills as drill_services
from binhan.firesafety.services import equipment as equipment_services
from binhan.firesafety.services import inspections as inspection_services
from binhan.firesafety.services import points as point_services
from binhan.firesafety.services import teams as team_services
from binhan.geo import selectors as geo_selectors

router = Router(tags=["fire safety"])
WRITE_RATE = "120/m"


def _staff(request) -> None:
    if not request.user.is_staff_member:
        raise PermissionDeniedError(_("This is for staff of a unit."))


# --- schemas ---


class TeamOut(Schema):
    id: int
    name: str
    unit_id: int
    leader_name: str
    deputy_name: str
    alarm: str
    established_on: date | None
    status: str
    household_count: int = 0


class TeamIn(Schema):
    unit_id: int
    name: str = Field(..., min_length=1, max_length=200)
    leader_name: str = Field("", max_length=150)
    deputy_name: str = Field("", max_length=150)
    alarm: str = Field("", max_length=300)
    established_on: date | None = None
    household_ids: list[int] = Field(default_factory=list, max_length=50)


class HouseholdIn(Schema):
    household_id: int


class TeamHouseholdOut(Schema):
    household_id: int
    address: str = Field(..., alias="household.address")
    joined_on: date
    lat: float | None = Field(None, description="where the house stands, when placed on the team's map")
    lon: float | None = None
    has_extinguisher: bool
    has_demolition: bool
    has_alarm: bool
    has_overdue: bool


class PlaceIn(Schema):
    lat: float | None = Field(..., ge=-90, le=90, description="null with lon null: remove the place")
    lon: float | None = Field(..., ge=-180, le=180)


class EquipmentTypeOut(Schema):
    code: str
    name: str = Field(..., alias="display_name")
    requirement: str
    interval_months: int
    has_capacity: bool


class EquipmentOut(Schema):
    id: int
    type: str = Field(..., alias="type.code")
    household_id: int | None
    team_id: int | None
    point_id: int | None
    quantity: int
    capacity_kg: Decimal | None
    bought_on: date | None
    last_checked_on: date | None
    next_due_on: date | None
    condition: str
    serial: str
    source: str


class EquipmentIn(Schema):
    type_code: str = Field(..., min_length=1, max_length=40)
    household_id: int | None = None
    team_id: int | None = None
    point_id: int | None = None
    quantity: int = Field(1, ge=1, le=500)
    capacity_kg: Decimal | None = Field(None, ge=0, le=500)
    bought_on: date | None = None
    last_checked_on: date | None = None
    condition: Literal["good", "needs_repair", "broken"] = Condition.GOOD
    serial: str = Field("", max_length=60)


class CheckIn(Schema):
    on: date | None = None
    condition: Literal["good", "needs_repair", "broken"] = Condition.GOOD


class PointOut(Schema):
    id: int
    name: str
    unit_id: int
    alley: str
    alley_length_m: int | None
    lat: float | None
    lon: float | None
    has_sign: bool
    has_shelter: bool
    team_id: int | None
    state: str = ""
    alley_warning: str = Field("", description="set when the alley is under 50 m (a warning, not a refusal)")

    @staticmethod
    def resolve_state(obj) -> str:
        return point_selectors.state_of(obj)

    @staticmethod
    def resolve_alley_warning(obj) -> str:
        return rules.alley_warning(obj.alley_length_m)


class PointIn(Schema):
    unit_id: int
    name: str = Field(..., min_length=1, max_length=120)
    alley: str = Field("", max_length=200)
    alley_length_m: int | None = Field(None, ge=0, le=100_000)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    has_sign: bool = False
    has_shelter: bool = False
    team_id: int | None = None
    responsible: str = Field("", max_length=150)


class InspectionIn(Schema):
    household_id: int | None = None
    point_id: int | None = None
    results: dict[str, bool] = Field(..., description="checklist item code → passed")
    notes: dict[str, str] = Field(default_factory=dict)
    note: str = Field("", max_length=2000)
    inspected_on: date | None = None
    follow_up_on: date | None = None


class InspectionOut(Schema):
    id: int
    household_id: int | None
    point_id: int | None
    team_id: int | None
    inspected_on: date
    passed: bool
    items: dict[str, bool]
    finding_ids: list[int]


class FindingOut(Schema):
    id: int
    item: str
    note: str
    team_id: int | None
    household_id: int | None = Field(None, alias="inspection.household_id")
    point_id: int | None = Field(None, alias="inspection.point_id")
    assignee: str
    follow_up_on: date
    status: str
    closed_on: date | None


class DrillIn(Schema):
    unit_id: int
    team_ids: list[int] = Field(..., min_length=1, max_length=100)
    kind: Literal["drill", "training"] = Drill.Kind.DRILL
    held_on: date
    scenario: str = Field(..., min_length=1, max_length=300)
    participants: int = Field(0, ge=0, le=100_000)
    duration_minutes: int | None = Field(None, ge=0, le=1440)
    result: Literal["good", "fair", "poor"] = Drill.Result.GOOD
    note: str = Field("", max_length=2000)


class DrillOut(Schema):
    id: int
    unit_id: int
    kind: str
    held_on: date
    scenario: str
    participants: int
    duration_minutes: int | None
    result: str
    team_count: int = 0


class ReadinessOut(Schema):
    unit_id: int
    unit_code: str
    score: float
    households: int
    equipped: int
    open_findings: int
    teams: int
    drilled_teams: int


class OverdueOut(Schema):
    unit_id: int
    unit_code: str
    items: int
    owners: int


Day = date  # a field named `date` cannot be annotated with `date` itself


class FireReportGeometryOut(Schema):
    type: Literal["Point"]
    coordinates: list[float] = Field(..., description="[longitude, latitude]")


class FireReportPropertiesOut(Schema):
    kind: Literal["report"]
    id: int
    reference: str
    status: str
    date: Day = Field(..., description="the day it was made (local time)")
    name: str = Field(..., description="reference, date and status, for a label")
    in_full: bool = Field(..., description="false for a team leader's view: the place coarsened to about 100 m")
    url: str | None = Field(None, description="the report's page; only when in full")


class FireReportFeatureOut(Schema):
    type: Literal["Feature"]
    geometry: FireReportGeometryOut
    properties: FireReportPropertiesOut


class FireReportLayerOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[FireReportFeatureOut]


def _readiness(unit, r) -> dict:
    return {"unit_id": unit.pk, "unit_code": unit.code, "score": r.score, "households": r.households,
            "equipped": r.equipped, "open_findings": r.open_findings, "teams": r.teams,
            "drilled_teams": r.drilled_teams}


# --- teams ---


@router.get("/fire-safety/teams", response=list[TeamOut], summary="Fire-safety teams under your units")
@paginate(Pagination)
def list_teams(request, unit_id: int | None = None):
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id) if unit_id else None
    return team_selectors.team_list(viewer=request.user, filters=team_selectors.TeamFilters(unit=unit))


@router.get("/fire-safety/teams/{team_id}", response=TeamOut, summary="One fire-safety team")
def get_team(request, team_id: int):
    team = team_selectors.team_get(viewer=request.user, pk=team_id)
    team.household_count = team.memberships.filter(left_on__isnull=True).count()
    return team


@router.post("/fire-safety/teams", response={201: TeamOut}, summary="Set up a fire-safety team")
def create_team(request, payload: TeamIn):
    throttle(request, scope="firesafety.write", rate=WRITE_RATE)
    unit = geo_selectors.unit_get(viewer=request.user, pk=payload.unit_id)
    households = [geo_selectors.household_get(viewer=request.user, pk=pk) for pk in payload.household_ids]
    team = team_services.team_create(actor=request.user, unit=unit, households=households,
                                     **payload.dict(exclude={"unit_id", "household_ids"}))
    return Status(201, get_team(request, team.pk))


@router.get("/fire-safety/teams/{team_id}/households", response=list[TeamHouseholdOut],
            summary="A team's households and what each keeps in date")
def team_households(request, team_id: int):
    team = team_selectors.team_get(viewer=request.user, pk=team_id)
    return list(team_selectors.team_households(team=team))


@router.put("/fire-safety/teams/{team_id}/households/{household_id}/place", response=TeamHouseholdOut,
            summary="Place a team household on the team's map (within its residential group), or clear it")
def place_household(request, team_id: int, household_id: int, payload: PlaceIn):
    throttle(request, scope="firesafety.write", rate=WRITE_RATE)
    team = team_selectors.team_get(viewer=request.user, pk=team_id)
    member = team_selectors.team_households(team=team).filter(household_id=household_id).first()
    if member is None:
        raise Http404
    team_services.team_household_locate(actor=request.user, team=team, household=member.household,
                                        lat=payload.lat, lon=payload.lon)
    return team_selectors.team_households(team=team).get(pk=member.pk)


@router.post("/fire-safety/teams/{team_id}/households", response={201: TeamOut}, summary="A household joins")
def add_household(request, team_id: int, payload: HouseholdIn):
    throttle(request, scope="firesafety.write", rate=WRITE_RATE)
    team = team_selectors.team_get(viewer=request.user, pk=team_id)
    household = geo_selectors.household_get(viewer=request.user, pk=payload.household_id)
    team_services.team_add_household(actor=request.user, team=team, household=household)
    return Status(201, get_team(request, team.pk))


@router.delete("/fire-safety/teams/{team_id}/households/{household_id}", response=TeamOut,
               summary="A household leaves")
def remove_household(request, team_id: int, household_id: int):
    throttle(request, scope="firesafety.write", rate=WRITE_RATE)
    team = team_selectors.team_get(viewer=request.user, pk=team_id)
    household = geo_selectors.household_get(viewer=request.user, pk=household_id)
    team_services.team_remove_household(actor=request.user, team=team, household=household)
    return get_team(request, team.pk)


# --- equipment ---


@router.get("/fire-safety/equipment-types", response=list[EquipmentTypeOut], summary="Equipment types and rules")
def list_types(request):
    return list(equipment_selectors.equipment_types())


@router.get("/fire-safety/equipment", response=list[EquipmentOut], summary="Equipment in use under your units")
@paginate(Pagination)
def list_equipment(request, unit_id: int | None = None, team_id: int | None = None,
                   status: Literal["", "overdue", "due_soon", "unknown"] = "", type_code: str = ""):
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id) if unit_id else None
    team = team_selectors.team_get(viewer=request.user, pk=team_id) if team_id else None
    return equipment_selectors.equipment_list(viewer=request.user, filters=equipment_selectors.EquipmentFilters(
        unit=unit, team=team, status=status, type_code=type_code[:40]))


def _owner(request, payload: EquipmentIn) -> dict:
    if payload.household_id:
        if payload.household_id == getattr(request.user, "household_id", None):
            return {"household": request.user.household}
        return {"household": geo_selectors.household_get(viewer=request.user, pk=payload.household_id)}
    if payload.team_id:
        return {"team": team_selectors.team_get(viewer=request.user, pk=payload.team_id)}
    if payload.point_id:
        return {"point": point_selectors.point_get(viewer=request.user, pk=payload.point_id)}
    raise ServiceError(_("Equipment belongs to one household, one team or one public point."), field="household_id")


@router.post("/fire-safety/equipment", response={201: EquipmentOut},
             summary="Record equipment of a household (yours, or under your units), a team or a point")
def add_equipment(request, payload: EquipmentIn):
    throttle(request, scope="firesafety.write", rate=WRITE_RATE)
    if sum(1 for v in (payload.household_id, payload.team_id, payload.point_id) if v) > 1:
        raise ServiceError(_("Equipment belongs to one household, one team or one public point."), field="owner")
    item = equipment_services.equipment_add(
        actor=request.user, source="api", **_owner(request, payload),
        **payload.dict(exclude={"household_id", "team_id", "point_id"}))
    return Status(201, item)


def _item(request, equipment_id: int):
    own = getattr(request.user, "household_id", None)
    if own:
        item = equipment_selectors.household_equipment(household_id=own).filter(pk=equipment_id).first()
        if item is not None:
            return item
    if not request.user.is_staff_member:
        raise Http404
    return equipment_selectors.equipment_get(viewer=request.user, pk=equipment_id)


@router.post("/fire-safety/equipment/{equipment_id}/check", response=EquipmentOut,
             summary="The item was inspected or refilled: its next due date moves on")
def check_equipment(request, equipment_id: int, payload: CheckIn):
    throttle(request, scope="firesafety.write", rate=WRITE_RATE)
    return equipment_services.equipment_check(actor=request.user, equipment=_item(request, equipment_id),
                                               on=payload.on, condition=payload.condition)


@router.post("/fire-safety/equipment/{equipment_id}/retire", response=EquipmentOut, summary="Remove an item")
def retire_equipment(request, equipment_id: int):
    throttle(request, scope="firesafety.write", rate=WRITE_RATE)
    return equipment_services.equipment_retire(actor=request.user, equipment=_item(request, equipment_id))


@router.get("/fire-safety/my/equipment", response=list[EquipmentOut], summary="Your household's equipment")
def my_equipment(request):
    if not getattr(request.user, "household_id", None):
        return []
    return list(equipment_selectors.household_equipment(household_id=request.user.household_id))


@router.get("/fire-safety/overdue", response=list[OverdueOut], summary="Overdue items per child unit")
def overdue(request, unit_id: int):
    _staff(request)
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id)
    return [{"unit_id": row.unit.pk, "unit_code": row.unit.code, "items": row.items, "owners": row.owners}
            for row in equipment_selectors.overdue_by_area(viewer=request.user, unit=unit)]


# --- points ---


@router.get("/fire-safety/points", response=list[PointOut], summary="Public firefighting points and their state")
@paginate(Pagination)
def list_points(request, unit_id: int | None = None):
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id) if unit_id else None
    return point_selectors.point_list(viewer=request.user, unit=unit)


@router.post("/fire-safety/points", response={201: PointOut}, summary="Register a public firefighting point")
def create_point(request, payload: PointIn):
    throttle(request, scope="firesafety.write", rate=WRITE_RATE)
    unit = geo_selectors.unit_get(viewer=request.user, pk=payload.unit_id)
    team = team_selectors.team_get(viewer=request.user, pk=payload.team_id) if payload.team_id else None
    fields = payload.dict(exclude={"unit_id", "team_id"})
    point = point_services.point_create(actor=request.user, unit=unit, team=team, **fields)
    return Status(201, point_selectors.point_get(viewer=request.user, pk=point.pk))


# --- inspections and findings ---


@router.post("/fire-safety/inspections", response={201: InspectionOut},
             summary="Record an inspection; failed items open findings")
def create_inspection(request, payload: InspectionIn):
    throttle(request, scope="firesafety.write", rate=WRITE_RATE)
    _staff(request)
    if bool(payload.household_id) == bool(payload.point_id):
        raise ServiceError(_("An inspection is of one household or one public point."), field="household_id")
    target = ({"household": geo_selectors.household_get(viewer=request.user, pk=payload.household_id)}
              if payload.household_id else
              {"point": point_selectors.point_get(viewer=request.user, pk=payload.point_id)})
    inspection = inspection_services.inspection_record(
        actor=request.user, results=payload.results, notes=payload.notes, note=payload.note,
        inspected_on=payload.inspected_on, follow_up_on=payload.follow_up_on, **target)
    inspection.finding_ids = sorted(inspection.findings.values_list("pk", flat=True))
    return Status(201, inspection)


@router.get("/fire-safety/findings", response=list[FindingOut], summary="Findings under your units")
@paginate(Pagination)
def list_findings(request, unit_id: int | None = None, team_id: int | None = None,
                  status: Literal["open", "closed", ""] = Finding.Status.OPEN):
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id) if unit_id else None
    team = team_selectors.team_get(viewer=request.user, pk=team_id) if team_id else None
    return equipment_selectors.finding_list(viewer=request.user, unit=unit, team=team, status=status)


@router.post("/fire-safety/findings/{finding_id}/close", response=FindingOut, summary="The fault is fixed")
def close_finding(request, finding_id: int):
    throttle(request, scope="firesafety.write", rate=WRITE_RATE)
    _staff(request)
    finding = equipment_selectors.finding_get(viewer=request.user, pk=finding_id)
    return inspection_services.finding_close(actor=request.user, finding=finding)


# --- drills and readiness ---


@router.get("/fire-safety/drills", response=list[DrillOut], summary="Drills and trainings under your units")
@paginate(Pagination)
def list_drills(request, unit_id: int | None = None):
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id) if unit_id else None
    return drill_selectors.drill_list(viewer=request.user, unit=unit)


@router.post("/fire-safety/drills", response={201: DrillOut}, summary="Record a drill or training")
def create_drill(request, payload: DrillIn):
    throttle(request, scope="firesafety.write", rate=WRITE_RATE)
    unit = geo_selectors.unit_get(viewer=request.user, pk=payload.unit_id)
    teams = [team_selectors.team_get(viewer=request.user, pk=pk) for pk in dict.fromkeys(payload.team_ids)]
    drill = drill_services.drill_record(actor=request.user, unit=unit, teams=teams,
                                        **payload.dict(exclude={"unit_id", "team_ids"}))
    drill.team_count = len(teams)
    return Status(201, drill)


@router.get("/fire-safety/readiness", response=list[ReadinessOut],
            summary="Readiness score of a unit (first row) and of each of its child units")
def readiness(request, unit_id: int, on: date | None = None):
    _staff(request)
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id)
    total, children = readiness_selectors.readiness_with_children(viewer=request.user, unit=unit, on=on)
    return [_readiness(unit, total)] + [_readiness(child, r) for child, r in children]


# --- fire reports ---


@router.get("/fire-safety/fire-reports", response=FireReportLayerOut,
            summary="Recent fire and fire-risk reports with a place, as GeoJSON, as you may see them")
def fire_reports(request, days: int = Query(report_selectors.MAP_DAYS, ge=1, le=report_selectors.MAX_DAYS)):
    _staff(request)
    return {"type": "FeatureCollection", "features": map_selectors.report_features(viewer=request.user, days=days)}
