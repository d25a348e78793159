"""`binhan worker`: runs queued background tasks and enqueues the periodic ones."""

from __future__ import annotations

import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.translation import gettext as _

from binhan.core.tasks import enqueue_periodic

SCHEDULE_SECONDS = 3600


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
            call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False,
                         verbosity=verbosity)
            return
        if not no_periodic:
            threading.Thread(target=self._schedule, name="binhan-schedule", daemon=True).start()
        call_command("db_worker", interval=interval, verbosity=verbosity)

    def _schedule(self) -> None:
        while True:
            try:
                enqueue_periodic()
            except Exception as error:  # keep scheduling even if the database hiccups
                self.stderr.write(_("Could not schedule periodic tasks: %(error)s") % {"error": error})
            finally:
                # An hour is long to hold a connection for nothing.
                connection.close()
            time.sleep(SCHEDULE_SECONDS)
