"""Reads of the statistics. The unit always comes through the scoping door (geo.selectors.unit_get or
the viewer's roots); after that only the facts are read, a fixed number of queries per page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Case, F, IntegerField, Q, Sum, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from binhan.core import paths, scoping
from binhan.geo.models import AdministrativeUnit
from binhan.stats import registry
from binhan.stats.models import Fact
from binhan.stats.periods import EARLIEST, Period

# table[indicator][key] = [sum in window 0, sum in window 1, …]
Table = dict[str, dict[str, list[int]]]

SUPPRESS_UNDER = 5


@dataclass
class Figure:
    indicator: registry.Indicator
    value: float | None
    previous: float | None = None
    breakdown: list[tuple[str, str, float]] = field(default_factory=list)  # (key, label, value)
    suppressed: bool = False
    previous_breakdown: dict[str, float] = field(default_factory=dict)  # key -> value in the previous period

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous in (None, 0):
            return None
        return round((self.value - self.previous) * 100 / self.previous, 1)

    @property
    def direction(self) -> str:
        """better / worse / neutral, for the arrow's words (never colour alone)."""
        change = self.change
        if change is None or change == 0 or self.indicator.higher_is_better is None:
            return "neutral"
        return "better" if (change > 0) == self.indicator.higher_is_better else "worse"


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def span(start: dt.date, end: dt.date) -> Q:
    """The facts that add up to [start, end]: whole months from the month rows, the edges from the day rows."""
    first_month = start if start.day == 1 else _month_end(start) + dt.timedelta(days=1)
    last_month = end.replace(day=1) if end == _month_end(end) else end.replace(day=1) - dt.timedelta(days=1)
    last_month = last_month.replace(day=1)
    if first_month > last_month:  # no whole month inside
        return Q(grain=Fact.DAY, day__gte=start, day__lte=end)
    query = Q(grain=Fact.MONTH, day__gte=first_month, day__lte=last_month)
    if start < first_month:
        query |= Q(grain=Fact.DAY, day__gte=start, day__lt=first_month)
    tail = _month_end(last_month) + dt.timedelta(days=1)
    if tail <= end:
        query |= Q(grain=Fact.DAY, day__gte=tail, day__lte=end)
    return query


def _windows_q(codes: set[str], windows: list[tuple[dt.date, dt.date]]):
    """Per window, the condition for a fact to count: stocks add up everything up to the window's end.

    A stock's level is read no later than today: its known future changes (an item falls due, a
    request's deadline passes) are already stored on their days, and a period that runs on past
    today ("this year") should show the level now, not the one expected at its end."""
    stocks = {c for c in codes if registry.indicator(c) and registry.indicator(c).aggregation == "stock"}
    flows = codes - stocks
    today = timezone.localdate()
    return [(Q(indicator__in=stocks) & span(EARLIEST, min(end, today))) | (Q(indicator__in=flows) & span(start, end))
            for start, end in windows], stocks, flows


def _sums(base, codes: set[str], windows: list[tuple[dt.date, dt.date]], group=("indicator", "key")):
    conditions, _stocks, _flows = _windows_q(codes, windows)
    where = Q()
    for condition in conditions:
        where |= condition
    rows = (base.filter(where)
            .values(*group)
            .annotate(**{f"w{i}": Sum(Case(When(cond, then="value"), default=0, output_field=IntegerField()))
                         for i, cond in enumerate(conditions)})
            .order_by())
    return rows


def _table(rows, n: int) -> Table:
    table: Table = defaultdict(lambda: defaultdict(lambda: [0] * n))
    for row in rows:
        cell = table[row["indicator"]][row["key"]]
        for i in range(n):
            cell[i] += row[f"w{i}"] or 0
    return table


def evaluate(code: str, table: Table, w: int, prev: int | None = None) -> float | None:
    """An indicator's value in window `w` of a table (the previous period in window `prev`, for changes)."""
    item = registry.indicator(code)
    if item is None:
        return None
    if item.aggregation in ("count", "sum", "stock"):
        return sum(cell[w] for cell in table.get(code, {}).values())
    if item.aggregation == "median":
        return registry.histogram_median({k: cell[w] for k, cell in table.get(code, {}).items()})
    if item.aggregation == "ratio":
        numerator, denominator = evaluate(item.numerator, table, w), evaluate(item.denominator, table, w)
        if not denominator or numerator is None:
            return None
        return round(100 * numerator / denominator, 1)
    if item.aggregation == "change" and prev is not None:
        now, before = evaluate(item.of, table, w), evaluate(item.of, table, prev)
        if not before or now is None:
            return None
        return round(100 * (now - before) / before, 1)
    return None


