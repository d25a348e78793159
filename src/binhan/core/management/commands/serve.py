"""`binhan serve`: the production server (ASGI, static files, several workers) and the task worker."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from binhan.core import balance, memory

WORKER_STOP_SECONDS = 10


def static_manifest_missing() -> bool:
    """True when the static files storage needs a manifest that collectstatic has not written yet."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return False
    return not staticfiles_storage.manifest_storage.exists(staticfiles_storage.manifest_name)


def _exit_on_sigterm(signum, frame):
    # Python's default for SIGTERM ends the process on the spot, skipping the `finally`
    # that stops the task worker; uvicorn re-raises the signal once it has shut down.
    raise SystemExit(0)


class Command(BaseCommand):
    help = "Run the ASGI server with static files and several worker processes, plus the background-task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("BINHAN_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("BINHAN_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("BINHAN_WORKERS", "2")))
        parser.add_argument("--no-worker", action="store_true", help="Do not start the background-task worker.")
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="Skip collecting static files (they are collected anyway if never collected).")

    def handle(self, *args, host, port, workers, no_worker, no_collectstatic, **options):
        import uvicorn

        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        elif static_manifest_missing():
            # Without the manifest every page that links a stylesheet would fail.
            self.stdout.write(_("Static files have never been collected into %(root)s; collecting them now.")
                              % {"root": settings.STATIC_ROOT})
            call_command("collectstatic", interactive=False, verbosity=0)

        in_main_thread = threading.current_thread() is threading.main_thread()
        previous_sigterm = signal.signal(signal.SIGTERM, _exit_on_sigterm) if in_main_thread else None
        worker = None
        # The server processes (and the task worker) checkpoint SQLite's log in a thread, not inside a
        # COMMIT (core/db/checkpoint.py). Child processes read it from the environment; a single
        # server process runs in this one.
        os.environ.setdefault("BINHAN_SQLITE_CHECKPOINT", "thread")
        settings.BINHAN_SQLITE_CHECKPOINT = os.environ["BINHAN_SQLITE_CHECKPOINT"]
        os.environ.setdefault(memory.ENVIRONMENT, "1")  # the server processes freeze what they load at start
        board = None
        if workers > 1:
            # The processes share their connections evenly (core/balance.py) through this directory.
            board = balance.new_board_directory()
            os.environ[balance.ENVIRONMENT] = board
        try:
            if not no_worker:
                # The worker keeps the statistics current, off the server processes (stats/follower.py).
                os.environ.setdefault("BINHAN_STATS_FOLLOW", "worker")
                settings.BINHAN_STATS_FOLLOW = os.environ["BINHAN_STATS_FOLLOW"]
                # Its own process: a slow task never holds up a page. Its own session too, so that
                # Ctrl-C reaches it once, from us, after the server has stopped.
                worker = subprocess.Popen([sys.executable, "-m", "binhan", "worker"], start_new_session=True)  # noqa: S603
            self.stdout.write(ngettext("Serving on http://%(host)s:%(port)s with %(count)d server process.",
                                       "Serving on http://%(host)s:%(port)s with %(count)d server processes.",
                                       max(workers, 1))
                              % {"host": host, "port": port, "count": max(workers, 1)})
            self.stdout.flush()
            uvicorn.run(
                "binhan.asgi:application", host=host, port=port, workers=max(workers, 1),
                lifespan="off", http=balance.PROTOCOL if board else "auto", proxy_headers=True, timeout_graceful_shutdown=5,
                log_level=os.environ.get("LOG_LEVEL", "info").lower(),
            )
        finally:
            if in_main_thread:
                signal.signal(signal.SIGTERM, previous_sigterm)
            if worker is not None:
                self._stop(worker)
            if board is not None:
                os.environ.pop(balance.ENVIRONMENT, None)
                shutil.rmtree(board, ignore_errors=True)

    def _stop(self, worker: subprocess.Popen) -> None:
        if worker.poll() is None:
            worker.terminate()  # the worker finishes its current task, then exits
        try:
            worker.wait(timeout=WORKER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
