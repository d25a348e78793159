"""Open311 intake under load: accepted reports per second and latency, on SQLite and PostgreSQL.

    .venv/bin/python bench/intake.py [--duration 20] [--connections 16] [--databases sqlite,postgres]
                                     [--redis redis://127.0.0.1:6379/14] [--no-worker] [--reuse] [--json]

For each database: a fresh database (var/bench/intake.sqlite3, or the PostgreSQL database
`binhan_bench_intake`, dropped and re-created), `migrate`, `demo --size small`, two Open311 keys
from `binhan open311-key create` (a key's rate is at most 1,000 a second, which bursts would pass), then `binhan serve --workers 2` (with its task worker, which keeps the
statistics current) and wrk (Debian's package, installed with apt-get when missing) with 16
connections:

1. `GET /healthz` for a third of the duration: the floor the stack itself sets;
2. `POST /open311/v2/requests.json`, form-encoded, for the full duration, cycling through
   pre-generated requests at points near the demo's group centres (several categories,
   anonymous and named reporters).

With `--redis`, each database is measured a second time with REDIS_URL set, so that the rate
limits (the cache) and the event wake-ups go through Redis instead of the database.

Accepted reports per second are counted in the database (reports after minus before, over
wrk's measured time), not from wrk's request count. Latency percentiles are wrk's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_DIR, ROOT, remove_database  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/binhan_bench_intake"
BODIES = 4000
TARGET_ACCEPTED_PER_SECOND = 600
TARGET_P99_MS = 50
CENTRES = (
    "import json\nfrom binhan.geo.models import AdministrativeUnit\n"
    "print('CENTRES ' + json.dumps(list(AdministrativeUnit.objects.filter(level='group', centre_lat__isnull=False)"
    ".values_list('centre_lat', 'centre_lon'))))\n"
)


# -- the environment -----------------------------------------------------------------------------

def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing Debian's package (apt-get install -y wrk)…", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, stdout=subprocess.DEVNULL)  # noqa: S607
    return shutil.which("wrk") or "wrk"


def server_environ(database_url: str, log_level: str, redis_url: str = "") -> dict[str, str]:
    # The server's own settings, except those a run may vary to compare: the lane sizes
    # (docs/operations.md), the statistics follower and SQLite's checkpoints.
    env = {key: value for key, value in os.environ.items()
           if key in ("BINHAN_INTAKE_THREADS", "BINHAN_THREADS", "BINHAN_STATS_FOLLOW", "BINHAN_SQLITE_CHECKPOINT")
           or not key.startswith(("BINHAN_", "DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"))}
    env.update(BINHAN_DEMO="1", BINHAN_TESTING="0", BINHAN_VAR_DIR=str(BENCH_DIR), DATABASE_URL=database_url,
               DJANGO_SETTINGS_MODULE="binhan.settings", LOG_LEVEL=log_level, PYTHONUNBUFFERED="1")
    if redis_url:
        env["REDIS_URL"] = redis_url  # the cache (rate limits) and the event wake-ups go through Redis
    return env


def binhan(*args: str, env: dict[str, str], timeout: float = 600) -> str:
    done = subprocess.run([sys.executable, "-m", "binhan", *args], env=env, cwd=ROOT, capture_output=True,  # noqa: S603
                          text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise SystemExit(f"binhan {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def fresh_database(kind: str, pg_url: str) -> str:
    if kind == "sqlite":
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        path = BENCH_DIR / "intake.sqlite3"
        remove_database(path)
        return f"sqlite:///{path}"
    import psycopg

    parts = urlsplit(pg_url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_url


def report_count(database_url: str) -> int:
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=30) as conn:
            return conn.execute("SELECT COUNT(*) FROM reports_report").fetchone()[0]
    import psycopg

    with psycopg.connect(urlunsplit(urlsplit(database_url)._replace(scheme="postgresql")), connect_timeout=5) as conn:
        return conn.execute("SELECT COUNT(*) FROM reports_report").fetchone()[0]


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def cpu_seconds(server_group: int, database_name: str) -> tuple[float, float]:
    """CPU seconds used so far by the server's processes (its task worker included) and the database's backends."""
    server = database = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if server_group in (int(stat[2]), int(stat[1])):  # the server's process group, or its task worker
            server += _cpu_of(int(entry.name))
        elif database_name and command.startswith("postgres:") and f" {database_name} " in command:
            database += _cpu_of(int(entry.name))
    return server, database


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, env: dict[str, str], workers: int, log: Path, *, task_worker: bool = True) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        with open(log, "wb") as out:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "binhan", "serve", "--workers", str(workers),
                 *([] if task_worker else ["--no-worker"]), "--host", "127.0.0.1", "--port", str(self.port)],
                env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("the server did not answer /healthz within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


# -- the load ----------------------------------------------------------------------------------

def request_bodies(keys: list[str], centres: list[tuple[float, float]], count: int, seed: int = 1) -> list[str]:
    """Form-encoded Open311 requests at points within about 200 m of a group centre, the keys taking turns."""
    rng = random.Random(seed)
    kinds = [
        ("theft", {"attribute[what][]": ["motorbike", "phone"], "attribute[value]": "15000000"},
         "Mất xe máy trước cổng chợ"),
        ("fire", {"attribute[burning]": "risk"}, "Khói bốc ra từ kho hàng cuối ngõ"),
        ("dispute-noise", {}, "Hàng xóm hát karaoke quá 23 giờ"),
        ("crime-tip", {}, "Có người lạ hỏi mua đồ ăn cắp"),
        ("traffic-accident", {}, "Va chạm giữa hai xe máy ở ngã tư"),
    ]
    bodies = []
    for number in range(count):
        lat, lon = rng.choice(centres)
        code, attributes, text = rng.choice(kinds)
        fields = {"api_key": keys[number % len(keys)], "service_code": code, "lat": f"{lat + rng.uniform(-0.002, 0.002):.6f}",
                  "long": f"{lon + rng.uniform(-0.002, 0.002):.6f}", "description": f"{text} (#{number})",
                  **attributes}
        if number % 2:
            fields.update(first_name="Nguyễn", last_name=f"Văn {number}", phone=f"09{number:08d}")
        bodies.append(urlencode(fields, doseq=True))
    return bodies


def lua_script(bodies: list[str], directory: Path) -> Path:
    # URL-encoded bodies are plain ASCII with no quote or backslash: safe inside Lua string literals.
    lines = ['wrk.method = "POST"', 'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
             "local bodies = {"] + [f'  "{body}",' for body in bodies] + [
        "}", "local i = math.random(#bodies)",
        "request = function()", "  i = i % #bodies + 1", "  return wrk.format(nil, nil, nil, bodies[i])", "end"]
    path = directory / "intake.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return round(float(number) * UNITS[unit], 2)


def wrk(url: str, *, seconds: int, connections: int, threads: int, script: Path | None = None) -> dict:
    args = [shutil.which("wrk") or "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
            "--timeout", "10s"]
    if script is not None:
        args += ["-s", str(script)]
    output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    percentiles = {f"p{p}": _ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.M)}
    total, elapsed = re.search(r"(\d+) requests in ([\d.]+)(s|m)", output).group(1, 2)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)$", output, re.M)
    return {"requests": int(total), "seconds": float(elapsed), **percentiles,
            "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0, "socket_errors": errors.group(1) if errors else "",
            "raw": output}


def existing_database(kind: str, pg_url: str) -> str:
    return f"sqlite:///{BENCH_DIR / 'intake.sqlite3'}" if kind == "sqlite" else pg_url


def prepare(kind: str, options) -> tuple[str, str, list]:
    """A fresh database with the small demo and two Open311 keys; (database URL, keys, group centres).

    With --reuse, the previous run's database when it has one (the reports it received stay)."""
    database_url = existing_database(kind, options.pg_url) if options.reuse else ""
    try:
        reusable = bool(database_url) and report_count(database_url) > 0
    except Exception:  # noqa: BLE001 (no such database yet)
        reusable = False
    if not reusable:
        database_url = fresh_database(kind, options.pg_url)
    env = server_environ(database_url, options.log_level)
    binhan("migrate", "--noinput", "-v0", env=env)
    if not reusable:
        binhan("demo", "--size", "small", "--seed", "1", env=env)
    keys = [binhan("open311-key", "create", f"bench-{time.time():.0f}-{number}", "--rate", "1000",
                   env=env).strip().splitlines()[-1] for number in (1, 2)]
    output = binhan("shell", "--no-imports", "--verbosity", "0", "--command", CENTRES, env=env)
    centres = json.loads(next(line for line in output.splitlines() if line.startswith("CENTRES "))[8:])
    return database_url, keys, centres


