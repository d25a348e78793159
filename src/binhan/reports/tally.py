"""The reports' tally (ReportTally): kept by triggers in the database, rebuilt from the reports on demand.

Triggers rather than services, because reports are written by the intake, the triage services,
merges and moves, the retention task, the demo generator and the tests' factories: a trigger sees
every one of them, in the writer's own transaction, so the tally can never drift from the rows.

- SQLite: row triggers (after insert, after update of the counted columns, after delete).
- PostgreSQL: statement triggers with transition tables, so a bulk load or a bulk update makes
  one grouped upsert per statement instead of one per row.

The tally is a pyramid: the same counts on the map's grid at zoom 8, 10, 12 and 14 (LEVELS), per
commune and category, so a view at any zoom up to 14 reads only the cells in view at the level
just finer than its own. Only located reports (latitude and longitude given) are counted: the map
shows no others. A report's cell at level L is floor(lat / cell), floor(lon / cell) with
cell = 90° / 2^L, computed as the map computes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from binhan.reports.models import ReportTally, Status

TABLE = ReportTally._meta.db_table
REPORTS = "reports_report"
COUNTED = ("unit_path", "category_id", "status", "lat", "lon")
LEVELS = (8, 10, 12, 14)
KEY = "level, unit_path, category_id, cell_y, cell_x"
TRIGGERS = ("rep_tally_insert", "rep_tally_delete", "rep_tally_update")


def cell_of(level: int) -> float:
    """The level's cell in degrees: maps.cell_size(level), an exact binary fraction."""
    return 90 / 2**level


def level_for(cell: float) -> int | None:
    """The coarsest level whose cells tile a map cell of `cell` degrees exactly, or None when none does."""
    for level in LEVELS:
        ratio = cell / cell_of(level)
        if ratio >= 1 and ratio == int(ratio) and int(ratio) & (int(ratio) - 1) == 0:  # a power of two
            return level
    return None


def status_column(status: str) -> str:
    return f"n_{status}"


def _columns() -> list[str]:
    return [status_column(status) for status in Status.values]


# -- SQLite ---------------------------------------------------------------------------------------

def _sqlite_floor_cell(value: str, level: int) -> str:
    # SQLite has no floor() without its math extension: truncate, then step down below zero.
    ratio = f"({value} / {cell_of(level)!r})"
    return f"(CAST({ratio} AS INTEGER) - ({ratio} < CAST({ratio} AS INTEGER)))"


def _sqlite_commune(path: str) -> str:
    """The path cut after its fourth slash ('/VN/22/7090/7090-001/' → '/VN/22/7090/'), as paths.truncate(…, 3)."""
    second = f"(instr(substr({path}, 2), '/') + 1)"
    third = f"({second} + instr(substr({path}, {second} + 1), '/'))"
    fourth = f"({third} + instr(substr({path}, {third} + 1), '/'))"
    return f"substr({path}, 1, {fourth})"


def _sqlite_change(row: str, sign: str) -> str:
    """Add (sign '+') or take away (sign '-') the report `row` (NEW or OLD) at every level."""
    located = f"{row}.lat IS NOT NULL AND {row}.lon IS NOT NULL"
    commune = _sqlite_commune(f"{row}.unit_path")
    statements = []
    for level in LEVELS:
        cell_y, cell_x = _sqlite_floor_cell(f"{row}.lat", level), _sqlite_floor_cell(f"{row}.lon", level)
        if sign == "+":
            flags = ", ".join(f"({row}.status = '{status}')" for status in Status.values)
            adds = ", ".join(f"{column} = {column} + excluded.{column}" for column in _columns())
            statements.append(
                f"INSERT INTO {TABLE} ({KEY}, total, lat_sum, lon_sum, {', '.join(_columns())}) "
                f"SELECT {level}, {commune}, {row}.category_id, {cell_y}, {cell_x}, 1, {row}.lat, {row}.lon, {flags} "
                f"WHERE {located} ON CONFLICT ({KEY}) DO UPDATE SET total = total + excluded.total, "
                f"lat_sum = lat_sum + excluded.lat_sum, lon_sum = lon_sum + excluded.lon_sum, {adds};")
        else:
            takes = ", ".join(f"{status_column(s)} = {status_column(s)} - ({row}.status = '{s}')"
                              for s in Status.values)
            statements.append(
                f"UPDATE {TABLE} SET total = total - 1, lat_sum = lat_sum - {row}.lat, lon_sum = lon_sum - {row}.lon, "
                f"{takes} WHERE level = {level} AND unit_path = {commune} AND category_id = {row}.category_id "
                f"AND cell_y = {cell_y} AND cell_x = {cell_x} AND {located};")
    return " ".join(statements)


def _sqlite_triggers() -> list[str]:
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in COUNTED)
    return [
        f"CREATE TRIGGER rep_tally_insert AFTER INSERT ON {REPORTS} BEGIN {_sqlite_change('NEW', '+')} END",
        f"CREATE TRIGGER rep_tally_delete AFTER DELETE ON {REPORTS} BEGIN {_sqlite_change('OLD', '-')} END",
        f"CREATE TRIGGER rep_tally_update AFTER UPDATE OF {', '.join(COUNTED)} ON {REPORTS} WHEN {changed} "
        f"BEGIN {_sqlite_change('OLD', '-')} {_sqlite_change('NEW', '+')} END",
    ]


