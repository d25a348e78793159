"""One task interface for every domain: Django's tasks API, with retries and backoff.

`@background(retries=3)` makes a django-tasks Task whose failures are re-enqueued with an
exponential delay (30 s, 60 s, 120 s, … by default), so a flaky SMTP server or gateway does
not lose work. Each attempt is its own task result: the failed ones keep their traceback,
and the last one, once the retries are spent, ends FAILED.
"""

from __future__ import annotations

import functools
import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from binhan.core import events

logger = logging.getLogger(__name__)

ATTEMPT_KWARG = "_attempt"


def retry_delay(*, attempt: int, backoff_seconds: float) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1 for the first run)."""
    return timedelta(seconds=backoff_seconds * 2 ** (attempt - 1))


def background(*, retries: int = 3, backoff_seconds: float = 30, queue_name: str = "default", priority: int = 0):
    def decorator(func):
        @functools.wraps(func)
        def run(*args, _attempt: int = 1, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception:
                if _attempt > retries:
                    logger.error("Task %s failed on attempt %s; no retries left", func.__name__, _attempt,
                                 exc_info=True)
                    raise
                _enqueue_retry(the_task, args, kwargs, attempt=_attempt, backoff_seconds=backoff_seconds)
                raise

        the_task = task(priority=priority, queue_name=queue_name)(run)
        return the_task

    return decorator


def _enqueue_retry(the_task, args, kwargs, *, attempt: int, backoff_seconds: float) -> None:
    delay = retry_delay(attempt=attempt, backoff_seconds=backoff_seconds)
    logger.warning("Task %s failed (attempt %s); retrying in %ss", the_task.name, attempt,
                   delay.total_seconds(), exc_info=True)
    retry = the_task
    if the_task.get_backend().supports_defer:
        retry = the_task.using(run_after=timezone.now() + delay)
    try:
        retry.enqueue(*args, **{ATTEMPT_KWARG: attempt + 1, **kwargs})
    except Exception:
        # The failure itself is what the result must show, not the failed re-enqueue.
        logger.exception("Could not re-enqueue task %s", the_task.name)


@background(retries=1)
def prune_outbox() -> int:
    """Delete outbox events older than the configured number of days."""
    return events.prune()


# Tasks the worker enqueues every hour (each must be idempotent). Domains append to this list.
@background(retries=1)
def prune_sessions() -> None:
    """Delete expired sessions, so the session table does not grow without end."""
    from django.core.management import call_command

    call_command("clearsessions")


@background(retries=1)
def prune_task_results(*, keep_days: int = 7) -> int:
    """Delete finished task results older than `keep_days`; queued and running tasks stay."""
    from django_tasks_db.models import DBTaskResult

    finished = DBTaskResult.objects.filter(
        status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=timezone.now() - timedelta(days=keep_days)
    )
    deleted, _ = finished.delete()
    return deleted


@background(retries=1)
def prune_rate_counters() -> int:
    """Delete the rate-limit counters of windows that have ended."""
    from binhan.core import ratelimit

    return ratelimit.prune_counters()


PERIODIC = [prune_outbox, prune_sessions, prune_task_results, prune_rate_counters]

# How often each periodic task runs, by its module path; hourly unless a domain asks for more.
DEFAULT_INTERVAL_SECONDS = 3600
INTERVALS: dict[str, int] = {}


def run_every(seconds: int, the_task) -> None:
    """Make `the_task` periodic, at most every `seconds`."""
    if the_task not in PERIODIC:
        PERIODIC.append(the_task)
    INTERVALS[the_task.module_path] = seconds


# Long-running threads a domain wants in the worker process (e.g. the statistics follower), started
# by `binhan worker` before it serves the queue.
WORKER_THREADS: list = []


def in_worker(start) -> None:
    """Call `start()` (which starts a daemon thread) when `binhan worker` starts."""
    if start not in WORKER_THREADS:
        WORKER_THREADS.append(start)


def interval_of(the_task) -> int:
    return INTERVALS.get(the_task.module_path, DEFAULT_INTERVAL_SECONDS)


def enqueue_periodic(*, tasks=None) -> int:
    """Queue each periodic task (or those given) unless a run is already waiting; returns how many."""
    waiting = _waiting_task_paths()
    queued = 0
    for periodic in PERIODIC if tasks is None else tasks:
        if periodic.module_path in waiting:
            continue
        periodic.enqueue()
        queued += 1
    return queued


def _waiting_task_paths() -> set[str]:
    # Several workers (one per `binhan serve`) schedule the same tasks; one waiting run is enough.
    # A RUNNING row does not count: a worker killed mid-task leaves one behind for good.
    from django_tasks import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backends = {periodic.backend for periodic in PERIODIC if isinstance(periodic.get_backend(), DatabaseBackend)}
    if not backends:
        return set()
    return set(
        DBTaskResult.objects.filter(backend_name__in=backends, status=TaskResultStatus.READY)
        .filter(task_path__in=[periodic.module_path for periodic in PERIODIC])
        .values_list("task_path", flat=True)
    )


run_every(600, prune_rate_counters)
