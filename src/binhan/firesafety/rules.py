"""The fire-safety rules as plain functions: due dates per type, team size, the checklist, readiness.

Readiness of a team, on a day (0–100, one decimal):

    60 × (households equipped and in date ÷ households)
  + 20 × drill factor (1 if the team drilled in the last 12 months, 0.5 within 24, else 0)
  + 20 × max(0, 1 − open findings ÷ households)

A household is equipped when it keeps, in date and not broken, at least one item of each required
kind: an extinguisher, a demolition tool, and an alarm or detector. A group's or a commune's score
is the mean of its teams' scores weighted by their households. A team without households scores 0.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

TEAM_MIN = 5
TEAM_MAX = 15
ALLEY_MIN_M = 50  # a public point serves an alley of at least this length that engines cannot enter
REMIND_DAYS = 14  # a reminder this many days before an item falls due
FOLLOW_UP_DAYS = 14  # a finding's default follow-up date
WEIGHT_EQUIPPED = 60
WEIGHT_DRILL = 20
WEIGHT_FINDINGS = 20

# code → label. The checklist of a household or point inspection; a failed item becomes a finding.
CHECKLIST = {
    "extinguisher": _("Extinguisher present and in date"),
    "demolition": _("Demolition tool present"),
    "alarm": _("Alarm bell or detector works"),
    "escape_route": _("Escape route clear"),
    "electrical": _("Wiring and sockets safe"),
    "gas": _("Gas stored safely"),
    "sign_shelter": _("Sign and shelter in place (public point)"),
}
# Items the team leader fixes rather than the household.
LEADER_ITEMS = frozenset({"alarm", "sign_shelter"})
# A team household's place must lie within its group's boundary, or, for a group with only a
# centre, this far from it (a residential group or village spans a few hundred metres; a mountain
# village more, hence the margin). It catches a tap on the wrong town, not a house a street off.
HOUSEHOLD_FROM_CENTRE_M = 2_000

EQUIPPED, OVERDUE, MISSING = "equipped", "overdue", "missing"


def household_state(*, has_extinguisher: bool, has_demolition: bool, has_alarm: bool, has_overdue: bool) -> str:
    """A team household's colour on the map: equipped (an in-date item of each required kind), else
    overdue (something it keeps needs its check or refill), else missing (it lacks a kind)."""
    if has_extinguisher and has_demolition and has_alarm:
        return EQUIPPED
    return OVERDUE if has_overdue else MISSING


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def next_due(*, interval_months: int, last_checked_on: date | None, bought_on: date | None) -> date | None:
    """When an item must next be inspected or refilled: its last check (or purchase) plus its type's interval."""
    base = last_checked_on or bought_on
    return add_months(base, interval_months) if base else None


def in_date_span(*, last_checked_on: date | None, bought_on: date | None, next_due_on: date | None,
                 retired_on: date | None, broken: bool) -> tuple[date, date] | None:
    """The days [first, last] on which an item counts as in date, as its row tells now (the statistics).

    The same rule as `selectors._common.in_date(on)`, spread over days: in date from the day its due
    date runs from (last check, else purchase) until its due date, unless it is broken now; a removed
    item stops the day before it was removed. On any day from today on, `on` lies in the span exactly
    when `in_date(on)` holds (dates are never in the future, so a removed item is never in date today).
    What happened before the last check is not kept: the span starts there.
    """
    start = last_checked_on or bought_on
    if broken or start is None or next_due_on is None:
        return None
    end = next_due_on if retired_on is None else min(next_due_on, retired_on - timedelta(days=1))
    return (start, end) if start <= end else None


def overdue_span(*, next_due_on: date | None, retired_on: date | None) -> tuple[date, date | None] | None:
    """The days [first, stop) on which an item is overdue, as the overdue register counts it (past its
    due date and not removed, whatever its condition); `stop` is None while it stays."""
    if next_due_on is None:
        return None
    start = next_due_on + timedelta(days=1)
    if retired_on is not None and retired_on <= start:
        return None
    return start, retired_on


def team_size_warning(count: int) -> str:
    """A warning (not a refusal) when a team has fewer than 5 or more than 15 households."""
    if count < TEAM_MIN:
        return str(_("A team should join at least %(min)s households; it has %(count)s.")
                   % {"min": TEAM_MIN, "count": count})
    if count > TEAM_MAX:
        return str(_("A team should join at most %(max)s households; it has %(count)s.")
                   % {"max": TEAM_MAX, "count": count})
    return ""


def alley_warning(length_m: int | None) -> str:
    """A warning (not a refusal) when a point serves an alley under 50 m: engines usually reach it,
    so the point may sit better elsewhere; an unknown length says nothing."""
    if length_m is not None and length_m < ALLEY_MIN_M:
        return str(_("Public points serve alleys of %(min)s m or more that fire engines cannot enter; this alley is "
                     "%(length)s m.") % {"min": ALLEY_MIN_M, "length": length_m})
    return ""


def drill_factor(last_drill: date | None, on: date) -> float:
    if last_drill is None or last_drill > on:
        return 0.0
    if last_drill > add_months(on, -12):
        return 1.0
    if last_drill > add_months(on, -24):
        return 0.5
    return 0.0


@dataclass(frozen=True)
class Readiness:
    """The readiness of a team or an area, and what it is made of."""

    households: int
    equipped: int
    open_findings: int
    teams: int
    drilled_teams: int  # teams whose drill factor is 1
    score: float

    @property
    def equipped_share(self) -> float:
        return self.equipped / self.households if self.households else 0.0


def team_score(*, households: int, equipped: int, open_findings: int, last_drill: date | None, on: date) -> float:
    if households <= 0:
        return 0.0
    findings = max(0.0, 1 - open_findings / households)
    score = (WEIGHT_EQUIPPED * equipped / households + WEIGHT_DRILL * drill_factor(last_drill, on)
             + WEIGHT_FINDINGS * findings)
    return round(score, 1)


def tenths(score: float) -> int:
    """A score (one decimal) as a whole number of tenths of a point: exact, so it can be summed."""
    return round(score * 10)


def area_score(*, earned_tenths: int, households: int) -> float:
    """The household-weighted mean of team scores, from Σ(team score in tenths × its households).

    Computed from whole numbers exactly as the statistics compute their ratio (100 × points earned ÷
    points possible, 1,000 tenths per household), so the two give the same figure to the last digit,
    ties included."""
    return round(100 * earned_tenths / (1000 * households), 1) if households else 0.0


def combine(parts: list[Readiness]) -> Readiness:
    """An area's readiness: its teams' scores weighted by households."""
    households = sum(p.households for p in parts)
    earned = sum(tenths(p.score) * p.households for p in parts)
    return Readiness(households=households, equipped=sum(p.equipped for p in parts),
                     open_findings=sum(p.open_findings for p in parts), teams=sum(p.teams for p in parts),
                     drilled_teams=sum(p.drilled_teams for p in parts),
                     score=area_score(earned_tenths=earned, households=households))
