"""The roll-up: contributions → facts at every level, kept current from the outbox, or rebuilt.

`follow()` reads the outbox after the cursor, recomputes the objects the events name and applies
the difference to the facts, moving the cursor in the same transaction (nothing lost, nothing
counted twice: recomputing an object is idempotent). `rebuild()` recomputes every object with
the same functions. Why a follower rather than a subscriber that adds 1: docs/statistics.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Max, Q

from binhan.core import paths
from binhan.core.db import writes
from binhan.core.db.router import statistics_database
from binhan.core.models import OutboxEvent
from binhan.stats import registry
from binhan.stats.models import Contribution, Cursor, Fact

logger = logging.getLogger(__name__)

GAP_WAIT_SECONDS = 120  # PostgreSQL may commit a later id first; look for a skipped id this long
MAX_GAPS = 1000
FOLLOW_BATCH = 2000
IDS_PER_QUERY = 500
FLUSH_EVERY = 200_000  # rebuild: objects between two writes of the summed facts

FactKey = tuple[str, str, str, str, str]  # indicator, unit path, grain, ISO day (or month's first day), key


def _db():
    """The connection to the facts, the ledger and the cursor: their own SQLite file (core/db/router.py)."""
    return connections[statistics_database()]


def _atomic():
    return transaction.atomic(using=statistics_database())


def _rows(contributions: Iterable[registry.Contribution]) -> list[list]:
    rows = [[c.indicator, c.unit_path, c.day.isoformat(), c.key or "", int(c.value)]
            for c in contributions if c.value]
    rows.sort()
    return rows


def _add(delta: Counter, rows: list[list], sign: int) -> None:
    """Each leaf contribution counts at every level above it, on its day and in its month."""
    for indicator, path, day, key, value in rows:
        month = day[:8] + "01"
        for ancestor in _ancestors(path):
            delta[(indicator, ancestor, Fact.DAY, day, key)] += sign * value
            delta[(indicator, ancestor, Fact.MONTH, month, key)] += sign * value


_ancestor_cache: dict[str, list[str]] = {}


def _ancestors(path: str) -> list[str]:
    found = _ancestor_cache.get(path)
    if found is None:
        if len(_ancestor_cache) > 100_000:
            _ancestor_cache.clear()
        found = _ancestor_cache[path] = paths.ancestors(path)
    return found


def _fact_statement() -> str:
    quote = _db().ops.quote_name
    table = quote(Fact._meta.db_table)
    columns = ", ".join(quote(c) for c in ("indicator", "unit_path", "depth", "grain", "day", "key", "value"))
    unique = ", ".join(quote(c) for c in ("indicator", "unit_path", "grain", "day", "key"))
    return (f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s) "  # noqa: S608
            f"ON CONFLICT ({unique}) DO UPDATE SET {quote('value')} = {table}.{quote('value')} + excluded.{quote('value')}")


def fact_params(delta: dict[FactKey, int]) -> list[tuple]:
    """The rows `apply` writes, in key order (the index grows at its end); zero changes left out."""
    items = sorted((k, v) for k, v in delta.items() if v)
    if _db().vendor == "sqlite":  # SQLite stores dates as ISO text
        return [(indicator, path, path.count("/") - 2, grain, day, key, value)
                for (indicator, path, grain, day, key), value in items]
    return [(indicator, path, path.count("/") - 2, grain, dt.date.fromisoformat(day), key, value)
            for (indicator, path, grain, day, key), value in items]


def apply(delta: dict[FactKey, int]) -> int:
    """Add the values to the facts (creating the rows that are missing). Returns the rows touched."""
    return _write_facts(fact_params(delta))


def _write_facts(params: list[tuple]) -> int:
    if params:
        with _db().cursor() as cursor:
            cursor.executemany(_fact_statement(), params)
    return len(params)


@dataclass
class Plan:
    """What recomputing some objects of one source changes, as the statements' parameters: computed from
    reads alone, so that the writers' lock is held for the writes alone."""

    source: registry.Source
    ledger: list[tuple]  # (source, object_id, rows as JSON) of the objects whose contributions changed
    gone: list[int]  # objects that contribute nothing any more
    facts: list[tuple]  # fact_params() of the change


