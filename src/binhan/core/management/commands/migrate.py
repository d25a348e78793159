"""`migrate`, which on SQLite also migrates the statistics' own database file (core/db/router.py).

Django migrates one database per run; without this, `binhan migrate` would leave the statistics'
file without its tables. `--database stats` still migrates that file alone. Then, if that file was
not made from this main database (new, left over from a deleted one, or older than a restored
backup), the statistics are rebuilt from the main database, which holds everything they count.
Installations from before the statistics had a file of their own kept those tables in the main
file; once the statistics' file is current, the old copies there are dropped.
Tests create their databases one alias at a time (pytest-django), so under tests nothing is added.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

from binhan.core.db.router import STATISTICS_MODELS, STATS_ALIAS


class Command(migrate.Command):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        if (options["database"] == DEFAULT_DB_ALIAS and STATS_ALIAS in settings.DATABASES
                and not settings.TESTING and not options.get("plan") and not options.get("check_unapplied")):
            if options["verbosity"] >= 1:
                self.stdout.write(self.style.MIGRATE_HEADING("The statistics' database:"))
            super().handle(*args, **{**options, "database": STATS_ALIAS})
            self._rebuild_statistics_if_not_current(options["verbosity"])
            self._drop_statistics_left_in_main_file(options["verbosity"])

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

    def _drop_statistics_left_in_main_file(self, verbosity: int) -> None:
        main = connections[DEFAULT_DB_ALIAS]
        tables = set(main.introspection.table_names())
        left = [model._meta.db_table for model in (apps.get_model(*name) for name in sorted(STATISTICS_MODELS))
                if model._meta.db_table in tables]
        if not left:
            return
        with main.cursor() as cursor:
            for table in left:
                cursor.execute(f"DROP TABLE {main.ops.quote_name(table)}")
        if verbosity >= 1:
            self.stdout.write(f"  Dropped the statistics' old tables from the main database: {', '.join(left)}.")
