"""Live updates: one Server-Sent Events endpoint that streams outbox events a client may see.

Each server process runs one `OutboxTail` per event loop that follows the outbox table and
hands new events to the open streams. It polls (SQLite), or waits on LISTEN/NOTIFY
(PostgreSQL) or Redis pub/sub (when REDIS_URL is set) with a slower poll as a safety net.
A reconnecting browser sends Last-Event-ID and is replayed everything it missed from the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import json
import logging
import time
import weakref
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from binhan.core import events, paths, scoping
from binhan.core.events import PG_CHANNEL, REDIS_CHANNEL
from binhan.core.models import OutboxEvent

logger = logging.getLogger(__name__)
T = TypeVar("T")

REPLAY_LIMIT = 500
FETCH_LIMIT = 500
# With a push channel, polling is only a safety net against a lost notification.
SAFETY_POLL_SECONDS = 2.0
# Ids are handed out when a row is inserted, not when it commits: on PostgreSQL a later id can
# commit first. A skipped id is looked for again this long before it counts as rolled back.
GAP_WAIT_SECONDS = 30.0
MAX_GAPS = 1000
# A client that falls this far behind is disconnected; it reconnects and is replayed from the outbox.
LISTENER_BUFFER = 1000
PUSH_SETTLE_SECONDS = 5.0
READY_TIMEOUT_SECONDS = 10.0
PUSH_RETRY_MAX_SECONDS = 30.0


def _fetch(after_id: int, gaps: list[int], limit: int = FETCH_LIMIT) -> list[OutboxEvent]:
    """New events after `after_id`, plus any of the missing ids that have committed since."""
    query = Q(id__gt=after_id)
    if gaps:
        query |= Q(id__in=gaps)
    try:
        return list(OutboxEvent.objects.filter(query).order_by("id")[:limit])
    except Exception:
        # A broken connection stays broken; drop it so the next poll connects afresh.
        connection.close()
        raise


def _latest_id() -> int:
    try:
        return OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    except Exception:
        connection.close()
        raise


def _replay_page(after_id: int) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(id__gt=after_id).order_by("id")[:REPLAY_LIMIT])


def _close_connection() -> None:
    connection.close()


def _listen_params() -> dict[str, Any]:
    """Connection parameters for a psycopg connection of our own, from Django's settings."""
    return events.own_connection_params()


