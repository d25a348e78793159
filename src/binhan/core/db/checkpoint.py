"""SQLite's WAL checkpoints off the request path, in a thread of each server process.

By default SQLite checkpoints inside the COMMIT that pushes the write-ahead log past 1,000 pages:
that request copies the log into the database and waits for the file to reach the disk, while
the other writers queue behind its write lock (docs/performance.md, "Report intake"). Under
`binhan serve` the request connections turn that off (`PRAGMA wal_autocheckpoint=0` as each
connection opens) and this thread checkpoints once a second instead, on a connection of its own.

A PASSIVE checkpoint never waits for a writer or a reader, so it cannot hold a request up; what
it cannot copy yet it copies on the next round. Nothing is less durable: a committed transaction
is in the log either way. If no server runs, the next ordinary connection (a command, the worker)
checkpoints as SQLite always does.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 1.0

_lock = threading.Lock()
_thread: threading.Thread | None = None
_stop = threading.Event()


def wanted() -> bool:
    """True when this process serves a SQLite database with checkpoints left to the thread."""
    database = settings.DATABASES["default"]
    return database["ENGINE"] == "django.db.backends.sqlite3" and settings.BINHAN_SQLITE_CHECKPOINT == "thread"


def checkpoint_once(connection: sqlite3.Connection) -> tuple[int, int, int]:
    """One PASSIVE checkpoint: (busy, pages in the log, pages copied), SQLite's own answer."""
    busy, log_pages, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return busy, log_pages, copied


def _no_autocheckpoint(sender, connection, **kwargs) -> None:
    # The main database only: the statistics' file (core/db/router.py) has one writer, the follower,
    # whose commits may as well checkpoint it; no request waits for them.
    if connection.vendor == "sqlite" and connection.alias == DEFAULT_DB_ALIAS:
        with connection.cursor() as cursor:
            # The log is reset once copied; this caps the file it leaves behind at 64 MB.
            cursor.execute("PRAGMA wal_autocheckpoint=0")
            cursor.execute("PRAGMA journal_size_limit=67108864")


def _run(path: str) -> None:
    connection = None
    while not _stop.wait(INTERVAL_SECONDS):
        try:
            if connection is None:
                # Python's sqlite3 lets go of the GIL while SQLite works: requests keep running.
                connection = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
            checkpoint_once(connection)
        except sqlite3.Error:
            logger.warning("WAL checkpoint failed; trying again in %s s", INTERVAL_SECONDS, exc_info=True)
            if connection is not None:
                connection.close()
            connection = None
    if connection is not None:
        connection.close()


def start() -> bool:
    """Start this process's checkpoint thread once, when `wanted()`. Returns whether one runs."""
    if not wanted():
        return False
    start_for(str(settings.DATABASES["default"]["NAME"]))
    return True


def start_for(path: str) -> None:
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            connection_created.connect(_no_autocheckpoint, dispatch_uid="binhan-wal-checkpoint")
            _stop.clear()
            _thread = threading.Thread(target=_run, args=(path,), name="binhan-wal-checkpoint", daemon=True)
            _thread.start()


def stop() -> None:
    """Stop the thread (tests)."""
    global _thread
    connection_created.disconnect(dispatch_uid="binhan-wal-checkpoint")
    _stop.set()
    if _thread is not None:
        _thread.join(timeout=5)
    _thread = None
