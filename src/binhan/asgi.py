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
CSRF for a machine client with an API key.

A live stream is any path that is `/live/` or ends in `/live/` (see docs/architecture.md).
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhan.settings")

from a2wsgi import WSGIMiddleware  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from binhan.core.db import checkpoint  # noqa: E402
from binhan.core.handlers import MACHINE_MIDDLEWARE, ChainWSGIHandler  # noqa: E402

# Threads per server process for everything but intake and streams; each keeps a database connection.
THREADS = int(os.environ.get("BINHAN_THREADS", "8"))
OPEN311_POSTS = "/open311/v2/requests"
INTAKE_PATHS = (OPEN311_POSTS, "/reports/new/")

_django = get_wsgi_application()
checkpoint.start()
_machines = ChainWSGIHandler(MACHINE_MIDDLEWARE)


def _intake_wsgi(environ, start_response):
    handler = _machines if environ.get("PATH_INFO", "").startswith(OPEN311_POSTS) else _django
    return handler(environ, start_response)


streams = get_asgi_application()
intake = WSGIMiddleware(_intake_wsgi, workers=int(os.environ.get("BINHAN_INTAKE_THREADS", "1")))
pages = WSGIMiddleware(_django, workers=THREADS)


def is_stream(path: str) -> bool:
    return path.endswith("/live/")


def lane(scope: dict):
    """Which handler serves this connection's request."""
    if scope["type"] != "http" or is_stream(scope["path"]):
        return streams
    if scope["method"] == "POST" and scope["path"].startswith(INTAKE_PATHS):
        return intake
    return pages


async def application(scope, receive, send):
    await lane(scope)(scope, receive, send)
