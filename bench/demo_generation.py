"""Time `binhan demo --size large` into a fresh SQLite file under var/bench/.

    .venv/bin/python bench/demo_generation.py [--size small|medium|large] [--json]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SIZES, bench_environ, database_path, remove_database  # noqa: E402

COUNTED_TABLES = ("geo_administrativeunit", "geo_household", "accounts_user", "accounts_membership")


def binhan(*args: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "binhan", *args], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    return time.perf_counter() - started


def run(size: str, seed: int = 1) -> dict:
    db = database_path(size)
    remove_database(db)
    env = bench_environ(size)
    migrate_seconds = binhan("migrate", "--noinput", "-v0", env=env)
    seconds = binhan("demo", "--size", size, "--seed", str(seed), env=env)
    with sqlite3.connect(db) as connection:
        rows = {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in COUNTED_TABLES}
    total = sum(rows.values())
    return {"size": size, "database": str(db), "migrate_seconds": round(migrate_seconds, 2),
            "demo_seconds": round(seconds, 2), "rows": rows, "rows_per_second": round(total / seconds)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=SIZES, default="large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    options = parser.parse_args(argv)
    result = run(options.size, options.seed)
    if options.json:
        print(json.dumps(result))
    else:
        print(f"binhan demo --size {result['size']}: {result['demo_seconds']:.1f} s "
              f"({result['rows_per_second']:,} rows/s; migrate {result['migrate_seconds']:.1f} s)")
        for table, count in result["rows"].items():
            print(f"  {table}: {count:,}")
        print(f"  database: {result['database']}")
    return result


if __name__ == "__main__":
    main()
