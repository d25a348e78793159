"""Property: after any sequence of domain events, followed at any moments, the incremental facts equal the
full rebuild's."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binhan.community.models import Commendation
from binhan.core import events
from binhan.reports.models import Report, Status
from binhan.stats import engine
from binhan.stats.models import ManualEntry
from tests.stats.conftest import at, facts, report

START = dt.date(2026, 10, 25)

actions = st.lists(st.one_of(
    st.tuples(st.just("report"), st.integers(0, 1), st.integers(0, 12), st.sampled_from(["theft", "fire"])),
    st.tuples(st.just("ack"), st.integers(0, 50), st.integers(0, 3000)),
    st.tuples(st.just("close"), st.integers(0, 50), st.sampled_from([Status.RESOLVED, Status.REJECTED]),
              st.integers(0, 5)),
    st.tuples(st.just("reopen"), st.integers(0, 50)),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 1)),
    st.tuples(st.just("commend"), st.integers(0, 1), st.integers(0, 12)),
    st.tuples(st.just("manual"), st.integers(0, 1), st.integers(0, 40), st.booleans()),
    st.tuples(st.just("follow"),),
), max_size=25)


def _apply(world, action, made: list[Report]) -> None:
    groups = [world.group_a, world.group_b]
    kind = action[0]
    if kind == "report":
        made.append(report(groups[action[1]], made=at(START + dt.timedelta(days=action[2])), category=action[3]))
    elif kind == "follow":
        engine.follow()
    elif kind == "commend":
        unit = groups[action[1]]
        item = Commendation.objects.create(subject="household", unit=unit, unit_path=unit.path, level="commune",
                                           decision_number="1/QĐ", decision_date=START + dt.timedelta(days=action[2]),
                                           deed="Bắt trộm")
        events.publish("community.commendation.created", unit_path=unit.path, commendation_id=item.pk)
    elif kind == "manual":
        unit = [world.commune_a, world.commune_b][action[1]]
        entry, _ = ManualEntry.objects.update_or_create(
            unit=unit, indicator="manual.arrests", month=dt.date(2026, 11, 1),
            defaults={"unit_path": unit.path, "value": action[2],
                      "status": ManualEntry.Status.APPROVED if action[3] else ManualEntry.Status.SUBMITTED})
        events.publish("stats.manual.changed", unit_path=unit.path, entry_id=entry.pk)
    elif made:
        target = made[action[1] % len(made)]
        target.refresh_from_db()
        if kind == "ack":
            target.acknowledged_at = target.created_at + dt.timedelta(minutes=action[2])
        elif kind == "close":
            target.status, target.closed_at = action[2], target.created_at + dt.timedelta(days=action[3])
        elif kind == "reopen":
            target.status, target.closed_at = Status.ACKNOWLEDGED, None
        elif kind == "move":
            target.unit, target.unit_path = groups[action[2]], groups[action[2]].path
        target.save()
        events.publish("report.status_changed", unit_path=target.unit_path, report_id=target.pk)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=actions)
def test_incremental_equals_rebuild(world, sequence):
    engine.rebuild()  # the world's units were made without events: start from what the tables hold
    made: list[Report] = []
    for action in sequence:
        _apply(world, action, made)
    engine.follow_all()
    incremental = facts()
    engine.rebuild()
    assert facts() == incremental


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=st.lists(st.integers(0, 120), min_size=1, max_size=15), first=st.integers(0, 120),
       length=st.integers(0, 120))
def test_any_range_counts_what_the_raw_table_counts(world, days, first, length):
    """Month rows for whole months, day rows for the edges: the same as counting the reports."""
    from binhan.stats import selectors
    from binhan.stats.periods import Period

    Report.objects.all()._raw_delete("default")
    engine.rebuild()
    for day in days:
        report(world.group_a, made=at(START + dt.timedelta(days=day), hour=23, minute=30))
    engine.follow_all()
    start = START + dt.timedelta(days=first)
    period = Period("range", start, start + dt.timedelta(days=length))
    value = selectors.figures(unit=world.province, codes=["reports.received"], period=period)[0].value
    assert value == sum(period.start <= START + dt.timedelta(days=d) <= period.end for d in days)
