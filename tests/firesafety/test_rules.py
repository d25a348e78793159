"""The rules: due dates per type, the 5–15 rule, the drill factor and the team score."""

from datetime import date

import pytest

from binhan.firesafety import rules
from binhan.firesafety.models import EquipmentType

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("code", "months", "checked", "due"), [
    ("powder-extinguisher", 12, date(2025, 3, 10), date(2026, 3, 10)),
    ("co2-extinguisher", 6, date(2025, 3, 10), date(2025, 9, 10)),
    ("co2-extinguisher", 6, date(2025, 8, 31), date(2026, 2, 28)),
    ("alarm-bell", 6, date(2024, 11, 30), date(2025, 5, 30)),
    ("push-button", 6, date(2025, 12, 1), date(2026, 6, 1)),
    ("smoke-detector", 12, date(2024, 2, 29), date(2025, 2, 28)),
    ("crowbar", 12, date(2025, 1, 1), date(2026, 1, 1)),
])
def test_due_date_follows_the_type_rule(code, months, checked, due):
    kind = EquipmentType.objects.get(code=code)
    assert kind.interval_months == months
    assert rules.next_due(interval_months=kind.interval_months, last_checked_on=checked, bought_on=None) == due


def test_due_date_runs_from_purchase_without_a_check_and_is_unknown_without_either():
    assert rules.next_due(interval_months=12, last_checked_on=None, bought_on=date(2025, 5, 2)) == date(2026, 5, 2)
    assert rules.next_due(interval_months=12, last_checked_on=date(2025, 7, 1), bought_on=date(2025, 5, 2)) == \
        date(2026, 7, 1)
    assert rules.next_due(interval_months=12, last_checked_on=None, bought_on=None) is None


def test_default_types_say_what_they_count_as():
    kinds = dict(EquipmentType.objects.values_list("code", "requirement"))
    assert (kinds["powder-extinguisher"], kinds["hammer"], kinds["push-button"], kinds["ladder"]) == (
        "extinguisher", "demolition", "alarm", "")
    assert EquipmentType.objects.count() == 12


@pytest.mark.parametrize(("count", "warning"), [
    (4, "A team should join at least 5 households; it has 4."),
    (5, ""), (15, ""),
    (16, "A team should join at most 15 households; it has 16."),
])
def test_team_size_rule_is_a_warning(count, warning):
    assert rules.team_size_warning(count) == warning


@pytest.mark.parametrize(("length", "warning"), [
    (None, ""), (50, ""), (400, ""),
    (49, "Public points serve alleys of 50 m or more that fire engines cannot enter; this alley is 49 m."),
    (0, "Public points serve alleys of 50 m or more that fire engines cannot enter; this alley is 0 m."),
])
def test_alley_rule_is_a_warning(length, warning):
    assert rules.alley_warning(length) == warning


@pytest.mark.parametrize(("last", "factor"), [
    (None, 0.0), (date(2026, 1, 10), 1.0), (date(2025, 1, 11), 1.0), (date(2025, 1, 10), 0.5),
    (date(2024, 1, 11), 0.5), (date(2024, 1, 10), 0.0), (date(2026, 2, 1), 0.0),
])
def test_drill_factor(last, factor):
    assert rules.drill_factor(last, date(2026, 1, 10)) == factor


def test_team_score_on_a_known_example():
    # 4 of 6 equipped (40), drilled within 24 months (10), 2 open findings of 6 (20 × 4/6 = 13.33) → 63.3
    assert rules.team_score(households=6, equipped=4, open_findings=2, last_drill=date(2025, 1, 5),
                            on=date(2026, 1, 10)) == 63.3
    assert rules.team_score(households=0, equipped=0, open_findings=0, last_drill=None, on=date(2026, 1, 10)) == 0.0


def test_area_score_weights_teams_by_households():
    a = rules.Readiness(households=6, equipped=4, open_findings=2, teams=1, drilled_teams=0, score=63.3)
    b = rules.Readiness(households=2, equipped=2, open_findings=0, teams=1, drilled_teams=1, score=100.0)
    combined = rules.combine([a, b])
    assert (combined.score, combined.households, combined.equipped, combined.teams, combined.drilled_teams) == (
        72.5, 8, 6, 2, 1)