def run(kind: str, options, prepared: tuple[str, str, list], redis_url: str = "") -> dict:
    database_url, keys, centres = prepared
    env = server_environ(database_url, options.log_level, redis_url)
    with tempfile.TemporaryDirectory(prefix="binhan-bench-intake-") as tmp:
        directory = Path(tmp)
        script = lua_script(request_bodies(keys, centres, BODIES), directory)
        server = Server(env, options.workers, directory / "server.log", task_worker=not options.no_worker)
        try:
            load = {"connections": options.connections, "threads": options.threads}
            wrk(server.url + "/healthz", seconds=2, **load)  # warm both worker processes
            wrk(server.url + "/open311/v2/requests.json", seconds=2, script=script, **load)
            healthz = wrk(server.url + "/healthz", seconds=max(options.duration // 3, 5), **load)
            database_name = "" if kind == "sqlite" else urlsplit(database_url).path.lstrip("/")
            before = report_count(database_url)
            cpu_before = cpu_seconds(server.process.pid, database_name)
            intake = wrk(server.url + "/open311/v2/requests.json", seconds=options.duration, script=script, **load)
            cpu_after = cpu_seconds(server.process.pid, database_name)
            after = report_count(database_url)
        finally:
            server.stop()
        log_tail = (directory / "server.log").read_text(errors="replace")[-2000:]
    accepted = after - before
    return {
        "database": kind, "cache": "redis" if redis_url else "database", "workers": options.workers,
        "groups_with_centres": len(centres),
        "healthz": {k: v for k, v in healthz.items() if k != "raw"},
        "intake": {k: v for k, v in intake.items() if k != "raw"},
        "accepted": accepted, "accepted_per_second": round(accepted / intake["seconds"], 1),
        # CPU per accepted report: the server processes', and PostgreSQL's backends for this database.
        "server_cpu_ms": round(1000 * (cpu_after[0] - cpu_before[0]) / max(accepted, 1), 2),
        "database_cpu_ms": round(1000 * (cpu_after[1] - cpu_before[1]) / max(accepted, 1), 2),
        "meets_target": accepted / intake["seconds"] >= TARGET_ACCEPTED_PER_SECOND
        and intake.get("p99", 1e9) <= TARGET_P99_MS,
        "server_log_tail": log_tail if intake["non_2xx"] or intake["socket_errors"] else "",
    }


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=20, help="seconds of intake load (default 20)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--pg-url", default=os.environ.get("BINHAN_BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--redis", default="",
                        help="also run each database with REDIS_URL set to this (e.g. redis://127.0.0.1:6379/14)")
    parser.add_argument("--log-level", default="WARNING",
                        help="server LOG_LEVEL; INFO adds uvicorn's access log line per request")
    parser.add_argument("--json", action="store_true", help="print one JSON line instead of text")
    parser.add_argument("--no-worker", action="store_true",
                        help="serve without the task worker (the statistics then follow in the server processes)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the previous run's database when there is one (quicker comparisons)")
    options = parser.parse_args(argv)
    ensure_wrk()
    results = []
    for kind in (k.strip() for k in options.databases.split(",") if k.strip()):
        prepared = prepare(kind, options)
        results.append(run(kind, options, prepared))
        if options.redis:
            results.append(run(kind, options, prepared, options.redis))
    if options.json:
        print(json.dumps(results))
        return results
    for result in results:
        health, intake = result["healthz"], result["intake"]
        print(f"== {result['database']}, cache in {result['cache']} ({result['workers']} server processes, "
              f"{options.connections} connections)")
        print(f"  GET /healthz: {health['requests_per_second']:.0f} req/s, p50 {health['p50']} ms, "
              f"p99 {health['p99']} ms")
        print(f"  POST requests.json: {result['accepted_per_second']:.0f} accepted reports/s "
              f"({result['accepted']} in {intake['seconds']} s; wrk {intake['requests_per_second']:.0f} req/s, "
              f"{intake['non_2xx']} non-2xx), p50 {intake['p50']} ms, p99 {intake['p99']} ms")
        print(f"  CPU per accepted report: server {result['server_cpu_ms']} ms"
              + (f", PostgreSQL {result['database_cpu_ms']} ms" if result["database"] != "sqlite" else ""))
        verdict = "meets" if result["meets_target"] else "misses"
        print(f"  {verdict} the target of {TARGET_ACCEPTED_PER_SECOND} reports/s with p99 ≤ {TARGET_P99_MS} ms")
        if result["server_log_tail"]:
            print("  server log (tail):\n" + result["server_log_tail"])
    return results


if __name__ == "__main__":
    main()