def plan(source: registry.Source, ids: Iterable[int]) -> Plan:
    """Recompute these objects of one source against the ledger; reads only."""
    ids = sorted(set(ids))
    delta: Counter = Counter()
    ledger: list[tuple] = []
    gone: list[int] = []
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[start:start + IDS_PER_QUERY]
        old = dict(Contribution.objects.filter(source=source.name, object_id__in=chunk)
                   .values_list("object_id", "rows"))
        objects = source.objects(chunk)
        for pk in chunk:
            obj = objects.get(pk)
            new_rows = _rows(source.contributions(obj)) if obj is not None else []
            old_rows = old.get(pk, [])
            if new_rows == old_rows:
                continue
            _add(delta, old_rows, -1)
            _add(delta, new_rows, +1)
            if new_rows:
                ledger.append((source.name, pk, json.dumps(new_rows, separators=(",", ":"))))
            elif pk in old:
                gone.append(pk)
    return Plan(source=source, ledger=ledger, gone=gone, facts=fact_params(delta))


def write(planned: Plan) -> int:
    """Write a plan: the ledger rows and the facts. Call inside a transaction."""
    if planned.ledger:
        with _db().cursor() as cursor:
            cursor.executemany(_ledger_statement(update=True), planned.ledger)
    if planned.gone:
        Contribution.objects.filter(source=planned.source.name, object_id__in=planned.gone).delete()
    return _write_facts(planned.facts)


def refresh(source: registry.Source, ids: Iterable[int]) -> int:
    """Recompute these objects of one source and apply the difference. Call inside a transaction."""
    return write(plan(source, ids))


def _targets(events: list[tuple[int, str, dict]]) -> dict[str, set[int]]:
    targets: dict[str, set[int]] = defaultdict(set)
    for _id, name, payload in events:
        for source in registry.sources_for(name):
            targets[source.name].update(source.ids_from_event(name, payload or {}))
    return targets


_origins: dict[str, str] = {}  # main database file → origin; it never changes while the file lives


def origin_of_main_database() -> str:
    """What tells this main database from another: when its first migration ran. Empty with one database
    for everything (PostgreSQL), where the statistics cannot outlive the rest."""
    if statistics_database() == DEFAULT_DB_ALIAS:
        return ""
    main = connections[DEFAULT_DB_ALIAS]
    name = str(main.settings_dict["NAME"])
    if name not in _origins:
        with main.cursor() as cursor:
            cursor.execute("SELECT MIN(applied) FROM django_migrations")
            (first,) = cursor.fetchone()
        if not first:
            return ""  # not migrated yet: nothing to remember
        _origins[name] = str(first)
    return _origins[name]


def _last_outbox_id_issued() -> int:
    """The highest outbox id this main database ever gave (SQLite's AUTOINCREMENT counter: pruning
    does not lower it)."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [OutboxEvent._meta.db_table])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _made_from_main_database(cursor: Cursor) -> bool:
    """Whether the statistics' file was made from this main database and not from a later state of it (a
    main database restored from a backup older than the statistics: their cursor is past its outbox)."""
    if statistics_database() == DEFAULT_DB_ALIAS:
        return True  # one database: the statistics cannot outlive the rest
    return cursor.origin == origin_of_main_database() and cursor.last_id <= _last_outbox_id_issued()


def statistics_are_current() -> bool:
    """Whether the statistics' database was made from this main database (see `Cursor.origin`)."""
    cursor = Cursor.objects.filter(name="outbox").first()
    return cursor is not None and _made_from_main_database(cursor)


_warned_origin = False


def _locked_cursor() -> Cursor:
    _cursor, created = Cursor.objects.get_or_create(name="outbox", defaults={"origin": origin_of_main_database()})
    cursor = Cursor.objects.select_for_update().get(name="outbox")
    cursor.is_new = created
    return cursor


