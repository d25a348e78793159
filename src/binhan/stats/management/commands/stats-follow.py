"""binhan stats-follow: apply new outbox events to the statistics (once, or in a loop)."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from binhan.stats import engine


class Command(BaseCommand):
    help = "Apply the outbox events after the statistics' cursor; --loop keeps following."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep following.")
        parser.add_argument("--interval", type=float, default=0.5, help="Seconds between two looks (with --loop).")

    def handle(self, *args, loop=False, interval=0.5, **options):
        while True:
            done = engine.follow_all()
            if not loop:
                self.stdout.write(f"{done} events applied.")
                return
            close_old_connections()
            time.sleep(interval if not done else 0)
