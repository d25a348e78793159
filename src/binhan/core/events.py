"""Domain events through a transactional outbox.

`publish` writes an OutboxEvent in the caller's transaction; subscribers registered with
`subscribe` run after commit, and never if it rolls back. Live pages read the outbox
through `core.live`; on PostgreSQL a NOTIFY (sent only if the transaction commits) and,
when REDIS_URL is set, a Redis message wake the server processes up at once.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from binhan.core import rows
from binhan.core.models import OutboxEvent

logger = logging.getLogger(__name__)

Subscriber = Callable[[OutboxEvent], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)

PG_CHANNEL = "binhan_outbox"
REDIS_CHANNEL = "binhan:outbox"
# Publishing runs after commit, in the request: never let an unreachable Redis hold it up long.
REDIS_TIMEOUT_SECONDS = 1.0


def subscribe(name: str) -> Callable[[Subscriber], Subscriber]:
    """Register a function to run after commit for every event called `name` ("*" for all)."""

    def register(func: Subscriber) -> Subscriber:
        if func not in _subscribers[name]:
            _subscribers[name].append(func)
        return func

    return register


def unsubscribe(name: str, func: Subscriber) -> None:
    if func in _subscribers.get(name, []):
        _subscribers[name].remove(func)


def publish(name: str, *, unit_path: str = "", **payload: Any) -> OutboxEvent:
    """Record an event in the current transaction; wake listeners and run subscribers after commit."""
    event = rows.insert(OutboxEvent(name=name, unit_path=unit_path, payload=payload))
    if connection.vendor == "postgresql":
        # NOTIFY inside the transaction is delivered only if it commits.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [PG_CHANNEL, str(event.pk)])
    transaction.on_commit(lambda: _after_commit(event), robust=True)
    return event


# The style guide's name for it: the outbox row is written now, the rest happens on commit.
publish_on_commit = publish


def _after_commit(event: OutboxEvent) -> None:
    if settings.REDIS_URL:
        try:
            _redis_client(settings.REDIS_URL).publish(REDIS_CHANNEL, str(event.pk))
        except Exception:  # the outbox row is the truth; listeners also poll
            logger.warning("Could not publish outbox event %s to Redis", event.pk, exc_info=True)
    for func in [*_subscribers.get(event.name, []), *_subscribers.get("*", [])]:
        try:
            func(event)
        except Exception:
            # One failing subscriber must not hide the event from the others.
            logger.exception("Subscriber %s failed on event %s", func, event.pk)


_redis_clients: dict[str, Any] = {}
_redis_lock = threading.Lock()


def _redis_client(url: str):
    """One client (and so one connection pool) per URL and process, not one per event."""
    with _redis_lock:
        client = _redis_clients.get(url)
        if client is None:
            import redis

            client = redis.Redis.from_url(
                url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
            )
            _redis_clients[url] = client
        return client


def prune(*, older_than_days: int | None = None) -> int:
    """Delete outbox events older than the given number of days (the setting by default)."""
    days = settings.BINHAN_OUTBOX_KEEP_DAYS if older_than_days is None else older_than_days
    deleted, _ = OutboxEvent.objects.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted
