"""Shared by the benchmarks: each works on its own SQLite file under var/bench/, never var/binhan.sqlite3."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SIZES = ("tiny", "small", "medium", "large")


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
