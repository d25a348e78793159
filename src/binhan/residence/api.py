"""API for temporary stays: lodgings' software declares guests with an API key (a token of the manager);
the police list the book (no names or numbers through the API) and read the monthly counts."""

from datetime import date, datetime

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from binhan.core.api_utils import Pagination, throttle
from binhan.geo import selectors as geo_selectors
from binhan.residence import selectors
from binhan.residence.models import Channel, Stay
from binhan.residence.services import stays as stay_services

router = Router(tags=["temporary stays"])


class GuestIn(Schema):
    full_name: str = Field(..., min_length=1, max_length=120)
    id_kind: Stay.IdKind
    id_number: str = Field(..., min_length=1, max_length=30)
    nationality: str = Field("VN", min_length=2, max_length=2)
    reason: str = Field(..., min_length=1, max_length=200)
    arrival_at: datetime = Field(..., description="With its offset, e.g. 2026-11-24T21:30:00+07:00")
    departs_on: date
    room: str = Field("", max_length=20)
    relation: Stay.Relation = Stay.Relation.CUSTOMER
    recurring: bool = False


class DeclarationIn(Schema):
    lodging_id: int | None = None
    household_id: int | None = None
    guests: list[GuestIn] = Field(..., min_length=1, max_length=stay_services.MAX_GUESTS)


class StayOut(Schema):
    id: int
    lodging_id: int | None
    household_id: int | None
    nationality: str
    arrival_at: datetime
    departs_on: date
    deadline_at: datetime
    declared_at: datetime
    is_late: bool
    checked_out_at: datetime | None


class DeclarationOut(Schema):
    id: int
    declared_at: datetime
    stays: list[StayOut]


class LodgingOut(Schema):
    id: int
    unit_id: int
    kind: str
    name: str
    address: str
    is_active: bool


class CountOut(Schema):
    month: date
    total: int
    late: int
    foreigners: int
    in_lodgings: int


@router.post("/stays", response={201: DeclarationOut}, summary="Declare one or many guests of a lodging or household")
def declare(request, payload: DeclarationIn):
    throttle(request, scope="stays", rate="120/m")
    lodging = household = None
    if payload.lodging_id is not None:
        lodging = selectors.lodging_get(viewer=request.user, pk=payload.lodging_id)
    if payload.household_id is not None:
        household = selectors.household_for_declaring(viewer=request.user, pk=payload.household_id)
    declaration = stay_services.stays_declare(
        actor=request.user, lodging=lodging, household=household, channel=Channel.API,
        guests=[guest.dict() for guest in payload.guests])
    return Status(201, {"id": declaration.pk, "declared_at": declaration.declared_at,
                        "stays": list(declaration.stays.order_by("id"))})


@router.post("/stays/{stay_id}/check-out", response=StayOut, summary="The guest has left")
def check_out(request, stay_id: int):
    stay = selectors.stay_get(viewer=request.user, pk=stay_id)
    return stay_services.stay_check_out(actor=request.user, stay=stay)


@router.get("/stays", response=list[StayOut], summary="The stay-receipt book (police), without names or numbers")
@paginate(Pagination)
def book(request, day: date | None = None, lodging_id: int | None = None, late: bool = False,
         foreigners: bool = False):
    stay_services.require_police(request.user)
    filters = selectors.BookFilters(day=day, lodging_id=lodging_id, late=late, foreigners=foreigners)
    return selectors.book(viewer=request.user, filters=filters)


@router.get("/lodgings", response=list[LodgingOut], summary="Lodgings you manage, or (police) of your units")
@paginate(Pagination)
def lodgings(request):
    if selectors.is_police(request.user):
        return selectors.lodging_list(viewer=request.user)
    return selectors.managed_lodgings(user=request.user)


@router.get("/stays/counts", response=list[CountOut], summary="Monthly stay counts (kept after the stays are deleted)")
def counts(request, unit_id: int | None = None, since: date | None = None, until: date | None = None):
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id) if unit_id else None
    return selectors.stay_counts(viewer=request.user, unit=unit, since=since, until=until)
