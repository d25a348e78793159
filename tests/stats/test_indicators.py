"""Alerts and community indicators on small hand-built data, through the real services and their events."""

import datetime as dt

from django.utils import timezone

from binhan.alerts import delivery
from binhan.alerts import services as alert_services
from binhan.community.services import teams as team_services
from binhan.stats import engine, selectors
from binhan.stats.periods import Period
from tests.alerts.conftest import make_input
from tests.factories import HouseholdFactory, UserFactory


def _values(unit, codes, period=None):
    period = period or Period("day", timezone.localdate(), timezone.localdate())
    return {f.indicator.code: f.value for f in selectors.figures(unit=unit, codes=codes, period=period)}


def test_alert_reached_and_acknowledged(world):
    world.resident_a.household = world.household_a
    world.resident_a.save()
    HouseholdFactory(unit=world.group_a, address="Số 9")
    UserFactory(username="resident-b", household=world.household_b)
    alert = alert_services.alert_create(actor=world.province_leader,
                                        data=make_input([world.commune_a, world.commune_b]))
    alert = alert_services.alert_send(actor=world.province_leader, alert=alert)
    delivery.fan_out(alert.pk)
    alert_services.alert_acknowledge(user=world.resident_a, alert=alert)
    engine.follow_all()
    codes = ["alerts.sent", "alerts.reached", "alerts.acknowledged", "alerts.acknowledgement_rate"]
    assert _values(world.commune_a, codes) == {"alerts.sent": 0, "alerts.reached": 2, "alerts.acknowledged": 1,
                                               "alerts.acknowledgement_rate": 50.0}
    assert _values(world.province, codes) == {"alerts.sent": 1, "alerts.reached": 3, "alerts.acknowledged": 1,
                                              "alerts.acknowledgement_rate": 33.3}


def test_teams_and_members_are_levels_over_time(world):
    today = timezone.localdate()
    team = team_services.team_create(actor=world.police_a, unit=world.group_a, name="Tổ 1",
                                     established_on=today - dt.timedelta(days=400))
    team_services.member_add(actor=world.police_a, team=team, full_name="Lê Văn An",
                             date_of_birth=dt.date(1980, 1, 1), education="upper_secondary",
                             resident_since=dt.date(2000, 1, 1), joined_on=today - dt.timedelta(days=300))
    engine.follow_all()
    codes = ["community.teams", "community.members"]
    long_ago = Period("day", today - dt.timedelta(days=350), today - dt.timedelta(days=350))
    assert (_values(world.commune_a, codes), _values(world.commune_a, codes, long_ago)) == (
        {"community.teams": 1, "community.members": 1}, {"community.teams": 1, "community.members": 0})
    team_services.team_dissolve(actor=world.police_a, team=team, reason="Sáp nhập")
    engine.follow_all()
    assert (_values(world.commune_a, codes)["community.teams"], _values(world.province, codes, long_ago)) == (
        0, {"community.teams": 1, "community.members": 0})


def test_models_by_status_commendations_by_level_and_weak_units(world):
    """Through the real services: two models (one started), three commendations, a commune scored weak."""
    from binhan.community.models import ModelType
    from binhan.community.services import commendations as commendation_services
    from binhan.community.services import selfmanagement as model_services
    from binhan.stats import assessments

    cameras = ModelType.objects.get(code="security-cameras", province=None)
    running = model_services.model_create(actor=world.police_a, unit=world.group_a, model_type=cameras,
                                          name="Camera an ninh tổ 1")
    model_services.model_start(actor=world.police_a, model=running, started_on=dt.date(2026, 3, 2))
    model_services.model_create(actor=world.police_a, unit=world.commune_a, model_type=cameras,
                                name="Camera an ninh phường", started_on=dt.date(2026, 4, 1))
    for level, day in (("commune", 5), ("commune", 6), ("province", 7)):
        commendation_services.commendation_create(actor=world.police_a, subject="household", level=level,
                                                  decision_number=f"{day}/QĐ", decision_date=dt.date(2026, 5, day),
                                                  deed="Phát hiện kẻ trộm", household=world.household_a)
    assessments.movement_self_score(actor=world.police_a, unit=world.commune_a, year=2026, scores={
        "organisation": 10, "mobilisation": 10, "models": 10, "results": 10, "forces": 5})  # 45 points: weak
    engine.follow_all()
    year = Period("year", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    figures = {f.indicator.code: (f.value, f.breakdown) for f in selectors.figures(
        unit=world.province, codes=["community.models", "community.commendations", "assessments.weak"], period=year,
        with_breakdown=True)}
    assert figures == {
        "community.models": (2, [("proposed", "Proposed", 1), ("running", "Running", 1)]),
        "community.commendations": (3, [("commune", "Commune", 2), ("province", "Province", 1)]),
        "assessments.weak": (1, []),
    }