# -- PostgreSQL -----------------------------------------------------------------------------------

POSTGRES_COMMUNE = "coalesce(substring(unit_path from '^/[^/]*/[^/]*/[^/]*/'), unit_path)"
POSTGRES_LEVELS = f"(VALUES {', '.join(f'({level})' for level in LEVELS)}) AS levels (level)"


def _postgres_cell(value: str) -> str:
    return f"floor({value} / (90::float8 / power(2::float8, levels.level)))::integer"


def _postgres_grouped(source: str, weight: str) -> str:
    """Rows of the tally for `source` (rows with unit_path, category_id, status, lat, lon), each counted `weight`."""
    sums = ", ".join(f"SUM(CASE WHEN status = '{s}' THEN {weight} ELSE 0 END)" for s in Status.values)
    return (f"SELECT levels.level, {POSTGRES_COMMUNE}, category_id, {_postgres_cell('lat')}, {_postgres_cell('lon')}, "
            f"SUM({weight}), SUM({weight} * lat), SUM({weight} * lon), {sums} FROM {source} CROSS JOIN {POSTGRES_LEVELS} "
            f"WHERE lat IS NOT NULL AND lon IS NOT NULL GROUP BY 1, 2, 3, 4, 5")


def _postgres_upsert(select: str) -> str:
    adds = ", ".join(f"{c} = {TABLE}.{c} + excluded.{c}" for c in _columns())
    return (f"INSERT INTO {TABLE} ({KEY}, total, lat_sum, lon_sum, {', '.join(_columns())}) {select} ORDER BY 1, 2, 3, 4, 5 "
            f"ON CONFLICT ({KEY}) DO UPDATE SET total = {TABLE}.total + excluded.total, "
            f"lat_sum = {TABLE}.lat_sum + excluded.lat_sum, lon_sum = {TABLE}.lon_sum + excluded.lon_sum, {adds}")


def _postgres_function(name: str, delta: str) -> str:
    """A statement trigger's function: upsert the grouped `delta` (unit_path, category_id, status, lat, lon, d)."""
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{_postgres_upsert(_postgres_grouped(f'({delta}) AS delta', 'd'))}; RETURN NULL; END $$")


def _postgres_triggers() -> list[str]:
    columns = ", ".join(COUNTED)
    changed = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in COUNTED)
    pairs = f"old_rows o JOIN new_rows n ON o.id = n.id WHERE {changed}"
    return [
        _postgres_function("rep_tally_insert", f"SELECT {columns}, 1 AS d FROM new_rows"),
        _postgres_function("rep_tally_delete", f"SELECT {columns}, -1 AS d FROM old_rows"),
        _postgres_function(
            "rep_tally_update",
            f"SELECT o.unit_path, o.category_id, o.status, o.lat, o.lon, -1 AS d FROM {pairs} UNION ALL "
            f"SELECT n.unit_path, n.category_id, n.status, n.lat, n.lon, 1 AS d FROM {pairs}"),
        f"CREATE TRIGGER rep_tally_insert AFTER INSERT ON {REPORTS} REFERENCING NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION rep_tally_insert()",
        f"CREATE TRIGGER rep_tally_delete AFTER DELETE ON {REPORTS} REFERENCING OLD TABLE AS old_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION rep_tally_delete()",
        f"CREATE TRIGGER rep_tally_update AFTER UPDATE ON {REPORTS} REFERENCING OLD TABLE AS old_rows "
        f"NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rep_tally_update()",
    ]


# -- Both -----------------------------------------------------------------------------------------

def create_triggers(schema_editor=None) -> None:
    target = schema_editor.connection if schema_editor is not None else connection
    statements = _postgres_triggers() if target.vendor == "postgresql" else _sqlite_triggers()
    with target.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def drop_triggers(schema_editor=None) -> None:
    target = schema_editor.connection if schema_editor is not None else connection
    with target.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {REPORTS}" if target.vendor == "postgresql"
                           else f"DROP TRIGGER IF EXISTS {name}")


def rebuild() -> int:
    """Count every located report again (after a bulk load with the triggers off); the number of tally rows."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        if connection.vendor == "postgresql":
            cursor.execute(_postgres_upsert(_postgres_grouped(REPORTS, "1")))
            return cursor.rowcount
        commune = _sqlite_commune("unit_path")
        flags = ", ".join(f"SUM(status = '{s}')" for s in Status.values)
        written = 0
        for level in LEVELS:
            cursor.execute(
                f"INSERT INTO {TABLE} ({KEY}, total, lat_sum, lon_sum, {', '.join(_columns())}) "
                f"SELECT {level}, {commune}, category_id, {_sqlite_floor_cell('lat', level)}, "
                f"{_sqlite_floor_cell('lon', level)}, COUNT(*), SUM(lat), SUM(lon), {flags} FROM {REPORTS} "
                f"WHERE lat IS NOT NULL AND lon IS NOT NULL GROUP BY 2, 3, 4, 5")
            written += cursor.rowcount
        return written


@contextmanager
def rebuilt_after() -> Iterator[None]:
    """For a bulk load: the triggers off while it runs, then one grouped count of everything."""
    drop_triggers()
    try:
        yield
    finally:
        create_triggers()
        rebuild()
