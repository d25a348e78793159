"""`binhan worker`: runs queued background tasks and enqueues the periodic ones."""

from __future__ import annotations

import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from binhan.core.tasks import enqueue_periodic


class Command(BaseCommand):
    help = "Run background tasks from the database queue (and schedule the periodic ones)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is queued now, then stop.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between queue checks.")

    def handle(self, *args, batch, interval, **options):
        if batch:
            enqueue_periodic()
            call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=options["verbosity"])
            return
        threading.Thread(target=self._schedule, daemon=True).start()
        call_command("db_worker", interval=interval, verbosity=options["verbosity"])

    def _schedule(self) -> None:
        while True:
            try:
                enqueue_periodic()
            except Exception as error:  # keep scheduling even if the database hiccups
                self.stderr.write(f"Could not schedule periodic tasks: {error}")
            time.sleep(3600)
