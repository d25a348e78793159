"""One task interface for every domain: Django's tasks API, with retries and backoff.

`@background(retries=3)` makes a django-tasks Task whose failures are re-enqueued with an
exponential delay, so a flaky SMTP server or gateway does not lose work.
"""

from __future__ import annotations

import functools
import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from binhan.core import events

logger = logging.getLogger(__name__)


def background(*, retries: int = 3, backoff_seconds: int = 30, queue_name: str = "default", priority: int = 0):
    def decorator(func):
        @functools.wraps(func)
        def run(*args, _attempt: int = 1, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception:
                if _attempt > retries:
                    raise
                delay = backoff_seconds * 2 ** (_attempt - 1)
                logger.warning("Task %s failed (attempt %s); retrying in %ss", func.__name__, _attempt, delay,
                               exc_info=True)
                the_task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
                    *args, _attempt=_attempt + 1, **kwargs
                )
                raise

        the_task = task(priority=priority, queue_name=queue_name)(run)
        return the_task

    return decorator


@background(retries=1)
def prune_outbox() -> int:
    """Delete outbox events older than the configured number of days."""
    return events.prune()


# Tasks the worker enqueues every hour (each must be idempotent). Domains append to this list.
PERIODIC = [prune_outbox]


def enqueue_periodic() -> None:
    for periodic in PERIODIC:
        periodic.enqueue()
