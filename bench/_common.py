"""Shared by the benchmarks: each works on its own SQLite file under var/bench/, never var/binhan.sqlite3."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from binhan.core.db.router import statistics_file

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SIZES = ("tiny", "small", "medium", "large")


def statistics_path(path: Path) -> Path:
    """The statistics' own SQLite file next to a database (core/db/router.py)."""
    return Path(statistics_file(str(path)))


def remove_database(path: Path) -> None:
    """A SQLite database, its log and its statistics' file: a fresh start."""
    for file in (path, statistics_path(path)):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{file}{suffix}").unlink(missing_ok=True)


def copy_database(source: Path, target: Path) -> None:
    """A copy of a (checkpointed) database with its statistics' file, which then stays current for it."""
    remove_database(target)
    shutil.copyfile(source, target)
    if statistics_path(source).exists():
        shutil.copyfile(statistics_path(source), statistics_path(target))


def database_path(size: str) -> Path:
    return BENCH_DIR / f"demo-{size}.sqlite3"


def bench_environ(size: str) -> dict[str, str]:
    """The environment for `binhan` (or django.setup) pointed at this benchmark's own database."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "BINHAN_DEMO": "1",
        "BINHAN_VAR_DIR": str(BENCH_DIR),
        "DATABASE_URL": f"sqlite:///{database_path(size)}",
        "DJANGO_SETTINGS_MODULE": "binhan.settings",
    }
