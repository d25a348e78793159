"""SQLite's WAL checkpoints run in a server thread, not inside a request's COMMIT (core/db/checkpoint.py)."""

import sqlite3
import time

import pytest
from django.db import connection
from django.test import override_settings

from binhan.core.db import checkpoint


def _wal_database(path, rows: int) -> sqlite3.Connection:
    """A WAL database whose writer never checkpoints, with `rows` committed one by one."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE report (id INTEGER PRIMARY KEY, text TEXT)")
    for number in range(rows):
        db.execute("INSERT INTO report (text) VALUES (?)", ("x" * 500 + str(number),))
    return db


def test_checkpoint_once_copies_the_whole_log(tmp_path):
    path = tmp_path / "intake.sqlite3"
    writer = _wal_database(path, 300)
    assert (tmp_path / "intake.sqlite3-wal").stat().st_size > 100_000  # nothing copied yet

    busy, log_pages, copied = checkpoint_once_on(path)

    assert busy == 0
    assert log_pages > 30
    assert copied == log_pages
    # Everything committed is still there, now in the database file itself.
    assert writer.execute("SELECT count(*) FROM report").fetchone()[0] == 300


def checkpoint_once_on(path):
    other = sqlite3.connect(path, isolation_level=None)
    try:
        return checkpoint.checkpoint_once(other)
    finally:
        other.close()


def test_the_thread_checkpoints_what_requests_leave_in_the_log(tmp_path, monkeypatch):
    path = tmp_path / "served.sqlite3"
    writer = _wal_database(path, 200)
    results = []
    real = checkpoint.checkpoint_once
    monkeypatch.setattr(checkpoint, "INTERVAL_SECONDS", 0.05)
    monkeypatch.setattr(checkpoint, "checkpoint_once", lambda db: results.append(real(db)) or results[-1])
    checkpoint.start_for(str(path))
    try:
        deadline = time.monotonic() + 5
        while not any(copied for _busy, _log, copied in results) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        checkpoint.stop()
    busy, log_pages, copied = next(result for result in results if result[2])
    assert (busy, copied) == (0, log_pages)
    writer.close()


@override_settings(BINHAN_SQLITE_CHECKPOINT="auto")
def test_nothing_starts_unless_serving_asks_for_it():
    assert checkpoint.wanted() is False
    assert checkpoint.start() is False


@pytest.mark.django_db
def test_request_connections_leave_the_checkpoint_to_the_thread():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        before = cursor.fetchone()[0]
        try:
            checkpoint._no_autocheckpoint(sender=None, connection=connection)
            cursor.execute("PRAGMA wal_autocheckpoint")
            assert cursor.fetchone()[0] == 0
        finally:
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(before)}")
    assert before == 1000  # SQLite's default everywhere else (commands, the worker, tests)
