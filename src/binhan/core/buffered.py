"""An ASGI adapter for small WSGI requests: the body is read on the event loop, the app runs once on a thread.

a2wsgi streams both ways: the WSGI thread asks the event loop for the body and hands it each part
of the response, and waits for the loop every time (five round trips between the two threads for
one small request). For a request whose body is known to be small and whose response is small
(an Open311 post), one trip there and one back does the same work: the loop reads the whole body,
the thread runs the app and collects the whole response, the loop sends it.
"""

from __future__ import annotations

import asyncio
import contextvars
import io
from concurrent.futures import ThreadPoolExecutor

from a2wsgi.wsgi import build_environ


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

    def __init__(self, app, *, executor: ThreadPoolExecutor) -> None:
        self.app = app
        self.executor = executor

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
        collected = await asyncio.get_running_loop().run_in_executor(
            self.executor, context.run, _run, self.app, environ)
        await send({"type": "http.response.start", "status": collected.status, "headers": collected.headers})
        await send({"type": "http.response.body", "body": b"".join(collected.chunks)})
