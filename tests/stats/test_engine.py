"""The roll-up: exact figures for reports at every level, idempotent follow, rebuild identical."""

import datetime as dt
from collections import Counter

from binhan.core import events
from binhan.core.models import OutboxEvent
from binhan.reports.models import Report, Status
from binhan.stats import engine, selectors
from binhan.stats.models import Contribution, Cursor
from binhan.stats.periods import Period, of
from tests.stats.conftest import at, facts, report

NOV = dt.date(2026, 11, 1)
OCT = dt.date(2026, 10, 1)
CODES = ["reports.received", "reports.resolved", "reports.clearance_rate", "reports.response_minutes",
         "reports.open", "reports.received_change"]


def _world_reports(world):
    # November: 4 in group A (2 resolved, one of them acknowledged after 20 min), 1 in group B.
    report(world.group_a, made=at(NOV), status=Status.RESOLVED, ack_minutes=20, closed=at(NOV + dt.timedelta(days=2)))
    report(world.group_a, made=at(NOV + dt.timedelta(days=3)), status=Status.RESOLVED, ack_minutes=100,
           closed=at(NOV + dt.timedelta(days=4)))
    report(world.group_a, made=at(NOV + dt.timedelta(days=5)), category="fire", ack_minutes=4)
    report(world.group_a, made=at(NOV + dt.timedelta(days=6)))
    report(world.group_b, made=at(NOV + dt.timedelta(days=7)), status=Status.REJECTED, closed=at(NOV + dt.timedelta(days=7)))
    # October: 2 in group A, one still open.
    report(world.group_a, made=at(OCT + dt.timedelta(days=10)), status=Status.RESOLVED, ack_minutes=50,
           closed=at(NOV + dt.timedelta(days=1)))
    report(world.group_a, made=at(OCT + dt.timedelta(days=11)))


def _values(unit, period):
    return {f.indicator.code: (f.value, f.previous) for f in selectors.figures(unit=unit, codes=CODES, period=period)}


def test_report_indicators_at_every_level(world, follow):
    _world_reports(world)
    assert follow() == 7
    month = of("month", NOV)
    assert _values(world.commune_a, month) == {
        "reports.received": (4, 2),
        "reports.resolved": (3, 0),  # two made in November, one made in October, all closed in November
        "reports.clearance_rate": (50.0, 50.0),
        # 3 acknowledged after 4, 20 and 100 min: the median lies halfway into the 15–30 bucket; October: 50 min.
        "reports.response_minutes": (22.5, 52.5),
        "reports.open": (3, 2),  # end of November: two November reports and one October report; end of October: 2
        "reports.received_change": (100.0, None),
    }
    assert _values(world.province, month)["reports.received"] == (5, 2)
    assert _values(world.nation, month)["reports.open"] == (3, 2)
    assert _values(world.commune_b, month)["reports.clearance_rate"] == (0.0, None)


def test_breakdown_and_children(world, follow):
    _world_reports(world)
    follow()
    month = of("month", NOV)
    figure = selectors.figures(unit=world.province, codes=["reports.received"], period=month, with_breakdown=True)[0]
    assert [(key, value) for key, _label, value in figure.breakdown] == [("theft", 4), ("fire", 1)]
    kids = selectors.children(unit=world.province, codes=["reports.received", "reports.clearance_rate"], period=month)
    assert [(unit.code, values) for unit, values in kids] == [
        ("7090", {"reports.received": 4, "reports.clearance_rate": 50.0}),
        ("7093", {"reports.received": 1, "reports.clearance_rate": 0.0}),
    ]


def test_following_twice_or_replaying_counts_once(world, follow):
    _world_reports(world)
    follow()
    before = facts()
    first = Cursor.objects.get().last_id
    # A replay of every event (as after a crash before the cursor moved) changes nothing.
    Cursor.objects.update(last_id=0)
    assert follow() == 7
    assert (facts(), Cursor.objects.get().last_id, follow()) == (before, first, 0)


def test_a_change_moves_the_numbers_and_rebuild_agrees(world, follow):
    engine.rebuild()  # the world's units were made without events: start from what the tables hold
    _world_reports(world)
    follow()
    moved = report(world.group_a, made=at(NOV + dt.timedelta(days=8)))
    follow()
    moved.unit, moved.unit_path = world.group_b, world.group_b.path
    moved.status, moved.closed_at = Status.RESOLVED, at(NOV + dt.timedelta(days=9))
    moved.save()
    events.publish("report.moved", unit_path=world.group_a.path, report_id=moved.pk)
    follow()
    month = of("month", NOV)
    assert (_values(world.commune_a, month)["reports.received"], _values(world.commune_b, month)["reports.resolved"]) \
        == ((4, 2), (1, 0))
    incremental = facts()
    engine.rebuild()
    assert facts() == incremental
    assert Contribution.objects.filter(source="reports.report").count() == 8


