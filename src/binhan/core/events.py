"""Domain events through a transactional outbox.

`publish` writes an OutboxEvent in the caller's transaction; subscribers registered with
`subscribe` run after commit. Live pages read the outbox through `core.live`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from binhan.core.models import OutboxEvent

logger = logging.getLogger(__name__)

Subscriber = Callable[[OutboxEvent], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)

PG_CHANNEL = "binhan_outbox"
REDIS_CHANNEL = "binhan:outbox"


def subscribe(name: str) -> Callable[[Subscriber], Subscriber]:
    """Register a function to run after commit for every event called `name` ("*" for all)."""

    def register(func: Subscriber) -> Subscriber:
        if func not in _subscribers[name]:
            _subscribers[name].append(func)
        return func

    return register


def publish(name: str, *, unit_path: str = "", **payload: Any) -> OutboxEvent:
    """Record an event in the current transaction; wake listeners and run subscribers after commit."""
    event = OutboxEvent.objects.create(name=name, unit_path=unit_path, payload=payload)
    if connection.vendor == "postgresql":
        # NOTIFY inside the transaction is delivered only if it commits.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [PG_CHANNEL, str(event.pk)])
    transaction.on_commit(lambda: _after_commit(event))
    return event


# The style guide's name for it: the outbox row is written now, the rest happens on commit.
publish_on_commit = publish


def _after_commit(event: OutboxEvent) -> None:
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL).publish(REDIS_CHANNEL, str(event.pk))
        except Exception:  # the outbox row is the truth; listeners also poll
            logger.warning("Could not publish outbox event %s to Redis", event.pk, exc_info=True)
    for func in [*_subscribers.get(event.name, []), *_subscribers.get("*", [])]:
        try:
            func(event)
        except Exception:
            # One failing subscriber must not hide the event from the others.
            logger.exception("Subscriber %s failed on event %s", func, event.pk)


def prune(*, older_than_days: int | None = None) -> int:
    days = settings.BINHAN_OUTBOX_KEEP_DAYS if older_than_days is None else older_than_days
    deleted, _ = OutboxEvent.objects.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted
