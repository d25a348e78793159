"""API for reports under /api/v1/reports: scoped lists and details for staff programs, and status changes.

Reporter details are never part of these answers (reading them is a separate, audited act).
"""

from datetime import datetime
from typing import Annotated

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from binhan.core.api_utils import Pagination, throttle
from binhan.reports import selectors, services
from binhan.reports.models import CLOSED_STATUSES, Priority, Status
from binhan.reports.selectors import QueueFilters

router = Router(tags=["reports"])


class ReportOut(Schema):
    id: int
    reference: str
    category: str = Field(..., alias="category.code")
    status: str
    priority: str
    unit_id: int
    lat: float | None
    lon: float | None
    address: str
    description: str
    is_anonymous: bool
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    assigned_to_id: int | None
    assigned_team: str
    duplicate_of_id: int | None


class ReportFilters(Schema):
    status: list[Status] = Field(default_factory=list)
    category: list[str] = Field(default_factory=list, description="category codes")
    priority: list[Priority] = Field(default_factory=list)
    since: datetime | None = None
    until: datetime | None = None
    q: str = Field("", max_length=100)


class TransitionIn(Schema):
    to_status: Status
    note: str = Field("", max_length=4000)
    reason: str = Field("", max_length=500)
    referred_to: str = Field("", max_length=200)


@router.get("/reports", response=list[ReportOut], summary="Reports under your units, newest first")
@paginate(Pagination)
def list_reports(request, filters: Annotated[ReportFilters, Query()]):
    from binhan.reports.models import Category

    category_ids = tuple(Category.objects.filter(code__in=filters.category).values_list("id", flat=True)) if (
        filters.category) else ()
    if filters.category and not category_ids:
        category_ids = (0,)  # unknown codes match nothing, rather than everything
    return selectors.report_list(viewer=request.user, filters=QueueFilters(
        statuses=tuple(filters.status), categories=category_ids, priorities=tuple(filters.priority),
        since=filters.since, until=filters.until, query=filters.q.strip(),
    ))


@router.get("/reports/{report_id}", response=ReportOut, summary="One report")
def get_report(request, report_id: int):
    return selectors.report_get(viewer=request.user, pk=report_id)


@router.post("/reports/{report_id}/status", response=ReportOut, summary="Move a report along its workflow")
def change_status(request, report_id: int, payload: TransitionIn):
    throttle(request, scope="reports.status", rate="120/m")
    report = selectors.report_get(viewer=request.user, pk=report_id)
    if report.status in CLOSED_STATUSES and payload.to_status == Status.ACKNOWLEDGED:
        services.report_reopen(report=report, actor=request.user, note=payload.note)
    else:
        # Merging needs the original: it is done on the report's page, not here (the service refuses it).
        services.report_transition(report=report, actor=request.user, to_status=payload.to_status,
                                   note=payload.note, reason=payload.reason, referred_to=payload.referred_to)
    return selectors.report_get(viewer=request.user, pk=report.pk)
