"""The statistics' own database on SQLite (core/db/router.py): where the tables are, and what keeps a
statistics file from being trusted for another main database."""

import datetime as dt
import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, router

from binhan.core.db.router import STATS_ALIAS, statistics_database
from binhan.geo.models import AdministrativeUnit
from binhan.stats import engine
from binhan.stats.models import Contribution, Cursor, Fact, ManualEntry
from tests.stats.conftest import at, facts, report

SQLITE = connection.vendor == "sqlite"


def test_the_facts_ledger_and_cursor_have_a_database_of_their_own_on_sqlite_only():
    expected = STATS_ALIAS if SQLITE else DEFAULT_DB_ALIAS
    assert statistics_database() == expected
    assert {router.db_for_write(model) for model in (Fact, Contribution, Cursor)} == {expected}
    # What refers to other tables stays with them.
    assert (router.db_for_write(ManualEntry), router.db_for_read(AdministrativeUnit)) == (DEFAULT_DB_ALIAS,) * 2
    if SQLITE:
        assert router.allow_migrate(STATS_ALIAS, "stats", model_name="fact") is True
        assert router.allow_migrate(STATS_ALIAS, "reports", model_name="report") is False
        assert router.allow_migrate(DEFAULT_DB_ALIAS, "stats", model_name="fact") is False
        assert router.allow_migrate(DEFAULT_DB_ALIAS, "stats", model_name="manualentry") is True
        # A migration's RunPython names no model: it loads the main database only.
        assert (router.allow_migrate(DEFAULT_DB_ALIAS, "stats"), router.allow_migrate(STATS_ALIAS, "stats")) == (True, False)


@pytest.mark.skipif(not SQLITE, reason="PostgreSQL keeps the statistics in its one database")
def test_a_report_is_counted_in_the_statistics_file_not_in_the_main_one(world):
    report(world.group_a, made=at(dt.date(2026, 11, 3)))
    assert engine.follow_all() == 1
    with connections[STATS_ALIAS].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM stats_fact WHERE value <> 0")
        in_statistics = cursor.fetchone()[0]
    main_tables = set(connection.introspection.table_names())
    assert in_statistics == len(facts()) > 0
    assert {"stats_fact", "stats_contribution", "stats_cursor"} & main_tables == set()
    assert {"reports_report", "stats_manualentry"} <= main_tables


@pytest.mark.skipif(not SQLITE, reason="PostgreSQL keeps the statistics in its one database")
def test_statistics_made_from_another_database_are_not_added_to_until_rebuilt(world, caplog, monkeypatch):
    report(world.group_a, made=at(dt.date(2026, 11, 3)))
    assert (engine.follow_all(), engine.statistics_are_current()) == (1, True)
    before = facts()
    Cursor.objects.filter(name="outbox").update(origin="2020-01-01 00:00:00")  # as a left-over file would be
    monkeypatch.setattr(engine, "_warned_origin", False)
    report(world.group_a, made=at(dt.date(2026, 11, 4)))
    with caplog.at_level(logging.ERROR, logger="binhan.stats.engine"):
        assert (engine.follow_all(), engine.follow_all()) == (0, 0)
    assert (facts(), engine.statistics_are_current()) == (before, False)
    assert [record.message.count("stats-rebuild") for record in caplog.records] == [1]  # said once, not every round
    engine.rebuild()
    assert engine.statistics_are_current()
    assert sum(v for (indicator, path, grain, _d, _k), v in facts().items()
               if (indicator, path, grain) == ("reports.received", world.commune_a.path, "m")) == 2


@pytest.mark.skipif(not SQLITE, reason="PostgreSQL keeps the statistics in its one database")
def test_statistics_ahead_of_a_restored_main_database_are_not_added_to(world, monkeypatch):
    """A main database restored from an older backup keeps its origin, but the statistics' cursor is past the
    last outbox id it ever gave: its next events would be skipped, so the file is not trusted."""
    report(world.group_a, made=at(dt.date(2026, 11, 3)))
    assert engine.follow_all() == 1
    last = Cursor.objects.get(name="outbox").last_id
    Cursor.objects.filter(name="outbox").update(last_id=last + 500)  # as if followed further, then restored
    monkeypatch.setattr(engine, "_warned_origin", False)
    report(world.group_a, made=at(dt.date(2026, 11, 4)))
    assert (engine.follow_all(), engine.statistics_are_current()) == (0, False)
    engine.rebuild()
    assert (engine.statistics_are_current(), Cursor.objects.get(name="outbox").last_id) == (True, last + 1)


def test_on_postgresql_the_statistics_are_always_current(db):
    if SQLITE:
        pytest.skip("SQLite: the origin tells the statistics' file from another")
    engine.follow_all()
    assert (engine.origin_of_main_database(), engine.statistics_are_current()) == ("", True)


def _migrate(directory: Path) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BINHAN_", "DATABASE_URL"))}
    env.update(BINHAN_DEMO="1", BINHAN_TESTING="0", BINHAN_VAR_DIR=str(directory), DJANGO_SETTINGS_MODULE="binhan.settings")
    done = subprocess.run([sys.executable, "-m", "binhan", "migrate", "--noinput"], env=env, cwd=directory,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _origin(path: Path) -> str:
    with sqlite3.connect(path) as database:
        return database.execute("SELECT origin FROM stats_cursor WHERE name = 'outbox'").fetchone()[0]


def test_migrate_makes_both_files_and_rebuilds_statistics_left_from_another_database(tmp_path):
    main, statistics = tmp_path / "binhan.sqlite3", tmp_path / "binhan-stats.sqlite3"
    first = _migrate(tmp_path)
    assert "Computing the statistics from this database" in first
    with sqlite3.connect(main) as database:
        created = database.execute("SELECT MIN(applied) FROM django_migrations").fetchone()[0]
        main_tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert (_origin(statistics), "stats_fact" in main_tables) == (created, False)
    second = _migrate(tmp_path)  # nothing to do the second time
    assert ("The statistics' database:" in second, "Computing" in second, "rebuilding" in second) == (True, False, False)

    # An installation from before the statistics' own file kept their tables in the main one.
    with sqlite3.connect(main) as database:
        for table in ("stats_fact", "stats_contribution", "stats_cursor"):
            database.execute(f"CREATE TABLE {table} (id integer PRIMARY KEY, old text)")
        database.execute("INSERT INTO stats_fact (old) VALUES ('left over')")
    cleaned = _migrate(tmp_path)
    with sqlite3.connect(main) as database:
        left = {row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE name LIKE 'stats_%'")}
    assert "Dropped the statistics' old tables from the main database: stats_contribution, stats_cursor, " \
           "stats_fact." in cleaned
    assert {"stats_fact", "stats_contribution", "stats_cursor"} & left == set()
    assert _origin(statistics) == created  # the statistics' own file is untouched

    for suffix in ("", "-wal", "-shm"):  # the main database deleted, its statistics' file left behind
        Path(f"{main}{suffix}").unlink(missing_ok=True)
    again = _migrate(tmp_path)
    with sqlite3.connect(main) as database:
        recreated = database.execute("SELECT MIN(applied) FROM django_migrations").fetchone()[0]
    assert "made from another database" in again
    assert (_origin(statistics), recreated != created) == (recreated, True)