class Listener:
    """One open stream's inbox."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[OutboxEvent] = asyncio.Queue(maxsize=LISTENER_BUFFER)
        self.overflowed = False

    def put(self, event: OutboxEvent) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True


class OutboxTail:
    """Follows the outbox in this process and hands each new event to every listener.

    Its database work runs on a thread of its own, with one connection kept across polls,
    so it neither blocks the event loop nor borrows a request's thread.
    """

    def __init__(self) -> None:
        # Weak: a stream whose response was dropped before it ever ran takes its listener with it.
        self.listeners: weakref.WeakSet[Listener] = weakref.WeakSet()
        self.last_id = 0
        self.gaps: dict[int, float] = {}  # missing id -> when to stop looking for it
        self.push_connected = False
        self.task: asyncio.Task | None = None
        self.wake = asyncio.Event()
        self.ready = asyncio.Event()
        self._push_settled = asyncio.Event()
        self._executor: ThreadPoolExecutor | None = None

    # -- lifecycle -----------------------------------------------------------------
    def start(self) -> None:
        if self.task is None or self.task.done():
            self.ready.clear()
            self._push_settled.clear()
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="binhan-outbox")
            # A clean context: the tail outlives the request that happened to start it.
            self.task = asyncio.get_running_loop().create_task(self._run(), context=contextvars.Context())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
        if self._executor is not None:
            with contextlib.suppress(Exception):
                await self._db(_close_connection)
            self._executor.shutdown(wait=False)
            self._executor = None

    async def _db(self, func: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, functools.partial(func, *args))

    # -- listeners -----------------------------------------------------------------
    def add(self) -> Listener:
        listener = Listener()
        self.listeners.add(listener)
        return listener

    def remove(self, listener: Listener) -> None:
        self.listeners.discard(listener)

    def horizon(self) -> int:
        """Every event a new listener will still be handed has an id above this."""
        return min([self.last_id, *(gap - 1 for gap in self.gaps)])

    def deliver(self, events: list[OutboxEvent], now: float | None = None) -> None:
        """Hand events fetched from the outbox to the listeners, each once, and track skipped ids."""
        now = time.monotonic() if now is None else now
        for event in events:
            if event.id in self.gaps:
                del self.gaps[event.id]
            elif event.id > self.last_id:
                for missing in range(max(self.last_id + 1, event.id - MAX_GAPS), event.id):
                    self.gaps[missing] = now + GAP_WAIT_SECONDS
                self.last_id = event.id
            else:
                continue
            for listener in list(self.listeners):
                listener.put(event)
        for missing, deadline in list(self.gaps.items()):
            if deadline <= now:
                del self.gaps[missing]
        if len(self.gaps) > MAX_GAPS:
            for missing in sorted(self.gaps)[: len(self.gaps) - MAX_GAPS]:
                del self.gaps[missing]

    # -- the loop --------------------------------------------------------------------
    def interval(self) -> float:
        poll = settings.BINHAN_EVENTS_POLL_SECONDS
        return max(poll, SAFETY_POLL_SECONDS) if self.push_connected else poll

    async def _run(self) -> None:
        push = asyncio.create_task(self._push())
        try:
            # Listen first, then read where the outbox stands: nothing can fall in between.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._push_settled.wait(), timeout=PUSH_SETTLE_SECONDS)
            while True:
                try:
                    self.last_id = await self._db(_latest_id)
                    break
                except Exception:
                    logger.warning("Could not read the outbox; retrying", exc_info=True)
                    await asyncio.sleep(self.interval())
            self.ready.set()
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), timeout=self.interval())
                self.wake.clear()
                try:
                    events = await self._db(_fetch, self.last_id, sorted(self.gaps))
                except Exception:
                    logger.warning("Could not read the outbox; retrying", exc_info=True)
                    continue
                self.deliver(events)
                if len(events) >= FETCH_LIMIT:
                    self.wake.set()
        finally:
            push.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await push

    async def _push(self) -> None:
        """Keep a push channel open (reconnecting with back-off), or settle for polling."""
        delay = 1.0
        while True:
            try:
                if settings.REDIS_URL:
                    await self._redis()
                elif connection.vendor == "postgresql":
                    await self._postgres()
                else:
                    self._push_settled.set()
                    return
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("Push notifications for the outbox failed; polling until they are back",
                               exc_info=True)
            self.push_connected = False
            self._push_settled.set()
            await asyncio.sleep(delay)
            delay = min(delay * 2, PUSH_RETRY_MAX_SECONDS)

    def _pushed_open(self) -> None:
        self.push_connected = True
        self._push_settled.set()
        # Catch up with anything committed while the channel was down.
        self.wake.set()

    async def _redis(self) -> None:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=PUSH_SETTLE_SECONDS)
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(REDIS_CHANNEL)
            async for message in pubsub.listen():
                if message.get("type") == "subscribe":
                    self._pushed_open()
                elif message.get("type") == "message":
                    self.wake.set()
        finally:
            self.push_connected = False
            with contextlib.suppress(Exception):
                await pubsub.aclose()
                await client.aclose()

    async def _postgres(self) -> None:
        import psycopg

        params = _listen_params()
        conn = await asyncio.wait_for(psycopg.AsyncConnection.connect(**params, autocommit=True),
                                      timeout=PUSH_SETTLE_SECONDS)
        try:
            await conn.execute(f"LISTEN {PG_CHANNEL}")
            self._pushed_open()
            async for _notify in conn.notifies():
                self.wake.set()
        finally:
            self.push_connected = False
            with contextlib.suppress(Exception):
                await conn.close()


# One tail per event loop: a process normally has one loop, but a tail must never be
# driven from a loop other than the one its task and events belong to.
_tails: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, OutboxTail] = weakref.WeakKeyDictionary()


def get_tail() -> OutboxTail:
    loop = asyncio.get_running_loop()
    tail = _tails.get(loop)
    if tail is None:
        tail = _tails[loop] = OutboxTail()
    tail.start()
    return tail


async def stop_tail() -> None:
    """Stop this event loop's tail (tests; a server simply exits)."""
    tail = _tails.pop(asyncio.get_running_loop(), None)
    if tail is not None:
        await tail.stop()


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


