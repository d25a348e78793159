"""One SQLite writer at a time, across threads and processes, queued by the kernel.

SQLite lets one transaction write; the others wait in its busy handler, which sleeps 1, 2, 5 …
100 ms between tries, so under load some waits grow past a second. Writers that take this lock
(report intake, the statistics follower) queue on a file lock instead and the next one wakes as
soon as the current one commits. PostgreSQL needs none of this: there it does nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import threading
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, connections

_guard = threading.Lock()
_writers: dict[str, threading.Lock] = {}  # lock file → the lock this process's threads queue on first
_lock_files: dict[str, int] = {}
_held = threading.local()  # the lock files this thread holds: a nested block must not queue behind itself


def _lock_path(using: str) -> str | None:
    """A file next to the SQLite database (none for PostgreSQL or an in-memory database)."""
    return _lock_path_for(connections[using].vendor, str(connections[using].settings_dict["NAME"]))


@functools.lru_cache(maxsize=16)  # asked on every write: the directory is looked up once
def _lock_path_for(vendor: str, name: str) -> str | None:
    if vendor != "sqlite":
        return None
    if name.startswith("file:") or name == ":memory:" or not os.path.isdir(os.path.dirname(name) or "."):
        return None
    return f"{name}.write-lock"


def _lock_file(path: str) -> int | None:
    """The process's descriptor of the lock file; call with its thread lock held."""
    if path not in _lock_files:
        try:
            _lock_files[path] = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        except OSError:
            return None
    return _lock_files[path]


@contextlib.contextmanager
def serialised_writes(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Hold the writers' lock of this database for the block (see the module): a no-op on PostgreSQL or
    in memory. The statistics have a SQLite file, and so a lock, of their own (core/db/router.py)."""
    path = _lock_path(using)
    if path is None:
        yield
        return
    held: set[str] = _held.__dict__.setdefault("paths", set())
    if path in held:  # this thread holds it already (a group's transaction: core/db/group_commit.py)
        yield
        return
    with _guard:
        writer = _writers.setdefault(path, threading.Lock())
    with writer:
        fd = _lock_file(path)
        if fd is None:  # the directory is read-only: fall back on SQLite's own waiting
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        held.add(path)
        try:
            yield
        finally:
            held.discard(path)
            fcntl.flock(fd, fcntl.LOCK_UN)
