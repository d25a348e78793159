"""API for places: the unit tree, unit search and households, all scoped and paginated."""

from typing import Annotated

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from binhan.core.api_utils import Pagination, throttle
from binhan.geo import selectors, services

router = Router(tags=["places"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    display_name: str
    level: str
    kind: str
    parent_id: int | None
    path: str
    centre_lat: float | None
    centre_lon: float | None


class UnitDetailOut(UnitOut):
    breadcrumb: list[UnitOut]
    children_count: int


class HouseholdOut(Schema):
    id: int
    unit_id: int
    code: str
    address: str
    member_count: int


class HouseholdIn(Schema):
    unit_id: int
    address: str = Field(..., min_length=1, max_length=255)
    member_count: int = Field(1, ge=1, le=99)
    head_name: str = Field("", max_length=120)
    head_phone: str = Field("", max_length=20)
    code: str = Field("", max_length=60)


@router.get("/units", response=list[UnitOut], summary="Units you may see")
@paginate(Pagination)
def list_units(request, parent_id: int | None = None, q: str = ""):
    parent = selectors.unit_get(viewer=request.user, pk=parent_id) if parent_id else None
    if parent is None and not q:
        return selectors.unit_roots(viewer=request.user)
    return selectors.unit_list(viewer=request.user, parent=parent, query=q.strip())


@router.get("/units/search", response=list[UnitOut], summary="Search units by name or code")
@paginate(Pagination)
def search_units(request, q: Annotated[str, Query(..., min_length=1, max_length=100)]):
    return selectors.unit_list(viewer=request.user, query=q.strip())


@router.get("/units/{unit_id}", response=UnitDetailOut, summary="One unit with its breadcrumb")
def get_unit(request, unit_id: int):
    unit = selectors.unit_get(viewer=request.user, pk=unit_id)
    unit.breadcrumb = selectors.unit_breadcrumb(unit)
    unit.children_count = unit.children.count()
    return unit


@router.get("/households", response=list[HouseholdOut], summary="Households under a unit")
@paginate(Pagination)
def list_households(request, unit_id: int | None = None, q: str = ""):
    unit = selectors.unit_get(viewer=request.user, pk=unit_id) if unit_id else None
    return selectors.household_list(viewer=request.user, unit=unit, query=q.strip())


@router.get("/households/{household_id}", response=HouseholdOut, summary="One household")
def get_household(request, household_id: int):
    return selectors.household_get(viewer=request.user, pk=household_id)


@router.post("/households", response={201: HouseholdOut}, summary="Add a household to a group")
def create_household(request, payload: HouseholdIn):
    throttle(request, scope="households.create", rate="120/m")
    unit = selectors.unit_get(viewer=request.user, pk=payload.unit_id)
    household = services.household_create(actor=request.user, unit=unit, **payload.dict(exclude={"unit_id"}))
    return Status(201, household)