async def run_db(func: Callable[..., T], *args: Any) -> T:
    """Run database work for a stream on a thread, then close that thread's connection.

    A stream stays open for hours; the connection its request opened would stay open with it
    (one per listening browser) until the stream ends. Every stream view reads through this.
    """

    def closing() -> T:
        try:
            return func(*args)
        finally:
            if not connection.in_atomic_block:  # never inside a caller's transaction (a test's, say)
                connection.close()

    return await sync_to_async(closing)()


def _load_viewer(request: HttpRequest):
    """The user behind the session, or behind an API token sent as `Authorization: Bearer …`."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        from binhan.accounts.services import api_token_authenticate

        user = api_token_authenticate(header[7:].strip())
    else:
        user = request.user
    if user is None or not user.is_authenticated:
        return None, None
    return user, scoping.scope_paths(user)


async def stream(request: HttpRequest) -> HttpResponse:
    """GET /live/?topics=household,unit — server-sent events of the viewer's units."""
    user, prefixes = await run_db(_load_viewer, request)
    if user is None:
        return HttpResponse(_("Sign in to receive live updates."), status=401, content_type="text/plain")
    topics = tuple(t.strip() + "." for t in request.GET.get("topics", "").split(",") if t.strip())

    def allowed(event: OutboxEvent) -> bool:
        if topics and not event.name.startswith(topics):
            return False
        return prefixes is None or paths.is_under(event.unit_path, prefixes)

    return await stream_response(request, allowed)


async def stream_response(request: HttpRequest, allowed: Callable[[OutboxEvent], bool]) -> HttpResponse:
    """The SSE response every live endpoint uses: replay from Last-Event-ID, then live events, heartbeats.

    `allowed` decides per event what this client may receive; callers check who the client is first.
    """
    if "wsgi.version" in request.META:
        # A WSGI server would buffer an endless stream and never answer; 204 tells EventSource to stop.
        return HttpResponse(status=204)
    last_id = _parse_last_id(request)
    heartbeat = settings.BINHAN_SSE_HEARTBEAT_SECONDS

    # Listen before answering: once the client sees the stream open, every later event reaches it.
    tail = get_tail()
    try:
        await asyncio.wait_for(tail.ready.wait(), timeout=READY_TIMEOUT_SECONDS)
    except TimeoutError:
        return HttpResponse(_("Live updates are not available right now. Please try again in a moment."),
                            status=503, content_type="text/plain")
    listener = tail.add()
    horizon = tail.horizon()

    async def events() -> AsyncIterator[str]:
        replayed: set[int] = set()
        try:
            yield "retry: 3000\n: connected\n\n"
            if last_id is not None:
                # Replay what the client missed from the outbox; the overlap with the queue is skipped.
                after = last_id
                while True:
                    page = await run_db(_replay_page, after)
                    for event in page:
                        after = event.id
                        if event.id > horizon:
                            replayed.add(event.id)
                        if allowed(event):
                            yield _format(event)
                    if len(page) < REPLAY_LIMIT:
                        break
            while not listener.overflowed:
                try:
                    event = await asyncio.wait_for(listener.queue.get(), timeout=heartbeat)
                except TimeoutError:
                    yield ": heartbeat\n\n"
                    continue
                if event.id in replayed:
                    continue
                if allowed(event):
                    yield _format(event)
            # Too far behind: end the stream; the browser reconnects with Last-Event-ID.
        finally:
            tail.remove(listener)

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