def breakdown(code: str, table: Table, w: int, cache: dict | None = None) -> list[tuple[str, str, float]]:
    item = registry.indicator(code)
    if item is None or item.breakdown is None or item.aggregation not in ("count", "sum", "stock"):
        return []
    cells = [(key, cell[w]) for key, cell in table.get(code, {}).items() if cell[w]]
    if not cells:
        return []
    cache = {} if cache is None else cache
    if item.key_labels not in cache:  # one query per kind of label, not per indicator
        cache[item.key_labels] = item.key_labels() if item.key_labels else {}
    labels = cache[item.key_labels]
    return sorted(((key, str(labels.get(key, key)), value) for key, value in cells), key=lambda r: (-r[2], r[0]))


def visible_roots(*, viewer) -> list[AdministrativeUnit]:
    """The top units of the viewer's staff scope (the nation for a superuser)."""
    prefixes = scoping.scope_paths(viewer)
    if prefixes is scoping.EVERYTHING:
        return list(AdministrativeUnit.objects.filter(parent__isnull=True).order_by("code"))
    return list(AdministrativeUnit.objects.filter(path__in=list(prefixes)).order_by("path"))


def figures(*, unit: AdministrativeUnit, codes: list[str], period: Period, with_breakdown: bool = False) -> list[Figure]:
    """Each indicator for the unit in the period and the previous period: one query."""
    previous = period.previous()
    needed = registry.stored_codes(codes)
    rows = _sums(Fact.objects.filter(unit_path=unit.path), needed,
                 [(period.start, period.end), (previous.start, previous.end)])
    table = _table(rows, 2)
    result, labels = [], {}
    for code in codes:
        item = registry.indicator(code)
        if item is None:
            continue
        result.append(Figure(
            indicator=item, value=evaluate(code, table, 0, 1), previous=evaluate(code, table, 1),
            breakdown=breakdown(code, table, 0, labels) if with_breakdown else [],
            previous_breakdown={key: value for key, _label, value in breakdown(code, table, 1, labels)}
            if with_breakdown else {},
        ))
    return result


def yearly(*, unit: AdministrativeUnit, codes: list[str], windows: list[Period]) -> dict[str, list[float | None]]:
    """Each indicator in each of several periods (the years of a five-year review): one query.

    A `change` indicator compares each window with the one before it; the first window has none."""
    needed = registry.stored_codes(codes)
    rows = _sums(Fact.objects.filter(unit_path=unit.path), needed, [(w.start, w.end) for w in windows])
    table = _table(rows, len(windows))
    return {code: [evaluate(code, table, i, i - 1 if i else None) for i in range(len(windows))]
            for code in codes if registry.indicator(code)}


def compare_units(*, units: list[AdministrativeUnit], codes: list[str], period: Period) -> dict[int, dict[str, float]]:
    """Each indicator for several units (at any levels) in one query: {unit id: {code: value}}."""
    needed = registry.stored_codes(codes)
    rows = _sums(Fact.objects.filter(unit_path__in=[u.path for u in units]), needed,
                 [(period.start, period.end)], group=("unit_path", "indicator", "key"))
    by_path: dict[str, list] = defaultdict(list)
    for row in rows:
        by_path[row["unit_path"]].append(row)
    result = {}
    for unit in units:
        table = _table(by_path.get(unit.path, []), 1)
        result[unit.pk] = {code: evaluate(code, table, 0) for code in codes}
    return result


def children(*, unit: AdministrativeUnit, codes: list[str], period: Period) -> list[tuple[AdministrativeUnit, dict]]:
    """Each child unit with each indicator's value in the period: two queries."""
    return [(kid, values[0]) for kid, values in _children(unit=unit, codes=codes, windows=[period])]


def children_compared(*, unit: AdministrativeUnit, codes: list[str], period: Period
                      ) -> list[tuple[AdministrativeUnit, dict, dict]]:
    """Each child unit with each indicator in the period and in the previous one: two queries."""
    return [(kid, values[0], values[1])
            for kid, values in _children(unit=unit, codes=codes, windows=[period, period.previous()])]


def _children(*, unit: AdministrativeUnit, codes: list[str], windows: list[Period]
              ) -> list[tuple[AdministrativeUnit, list[dict]]]:
    kids = list(AdministrativeUnit.objects.filter(parent=unit).order_by("code"))
    _place(kids)
    needed = registry.stored_codes(codes)
    rows = _sums(Fact.objects.filter(paths.under("unit_path", unit.path), depth=unit.depth + 1), needed,
                 [(w.start, w.end) for w in windows], group=("unit_path", "indicator", "key"))
    by_path: dict[str, list] = defaultdict(list)
    for row in rows:
        by_path[row["unit_path"]].append(row)
    result = []
    for kid in kids:
        table = _table(by_path.get(kid.path, []), len(windows))
        result.append((kid, [{code: evaluate(code, table, w) for code in codes} for w in range(len(windows))]))
    return result


