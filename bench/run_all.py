"""Run every benchmark and print the figures: `make bench` or `.venv/bin/python bench/run_all.py`.

    .venv/bin/python bench/run_all.py [--size large] [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def script(name: str, *args: str) -> dict:
    completed = subprocess.run(  # noqa: S603 - our own scripts, with our own interpreter
        [sys.executable, str(HERE / name), *args, "--json"], check=True, capture_output=True, text=True
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="large")
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()

    generation = script("demo_generation.py", "--size", options.size)
    print(f"Demo generation ({options.size}): {generation['demo_seconds']:.1f} s, "
          f"{generation['rows_per_second']:,} rows/s")
    for table, count in generation["rows"].items():
        print(f"  {table}: {count:,}")

    queries = script("scoped_queries.py", "--size", options.size, "--runs", str(options.runs))
    print(f"Scoped reads (median of {queries['runs']} runs):")
    for name, ms in queries["median_ms"].items():
        print(f"  {ms:8.2f} ms  {name}")


if __name__ == "__main__":
    main()
