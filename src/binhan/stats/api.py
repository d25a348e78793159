"""API for statistics under /api/v1/stats: the catalogue, a unit's figures, its child units, its trend,
manual figures, and the public figures (counts under 5 suppressed)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.geo import selectors as geo_selectors
from binhan.geo.models import AdministrativeUnit
from binhan.stats import periods, registry, selectors, services
from binhan.stats.views import PUBLIC_LEVELS

router = Router(tags=["statistics"])


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    definition: str
    domain: str
    aggregation: str
    breakdown: str | None
    numerator: str
    denominator: str
    of: str
    public: bool
    manual: bool


class PeriodIn(Schema):
    period: str = Field("month", description="day, week, month, quarter, year, assessment (1 Nov – 31 Oct), "
                        "five_year (five assessment years, compared with the five before) or range")
    date: str | None = Field(None, description="a day inside the period (YYYY-MM-DD; YYYY-MM or YYYY also work)")
    year: str | None = Field(None, description="for period=five_year: its last assessment year (2025: "
                             "1 Nov 2020 – 31 Oct 2025)")
    start: str | None = Field(None, description="for period=range")
    end: str | None = Field(None, description="for period=range")
    indicator: list[str] = Field(default_factory=list, description="indicator codes (all when empty)")


class PeriodOut(Schema):
    kind: str
    start: dt.date
    end: dt.date


class BreakdownOut(Schema):
    key: str
    label: str
    value: float


class FigureOut(Schema):
    code: str
    value: float | None
    previous: float | None
    change_percent: float | None
    breakdown: list[BreakdownOut]


class FiguresOut(Schema):
    unit_id: int
    unit_code: str
    period: PeriodOut
    previous_period: PeriodOut
    figures: list[FigureOut]


class ChildOut(Schema):
    unit_id: int
    unit_code: str
    name: str
    values: dict[str, float | None]


class ChildrenOut(Schema):
    unit_id: int
    period: PeriodOut
    children: list[ChildOut]


class TrendOut(Schema):
    unit_id: int
    period: PeriodOut
    step: str
    buckets: list[dt.date]
    series: dict[str, list[float | None]]


class PublicFigureOut(Schema):
    code: str
    name: str
    value: float | None = Field(..., description="null when there is no figure or when a count is under 5")
    suppressed: bool


class PublicOut(Schema):
    unit_code: str
    period: PeriodOut
    figures: list[PublicFigureOut]


class ManualIn(Schema):
    unit_id: int
    indicator: str
    month: dt.date = Field(..., description="any day of the month")
    value: int = Field(..., ge=0, le=1_000_000)
    note: str = Field("", max_length=500)


class ReviewIn(Schema):
    approve: bool
    note: str = Field("", max_length=500)


class ManualOut(Schema):
    id: int
    unit_id: int
    indicator: str
    month: dt.date
    value: int
    status: str


def _staff(request) -> None:
    if not request.user.is_staff_member:
        raise PermissionDeniedError(_("Only staff may use the statistics API."))


def _codes(params: PeriodIn) -> list[str]:
    codes = params.indicator or [item.code for item in registry.indicators()]
    unknown = [code for code in codes if registry.indicator(code) is None]
    if unknown:
        raise ServiceError(_("Unknown indicator."), field="indicator")
    return codes


def _period(params: PeriodIn) -> periods.Period:
    return periods.parse(params.period, params.date, params.start, params.end, year=params.year)


def _period_out(period: periods.Period) -> dict:
    return {"kind": period.kind, "start": period.start, "end": period.end}


@router.get("/stats/indicators", response=list[IndicatorOut], summary="The indicator catalogue")
def list_indicators(request):
    _staff(request)
    return [{"code": i.code, "name": str(i.name), "unit": str(i.unit), "definition": str(i.definition),
             "domain": i.domain, "aggregation": i.aggregation,
             "breakdown": str(i.breakdown) if i.breakdown is not None else None, "numerator": i.numerator,
             "denominator": i.denominator, "of": i.of, "public": i.public, "manual": i.manual}
            for i in registry.indicators()]


@router.get("/stats/units/{unit_id}/figures", response=FiguresOut,
            summary="A unit's indicators for a period and the previous one, with breakdowns")
def unit_figures(request, unit_id: int, params: Query[PeriodIn]):
    _staff(request)
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id)
    period, codes = _period(params), _codes(params)
    figures = selectors.figures(unit=unit, codes=codes, period=period, with_breakdown=True)
    return {"unit_id": unit.pk, "unit_code": unit.code, "period": _period_out(period),
            "previous_period": _period_out(period.previous()),
            "figures": [{"code": f.indicator.code, "value": f.value, "previous": f.previous,
                         "change_percent": f.change,
                         "breakdown": [{"key": k, "label": label, "value": v} for k, label, v in f.breakdown]}
                        for f in figures]}


@router.get("/stats/units/{unit_id}/children", response=ChildrenOut, summary="Each child unit's indicators")
def unit_children(request, unit_id: int, params: Query[PeriodIn]):
    _staff(request)
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id)
    period, codes = _period(params), _codes(params)
    rows = selectors.children(unit=unit, codes=codes, period=period)
    return {"unit_id": unit.pk, "period": _period_out(period),
            "children": [{"unit_id": kid.pk, "unit_code": kid.code, "name": kid.display_name, "values": values}
                         for kid, values in rows]}


@router.get("/stats/units/{unit_id}/trend", response=TrendOut, summary="Indicators per day or month of a period")
def unit_trend(request, unit_id: int, params: Query[PeriodIn]):
    _staff(request)
    unit = geo_selectors.unit_get(viewer=request.user, pk=unit_id)
    period, codes = _period(params), _codes(params)
    buckets, series = selectors.trend(unit=unit, codes=codes, period=period)
    return {"unit_id": unit.pk, "period": _period_out(period), "step": period.buckets(), "buckets": buckets,
            "series": series}


@router.get("/stats/public/{code}", response=PublicOut, auth=None,
            summary="Public figures of a nation, province or commune (counts under 5 suppressed)")
def public_figures(request, code: str, params: Query[PeriodIn]):
    unit = get_object_or_404(AdministrativeUnit, code=code, level__in=PUBLIC_LEVELS)
    period = _period(params)
    return {"unit_code": unit.code, "period": _period_out(period),
            "figures": [{"code": f.indicator.code, "name": str(f.indicator.name), "value": f.value,
                         "suppressed": f.suppressed} for f in selectors.public_figures(unit=unit, period=period)]}


@router.post("/stats/manual", response={201: ManualOut}, summary="Submit a unit's monthly figure for approval")
def submit_manual(request, payload: ManualIn):
    _staff(request)
    unit = geo_selectors.unit_get(viewer=request.user, pk=payload.unit_id)
    entry = services.manual_submit(actor=request.user, unit=unit, indicator=payload.indicator, month=payload.month,
                                   value=payload.value, note=payload.note)
    return Status(201, entry)


@router.post("/stats/manual/{entry_id}/review", response=ManualOut, summary="Approve or return a submitted figure")
def review_manual(request, entry_id: int, payload: ReviewIn):
    from binhan.core import scoping
    from binhan.stats.models import ManualEntry
    from binhan.stats.roles import ENTRY_ROLES

    _staff(request)
    entry = scoping.get_visible_or_404(ManualEntry.objects.all(), request.user, roles=ENTRY_ROLES, pk=entry_id)
    return services.manual_review(actor=request.user, entry=entry, approve=payload.approve, note=payload.note)
