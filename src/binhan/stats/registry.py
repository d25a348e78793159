"""The indicator catalogue and the sources that feed it.

Domains declare both in `<app>/indicators.py` (imported by `StatsConfig.ready()`), see
docs/statistics.md. A source turns one object of its table into `Contribution`s: the same pure
function serves the incremental follower and the full rebuild, so the two always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.utils import timezone

AGGREGATIONS = ("count", "sum", "stock", "median", "ratio", "change")
STORED = ("count", "sum", "stock", "median")


class Contribution(NamedTuple):
    indicator: str
    unit_path: str  # the leaf unit's path (normally a residential group)
    day: dt.date  # the local day
    key: str  # breakdown key ("" for none)
    value: int


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Any
    unit: Any
    definition: Any
    domain: str
    aggregation: str = "count"
    breakdown: Any = None  # what the keys mean (e.g. "category"); None: no breakdown
    key_labels: Callable[[], dict[str, str]] | None = None  # key -> label in the current language
    numerator: str = ""
    denominator: str = ""
    of: str = ""
    public: bool = False
    higher_is_better: bool | None = None  # None: neutral
    manual: bool = False  # entered per unit and month (ManualEntry)
    order: int = 100
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.aggregation not in AGGREGATIONS:
            raise ValueError(f"{self.code}: unknown aggregation {self.aggregation!r}")
        if self.aggregation == "ratio" and not (self.numerator and self.denominator):
            raise ValueError(f"{self.code}: a ratio needs a numerator and a denominator")
        if self.aggregation == "change" and not self.of:
            raise ValueError(f"{self.code}: a change needs `of`")

    @property
    def stored(self) -> bool:
        return self.aggregation in STORED

    def label_for(self, key: str) -> str:
        if not key:
            return ""
        labels = self.key_labels() if self.key_labels else {}
        return str(labels.get(key, key))


class Source:
    """One kind of object that contributes to indicators. Subclass and `register()` an instance."""

    name: str = ""  # unique, e.g. "reports.report"
    events: tuple[str, ...] = ()  # outbox event name prefixes that may change an object
    payload_id: str = ""  # the payload field with the object's id
    batch_size: int = 2000

    def queryset(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def contributions(self, obj) -> Iterable[Contribution]:  # pragma: no cover - abstract
        raise NotImplementedError

    def key(self, obj) -> int:
        """The object's id (a source may yield rows from `values_list(named=True)`)."""
        return obj.pk if hasattr(obj, "pk") else obj.id

    def ids_from_event(self, name: str, payload: dict) -> list[int]:
        value = payload.get(self.payload_id)
        if value is None:
            return []
        return [int(v) for v in value] if isinstance(value, list) else [int(value)]

    def matches(self, name: str) -> bool:
        return any(name.startswith(prefix) for prefix in self.events)

    def objects(self, ids: Iterable[int]) -> dict[int, Any]:
        return {self.key(obj): obj for obj in self.queryset().filter(pk__in=list(ids))}

    def all_objects(self) -> Iterator[Any]:
        return self.queryset().order_by("pk").iterator(chunk_size=self.batch_size)


_indicators: dict[str, Indicator] = {}
_sources: dict[str, Source] = {}
_sources_by_event: dict[str, list[Source]] = {}  # event name → the sources it may change


def register(item: Indicator | Source) -> Indicator | Source:
    if isinstance(item, Indicator):
        _indicators[item.code] = item
    elif isinstance(item, Source):
        if not item.name:
            raise ValueError("A source needs a name")
        _sources[item.name] = item
        _sources_by_event.clear()
    else:
        raise TypeError(item)
    return item


def indicators() -> list[Indicator]:
    return sorted(_indicators.values(), key=lambda i: (i.domain, i.order, i.code))


def indicator(code: str) -> Indicator | None:
    return _indicators.get(code)


def sources() -> list[Source]:
    return list(_sources.values())


def sources_for(event_name: str) -> list[Source]:
    """The sources an outbox event may change (a handful of names, thousands of events a batch)."""
    found = _sources_by_event.get(event_name)
    if found is None:
        if len(_sources_by_event) > 10_000:
            _sources_by_event.clear()
        found = _sources_by_event[event_name] = [source for source in _sources.values() if source.matches(event_name)]
    return found


def source(name: str) -> Source | None:
    return _sources.get(name)


def stored_codes(codes: Iterable[str]) -> set[str]:
    """The stored indicators a list of indicators needs (ratios and changes need their parts)."""
    needed: set[str] = set()
    for code in codes:
        item = _indicators.get(code)
        if item is None:
            continue
        if item.aggregation == "ratio":
            needed |= stored_codes([item.numerator, item.denominator])
        elif item.aggregation == "change":
            needed |= stored_codes([item.of])
        else:
            needed.add(code)
    return needed


def local_day(moment: dt.datetime) -> dt.date:
    """The day of an aware moment in the configured time zone (a rebuild calls this millions of times)."""
    return moment.astimezone(timezone.get_current_timezone()).date()


# Response-time histogram: the upper bounds of the buckets in minutes (the last is open).
MINUTE_BUCKETS = (5, 10, 15, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1440, 2880, 4320, 10080, 43200)


def minute_bucket(minutes: float) -> str:
    for bound in MINUTE_BUCKETS:
        if minutes <= bound:
            return str(bound)
    return "inf"


def histogram_median(counts: dict[str, int]) -> float | None:
    """The median of a minute histogram, interpolated inside its bucket."""
    total = sum(counts.values())
    if total <= 0:
        return None
    half = total / 2
    seen, lower = 0, 0
    for bound in (*MINUTE_BUCKETS, "inf"):
        n = counts.get(str(bound), 0)
        upper = MINUTE_BUCKETS[-1] * 2 if bound == "inf" else bound
        if n and seen + n >= half:
            return round(lower + (upper - lower) * (half - seen) / n, 1)
        seen += n
        lower = upper
    return None
