"""Periods: each kind, its previous period, and bad input."""

import datetime as dt

import pytest

from binhan.core.exceptions import ServiceError
from binhan.stats import periods
from binhan.stats.periods import Period

D = dt.date


@pytest.mark.parametrize(("kind", "day", "start", "end", "previous"), [
    ("day", D(2026, 3, 1), D(2026, 3, 1), D(2026, 3, 1), (D(2026, 2, 28), D(2026, 2, 28))),
    ("week", D(2026, 11, 26), D(2026, 11, 23), D(2026, 11, 29), (D(2026, 11, 16), D(2026, 11, 22))),
    ("month", D(2026, 3, 31), D(2026, 3, 1), D(2026, 3, 31), (D(2026, 2, 1), D(2026, 2, 28))),
    ("month", D(2026, 1, 15), D(2026, 1, 1), D(2026, 1, 31), (D(2025, 12, 1), D(2025, 12, 31))),
    ("quarter", D(2026, 5, 2), D(2026, 4, 1), D(2026, 6, 30), (D(2026, 1, 1), D(2026, 3, 31))),
    ("year", D(2024, 7, 1), D(2024, 1, 1), D(2024, 12, 31), (D(2023, 1, 1), D(2023, 12, 31))),
    # The assessment year runs from 1 November to 31 October.
    ("assessment", D(2026, 10, 31), D(2025, 11, 1), D(2026, 10, 31), (D(2024, 11, 1), D(2025, 10, 31))),
    ("assessment", D(2026, 11, 1), D(2026, 11, 1), D(2027, 10, 31), (D(2025, 11, 1), D(2026, 10, 31))),
])
def test_kinds_and_previous(kind, day, start, end, previous):
    period = periods.of(kind, day)
    assert ((period.start, period.end), (period.previous().start, period.previous().end)) == ((start, end), previous)


def test_range_of_whole_months_goes_back_as_many_months():
    period = periods.parse("range", start="2020-01-01", end="2024-12-31")
    assert (period, period.previous()) == (Period("range", D(2020, 1, 1), D(2024, 12, 31)),
                                          Period("range", D(2015, 1, 1), D(2019, 12, 31)))


def test_other_range_goes_back_as_many_days():
    assert periods.parse("range", start="2026-11-03", end="2026-11-12").previous() == Period(
        "range", D(2026, 10, 24), D(2026, 11, 2))


def test_month_and_year_shorthands():
    assert (periods.parse("month", "2026-02").end, periods.parse("year", "2025").start) == (D(2026, 2, 28),
                                                                                          D(2025, 1, 1))


@pytest.mark.parametrize(("args", "field"), [
    (("decade",), "period"), (("month", "2026-02-30"), "date"), (("range", None, "2026-01-01"), "start"),
    (("range", None, "2026-02-01", "2026-01-01"), "end"), (("range", None, "1900-01-01", "1901-01-01"), "start"),
    (("range", None, "2000-01-01", "2020-01-01"), "start"),
])
def test_bad_input(args, field):
    with pytest.raises(ServiceError) as error:
        periods.parse(*args)
    assert error.value.field == field
