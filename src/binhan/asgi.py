"""The ASGI application `binhan serve` runs: live streams on Django's ASGI handler, the rest on WSGI.

Server-Sent Events need ASGI: an open stream must not hold a thread. Every other request is
plain synchronous Django. Under Django's ASGI handler each of those hops between the event
loop and new threads several times and opens a new database connection; through a2wsgi's WSGI
adapter the same requests run on fixed threads that keep their connections (`GET /healthz`
went from 391 to over 3,000 requests a second on this 2-core machine: docs/performance.md).

Report intake (an Open311 `POST requests`, the resident's form) has a lane of its own in each
process: one thread. Under a flood of reports, several threads of one process only fight over
Python's global lock (measured: a third more CPU a report, 440 instead of 650 reports a
second), and the intake never waits behind an export or a slow page in the other lane.

Open311 posts go through a shorter middleware chain (core/handlers.py): no session, login or
CSRF for a machine client with an API key. An intake post with a small body (an Open311 post,
the form without photos) is read whole on the event loop and handed to the intake thread once
(core/buffered.py); a larger one streams through a2wsgi. The small posts waiting for the intake
thread run together, and on SQLite their writes share one transaction and one commit
(core/db/group_commit.py).

A process that holds more than its share of the open connections ends a response's connection
(core/balance.py), so that the client's next connection can land on a less crowded process.

A live stream is any path that is `/live/` or ends in `/live/` (see docs/architecture.md).
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhan.settings")

from a2wsgi import WSGIMiddleware  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from binhan.core import balance, memory  # noqa: E402
from binhan.core.buffered import BufferedWSGI  # noqa: E402
from binhan.core.db import checkpoint  # noqa: E402
from binhan.core.handlers import MACHINE_MIDDLEWARE, ChainWSGIHandler  # noqa: E402

# Threads per server process for everything but intake and streams; each keeps a database connection.
THREADS = int(os.environ.get("BINHAN_THREADS", "8"))
OPEN311_POSTS = "/open311/v2/requests"
INTAKE_PATHS = (OPEN311_POSTS, "/reports/new/")
# A body up to this size is read whole before the intake thread runs (core/buffered.py).
BUFFERED_BODY_BYTES = 64 * 1024

_django = get_wsgi_application()
checkpoint.start()
_machines = ChainWSGIHandler(MACHINE_MIDDLEWARE)


def _intake_wsgi(environ, start_response):
    handler = _machines if environ.get("PATH_INFO", "").startswith(OPEN311_POSTS) else _django
    return handler(environ, start_response)


streams = get_asgi_application()
intake = WSGIMiddleware(_intake_wsgi, workers=int(os.environ.get("BINHAN_INTAKE_THREADS", "1")))
# The same thread(s) as `intake`: small and large posts wait in one queue.
intake_buffered = BufferedWSGI(_intake_wsgi, executor=intake.executor, together=True)
pages = WSGIMiddleware(_django, workers=THREADS)
if os.environ.get(memory.ENVIRONMENT) == "1":
    memory.freeze_startup_objects()
balance.announce()


def is_stream(path: str) -> bool:
    return path.endswith("/live/")


def content_length(scope: dict) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def lane(scope: dict):
    """Which handler serves this connection's request."""
    if scope["type"] != "http" or is_stream(scope["path"]):
        return streams
    if scope["method"] == "POST" and scope["path"].startswith(INTAKE_PATHS):
        length = content_length(scope)
        return intake_buffered if length is not None and length <= BUFFERED_BODY_BYTES else intake
    return pages


_CONNECTION_CLOSE = (b"connection", b"close")


async def application(scope, receive, send):
    handler = lane(scope)
    if handler is streams or not balance.should_close():
        await handler(scope, receive, send)
        return

    async def closing(message):
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), _CONNECTION_CLOSE]}
        await send(message)

    await handler(scope, receive, closing)
