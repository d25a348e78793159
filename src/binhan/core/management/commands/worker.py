"""`binhan worker`: runs queued background tasks and enqueues the periodic ones."""

from __future__ import annotations

import logging
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.translation import gettext as _
from django_tasks_db.compat import TASKS_LOGGER
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from binhan.core.db import checkpoint
from binhan.core.memory import freeze_startup_objects
from binhan.core.tasks import PERIODIC, WORKER_THREADS, enqueue_periodic, interval_of

# The scheduler wakes this often; each task runs at its own interval (core.tasks.run_every).
SCHEDULE_SECONDS = 60


class QuietDatabaseWorker(DatabaseWorker):
    """django-tasks-db's worker, with a line for each task started and finished only from -v2.

    At the default verbosity (1) it wrote two lines for every periodic task, many a minute; now it
    writes only warnings and failures.
    """

    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        if verbosity == 1:
            for name in (TASKS_LOGGER, "django_tasks_db"):
                logging.getLogger(name).setLevel(logging.WARNING)


class Command(BaseCommand):
    help = "Run background tasks from the database queue (and schedule the periodic ones)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is queued now, then stop.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between queue checks.")
        parser.add_argument("--no-periodic", action="store_true",
                            help="Do not enqueue the periodic tasks (another worker or cron does).")

    def handle(self, *args, batch, interval, no_periodic, **options):
        verbosity = options["verbosity"]
        if batch:
            if not no_periodic:
                enqueue_periodic()
            call_command(QuietDatabaseWorker(), batch=True, interval=0, startup_delay=False, reload=False,
                         verbosity=verbosity)
            return
        if not no_periodic:
            threading.Thread(target=self._schedule, name="binhan-schedule", daemon=True).start()
        # Under `binhan serve`, its commits leave SQLite's checkpoints to a thread too (core/db/checkpoint.py).
        checkpoint.start()
        for start in WORKER_THREADS:
            start()
        freeze_startup_objects()
        call_command(QuietDatabaseWorker(), interval=interval, verbosity=verbosity)

    def _schedule(self) -> None:
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            due = [t for t in PERIODIC if now - last_run.get(t.module_path, float("-inf")) >= interval_of(t)]
            try:
                enqueue_periodic(tasks=due)
                last_run.update({t.module_path: now for t in due})
            except Exception as error:  # keep scheduling even if the database hiccups
                self.stderr.write(_("Could not schedule periodic tasks: %(error)s") % {"error": error})
            finally:
                # Between rounds there is nothing to hold a connection for.
                connection.close()
            time.sleep(SCHEDULE_SECONDS)
