"""An ASGI adapter for small WSGI requests: the body is read on the event loop, the app runs once on a thread.

a2wsgi streams both ways: the WSGI thread asks the event loop for the body and hands it each part
of the response, and waits for the loop every time (five round trips between the two threads for
one small request). For a request whose body is known to be small and whose response is small
(an Open311 post), one trip there and one back does the same work: the loop reads the whole body,
the thread runs the app and collects the whole response, the loop sends it.

With `together`, the requests waiting for the thread run as one group whose writes share one
commit (core/db/group_commit.py): each answer still goes out as soon as its own request is done.
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import functools
import io
import threading
from concurrent.futures import ThreadPoolExecutor

from a2wsgi.wsgi import build_environ

from binhan.core.db import group_commit

# At most this many requests a group: a process holds about 8 of the load's connections.
GROUP_LIMIT = 16


class _Collected:
    __slots__ = ("status", "headers", "chunks")

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []

    def start_response(self, status: str, headers: list[tuple[str, str]], exc_info=None):
        # Nothing is sent before the app returns, so a second call (an error page) simply wins.
        self.status = int(status.split(" ", 1)[0])
        self.headers = [(name.lower().encode("latin1"), value.encode("latin1")) for name, value in headers]
        return self.chunks.append


def _run(app, environ: dict) -> _Collected:
    collected = _Collected()
    iterable = app(environ, collected.start_response)
    try:
        for chunk in iterable:
            if chunk:
                collected.chunks.append(chunk)
    finally:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()
    return collected


class BufferedWSGI:
    """Serve a WSGI app for requests with a small body: read it all, run the app on a thread, send it all."""

    def __init__(self, app, *, executor: ThreadPoolExecutor, together: bool = False) -> None:
        self.app = app
        self.executor = executor
        self.together = together
        # (environ, context, loop, future) of the requests no thread has taken yet.
        self._waiting: collections.deque = collections.deque()
        self._lock = threading.Lock()
        self._job_queued = False  # a job that will take the waiting requests is queued and not yet started

    async def __call__(self, scope, receive, send) -> None:
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        environ = build_environ(scope, io.BytesIO(bytes(body)))  # type: ignore[arg-type]
        context = contextvars.copy_context()
        loop = asyncio.get_running_loop()
        if self.together:
            answer = loop.create_future()
            with self._lock:
                self._waiting.append((environ, context, loop, answer))
                # One queued job takes everything waiting when it starts: no job a request, which
                # would cost a wake-up of the thread and of the loop each (measured on PostgreSQL).
                queue_job, self._job_queued = not self._job_queued, True
            if queue_job:
                self.executor.submit(self._run_waiting)
            collected = await answer
        else:
            collected = await loop.run_in_executor(self.executor, context.run, _run, self.app, environ)
        await send({"type": "http.response.start", "status": collected.status, "headers": collected.headers})
        await send({"type": "http.response.body", "body": b"".join(collected.chunks)})

    def _run_waiting(self) -> None:
        """On the thread: take the requests waiting (up to GROUP_LIMIT) and run them as one group."""
        with self._lock:
            self._job_queued = False
            group = [self._waiting.popleft() for _ in range(min(GROUP_LIMIT, len(self._waiting)))]
            if self._waiting:  # more than one group's worth: the next job takes the rest
                self._job_queued = True
                self.executor.submit(self._run_waiting)
        if not group:
            return

        def settle(index: int, collected: _Collected | None, error: BaseException | None) -> None:
            _environ, _context, loop, answer = group[index]
            loop.call_soon_threadsafe(_answer, answer, collected, error)

        group_commit.run_together(
            [(context, functools.partial(_run, self.app, environ)) for environ, context, _loop, _answer in group],
            settle)


def _answer(answer: asyncio.Future, collected: _Collected | None, error: BaseException | None) -> None:
    if answer.done():  # the client left and the request's task was cancelled
        return
    if error is not None:
        answer.set_exception(error)
    else:
        answer.set_result(collected)
