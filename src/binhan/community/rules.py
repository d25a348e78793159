"""The rules of Law 30/2023 and the provinces' decisions, as plain functions the services apply.

Each check returns nothing or raises ServiceError with a message that says how to fix the input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from binhan.community.models import EDUCATION_RANK, Education, Position, ProvinceRule
from binhan.core import paths
from binhan.core.exceptions import ServiceError

MIN_AGE = 18
MAX_AGE = 70
MIN_RESIDENCE_YEARS = 1
# The rating period runs from 15 November of the previous year to 14 November.
PERIOD_START = (11, 15)
PERIOD_END = (11, 14)


def age_on(born: date, day: date) -> int:
    """Age in whole years on `day` (a person born on 29 February turns a year older on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def years_between(start: date, day: date) -> int:
    return age_on(start, day)


def check_eligibility(*, date_of_birth: date, resident_since: date, education: str, remote_area: bool,
                      chairman_consent: str, on: date) -> None:
    """Who may join a team (Law 30/2023, art. 14): age 18–70 (older with the chairman's consent),
    at least lower-secondary education (primary in remote areas), living here at least a year."""
    if date_of_birth > on:
        raise ServiceError(_("The date of birth is in the future."), field="date_of_birth")
    age = age_on(date_of_birth, on)
    if age < MIN_AGE:
        raise ServiceError(_("A team member must be at least 18 years old; this person is %(age)s.") % {"age": age},
                           field="date_of_birth")
    if age > MAX_AGE and not chairman_consent.strip():
        raise ServiceError(
            _("This person is %(age)s. A member older than 70 needs the commune chairman's consent: record its "
              "number and date.") % {"age": age}, field="chairman_consent")
    if resident_since > on:
        raise ServiceError(_("The date since when the person lives here is in the future."), field="resident_since")
    if years_between(resident_since, on) < MIN_RESIDENCE_YEARS:
        raise ServiceError(_("A team member must have lived in the area for at least one year."),
                           field="resident_since")
    needed = Education.PRIMARY if remote_area else Education.LOWER_SECONDARY
    if EDUCATION_RANK.get(education, 0) < EDUCATION_RANK[needed]:
        raise ServiceError(
            _("A team member needs at least lower-secondary education (primary school in remote areas)."),
            field="education")


def rule_for(unit_path: str) -> ProvinceRule:
    """The rule of the province `unit_path` lies in, or the default rule."""
    province_path = paths.truncate(unit_path, 2)
    rules = ProvinceRule.objects.filter(Q(province__path=province_path) | Q(province__isnull=True))
    by_province = {rule.province_id is not None: rule for rule in rules}
    return by_province.get(True) or by_province.get(False) or ProvinceRule(size_bands=[[2000, 3]], size_above=4)


def expected_size(rule: ProvinceRule, population: int) -> int:
    """Members a team should have for `population` people, by the province's bands."""
    bands = sorted((int(limit), int(size)) for limit, size in rule.size_bands) or [(0, 3)]
    for limit, size in bands:
        if population <= limit:
            return size
    last_limit, last_size = bands[-1]
    if rule.extra_per:
        return last_size + math.ceil((population - last_limit) / rule.extra_per)
    return rule.size_above


def allowance_for(rule: ProvinceRule, position: str) -> int:
    return {Position.LEADER: rule.allowance_leader, Position.DEPUTY: rule.allowance_deputy}.get(
        position, rule.allowance_member)


@dataclass(frozen=True)
class Period:
    year: int
    start: date
    end: date  # inclusive


def period(year: int) -> Period:
    return Period(year, date(year - 1, *PERIOD_START), date(year, *PERIOD_END))


def period_of(day: date) -> Period:
    return period(day.year + 1 if (day.month, day.day) >= PERIOD_START else day.year)


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (9 months from 15 February is 14 November inclusive)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day + 1 < start.day:
        months -= 1
    return months


def check_rateable(*, rule: ProvinceRule, established_on: date, rating_period: Period, today: date | None = None) -> None:
    """Teams with under 9 months of work in the period (counted up to today, if the period is still running)
    are not rated."""
    start = max(established_on, rating_period.start)
    end = min(rating_period.end, today) if today else rating_period.end
    worked = months_between(start, end) if end >= start else 0
    if worked < rule.min_months_rated:
        raise ServiceError(
            _("This team has worked %(months)s months in the period; teams with under %(minimum)s months are not "
              "rated.") % {"months": max(worked, 0), "minimum": rule.min_months_rated}, field="year")


def check_excellent(*, rule: ProvinceRule, tasks_assigned: int, tasks_done: int, excellent_so_far: int,
                    teams_in_commune: int) -> None:
    """Excellent needs more than 95% of tasks done, and at most 20% of the commune's teams may have it."""
    if tasks_assigned == 0 or tasks_done * 100 <= rule.excellent_min_percent * tasks_assigned:
        share = 0 if tasks_assigned == 0 else math.floor(tasks_done * 1000 / tasks_assigned) / 10
        raise ServiceError(
            _("“Excellent” needs more than %(minimum)s%% of tasks done; this team did %(share)s%%.")
            % {"minimum": rule.excellent_min_percent, "share": share}, field="grade")
    cap = teams_in_commune * rule.excellent_cap_percent // 100
    if excellent_so_far + 1 > cap:
        raise ServiceError(
            _("At most %(percent)s%% of the commune's teams may be rated excellent: %(cap)s of %(teams)s, and "
              "%(given)s already are.") % {"percent": rule.excellent_cap_percent, "cap": cap,
                                            "teams": teams_in_commune, "given": excellent_so_far}, field="grade")
