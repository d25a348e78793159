"""Stay indicators: exact figures by day of arrival, Vietnamese or foreign, late or on time; the counts survive
the retention that deletes the stays; the incremental facts equal a full rebuild."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binhan.residence import tasks
from binhan.residence.models import Stay, StayCount, StayDayCount
from binhan.residence.services import stays as services
from binhan.stats import engine, selectors
from binhan.stats.models import Contribution, Fact
from binhan.stats.periods import Period, of
from tests.residence.conftest import guest, local
from tests.stats.conftest import facts

pytestmark = pytest.mark.django_db

CODES = ["residence.stays", "residence.late", "residence.on_time", "residence.on_time_share"]
FOREIGN = {"id_kind": "passport", "id_number": "X1234567", "nationality": "GB", "full_name": "John Smith"}


def _values(unit, period, codes=CODES):
    return {f.indicator.code: f.value for f in selectors.figures(unit=unit, codes=codes, period=period)}


def _declare(world, hosts, time_machine):
    def declare(now, *guests, **host):
        time_machine.move_to(now)
        services.stays_declare(actor=host.pop("actor", hosts.manager), guests=list(guests), now=now,
                               **(host or {"lodging": hosts.lodging}))

    # 10 March, declared at 20:00: two guests of the morning, one foreign: on time.
    declare(local(2025, 3, 10, 20, 0), guest(arrival_at=local(2025, 3, 10, 8, 0), departs_on=date(2025, 3, 12)),
            guest(arrival_at=local(2025, 3, 10, 9, 0), departs_on=date(2025, 3, 12), **FOREIGN))
    # 11 March at 09:00: a guest of 10:00 the day before (late), one who came at 23:30 (due by 08:00: late),
    # and one of 07:00 that morning (on time).
    declare(local(2025, 3, 11, 9, 0), guest(arrival_at=local(2025, 3, 10, 10, 0), departs_on=date(2025, 3, 12)),
            guest(arrival_at=local(2025, 3, 10, 23, 30), departs_on=date(2025, 3, 12)),
            guest(arrival_at=local(2025, 3, 11, 7, 0), departs_on=date(2025, 3, 12)))
    # Commune B: a household's relative, on time.
    declare(local(2025, 3, 12, 12, 0), guest(arrival_at=local(2025, 3, 12, 10, 0), departs_on=date(2025, 3, 14),
                                             relation="close_relative"),
            actor=world.police_b, household=world.household_b)


def _all(world):
    march = of("month", date(2025, 3, 1))
    return (_values(world.commune_a, Period("day", date(2025, 3, 10), date(2025, 3, 10))),
            _values(world.commune_a, Period("day", date(2025, 3, 11), date(2025, 3, 11))),
            _values(world.commune_a, march), _values(world.province, march))


EXPECTED = (
    {"residence.stays": 4, "residence.late": 2, "residence.on_time": 2, "residence.on_time_share": 50.0},
    {"residence.stays": 1, "residence.late": 0, "residence.on_time": 1, "residence.on_time_share": 100.0},
    {"residence.stays": 5, "residence.late": 2, "residence.on_time": 3, "residence.on_time_share": 60.0},
    {"residence.stays": 6, "residence.late": 2, "residence.on_time": 4, "residence.on_time_share": 66.7},
)


def test_figures_by_day_of_arrival(world, hosts, time_machine):
    _declare(world, hosts, time_machine)
    engine.follow_all()
    assert _all(world) == EXPECTED
    figure = selectors.figures(unit=world.province, codes=["residence.stays"], period=of("month", date(2025, 3, 1)),
                               with_breakdown=True)[0]
    assert [(key, value) for key, _label, value in figure.breakdown] == [("domestic", 5), ("foreign", 1)]


def test_counts_survive_the_deletion_of_the_stays(world, hosts, time_machine):
    engine.rebuild()  # the world's units were made without events: start from what the tables hold
    _declare(world, hosts, time_machine)
    engine.follow_all()
    before = facts()
    time_machine.move_to(local(2026, 4, 20, 3, 0))  # 12 months after the departures
    assert tasks.delete_expired_stays() == 6
    assert (Stay.objects.count(), StayDayCount.objects.count(), StayCount.objects.count()) == (0, 3, 2)
    engine.follow_all()
    assert (facts(), _all(world)) == (before, EXPECTED)
    engine.rebuild()  # a rebuild after retention finds the same numbers: they come from the daily counts
    assert (facts(), _all(world)) == (before, EXPECTED)


def test_no_fact_names_a_person_or_a_stay(world, hosts, time_machine):
    _declare(world, hosts, time_machine)
    engine.follow_all()
    assert set(Fact.objects.filter(indicator__startswith="residence.").values_list("key", flat=True)) == {
        "", "domestic", "foreign"}
    assert sorted(Contribution.objects.filter(source="residence.day_count").values_list("object_id", flat=True)) == \
        sorted(StayDayCount.objects.values_list("pk", flat=True))


guests = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 20), st.integers(0, 23), st.booleans(),
                            st.integers(0, 40)), min_size=1, max_size=4)
actions = st.lists(st.one_of(
    st.tuples(st.just("declare"), guests),
    st.tuples(st.just("retention"),),
    st.tuples(st.just("follow"),),
), max_size=12)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=actions)
def test_incremental_equals_rebuild_and_counts_every_guest(world, hosts, time_machine, sequence):
    """Declarations in random hosts, days and hours, declared on time or not, followed at any moment, with
    retention deleting every stay in between: the facts equal a rebuild's, and every guest is counted."""
    Stay.objects.all().delete()
    StayDayCount.objects.all().delete()
    engine.rebuild()
    start, declared = local(2025, 6, 1, 0, 0), 0
    for action in sequence:
        if action[0] == "declare":
            batches: dict[int, list] = {}
            for host, day, hour, foreign, delay in action[1]:
                arrival = start + timedelta(days=day, hours=hour)
                batches.setdefault(host, []).append((arrival + timedelta(hours=delay), guest(
                    arrival_at=arrival, departs_on=arrival.date() + timedelta(days=2), **(FOREIGN if foreign else {}))))
            for host, rows in batches.items():
                now = max(declared_at for declared_at, _row in rows)  # some guests late, some not
                time_machine.move_to(now)
                services.stays_declare(actor=world.police_a if host == 0 else world.police_b, now=now,
                                       guests=[row for _at, row in rows],
                                       lodging=hosts.lodging if host == 0 else hosts.lodging_b)
                declared += len(rows)
        elif action[0] == "retention":
            tasks.delete_expired_stays(today=date(2030, 1, 1))
        else:
            engine.follow()
    engine.follow_all()
    incremental = facts()
    engine.rebuild()
    assert facts() == incremental
    everything = Period("range", date(2025, 5, 1), date(2025, 8, 1))
    assert _values(world.nation, everything, ["residence.stays"]) == {"residence.stays": declared}
