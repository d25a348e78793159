"""Who runs the follower, and when: a thread in each process that writes events, nudged after commit
("thread"), or one thread in the worker process that reads the outbox every half second ("worker",
what `binhan serve` uses with its worker: the server processes then spend nothing on statistics).

Every committed event nudges the thread (a subscriber on "*"); the thread waits a moment so that a
burst becomes one batch, then runs `engine.follow_all()` on its own database connection. A lost
nudge loses nothing: the cursor is in the database, and the next nudge, the periodic task or
`binhan stats-follow` reads what is left. See docs/statistics.md.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connections

from binhan.core import events, tasks
from binhan.stats import engine

logger = logging.getLogger(__name__)

COALESCE_SECONDS = 0.2


class _Follower:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending = threading.Event()
        self._thread: threading.Thread | None = None

    def nudge(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="binhan-stats", daemon=True)
                self._thread.start()
        self._pending.set()

    def _run(self) -> None:
        while True:
            self._pending.wait()
            self._pending.clear()
            threading.Event().wait(COALESCE_SECONDS)
            try:
                close_old_connections()
                engine.follow_all()
            except Exception:  # the cursor did not move; the next nudge tries again
                logger.exception("Statistics follower failed")
            finally:
                connections.close_all()  # this thread's: the main database's and the statistics'


_follower = _Follower()

POLL_SECONDS = 0.5
# Events per transaction in the worker: on SQLite report intake waits while the follower writes, so
# it writes in short slices (about 10 ms each) rather than one long batch (docs/performance.md).
SLICE = 100


_poll_stop = threading.Event()


def _poll() -> None:
    """The worker's follower ("worker" mode): read the outbox every half second."""
    while not _poll_stop.is_set():
        try:
            close_old_connections()
            engine.follow_all(limit=SLICE)
        except Exception:  # the cursor did not move; the next round tries again
            logger.exception("Statistics follower failed")
        finally:
            connections.close_all()
        _poll_stop.wait(POLL_SECONDS)


def start_in_worker() -> threading.Thread | None:
    """`binhan worker` calls this at start (core.tasks.in_worker): the poller, in "worker" mode only."""
    if _mode() != "worker":
        return None
    _poll_stop.clear()
    thread = threading.Thread(target=_poll, name="binhan-stats-poll", daemon=True)
    thread.start()
    return thread


def stop_polling() -> None:
    _poll_stop.set()


tasks.in_worker(start_in_worker)


def _mode() -> str:
    return settings.BINHAN_STATS_FOLLOW


@events.subscribe("*")
def on_event(event) -> None:
    mode = _mode()
    if mode == "thread":
        _follower.nudge()
    elif mode == "inline":
        engine.follow_all()