def _place(kids: list[AdministrativeUnit]) -> None:
    """Where to draw each unit on a map (map_lat, map_lon): its centre, else the mean of its children's
    centres (one query, only when some unit has no centre)."""
    missing = [kid.pk for kid in kids if kid.centre_lat is None or kid.centre_lon is None]
    means = {}
    if missing:
        means = {row["parent"]: (row["lat"], row["lon"]) for row in AdministrativeUnit.objects.filter(
            parent__in=missing, centre_lat__isnull=False, centre_lon__isnull=False).values("parent").annotate(
            lat=Avg("centre_lat"), lon=Avg("centre_lon")).order_by()}
    for kid in kids:
        if kid.centre_lat is not None and kid.centre_lon is not None:
            kid.map_lat, kid.map_lon = kid.centre_lat, kid.centre_lon
        else:
            kid.map_lat, kid.map_lon = means.get(kid.pk, (None, None))


def trend(*, unit: AdministrativeUnit, codes: list[str], period: Period) -> tuple[list[dt.date], dict[str, list]]:
    """Each indicator per day (short periods) or month within the period: one query (two with stocks)."""
    step = period.buckets()
    if step == "day":
        buckets = [period.start + dt.timedelta(days=i) for i in range(period.days)]
    else:
        buckets, month = [], period.start.replace(day=1)
        while month <= period.end:
            buckets.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
    needed = registry.stored_codes(codes)
    stocks = {c for c in needed if registry.indicator(c).aggregation == "stock"}
    today = timezone.localdate()

    def window(end: dt.date) -> Q:
        if end < period.start:
            return Q(pk__in=[])
        return Q(grain=Fact.DAY, day__gte=period.start, day__lte=end) if step == "day" else span(period.start, end)

    # A stock's known future changes (an item falls due, a stay ends) are stored on their days: read
    # them no later than today, as the figures do (_windows_q).
    flows = needed - stocks
    base = Fact.objects.filter((Q(indicator__in=flows) & window(period.end))
                               | (Q(indicator__in=stocks) & window(min(period.end, today))), unit_path=unit.path)
    bucket = F("day") if step == "day" else TruncMonth("day")
    rows = base.annotate(bucket=bucket).values("indicator", "key", "bucket").annotate(total=Sum("value")).order_by()
    index = {b: i for i, b in enumerate(buckets)}
    table: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0] * len(buckets)))
    for row in rows:
        b = row["bucket"]
        b = b.date() if isinstance(b, dt.datetime) else b
        if step == "month":
            b = max(b.replace(day=1), buckets[0])
        if b in index:
            table[row["indicator"]][row["key"]][index[b]] += row["total"]
    if stocks:
        before = (Fact.objects.filter(span(EARLIEST, period.start - dt.timedelta(days=1)), unit_path=unit.path,
                                      indicator__in=stocks)
                  .values("indicator", "key").annotate(total=Sum("value")).order_by())
        opening = {(r["indicator"], r["key"]): r["total"] for r in before}
        for code in stocks:
            keys = set(table[code]) | {k for (c, k) in opening if c == code}
            for key in keys:
                running = opening.get((code, key), 0)
                cells = table[code][key]
                for i, v in enumerate(cells):
                    running += v
                    cells[i] = running
    series = {}
    for code in codes:
        # A step that begins after today has no figure yet ("–"), rather than a 0 or a level to come.
        series[code] = [evaluate(code, {c: {k: [cells[i]] for k, cells in keys.items()} for c, keys in table.items()}, 0)
                        if bucket <= today else None for i, bucket in enumerate(buckets)]
    return buckets, series


def suppress(value: float | None, *, count: bool) -> float | None:
    """Public figures: a count under 5 is not shown (None)."""
    if value is None:
        return None
    if count and 0 < value < SUPPRESS_UNDER:
        return None
    return value


def public_figures(*, unit: AdministrativeUnit, period: Period) -> list[Figure]:
    """Public indicators only; counts under 5 suppressed, and ratios whose parts are under 5."""
    codes = [i.code for i in registry.indicators() if i.public]
    needed = registry.stored_codes(codes)
    rows = _sums(Fact.objects.filter(unit_path=unit.path), needed, [(period.start, period.end)])
    table = _table(rows, 1)
    result = []
    for code in codes:
        item = registry.indicator(code)
        value = evaluate(code, table, 0)
        if item.aggregation == "ratio":
            parts = [evaluate(item.numerator, table, 0), evaluate(item.denominator, table, 0)]
            hidden = any(p is not None and 0 < p < SUPPRESS_UNDER for p in parts)
            shown = None if hidden else value
        elif item.aggregation == "median":
            hidden = sum(cell[0] for cell in table.get(code, {}).values()) < SUPPRESS_UNDER
            shown = None if hidden else value
        else:
            shown = suppress(value, count=True)
            hidden = shown is None and value not in (None, 0)
        result.append(Figure(indicator=item, value=shown, suppressed=hidden))
    return result
