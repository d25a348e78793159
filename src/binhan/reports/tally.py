"""The reports' tally (ReportTally): kept by triggers in the database, rebuilt from the reports on demand.

Triggers rather than services, because reports are written by the intake, the triage services,
merges and moves, the retention task, the demo generator and the tests' factories: a trigger sees
every one of them, in the writer's own transaction, so the tally can never drift from the rows.

- SQLite: row triggers (after insert, after update of the counted columns, after delete).
- PostgreSQL: statement triggers with transition tables, so a bulk load or a bulk update makes
  one grouped upsert per statement instead of one per row.

Only located reports (latitude and longitude given) are counted: the map shows no others.
A report's cell is floor(lat / FINE_CELL), floor(lon / FINE_CELL), computed as the map computes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from binhan.reports.models import ReportTally, Status

TABLE = ReportTally._meta.db_table
REPORTS = "reports_report"
COUNTED = ("unit_path", "category_id", "status", "lat", "lon")
FINE_ZOOM = 14
FINE_CELL = 90 / 2**FINE_ZOOM  # maps.cell_size(14): an exact binary fraction, 0.0054931640625°
KEY = "unit_path, category_id, cell_y, cell_x"


def _sqlite_floor_cell(value: str) -> str:
    # SQLite has no floor() without its math extension: truncate, then step down below zero.
    ratio = f"({value} / {FINE_CELL!r})"
    return f"(CAST({ratio} AS INTEGER) - ({ratio} < CAST({ratio} AS INTEGER)))"


def _postgres_floor_cell(value: str) -> str:
    return f"floor({value} / {FINE_CELL!r}::float8)::integer"


def status_column(status: str) -> str:
    return f"n_{status}"


def _columns() -> list[str]:
    return [status_column(status) for status in Status.values]


def _sqlite_upsert(row: str, sign: str) -> str:
    """Add (sign '+') or take away (sign '-') the report `row` (NEW or OLD) from its tally row."""
    flags = ", ".join(f"({row}.status = '{status}')" for status in Status.values)
    adds = ", ".join(f"{column} = {column} + excluded.{column}" for column in _columns())
    if sign == "+":
        return (f"INSERT INTO {TABLE} ({KEY}, total, lat_sum, lon_sum, {', '.join(_columns())}) "
                f"SELECT {row}.unit_path, {row}.category_id, {_sqlite_floor_cell(row + '.lat')}, "
                f"{_sqlite_floor_cell(row + '.lon')}, 1, {row}.lat, {row}.lon, {flags} "
                f"WHERE {row}.lat IS NOT NULL AND {row}.lon IS NOT NULL "
                f"ON CONFLICT ({KEY}) DO UPDATE SET total = total + excluded.total, "
                f"lat_sum = lat_sum + excluded.lat_sum, lon_sum = lon_sum + excluded.lon_sum, {adds};")
    takes = ", ".join(f"{status_column(s)} = {status_column(s)} - ({row}.status = '{s}')" for s in Status.values)
    return (f"UPDATE {TABLE} SET total = total - 1, lat_sum = lat_sum - {row}.lat, lon_sum = lon_sum - {row}.lon, "
            f"{takes} WHERE unit_path = {row}.unit_path AND category_id = {row}.category_id "
            f"AND cell_y = {_sqlite_floor_cell(row + '.lat')} AND cell_x = {_sqlite_floor_cell(row + '.lon')} "
            f"AND {row}.lat IS NOT NULL AND {row}.lon IS NOT NULL;")


def _sqlite_triggers() -> list[str]:
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in COUNTED)
    return [
        f"CREATE TRIGGER rep_tally_insert AFTER INSERT ON {REPORTS} BEGIN {_sqlite_upsert('NEW', '+')} END",
        f"CREATE TRIGGER rep_tally_delete AFTER DELETE ON {REPORTS} BEGIN {_sqlite_upsert('OLD', '-')} END",
        f"CREATE TRIGGER rep_tally_update AFTER UPDATE OF {', '.join(COUNTED)} ON {REPORTS} WHEN {changed} "
        f"BEGIN {_sqlite_upsert('OLD', '-')} {_sqlite_upsert('NEW', '+')} END",
    ]


def _postgres_function(name: str, delta: str) -> str:
    """A statement trigger's function: upsert the grouped `delta` (unit_path, category_id, status, lat, lon, d)."""
    sums = ", ".join(f"SUM(CASE WHEN status = '{s}' THEN d ELSE 0 END)" for s in Status.values)
    adds = ", ".join(f"{c} = {TABLE}.{c} + excluded.{c}" for c in _columns())
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO {TABLE} ({KEY}, total, lat_sum, lon_sum, {', '.join(_columns())}) "
        f"SELECT unit_path, category_id, {_postgres_floor_cell('lat')} AS cell_y, {_postgres_floor_cell('lon')} AS cell_x, "
        f"SUM(d), SUM(d * lat), SUM(d * lon), {sums} FROM ({delta}) AS delta "
        f"WHERE lat IS NOT NULL AND lon IS NOT NULL GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4 "
        f"ON CONFLICT ({KEY}) DO UPDATE SET total = {TABLE}.total + excluded.total, "
        f"lat_sum = {TABLE}.lat_sum + excluded.lat_sum, lon_sum = {TABLE}.lon_sum + excluded.lon_sum, {adds}; "
        f"RETURN NULL; END $$"
    )


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


TRIGGERS = ("rep_tally_insert", "rep_tally_delete", "rep_tally_update")


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
    flags = ", ".join(f"SUM(CASE WHEN status = '{s}' THEN 1 ELSE 0 END)" for s in Status.values)
    floor_cell = _postgres_floor_cell if connection.vendor == "postgresql" else _sqlite_floor_cell
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(
            f"INSERT INTO {TABLE} ({KEY}, total, lat_sum, lon_sum, {', '.join(_columns())}) "
            f"SELECT unit_path, category_id, {floor_cell('lat')}, {floor_cell('lon')}, COUNT(*), SUM(lat), SUM(lon), "
            f"{flags} FROM {REPORTS} WHERE lat IS NOT NULL AND lon IS NOT NULL GROUP BY 1, 2, 3, 4")
        return cursor.rowcount


@contextmanager
def rebuilt_after() -> Iterator[None]:
    """For a bulk load: the triggers off while it runs, then one grouped count of everything."""
    drop_triggers()
    try:
        yield
    finally:
        create_triggers()
        rebuild()
