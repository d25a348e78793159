"""`migrate`, which on SQLite also migrates the statistics' own database file (core/db/router.py).

Django migrates one database per run; without this, `binhan migrate` would leave the statistics'
file without its tables. `--database stats` still migrates that file alone. Then, if that file was
not made from this main database (new, left over from a deleted one, or older than a restored
backup), the statistics are rebuilt from the main database, which holds everything they count.
Tests create their databases one alias at a time (pytest-django), so under tests nothing is added.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS

from binhan.core.db.router import STATS_ALIAS


class Command(migrate.Command):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        if (options["database"] == DEFAULT_DB_ALIAS and STATS_ALIAS in settings.DATABASES
                and not settings.TESTING and not options.get("plan") and not options.get("check_unapplied")):
            if options["verbosity"] >= 1:
                self.stdout.write(self.style.MIGRATE_HEADING("The statistics' database:"))
            super().handle(*args, **{**options, "database": STATS_ALIAS})
            self._rebuild_statistics_if_not_current(options["verbosity"])

    def _rebuild_statistics_if_not_current(self, verbosity: int) -> None:
        from binhan.stats import engine
        from binhan.stats.models import Cursor

        if engine.statistics_are_current():
            return
        if verbosity >= 1:
            self.stdout.write("  Computing the statistics from this database…" if not Cursor.objects.exists() else
                              "  The statistics' file was made from another database: rebuilding the statistics…")
        counts = engine.rebuild()
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"  Rebuilt from {sum(counts.values()):,} objects."))