def follow(*, limit: int = FOLLOW_BATCH) -> int:
    """Process one batch of outbox events after the cursor. Returns how many events were read.

    Two phases, so that the write lock is held for the writes only (on SQLite a follower that
    computed inside its transaction kept report intake waiting for the whole batch): first read
    the events, the objects and their ledger rows and compute the change, with no transaction;
    then, in one transaction that takes the writers' lock, check that the cursor has not moved
    (no other follower or rebuild wrote the ledger meanwhile) and write. If it moved, start over.
    A change to an object after it was read has an event of its own, which a later batch reads.
    """
    first_run = False  # a cursor made now has no skipped ids to wait for (older ids were pruned)
    while True:
        cursor = Cursor.objects.filter(name="outbox").first()
        if cursor is None:
            with _atomic():
                first_run = _locked_cursor().is_new
            continue
        if Cursor.objects.filter(name=REBUILDING).exists():
            return 0  # a chunked rebuild is under way; it hands over to the follower when it ends
        if not _made_from_main_database(cursor):
            _warn_other_origin()
            return 0  # these statistics were made from another database: adding to them would mislead
        seen_at = (cursor.last_id, cursor.gaps)
        now = time.time()
        gaps = {int(k): v for k, v in (cursor.gaps or {}).items() if v > now}
        query = Q(id__gt=cursor.last_id)
        if gaps:
            query |= Q(id__in=list(gaps))
        events = list(OutboxEvent.objects.filter(query).order_by("id").values_list("id", "name", "payload")[:limit])
        stored_gaps = {str(k): v for k, v in gaps.items()}
        if not events and stored_gaps == (cursor.gaps or {}):
            return 0  # nothing to write: an idle follower never takes the writers' lock
        plans = [plan(registry.source(name), ids) for name, ids in _targets(events).items()]
        with writes.serialised_writes(using=statistics_database()), _atomic():
            # One query under the lock: the cursor (locked on PostgreSQL) and whether a rebuild began.
            found = {name: (pk, last_id, gaps) for name, pk, last_id, gaps in Cursor.objects.select_for_update()
                     .filter(name__in=("outbox", REBUILDING)).values_list("name", "pk", "last_id", "gaps")}
            if REBUILDING in found or "outbox" not in found or found["outbox"][1:] != seen_at:
                continue
            cursor_pk, locked_last_id, _gaps = found["outbox"]
            if not events:  # only expired gaps to forget
                Cursor.objects.filter(pk=cursor_pk).update(gaps=stored_gaps)
                return 0
            for planned in plans:
                write(planned)
            seen = {event_id for event_id, _name, _payload in events}
            for event_id in seen:
                gaps.pop(event_id, None)
            last = max(locked_last_id, max(seen))
            # Ids skipped since the last run may still commit; a first run has nothing to wait for (pruned ids).
            for missing in range(locked_last_id + 1, last) if not first_run else ():
                if missing not in seen and len(gaps) < MAX_GAPS:
                    gaps[missing] = now + GAP_WAIT_SECONDS
            Cursor.objects.filter(pk=cursor_pk).update(last_id=last, gaps={str(k): v for k, v in gaps.items()})
        return len(events)


def _warn_other_origin() -> None:
    global _warned_origin
    if not _warned_origin:
        _warned_origin = True
        logger.error("The statistics' database was made from another main database, or from a later state of "
                     "this one (deleted, or restored from a backup, since); "
                     "the statistics are not followed until `binhan stats-rebuild` (or `binhan migrate`) runs.")


def follow_all(*, limit: int = FOLLOW_BATCH) -> int:
    total = 0
    while True:
        done = follow(limit=limit)
        total += done
        if done < limit:
            return total


def _fan_out(leaf: Counter) -> Counter:
    """Leaf day rows → every level and both grains, level by level (each level has fewer keys than the last)."""
    result: Counter = Counter()
    level = leaf
    while level:
        parents: Counter = Counter()
        for (indicator, path, day, key), value in level.items():
            if not value:
                continue
            result[(indicator, path, Fact.DAY, day, key)] += value
            result[(indicator, path, Fact.MONTH, day[:8] + "01", key)] += value
            parent = path[: path.rstrip("/").rfind("/") + 1]
            if len(parent) > 1:
                parents[(indicator, parent, day, key)] += value
        level = parents
    return result


