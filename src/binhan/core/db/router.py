"""Where the statistics' derived tables live: a database of their own on SQLite, the one database otherwise.

On SQLite one transaction writes at a time per database file. The statistics follower writes a
batch of facts every half second under load, and report intake waited for it; with the facts,
the ledger and the cursor in a second file (the `stats` alias, settings.py) the two never wait
for each other. Nothing in those three tables refers to another table, and they are derived from
the rest (`binhan stats-rebuild`), so a database of their own loses nothing. With PostgreSQL,
which lets many transactions write at once, there is no `stats` alias and this router says
nothing (every model in `default`).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

STATS_ALIAS = "stats"
# app label, model name: the only models in the statistics' database
STATISTICS_MODELS = frozenset({("stats", "fact"), ("stats", "contribution"), ("stats", "cursor")})


def statistics_file(main: str) -> str:
    """The statistics' SQLite file next to a main one: `var/binhan.sqlite3` → `var/binhan-stats.sqlite3`."""
    return str(Path(main).with_suffix("")) + "-stats.sqlite3"


def statistics_database() -> str:
    """The alias that holds the facts, the ledger and the cursor."""
    return STATS_ALIAS if STATS_ALIAS in settings.DATABASES else "default"


def _is_statistics(app_label: str, model_name: str | None) -> bool:
    return (app_label, (model_name or "").lower()) in STATISTICS_MODELS


class StatisticsRouter:
    def db_for_read(self, model, **hints):
        if _is_statistics(model._meta.app_label, model._meta.model_name):
            return statistics_database()
        return None

    db_for_write = db_for_read

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if STATS_ALIAS not in settings.DATABASES:
            return None
        if db == STATS_ALIAS:
            return _is_statistics(app_label, model_name)
        # The default database: everything else (a migration's RunPython without a model runs here only).
        return not _is_statistics(app_label, model_name)
