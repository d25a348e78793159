"""Fire-safety indicators: exact figures on a small hand-built area, today equal to the app's own selectors,
the levels on past and future days, and the incremental facts equal to a full rebuild."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binhan.core.exceptions import ServiceError
from binhan.firesafety import rules, services
from binhan.firesafety.models import Drill, Equipment, Finding
from binhan.firesafety.selectors import readiness as readiness_selectors
from binhan.firesafety.selectors._common import in_date
from binhan.firesafety.selectors.points import point_list, state_of
from binhan.firesafety.selectors.readiness import readiness_for_path
from binhan.firesafety.services import drills as drill_services
from binhan.firesafety.services import inspections as inspection_services
from binhan.firesafety.services import points as point_services
from binhan.firesafety.services import teams as team_services
from binhan.geo.models import Level
from binhan.stats import engine, selectors
from binhan.stats.periods import Period
from tests.factories import HouseholdFactory, UnitFactory
from tests.firesafety.conftest import equip_fully, make_team
from tests.firesafety.test_selectors import _known_example
from tests.stats.conftest import facts

pytestmark = pytest.mark.django_db

CODES = ["firesafety.teams", "firesafety.households", "firesafety.households_equipped", "firesafety.equipped_share",
         "firesafety.equipment_overdue", "firesafety.points", "firesafety.points_complete", "firesafety.inspections",
         "firesafety.findings_open", "firesafety.drills", "firesafety.drill_participants"]


def _day(day):
    return Period("day", day, day)


def _values(unit, period, codes=CODES):
    return {f.indicator.code: f.value for f in selectors.figures(unit=unit, codes=codes, period=period)}


def _add(actor, owner, code, **fields):
    key = {"household": "household", "team": "team", "point": "point"}[owner[0]]
    return services.equipment_add(actor=actor, type_code=code, **{key: owner[1]}, **fields)


def _full_set(actor, household, *, checked, alarm_condition="good"):
    _add(actor, ("household", household), "powder-extinguisher", last_checked_on=checked)
    _add(actor, ("household", household), "crowbar", last_checked_on=checked)
    return _add(actor, ("household", household), "smoke-detector", last_checked_on=checked,
                condition=alarm_condition)


def _area(world):
    """Group A: a team of six households (joined 60 days ago), their equipment, three points, two
    inspections, two drills. Group B: a team of one equipped household."""
    police, today = world.police_a, timezone.localdate()
    households = [world.household_a, *HouseholdFactory.create_batch(5, unit=world.group_a)]
    team = team_services.team_create(actor=police, unit=world.group_a, name="Tổ liên gia 1",
                                     established_on=today - timedelta(days=100))
    for household in households:
        team_services.team_add_household(actor=police, team=team, household=household, on=today - timedelta(days=60))
    h1, h2, h3, h4, h5, _h6 = households
    _full_set(police, h1, checked=today - timedelta(days=30))  # equipped from 30 days ago
    # h2: its CO2 extinguisher (6 months) fell due about 17 days ago; equipped until then.
    _add(police, ("household", h2), "co2-extinguisher", last_checked_on=today - timedelta(days=200))
    _add(police, ("household", h2), "crowbar", last_checked_on=today - timedelta(days=200))
    _add(police, ("household", h2), "smoke-detector", last_checked_on=today - timedelta(days=100))
    _full_set(police, h3, checked=today - timedelta(days=50), alarm_condition="broken")  # never equipped
    _full_set(police, h4, checked=today - timedelta(days=50))
    extinguisher = Equipment.objects.get(household=h4, type__code="powder-extinguisher")
    services.equipment_retire(actor=police, equipment=extinguisher, on=today - timedelta(days=5))  # until 6 days ago

    complete = point_services.point_create(actor=police, unit=world.group_a, name="Điểm 1", has_sign=True,
                                           has_shelter=True)
    no_sign = point_services.point_create(actor=police, unit=world.group_a, name="Điểm 2", has_shelter=True)
    late = point_services.point_create(actor=police, unit=world.group_a, name="Điểm 3", has_sign=True,
                                       has_shelter=True)
    for point in (complete, no_sign, late):
        _add(police, ("point", point), "powder-extinguisher", last_checked_on=today - timedelta(days=10))
        _add(police, ("point", point), "hammer", last_checked_on=today - timedelta(days=10))
    _add(police, ("point", late), "fire-blanket", last_checked_on=today - timedelta(days=400))  # overdue

    inspection = inspection_services.inspection_record(
        actor=police, household=h5, results={"extinguisher": False, "demolition": False, "gas": True},
        inspected_on=today - timedelta(days=3))
    inspection_services.finding_close(actor=police, finding=inspection.findings.get(item="demolition"),
                                      on=today - timedelta(days=1))
    inspection_services.inspection_record(actor=police, point=no_sign, results={"sign_shelter": True})
    drill_services.drill_record(actor=police, unit=world.group_a, teams=[team], held_on=today - timedelta(days=10),
                                scenario="Cháy bếp", participants=25)
    drill_services.drill_record(actor=police, unit=world.commune_a, teams=[team], held_on=today - timedelta(days=5),
                                scenario="Dùng bình bột", participants=10, kind="training")

    team_b = team_services.team_create(actor=world.police_b, unit=world.group_b, name="Tổ liên gia B",
                                       established_on=today - timedelta(days=20), households=[world.household_b])
    _full_set(world.police_b, world.household_b, checked=today - timedelta(days=20))
    return team, team_b, households


def test_figures_of_today_at_every_level(world):
    _area(world)
    engine.follow_all()
    today = _day(timezone.localdate())
    assert _values(world.commune_a, today) == {
        "firesafety.teams": 1, "firesafety.households": 6,
        "firesafety.households_equipped": 1,  # h1 only: h2 overdue, h3 broken alarm, h4 no extinguisher
        "firesafety.equipped_share": 16.7,
        "firesafety.equipment_overdue": 2,  # h2's CO2 extinguisher, point 3's blanket
        "firesafety.points": 3, "firesafety.points_complete": 1,
        "firesafety.inspections": 1,  # the point's, today; the household's was 3 days ago
        "firesafety.findings_open": 1, "firesafety.drills": 0, "firesafety.drill_participants": 0,
    }
    assert _values(world.province, today, ["firesafety.teams", "firesafety.households",
                                           "firesafety.households_equipped", "firesafety.equipped_share"]) == {
        "firesafety.teams": 2, "firesafety.households": 7, "firesafety.households_equipped": 2,
        "firesafety.equipped_share": 28.6}
    month = Period("range", timezone.localdate() - timedelta(days=30), timezone.localdate())
    assert _values(world.commune_a, month, ["firesafety.inspections", "firesafety.drills",
                                            "firesafety.drill_participants"]) == {
        "firesafety.inspections": 2, "firesafety.drills": 2, "firesafety.drill_participants": 35}
    figure = selectors.figures(unit=world.commune_a, codes=["firesafety.equipment_overdue"], period=today,
                               with_breakdown=True)[0]
    assert [(key, value) for key, _label, value in figure.breakdown] == [("household", 1), ("point", 1)]


def test_today_agrees_with_the_apps_own_selectors(world):
    _area(world)
    engine.follow_all()
    today = timezone.localdate()
    ready = readiness_for_path(unit_path=world.province.path)
    points = list(point_list(viewer=world.admin, unit=world.province))
    overdue = Equipment.objects.filter(retired_on__isnull=True, next_due_on__lt=today).count()
    assert _values(world.province, _day(today), ["firesafety.teams", "firesafety.households",
                                                 "firesafety.households_equipped", "firesafety.equipment_overdue",
                                                 "firesafety.points_complete", "firesafety.findings_open"]) == {
        "firesafety.teams": ready.teams, "firesafety.households": ready.households,
        "firesafety.households_equipped": ready.equipped, "firesafety.equipment_overdue": overdue,
        "firesafety.points_complete": sum(state_of(p) == "complete" for p in points),
        "firesafety.findings_open": Finding.objects.filter(status="open").count()}


def test_past_and_future_days_need_no_event(world, monkeypatch):
    _team, _team_b, households = _area(world)
    engine.follow_all()
    today = timezone.localdate()
    codes = ["firesafety.households", "firesafety.households_equipped", "firesafety.equipment_overdue"]
    # 40 days ago: h2 (in date until its extinguisher fell due) and h4 (until its extinguisher went); not h1 yet.
    assert _values(world.commune_a, _day(today - timedelta(days=40)), codes) == {
        "firesafety.households": 6, "firesafety.households_equipped": 2, "firesafety.equipment_overdue": 0}
    assert _values(world.commune_a, _day(today - timedelta(days=70)), codes) == {
        "firesafety.households": 0, "firesafety.households_equipped": 0, "firesafety.equipment_overdue": 0}
    # The day after h1's first due date (its smoke detector's, 12 months after its check) it is no longer equipped,
    # and its three items are overdue: written in advance, nobody has to touch the item.
    h1_due = Equipment.objects.filter(household=households[0]).order_by("next_due_on").first().next_due_on
    # Read today, that day is still ahead: a stock shows today's level.
    assert _values(world.commune_a, _day(h1_due + timedelta(days=1)), codes) == _values(
        world.commune_a, _day(today), codes)
    # When that day comes (the clock moves; nothing else happens), the figures are already there.
    that_day = timezone.make_aware(datetime.combine(h1_due + timedelta(days=1), time(10)))
    monkeypatch.setattr(timezone, "now", lambda: that_day)
    later = _values(world.commune_a, _day(h1_due + timedelta(days=1)), codes)
    assert later == {"firesafety.households": 6, "firesafety.households_equipped": 0,
                     "firesafety.equipment_overdue": Equipment.objects.filter(
                         unit_path=world.group_a.path, retired_on__isnull=True,
                         next_due_on__lt=h1_due + timedelta(days=1)).count()}


def test_a_check_and_a_dissolution_move_the_figures(world):
    engine.rebuild()  # the world's units were made without events: start from what the tables hold
    _team, team_b, households = _area(world)
    engine.follow_all()
    today = timezone.localdate()
    h2_extinguisher = Equipment.objects.get(household=households[1], type__code="co2-extinguisher")
    services.equipment_check(actor=world.police_a, equipment=h2_extinguisher)
    team_services.team_dissolve(actor=world.police_b, team=team_b)
    engine.follow_all()
    codes = ["firesafety.teams", "firesafety.households", "firesafety.households_equipped",
             "firesafety.equipment_overdue"]
    assert (_values(world.commune_a, _day(today), codes), _values(world.commune_b, _day(today), codes)) == (
        {"firesafety.teams": 1, "firesafety.households": 6, "firesafety.households_equipped": 2,
         "firesafety.equipment_overdue": 1},
        {"firesafety.teams": 0, "firesafety.households": 0, "firesafety.households_equipped": 0,
         "firesafety.equipment_overdue": 0})
    incremental = facts()
    engine.rebuild()
    assert facts() == incremental


def test_the_span_rule_is_the_selectors_rule_from_today_on(world):
    """`rules.in_date_span` spreads `selectors._common.in_date(on)` over days: they agree on today and later."""
    _area(world)
    today = timezone.localdate()
    items = list(Equipment.objects.all())
    for on in (today, today + timedelta(days=40), today + timedelta(days=200), today + timedelta(days=400)):
        by_query = set(Equipment.objects.filter(in_date(on)).values_list("pk", flat=True))
        by_span = set()
        for item in items:
            span = rules.in_date_span(last_checked_on=item.last_checked_on, bought_on=item.bought_on,
                                      next_due_on=item.next_due_on, retired_on=item.retired_on,
                                      broken=item.condition == "broken")
            if span and span[0] <= on <= span[1]:
                by_span.add(item.pk)
        assert by_span == by_query


actions = st.lists(st.one_of(
    st.tuples(st.just("join"), st.integers(0, 5), st.integers(0, 1), st.integers(0, 90)),
    st.tuples(st.just("leave"), st.integers(0, 5), st.integers(0, 30)),
    st.tuples(st.just("equip"), st.integers(0, 5), st.sampled_from(["powder-extinguisher", "co2-extinguisher",
                                                                     "crowbar", "smoke-detector", "alarm-bell"]),
              st.integers(0, 500), st.booleans()),
    st.tuples(st.just("check"), st.integers(0, 40), st.integers(0, 20)),
    st.tuples(st.just("retire"), st.integers(0, 40), st.integers(0, 20)),
    st.tuples(st.just("point_item"), st.sampled_from(["powder-extinguisher", "hammer", "ladder"]),
              st.integers(0, 500)),
    st.tuples(st.just("inspect"), st.integers(0, 5), st.booleans(), st.integers(0, 20)),
    st.tuples(st.just("close"), st.integers(0, 20)),
    st.tuples(st.just("drill"), st.integers(0, 60), st.integers(0, 40)),
    st.tuples(st.just("dissolve"), st.integers(0, 1)),
    st.tuples(st.just("follow"),),
), max_size=25)


def _apply(world, action, households, teams, point):
    police, today = world.police_a, timezone.localdate()
    kind = action[0]
    if kind == "join":
        team = teams[action[2]]
        team_services.team_add_household(actor=police, team=team, household=households[action[1]],
                                         on=today - timedelta(days=action[3]))
    elif kind == "leave":
        membership = households[action[1]]
        team = next((t for t in teams if t.memberships.filter(household=membership, left_on__isnull=True).exists()),
                    None)
        if team is None:
            return
        team_services.team_remove_household(actor=police, team=team, household=membership,
                                            on=today - timedelta(days=action[2]))
    elif kind == "equip":
        _add(police, ("household", households[action[1]]), action[2], last_checked_on=today - timedelta(days=action[3]),
             condition="broken" if action[4] and action[3] % 3 == 0 else "good")
    elif kind in ("check", "retire"):
        items = list(Equipment.objects.filter(retired_on__isnull=True).order_by("pk"))
        if not items:
            return
        item = items[action[1] % len(items)]
        if kind == "check":
            services.equipment_check(actor=police, equipment=item, on=today - timedelta(days=action[2]))
        else:
            services.equipment_retire(actor=police, equipment=item, on=today - timedelta(days=action[2]))
    elif kind == "point_item":
        _add(police, ("point", point), action[1], last_checked_on=today - timedelta(days=action[2]))
    elif kind == "inspect":
        inspection_services.inspection_record(actor=police, household=households[action[1]],
                                              results={"extinguisher": action[2], "alarm": False},
                                              inspected_on=today - timedelta(days=action[3]))
    elif kind == "close":
        findings = list(Finding.objects.filter(status="open").order_by("pk"))
        if findings:
            inspection_services.finding_close(actor=police, finding=findings[action[1] % len(findings)])
    elif kind == "drill":
        drill_services.drill_record(actor=police, unit=world.group_a, teams=[teams[0]],
                                    held_on=today - timedelta(days=action[1]), scenario="Cháy", participants=action[2])
    elif kind == "dissolve":
        teams[action[1]].refresh_from_db()
        team_services.team_dissolve(actor=police, team=teams[action[1]])
    else:
        engine.follow()


def _run(world, sequence) -> None:
    """Six households, two teams and a point in group A, a rebuild, then the writes, then the follower."""
    today = timezone.localdate()
    households = [world.household_a, *HouseholdFactory.create_batch(5, unit=world.group_a)]
    teams = [team_services.team_create(actor=world.police_a, unit=world.group_a, name=f"Tổ {n}",
                                       established_on=today - timedelta(days=100)) for n in (1, 2)]
    point = point_services.point_create(actor=world.police_a, unit=world.group_a, name="Điểm", has_sign=True,
                                        has_shelter=True)
    engine.rebuild()
    for action in sequence:
        try:
            _apply(world, action, households, teams, point)
        except ServiceError:  # a refused write (a household already in a team, a dissolved team…) changes nothing
            pass
    engine.follow_all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=actions)
def test_incremental_equals_rebuild(world, sequence):
    _run(world, sequence)
    incremental = facts()
    engine.rebuild()
    assert facts() == incremental


# The readiness score as an indicator: two stocks whose ratio is the app's own readiness.

READINESS = ["firesafety.readiness_points", "firesafety.readiness_possible", "firesafety.readiness"]


def _score(unit, day):
    return _values(unit, _day(day), ["firesafety.readiness"])["firesafety.readiness"]


def _second_group(world):
    """Group 2 of commune A: a team of two households, one fully equipped, a drill 30 days ago → 70.0."""
    today = timezone.localdate()
    group = UnitFactory(code="7090-002", name="Tổ dân phố 2", level=Level.GROUP, parent=world.commune_a)
    households = HouseholdFactory.create_batch(2, unit=group)
    team = make_team(group, households, name="Tổ liên gia 2")
    equip_fully(households[0])
    drill = Drill.objects.create(unit=group, unit_path=group.path, held_on=today - timedelta(days=30), scenario="Cháy")
    drill.teams.set([team])
    return group, team


def test_readiness_exact_on_the_known_example(world, fire):
    _known_example(world, fire)
    group_2, _team_c = _second_group(world)
    engine.rebuild()  # the example is written straight to the tables: the rebuild reads them
    today = timezone.localdate()
    # Team A 56.7 (6 households), team B 20.0 (1), team C 70.0 (2); an area weights them by households.
    assert _values(world.group_a, _day(today), READINESS) == {
        "firesafety.readiness_points": 567 * 6, "firesafety.readiness_possible": 6000, "firesafety.readiness": 56.7}
    assert [_score(unit, today) for unit in (group_2, world.commune_a, world.commune_b, world.province)] == [
        70.0,
        60.0,  # (567 × 6 + 700 × 2) ÷ 8 = 600.25 tenths
        20.0,
        55.6,  # (567 × 6 + 700 × 2 + 200 × 1) ÷ 9 = 555.8 tenths
    ] == [readiness_for_path(unit_path=unit.path).score
          for unit in (group_2, world.commune_a, world.commune_b, world.province)]


def test_readiness_today_equals_the_apps_selectors(world):
    team, team_b, _households = _area(world)  # written through the services, followed from their events
    group_2, team_c = _second_group(world)
    engine.rebuild()
    before = facts()
    services.equipment_check(actor=world.police_a, equipment=Equipment.objects.get(
        household=_households[1], type__code="co2-extinguisher"))  # h2 is equipped again
    engine.follow_all()
    assert facts() != before
    today = timezone.localdate()
    teams = readiness_selectors.team_readiness(team_ids=[team.pk, team_b.pk, team_c.pk])
    # One team per group: the group's value is its team's score.
    assert [_score(unit, today) for unit in (world.group_a, world.group_b, group_2)] == [
        teams[team.pk].score, teams[team_b.pk].score, teams[team_c.pk].score]
    units = [world.commune_a, world.commune_b, world.province]
    assert [_score(unit, today) for unit in units] == [
        readiness_for_path(unit_path=unit.path).score for unit in units]
    by_child = readiness_selectors.readiness_by_child(viewer=world.admin, unit=world.commune_a)
    assert [(unit.code, _score(unit, today)) for unit, _ready in by_child] == [
        (unit.code, ready.score) for unit, ready in by_child]
    assert len(by_child) == 2


def _at(monkeypatch, day):
    monkeypatch.setattr(timezone, "now", lambda: timezone.make_aware(datetime.combine(day, time(10))))


def test_readiness_on_future_days_needs_no_event(world, fire, monkeypatch):
    """The alarm bells fall due and the last drill ages past 24 months: the score follows with the clock."""
    _known_example(world, fire)
    engine.rebuild()
    today = timezone.localdate()
    bells_due = Equipment.objects.get(household=fire.households[0], type__code="alarm-bell").next_due_on
    held = Drill.objects.get().held_on
    aged = next(day for day in (rules.add_months(held, 24) + timedelta(days=n) for n in range(3))
                if rules.drill_factor(held, day) == 0)
    assert today < bells_due < aged
    scores = {}
    for day in (today, bells_due, bells_due + timedelta(days=1), aged - timedelta(days=1), aged):
        _at(monkeypatch, day)
        scores[day] = (_score(world.group_a, day), _score(world.province, day))
        assert scores[day] == (readiness_for_path(unit_path=world.group_a.path).score,
                               readiness_for_path(unit_path=world.province.path).score)
    assert list(scores.values()) == [
        (56.7, 51.5),
        (56.7, 51.5),  # still in date on its due date
        (26.7, 25.7),  # no household equipped: 0 + 10 + 16.7; (267 × 6 + 200) ÷ 7
        (26.7, 25.7),
        (16.7, 17.2),  # the drill is more than 24 months old: 0 + 0 + 16.7; (167 × 6 + 200) ÷ 7
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=actions, ahead=st.integers(0, 800))
def test_readiness_follows_any_sequence_today_and_later(world, monkeypatch, sequence, ahead):
    """After any writes, the incremental readiness equals the rebuild's and the app's, today and on a later day."""
    _run(world, sequence)
    today = timezone.localdate()
    incremental = {key: value for key, value in facts().items() if key[0].startswith("firesafety.readiness")}
    day = today + timedelta(days=ahead)
    with monkeypatch.context() as patch:
        _at(patch, day)
        ready = readiness_for_path(unit_path=world.group_a.path)
        # No team household: the app says 0, the statistics have no figure (a ratio over nothing).
        assert _score(world.group_a, day) == (ready.score if ready.households else None)
    engine.rebuild()
    assert {key: value for key, value in facts().items() if key[0].startswith("firesafety.readiness")} == incremental