def test_a_deleted_object_takes_its_numbers_away(world, follow):
    gone = report(world.group_a, made=at(NOV))
    follow()
    # Reports are never deleted by a service; a raw delete stands for a retention task's.
    Report.objects.filter(pk=gone.pk)._raw_delete("default")
    events.publish("report.updated", unit_path=world.group_a.path, report_id=gone.pk)
    follow()
    assert (facts(), Contribution.objects.count()) == ({}, 0)


def test_a_skipped_id_is_read_when_it_shows_up(world, follow):
    events.publish("test.start")
    engine.rebuild()  # the cursor starts at the outbox's end
    report(world.group_a, made=at(NOV))
    report(world.group_a, made=at(NOV))
    late = OutboxEvent.objects.filter(name="report.created").order_by("id").first()
    kept = {"id": late.id, "name": late.name, "unit_path": late.unit_path, "payload": late.payload}
    late.delete()  # not committed yet, as PostgreSQL may commit a later id first
    assert follow() == 1
    assert Cursor.objects.get().gaps.keys() == {str(kept["id"])}
    OutboxEvent.objects.create(**kept)  # now it commits
    assert follow() == 1
    assert (_values(world.commune_a, Period("day", NOV, NOV))["reports.received"][0], Cursor.objects.get().gaps) \
        == (2, {})


def test_a_chunked_rebuild_gives_the_same_facts_and_the_follower_waits_for_it(world, follow, monkeypatch):
    _world_reports(world)
    follow()
    Cursor.objects.create(name=engine.REBUILDING)  # as while a chunked rebuild runs
    report(world.group_a, made=at(NOV))
    assert follow() == 0  # the follower waits
    Cursor.objects.filter(name=engine.REBUILDING).delete()
    monkeypatch.setattr(engine, "FLUSH_EVERY", 2)
    engine.rebuild(chunked=True)
    chunked = facts()
    engine.rebuild()
    assert (chunked == facts(), follow(), Cursor.objects.filter(name=engine.REBUILDING).exists()) == (True, 0, False)
    assert _values(world.commune_a, of("month", NOV))["reports.received"] == (5, 2)


def test_a_follower_that_was_overtaken_starts_over_and_counts_once(world, follow, monkeypatch):
    """The change is computed outside the transaction; if another follower wrote meanwhile, it is dropped."""
    _world_reports(world)
    real_plan = engine.plan
    overtaken = []

    def plan_after_another_follower(source, ids):
        if not overtaken:
            overtaken.append(True)
            monkeypatch.setattr(engine, "plan", real_plan)
            assert engine.follow() == 7  # the other follower: reads, writes, moves the cursor
        return real_plan(source, ids)

    monkeypatch.setattr(engine, "plan", plan_after_another_follower)
    assert engine.follow() == 0  # its batch was taken: nothing left after starting over
    assert overtaken == [True]
    values = _values(world.commune_a, of("month", NOV))
    assert (values["reports.received"], values["reports.resolved"], values["reports.open"]) == ((4, 2), (3, 0), (3, 2))


def test_a_trend_reads_stocks_no_later_than_today_and_leaves_future_steps_empty(world, monkeypatch):
    """A stock's known future change (an item falling due, written on its day in advance) is not in the
    current step, and steps that begin after today have no figure, as the figures read it (_windows_q)."""
    today = dt.date(2026, 11, 10)
    monkeypatch.setattr(selectors.timezone, "localdate", lambda: today)
    path = world.group_a.path
    rows = [["reports.open", path, "2026-10-20", "theft", 2], ["reports.open", path, "2026-11-03", "theft", 1],
            ["reports.open", path, "2026-11-20", "theft", -1],  # known in advance
            ["reports.received", path, "2026-11-03", "theft", 1]]
    delta = Counter()
    engine._add(delta, rows, +1)
    engine.apply(delta)

    buckets, series = selectors.trend(unit=world.commune_a, codes=["reports.open", "reports.received"],
                                      period=of("year", today))
    november = buckets.index(dt.date(2026, 11, 1))
    assert series["reports.open"][november - 1:] == [2, 3, None]
    assert series["reports.received"][november - 1:] == [0, 1, None]
    figure = selectors.figures(unit=world.commune_a, codes=["reports.open"], period=of("year", today))[0]
    assert figure.value == series["reports.open"][november] == 3

    days, daily = selectors.trend(unit=world.commune_a, codes=["reports.open"], period=of("month", today))
    assert [daily["reports.open"][days.index(dt.date(2026, 11, d))] for d in (2, 3, 10, 11, 20)] == [2, 3, 3, None, None]
