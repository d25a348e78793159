"""API for weapon handovers: the register (no donor details), recording, custody movements, totals and stock."""

from datetime import date
from decimal import Decimal
from typing import Literal

from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from binhan.core import scoping
from binhan.core.api_utils import Pagination, throttle
from binhan.core.exceptions import PermissionDeniedError
from binhan.geo import selectors as geo_selectors
from binhan.geo.models import Household
from binhan.handovers import selectors
from binhan.handovers.models import Category, Item, Place
from binhan.handovers.roles import POLICE_ROLES
from binhan.handovers.services import handovers as services

router = Router(tags=["weapon handovers"])


class ItemIn(Schema):
    category: Category
    quantity: Decimal = Field(..., gt=0, max_digits=12, decimal_places=3)
    condition: Item.Condition = Item.Condition.USABLE
    description: str = Field("", max_length=200)


class HandoverIn(Schema):
    unit_id: int = Field(..., description="The commune whose police receive the handover")
    received_on: date
    place: str = Field(..., min_length=1, max_length=200)
    anonymous: bool = False
    donor_name: str = Field("", max_length=120)
    donor_id_number: str = Field("", max_length=20)
    donor_address: str = Field("", max_length=255)
    household_id: int | None = None
    programme_id: int | None = None
    reward_quantity: int = Field(1, ge=1, le=20)
    note: str = Field("", max_length=2000)
    items: list[ItemIn] = Field(..., min_length=1, max_length=services.MAX_ITEMS)


class ItemOut(Schema):
    id: int
    category: str
    measure: str
    quantity: Decimal
    condition: str


class HandoverOut(Schema):
    id: int
    number: str
    unit_id: int
    received_on: date
    anonymous: bool
    officer_id: int


class HandoverDetailOut(HandoverOut):
    items: list[ItemOut]


class MovementIn(Schema):
    from_place: Literal["commune", "province_store"]
    to_place: Literal["province_store", "destroyed"]
    quantity: Decimal = Field(..., gt=0, max_digits=12, decimal_places=3)
    moved_on: date
    document_number: str = Field("", max_length=60)


class MovementOut(Schema):
    id: int
    item_id: int
    from_place: str
    to_place: str
    quantity: Decimal
    moved_on: date


class TotalOut(Schema):
    category: str
    measure: str
    quantity: Decimal
    items: int
    period: date | None
    unit_path: str


class StockOut(Schema):
    category: str
    measure: str
    received: Decimal
    at_commune: Decimal
    at_province_store: Decimal
    destroyed: Decimal


class ProgrammeOut(Schema):
    id: int
    unit_id: int
    name: str
    reward: str
    reward_description: str
    starts_on: date
    ends_on: date


def _require_police(request) -> None:
    if not selectors.is_police(request.user):
        raise PermissionDeniedError(services.police_only_message())


@router.get("/handovers", response=list[HandoverOut], summary="Handovers under your units (police)")
@paginate(Pagination)
def list_handovers(request, since: date | None = None, until: date | None = None):
    _require_police(request)
    return selectors.handover_list(viewer=request.user, since=since, until=until)


@router.post("/handovers", response={201: HandoverDetailOut}, summary="Record a handover and number its receipt")
def record(request, payload: HandoverIn):
    throttle(request, scope="handovers", rate="60/m")
    _require_police(request)
    commune = geo_selectors.unit_get(viewer=request.user, pk=payload.unit_id)
    household = None
    if payload.household_id is not None:
        household = scoping.get_visible_or_404(Household.objects.all(), request.user, roles=POLICE_ROLES,
                                               pk=payload.household_id)
    programme = None
    if payload.programme_id is not None:
        programme = selectors.programmes_for_viewer(viewer=request.user).filter(pk=payload.programme_id).first()
        if programme is None:
            raise Http404
    handover = services.handover_record(
        actor=request.user, commune=commune, received_on=payload.received_on, place=payload.place,
        anonymous=payload.anonymous, donor_name=payload.donor_name, donor_id_number=payload.donor_id_number,
        donor_address=payload.donor_address, household=household, note=payload.note, programme=programme,
        reward_quantity=payload.reward_quantity, items=[item.dict() for item in payload.items])
    return Status(201, selectors.handover_get(viewer=request.user, pk=handover.pk))


@router.get("/handovers/{handover_id}", response=HandoverDetailOut, summary="One handover with its items")
def get_handover(request, handover_id: int):
    _require_police(request)
    return selectors.handover_get(viewer=request.user, pk=handover_id)


@router.post("/handovers/items/{item_id}/movements", response={201: MovementOut},
             summary="Move an item on to the province store, or destroy it")
def move(request, item_id: int, payload: MovementIn):
    _require_police(request)
    item = selectors.item_get(viewer=request.user, pk=item_id)
    movement = services.item_move(actor=request.user, item=item, from_place=Place(payload.from_place),
                                  to_place=Place(payload.to_place), quantity=payload.quantity,
                                  moved_on=payload.moved_on, document_number=payload.document_number)
    return Status(201, movement)


@router.get("/handovers-programmes", response=list[ProgrammeOut],
            summary="Exchange programmes a handover you record may earn (police)")
@paginate(Pagination)
def programmes(request):
    _require_police(request)
    return selectors.programmes_for_viewer(viewer=request.user)


@router.get("/handovers-totals", response=list[TotalOut], summary="Quantities per category (in its own unit)")
def totals(request, unit_id: int | None = None, since: date | None = None, until: date | None = None,
           period: Literal["year", "month"] | None = None, by_unit: bool = False):
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id) if unit_id else None
    return selectors.handover_totals(viewer=request.user, unit=unit, since=since, until=until, period=period,
                                     by_unit=by_unit)


@router.get("/handovers-stock", response=list[StockOut], summary="Where the handed-over items are now")
def stock(request, unit_id: int | None = None):
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id) if unit_id else None
    return selectors.stock(viewer=request.user, unit=unit)