def _ledger_statement(*, update: bool) -> str:
    quote = _db().ops.quote_name
    sql = (f"INSERT INTO {quote(Contribution._meta.db_table)} ({quote('source')}, {quote('object_id')}, "  # noqa: S608
           f"{quote('rows')}) VALUES (%s, %s, %s)")
    if update:
        sql += f" ON CONFLICT ({quote('source')}, {quote('object_id')}) DO UPDATE SET {quote('rows')} = excluded.{quote('rows')}"
    return sql


def _write_ledger(source_name: str, ledger: list[tuple[int, list]]) -> None:
    with _db().cursor() as cursor:
        cursor.executemany(_ledger_statement(update=False),
                           [(source_name, pk, json.dumps(rows, separators=(",", ":"))) for pk, rows in ledger])


REBUILDING = "rebuilding"  # a Cursor row of this name: a chunked rebuild is under way, the follower waits


def rebuild(*, progress=None, chunked: bool = False) -> dict[str, int]:
    """Recompute every source's contributions from the raw tables; replace the facts and the ledger.

    By default in one transaction: nobody sees a half-built table, but every other writer of the facts
    (the follower) waits for the whole run. `chunked=True` commits every FLUSH_EVERY objects instead: intake goes on, dashboards show
    partial figures meanwhile, the follower waits (a `rebuilding` cursor row) and then applies what
    happened during the run (idempotent). A chunked rebuild that stops half-way must be run again.
    """
    if chunked:
        with _atomic():
            last = _start_rebuild(chunked=True)
        counts = _load(progress, step=_atomic)
        with _atomic():
            _finish_rebuild(last)
        return counts
    with _atomic():
        last = _start_rebuild(chunked=False)
        counts = _load(progress, step=contextlib.nullcontext)
        _finish_rebuild(last)
    return counts


def _start_rebuild(*, chunked: bool) -> int:
    _locked_cursor()
    last = OutboxEvent.objects.aggregate(last=Max("id"))["last"] or 0
    if chunked:
        Cursor.objects.get_or_create(name=REBUILDING)
    Fact.objects.all().delete()
    Contribution.objects.all().delete()
    _children_index("drop")  # built again once, after the load: cheaper than keeping it up row by row
    return last


def _load(progress, *, step) -> dict[str, int]:
    counts: dict[str, int] = {}
    for source in registry.sources():
        started = time.monotonic()
        leaf: Counter = Counter()
        ledger: list[tuple[int, list]] = []
        n = 0
        for obj in source.all_objects():
            rows = _rows(source.contributions(obj))
            n += 1
            if rows:
                for indicator, path, day, key, value in rows:
                    leaf[(indicator, path, day, key)] += value
                ledger.append((source.key(obj), rows))
            if len(ledger) >= FLUSH_EVERY:
                with step():
                    _write_ledger(source.name, ledger)
                    apply(_fan_out(leaf))
                leaf, ledger = Counter(), []
        with step():
            _write_ledger(source.name, ledger)
            apply(_fan_out(leaf))
        counts[source.name] = n
        if progress:
            progress(source.name, n, time.monotonic() - started)
    return counts


def _finish_rebuild(last: int) -> None:
    _children_index("create")
    Cursor.objects.filter(name="outbox").update(last_id=last, gaps={}, origin=origin_of_main_database())
    Cursor.objects.filter(name=REBUILDING).delete()


def _children_index(action: str) -> None:
    index = next(i for i in Fact._meta.indexes if i.name == "stats_fact_children")
    quote = _db().ops.quote_name
    with _db().cursor() as cursor:
        if action == "drop":
            cursor.execute(f"DROP INDEX IF EXISTS {quote(index.name)}")
        else:
            columns = ", ".join(quote(Fact._meta.get_field(name).column) for name in index.fields)
            cursor.execute(f"CREATE INDEX {quote(index.name)} ON {quote(Fact._meta.db_table)} ({columns})")
