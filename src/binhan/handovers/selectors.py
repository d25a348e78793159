"""Reads of handovers through the scoping door: the register, one handover, totals and stock.

`totals` and `stock` are what the statistics read: quantities per category in each category's
own unit (pieces, rounds, kg, metres), never added across units.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncYear

from binhan.core import paths, scoping
from binhan.geo.models import AdministrativeUnit
from binhan.handovers.models import Category, Handover, Item, Movement, Photo, Place, Programme, measure_of
from binhan.handovers.roles import POLICE_ROLES

COMMUNE_DEPTH = 3
THOUSANDTH = Decimal("0.001")


def is_police(viewer) -> bool:
    return scoping.scope_paths(viewer, POLICE_ROLES) != []


def handover_list(*, viewer, unit: AdministrativeUnit | None = None, since: date | None = None,
                  until: date | None = None) -> QuerySet[Handover]:
    handovers = scoping.visible(Handover.objects.all(), viewer, roles=POLICE_ROLES)
    if unit is not None:
        handovers = handovers.filter(paths.under("unit_path", unit.path))
    if since is not None:
        handovers = handovers.filter(received_on__gte=since)
    if until is not None:
        handovers = handovers.filter(received_on__lte=until)
    return handovers.select_related("unit", "officer").annotate(item_count=Count("items")).order_by(
        "-received_on", "-id")


def handover_get(*, viewer, pk: int) -> Handover:
    return scoping.get_visible_or_404(
        Handover.objects.select_related("unit", "officer", "household").prefetch_related("items__movements", "photos"),
        viewer, roles=POLICE_ROLES, pk=pk)


def item_get(*, viewer, pk: int) -> Item:
    return scoping.get_visible_or_404(Item.objects.select_related("handover"), viewer, roles=POLICE_ROLES, pk=pk)


def photo_get(*, viewer, pk: int) -> Photo:
    return scoping.get_visible_or_404(Photo.objects.all(), viewer, roles=POLICE_ROLES, pk=pk)


def programme_list(*, viewer) -> QuerySet[Programme]:
    return scoping.visible(Programme.objects.all(), viewer, roles=POLICE_ROLES).select_related("unit")


def programmes_for_viewer(*, viewer) -> QuerySet[Programme]:
    """The programmes a handover recorded by `viewer` may earn: under their units, or of a unit above them."""
    prefixes = scoping.scope_paths(viewer, POLICE_ROLES)
    programmes = Programme.objects.all()
    if prefixes is not None:
        above = {ancestor for prefix in prefixes for ancestor in paths.ancestors(prefix)}
        programmes = programmes.filter(Q(unit_path__in=above) | paths.under_any("unit_path", prefixes))
    return programmes.order_by("-starts_on", "id")


@dataclass(frozen=True)
class TotalRow:
    category: str
    measure: str
    quantity: Decimal
    items: int
    period: date | None = None  # the first day of the year or month, when asked by period
    unit_path: str = ""  # the commune's path, when asked by unit


def handover_totals(*, viewer, unit: AdministrativeUnit | None = None, since: date | None = None,
                    until: date | None = None, period: Literal["year", "month"] | None = None,
                    by_unit: bool = False) -> list[TotalRow]:
    """Quantities handed over per category (in its own unit), optionally per year or month and per commune.

    Any staff role may read totals (no personal data); `since`/`until` are handover dates, both included.
    """
    items = scoping.visible(Item.objects.all(), viewer)
    if unit is not None:
        items = items.filter(paths.under("unit_path", unit.path))
    if since is not None:
        items = items.filter(received_on__gte=since)
    if until is not None:
        items = items.filter(received_on__lte=until)
    keys = ["category"]
    if period is not None:
        items = items.annotate(period=TruncYear("received_on") if period == "year" else TruncMonth("received_on"))
        keys.append("period")
    if by_unit:
        keys.append("unit_path")
    rows = items.values(*keys).annotate(total=Sum("quantity"), n=Count("id")).order_by(*keys)
    merged: dict[tuple, list] = {}
    for row in rows:
        path = paths.truncate(row["unit_path"], COMMUNE_DEPTH) if by_unit else ""
        key = (row["category"], _as_date(row.get("period")), path)
        entry = merged.setdefault(key, [Decimal(0), 0])
        entry[0] += row["total"] or 0
        entry[1] += row["n"]
    order = {value: index for index, value in enumerate(Category.values)}
    return [TotalRow(category=c, measure=measure_of(c), quantity=_q(q), items=n, period=p, unit_path=u)
            for (c, p, u), (q, n) in sorted(merged.items(),
                                            key=lambda kv: (kv[0][1] or date.min, kv[0][2], order[kv[0][0]]))]


def _q(value) -> Decimal:
    return Decimal(value or 0).quantize(THOUSANDTH)


def _as_date(value) -> date | None:
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value


@dataclass(frozen=True)
class StockRow:
    category: str
    measure: str
    received: Decimal
    at_commune: Decimal
    at_province_store: Decimal
    destroyed: Decimal


def stock(*, viewer, unit: AdministrativeUnit | None = None) -> list[StockRow]:
    """Where everything handed over under `unit` is now: still at the commune, in the province store, destroyed.

    Two grouped queries (items, movements); at_commune + at_province_store + destroyed == received.
    """
    items = scoping.visible(Item.objects.all(), viewer)
    movements = scoping.visible(Movement.objects.all(), viewer)
    if unit is not None:
        items = items.filter(paths.under("unit_path", unit.path))
        movements = movements.filter(paths.under("unit_path", unit.path))
    received = dict(items.values_list("category").annotate(total=Sum("quantity")).order_by())
    flows: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for category, src, dst, total in (movements.values_list("item__category", "from_place", "to_place")
                                      .annotate(total=Sum("quantity")).order_by()):
        flows[category][src] -= total
        flows[category][dst] += total
    rows = []
    for category in Category.values:
        if category not in received:
            continue
        flow = flows[category]
        rows.append(StockRow(category=category, measure=measure_of(category), received=_q(received[category]),
                             at_commune=_q(received[category] + flow[Place.COMMUNE]),
                             at_province_store=_q(flow[Place.PROVINCE_STORE]), destroyed=_q(flow[Place.DESTROYED])))
    return rows
