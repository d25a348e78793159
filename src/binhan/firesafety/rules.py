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
from datetime import date

from django.utils.translation import gettext_lazy as _

TEAM_MIN = 5
TEAM_MAX = 15
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


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def next_due(*, interval_months: int, last_checked_on: date | None, bought_on: date | None) -> date | None:
    """When an item must next be inspected or refilled: its last check (or purchase) plus its type's interval."""
    base = last_checked_on or bought_on
    return add_months(base, interval_months) if base else None


def team_size_warning(count: int) -> str:
    """A warning (not a refusal) when a team has fewer than 5 or more than 15 households."""
    if count < TEAM_MIN:
        return str(_("A team should join at least %(min)s households; it has %(count)s.")
                   % {"min": TEAM_MIN, "count": count})
    if count > TEAM_MAX:
        return str(_("A team should join at most %(max)s households; it has %(count)s.")
                   % {"max": TEAM_MAX, "count": count})
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


def combine(parts: list[Readiness]) -> Readiness:
    """An area's readiness: its teams' scores weighted by households."""
    households = sum(p.households for p in parts)
    weighted = sum(p.score * p.households for p in parts)
    return Readiness(households=households, equipped=sum(p.equipped for p in parts),
                     open_findings=sum(p.open_findings for p in parts), teams=sum(p.teams for p in parts),
                     drilled_teams=sum(p.drilled_teams for p in parts),
                     score=round(weighted / households, 1) if households else 0.0)
