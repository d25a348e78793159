"""Periods: day, ISO week, month, quarter, year, the 1 Nov – 31 Oct assessment year, five assessment years
(the five-year review), and any range."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhan.core.exceptions import ServiceError

KINDS = {
    "day": gettext_lazy("Day"),
    "week": gettext_lazy("Week"),
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
    "assessment": gettext_lazy("Assessment year (1 Nov – 31 Oct)"),
    "five_year": gettext_lazy("Five assessment years (five-year review)"),
    "range": gettext_lazy("Custom range"),
}
MAX_DAYS = 3660
EARLIEST = dt.date(1990, 1, 1)
# The first five-year review whose previous five years still start after EARLIEST.
FIRST_FIVE_YEAR = EARLIEST.year + 10


def today() -> dt.date:
    return timezone.localdate()


def _month_start(day: dt.date, months_back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def _add_months(day: dt.date, months: int) -> dt.date:
    return _month_start(day, -months)


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def ref(self) -> str:
        """The `date` parameter that names this period again (a five-year review: its last year)."""
        if self.kind == "five_year":
            return str(self.end.year)
        return self.start.isoformat()

    def query(self) -> str:
        if self.kind == "range":
            return f"period=range&start={self.start.isoformat()}&end={self.end.isoformat()}"
        if self.kind == "five_year":
            return f"period=five_year&year={self.ref}"
        return f"period={self.kind}&date={self.ref}"

    @property
    def label(self) -> str:
        if self.kind == "day":
            return self.start.isoformat()
        if self.kind == "month":
            return f"{self.start:%m/%Y}"
        if self.kind == "quarter":
            return _("Q%(quarter)s %(year)s") % {"quarter": (self.start.month - 1) // 3 + 1, "year": self.start.year}
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "assessment":
            return _("%(start)s–%(end)s assessment year") % {"start": self.start.year, "end": self.end.year}
        if self.kind == "five_year":
            return _("%(start)s–%(end)s (five assessment years)") % {"start": self.start.year, "end": self.end.year}
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    @property
    def anchor(self) -> dt.date:
        """The day a form shows for this period: inside it (it names it again), today when it runs now."""
        return max(self.start, min(self.end, today()))

    @property
    def short_label(self) -> str:
        """The label for a table's column: the years alone for an assessment year or a five-year review."""
        if self.kind in ("assessment", "five_year"):
            return f"{self.start.year}–{self.end.year}"
        return self.label

    def previous(self) -> Period:
        if self.kind == "month":
            return of("month", _month_start(self.start, 1))
        if self.kind == "quarter":
            return of("quarter", _month_start(self.start, 3))
        if self.kind in ("year", "assessment"):
            return of(self.kind, self.start.replace(year=self.start.year - 1))
        if self.kind == "five_year":
            return five_years(self.end.year - 5)
        if self.start.day == 1 and (self.end + dt.timedelta(days=1)).day == 1:
            # Whole months (2020–2025 against 2015–2020): the same number of months before.
            months = (self.end.year * 12 + self.end.month) - (self.start.year * 12 + self.start.month) + 1
            return Period(self.kind, _month_start(self.start, months), self.start - dt.timedelta(days=1))
        length = self.days
        return Period(self.kind, self.start - dt.timedelta(days=length), self.start - dt.timedelta(days=1))

    def buckets(self) -> str:
        """The trend's step: days for short periods, months for longer ones."""
        return "day" if self.days <= 62 else "month"


def of(kind: str, day: dt.date) -> Period:
    """The period of this kind that contains `day`."""
    if kind == "day":
        return Period(kind, day, day)
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        return Period(kind, start, start + dt.timedelta(days=6))
    if kind == "month":
        start = _month_start(day)
        return Period(kind, start, _add_months(start, 1) - dt.timedelta(days=1))
    if kind == "quarter":
        start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period(kind, start, _add_months(start, 3) - dt.timedelta(days=1))
    if kind == "year":
        return Period(kind, dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))
    if kind == "assessment":
        year = day.year if day.month >= 11 else day.year - 1
        return Period(kind, dt.date(year, 11, 1), dt.date(year + 1, 10, 31))
    if kind == "five_year":
        return five_years(of("assessment", day).end.year)
    raise ServiceError(_("Unknown period."), field="period")


def five_years(year: int) -> Period:
    """The five assessment years ending on 31 October of `year` (2025: 1 Nov 2020 – 31 Oct 2025)."""
    return Period("five_year", dt.date(year - 5, 11, 1), dt.date(year, 10, 31))


def assessment_years(period: Period) -> list[Period]:
    """The assessment years of a five-year review, oldest first."""
    return [of("assessment", dt.date(year, 10, 31)) for year in range(period.end.year - 4, period.end.year + 1)]


def latest_five_year() -> int:
    """The last year a five-year review may end with: the assessment year under way."""
    return of("assessment", today()).end.year


def _year(value: str) -> int:
    """The last assessment year of a five-year review, from FIRST_FIVE_YEAR to the one under way."""
    value = value.strip()
    first, last = FIRST_FIVE_YEAR, latest_five_year()
    if not (len(value) == 4 and value.isdigit() and first <= int(value) <= last):
        raise ServiceError(_("Choose the last year of the five-year review, from %(first)s to %(last)s.")
                           % {"first": first, "last": last}, field="year")
    return int(value)


def _date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    value = value.strip()
    try:
        if len(value) == 7:  # 2026-11
            return dt.date.fromisoformat(value + "-01")
        if len(value) == 4 and value.isdigit():
            return dt.date(int(value), 1, 1)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ServiceError(_("Give the date as YYYY-MM-DD."), field=field) from None


def parse(kind: str | None = None, date: str | None = None, start: str | None = None, end: str | None = None,
          *, year: str | None = None, default: str = "month") -> Period:
    """A period from query parameters; bad input raises ServiceError (a 400).

    A five-year review is named by its last assessment year (`year=2025`: 1 Nov 2020 – 31 Oct 2025),
    or by any day of that year (`date`)."""
    kind = (kind or default).strip()
    if kind == "five_year":
        if year is None:
            day = _date(date, "date") or today()
            year = str(of("assessment", day).end.year)
        return five_years(_year(year))
    if kind == "range":
        first, last = _date(start, "start"), _date(end, "end")
        if first is None or last is None:
            raise ServiceError(_("A custom range needs a start and an end date."), field="start")
        if last < first:
            raise ServiceError(_("The end of the range is before its start."), field="end")
        if (last - first).days >= MAX_DAYS or first < EARLIEST:
            raise ServiceError(_("A range covers at most ten years, from 1990."), field="start")
        return Period("range", first, last)
    if kind not in KINDS:
        raise ServiceError(_("Unknown period."), field="period")
    day = _date(date, "date") or today()
    if day < EARLIEST or day.year > 2200:
        raise ServiceError(_("Give the date as YYYY-MM-DD."), field="date")
    return of(kind, day)
