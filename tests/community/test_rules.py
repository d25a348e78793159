"""The rules of Law 30/2023 and the province's decisions, at their edges."""

from datetime import date

import pytest

from binhan.community import rules
from binhan.community.models import ProvinceRule
from binhan.core.exceptions import ServiceError

JOIN = date(2026, 6, 15)


def check(**overrides):
    values = {"date_of_birth": date(1980, 1, 1), "resident_since": date(2020, 1, 1), "education": "lower_secondary",
              "remote_area": False, "chairman_consent": "", "on": JOIN}
    values.update(overrides)
    rules.check_eligibility(**values)


@pytest.mark.parametrize(("born", "consent", "error"), [
    (date(2008, 6, 15), "", None),  # 18 today
    (date(2008, 6, 16), "", "A team member must be at least 18 years old; this person is 17."),
    (date(1955, 6, 16), "", None),  # 70, turning 71 tomorrow
    (date(1955, 6, 15), "", "This person is 71. A member older than 70 needs the commune chairman's consent: "
                            "record its number and date."),
    (date(1955, 6, 15), "Văn bản 12/UBND ngày 1/6/2026", None),
    (date(2026, 6, 16), "", "The date of birth is in the future."),
])
def test_age(born, consent, error):
    if error is None:
        check(date_of_birth=born, chairman_consent=consent)
    else:
        with pytest.raises(ServiceError) as caught:
            check(date_of_birth=born, chairman_consent=consent)
        assert caught.value.message == error


def test_born_on_29_february_turns_18_on_1_march():
    assert (rules.age_on(date(2008, 2, 29), date(2026, 2, 28)), rules.age_on(date(2008, 2, 29), date(2026, 3, 1))) == (
        17, 18)


@pytest.mark.parametrize(("since", "ok"), [(date(2025, 6, 15), True), (date(2025, 6, 16), False)])
def test_residence_of_one_year(since, ok):
    if ok:
        check(resident_since=since)
    else:
        with pytest.raises(ServiceError, match="at least one year"):
            check(resident_since=since)


@pytest.mark.parametrize(("education", "remote", "ok"), [
    ("primary", False, False), ("primary", True, True), ("lower_secondary", False, True), ("higher", False, True),
])
def test_education(education, remote, ok):
    if ok:
        check(education=education, remote_area=remote)
    else:
        with pytest.raises(ServiceError, match="lower-secondary"):
            check(education=education, remote_area=remote)


@pytest.mark.parametrize(("population", "dak_lak", "ho_chi_minh"), [
    (0, 3, 3), (2000, 3, 3), (2001, 4, 3), (2700, 4, 3), (2701, 4, 4), (3600, 4, 4), (3601, 4, 5), (10_000, 4, 12),
])
def test_expected_size(population, dak_lak, ho_chi_minh):
    assert rules.expected_size(ProvinceRule(size_bands=[[2000, 3]], size_above=4), population) == dak_lak
    assert rules.expected_size(ProvinceRule(size_bands=[[2700, 3]], extra_per=900), population) == ho_chi_minh


def test_period():
    assert rules.period(2026) == rules.Period(2026, date(2025, 11, 15), date(2026, 11, 14))
    assert (rules.period_of(date(2026, 11, 14)).year, rules.period_of(date(2026, 11, 15)).year) == (2026, 2027)


@pytest.mark.parametrize(("established", "ok"), [
    (date(2026, 2, 15), True),  # exactly 9 months to 14 November
    (date(2026, 2, 16), False),
    (date(2020, 1, 1), True),
])
def test_nine_months(established, ok):
    rule = ProvinceRule(min_months_rated=9)
    if ok:
        rules.check_rateable(rule=rule, established_on=established, rating_period=rules.period(2026))
    else:
        with pytest.raises(ServiceError, match="under 9 months are not rated"):
            rules.check_rateable(rule=rule, established_on=established, rating_period=rules.period(2026))


@pytest.mark.parametrize(("assigned", "done", "so_far", "teams", "message"), [
    (100, 96, 0, 10, None),
    (100, 95, 0, 10, "“Excellent” needs more than 95% of tasks done; this team did 95.0%."),
    (0, 0, 0, 10, "“Excellent” needs more than 95% of tasks done; this team did 0%."),
    (100, 100, 1, 10, None),  # 2 of 10 allowed
    (100, 100, 2, 10, "At most 20% of the commune's teams may be rated excellent: 2 of 10, and 2 already are."),
    (100, 100, 0, 4, "At most 20% of the commune's teams may be rated excellent: 0 of 4, and 0 already are."),
])
def test_excellent(assigned, done, so_far, teams, message):
    rule = ProvinceRule(excellent_min_percent=95, excellent_cap_percent=20)
    arguments = {"rule": rule, "tasks_assigned": assigned, "tasks_done": done, "excellent_so_far": so_far,
                 "teams_in_commune": teams}
    if message is None:
        rules.check_excellent(**arguments)
    else:
        with pytest.raises(ServiceError) as caught:
            rules.check_excellent(**arguments)
        assert caught.value.message == message


def test_a_running_period_counts_only_up_to_today():
    rule = ProvinceRule(min_months_rated=9)
    with pytest.raises(ServiceError, match="has worked 0 months"):
        rules.check_rateable(rule=rule, established_on=date(2026, 10, 1), rating_period=rules.period(2027),
                             today=date(2026, 11, 30))
    rules.check_rateable(rule=rule, established_on=date(2020, 1, 1), rating_period=rules.period(2027),
                         today=date(2027, 8, 15))  # 9 months since 15 November
