"""Live updates: one Server-Sent Events endpoint that streams outbox events a client may see.

Each server process runs one `OutboxTail` that follows the outbox table and wakes its
listeners. It polls (SQLite), or waits on LISTEN/NOTIFY (PostgreSQL) or Redis pub/sub
(when REDIS_URL is set) with a slower poll as a safety net. A reconnecting browser sends
Last-Event-ID and is replayed everything it missed from the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from binhan.core import paths, scoping
from binhan.core.events import PG_CHANNEL, REDIS_CHANNEL
from binhan.core.models import OutboxEvent

logger = logging.getLogger(__name__)
REPLAY_LIMIT = 500


def _fetch_after(last_id: int, limit: int = REPLAY_LIMIT) -> list[OutboxEvent]:
    close_old_connections()
    return list(OutboxEvent.objects.filter(id__gt=last_id).order_by("id")[:limit])


def _latest_id() -> int:
    close_old_connections()
    return OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


class OutboxTail:
    """Follows the outbox in this process and hands each new event to every listener queue."""

    def __init__(self) -> None:
        self.listeners: set[asyncio.Queue] = set()
        self.last_id = 0
        self.wake = asyncio.Event()
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        if self.task is None or self.task.done():
            self.last_id = await sync_to_async(_latest_id)()
            self.task = asyncio.create_task(self._run())

    def add(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=1000)
        self.listeners.add(queue)
        return queue

    def remove(self, queue: asyncio.Queue) -> None:
        self.listeners.discard(queue)

    async def _run(self) -> None:
        waker = asyncio.create_task(self._notifications())
        poll = settings.BINHAN_EVENTS_POLL_SECONDS
        # With a push channel, polling is only a safety net.
        interval = poll if connection.vendor == "sqlite" and not settings.REDIS_URL else max(poll, 2.0)
        try:
            while True:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), timeout=interval)
                self.wake.clear()
                try:
                    events = await sync_to_async(_fetch_after)(self.last_id)
                except Exception:
                    logger.warning("Could not read the outbox", exc_info=True)
                    continue
                for event in events:
                    self.last_id = event.id
                    for queue in list(self.listeners):
                        with contextlib.suppress(asyncio.QueueFull):
                            queue.put_nowait(event)
        finally:
            waker.cancel()

    async def _notifications(self) -> None:
        try:
            if settings.REDIS_URL:
                await self._redis()
            elif connection.vendor == "postgresql":
                await self._postgres()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.warning("Push notifications for the outbox failed; polling only", exc_info=True)

    async def _redis(self) -> None:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(settings.REDIS_URL)
        pubsub = client.pubsub()
        await pubsub.subscribe(REDIS_CHANNEL)
        async for message in pubsub.listen():
            if message.get("type") == "message":
                self.wake.set()

    async def _postgres(self) -> None:
        import psycopg

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        async with await psycopg.AsyncConnection.connect(**params, autocommit=True) as conn:
            await conn.execute(f"LISTEN {PG_CHANNEL}")
            async for _notify in conn.notifies():
                self.wake.set()


_tail: OutboxTail | None = None


async def get_tail() -> OutboxTail:
    global _tail
    if _tail is None:
        _tail = OutboxTail()
    await _tail.start()
    return _tail


def _format(event: OutboxEvent) -> str:
    data = json.dumps({"id": event.id, "name": event.name, "unit_path": event.unit_path, **event.payload})
    return f"id: {event.id}\nevent: {event.name}\ndata: {data}\n\n"


def _parse_last_id(request: HttpRequest) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id")
    if raw is None or raw == "":
        return None
    try:
        return max(int(raw), 0)
    except ValueError:
        return None


def _load_viewer(request: HttpRequest):
    user = request.user
    if not user.is_authenticated:
        return None, None
    return user, scoping.scope_paths(user)


async def stream(request: HttpRequest) -> HttpResponse:
    """GET /live/?topics=household,unit — server-sent events of the viewer's units."""
    user, prefixes = await sync_to_async(_load_viewer)(request)
    if user is None:
        return HttpResponse(_("Sign in to receive live updates."), status=401, content_type="text/plain")
    topics = tuple(t.strip() + "." for t in request.GET.get("topics", "").split(",") if t.strip())
    last_id = _parse_last_id(request)

    def allowed(event: OutboxEvent) -> bool:
        if topics and not event.name.startswith(topics):
            return False
        return prefixes is None or paths.is_under(event.unit_path, prefixes)

    async def events() -> AsyncIterator[str]:
        tail = await get_tail()
        queue = tail.add()
        try:
            yield f"retry: 3000\n: connected as {tail.last_id}\n\n"
            seen = last_id if last_id is not None else tail.last_id
            if last_id is not None:
                # Replay what the client missed while it was away, straight from the outbox.
                while True:
                    missed = await sync_to_async(_fetch_after)(seen)
                    for event in missed:
                        seen = event.id
                        if allowed(event):
                            yield _format(event)
                    if len(missed) < REPLAY_LIMIT:
                        break
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=settings.BINHAN_SSE_HEARTBEAT_SECONDS)
                except asyncio.TimeoutError:
                    yield ": heartbeat\n\n"
                    continue
                if event.id <= seen:
                    continue
                seen = event.id
                if allowed(event):
                    yield _format(event)
        finally:
            tail.remove(queue)

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
