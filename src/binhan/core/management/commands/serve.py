"""`binhan serve`: the production server (ASGI, static files, several workers) and the task worker."""

from __future__ import annotations

import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the ASGI server with static files and several worker processes, plus the background-task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("BINHAN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("BINHAN_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("BINHAN_WORKERS", "2")))
        parser.add_argument("--no-worker", action="store_true", help="Do not start the background-task worker.")
        parser.add_argument("--no-collectstatic", action="store_true", help="Skip collecting static files.")

    def handle(self, *args, host, port, workers, no_worker, no_collectstatic, **options):
        import uvicorn

        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        worker = None
        if not no_worker:
            # Its own process: a slow task never holds up a page.
            worker = subprocess.Popen([sys.executable, "-m", "binhan", "worker"])  # noqa: S603
        self.stdout.write(f"Serving on http://{host}:{port} with {workers} worker process(es)")
        try:
            uvicorn.run(
                "binhan.asgi:application", host=host, port=port, workers=max(workers, 1),
                lifespan="off", proxy_headers=True, timeout_graceful_shutdown=5,
                log_level=os.environ.get("LOG_LEVEL", "info").lower(),
            )
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
