"""Alerts: fan-out of one alert to a whole large province, and one broadcast to 5,000 SSE listeners.

    .venv/bin/python bench/alerts.py [--size large] [--listeners 5000] [--skip-fanout] [--skip-sse]

1. Fan-out: against var/bench/demo-<size>.sqlite3 (made with `binhan demo --size …` when missing,
   or the database in DATABASE_URL when it is PostgreSQL), the province police write an alert to
   the whole province; the time is from `alert_send` to the last in-app delivery row committed
   (`delivery.fan_out`, what the worker runs). The bench alert and its rows are deleted afterwards.
2. SSE: `binhan serve --workers 1 --no-worker` on the same database; N raw connections to the
   residents' live inbox /alerts/inbox/live/, signed in as the demo resident (a session cookie),
   opened at about 1,000 a second (a refused one reconnects, as EventSource does); once every one
   has said ": connected", another process commits the `alert.delivered` event a fan-out batch of
   a province-wide alert publishes; the time is from that commit until the last connection has it.

Targets (issue 4, 2 cores): 1,000,000 recipients in at most 60 s; 5,000 listeners within 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, bench_environ  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
BENCH_LOG = ROOT / "var" / "bench" / "alerts-server.log"


def environ(size: str) -> dict[str, str]:
    env = bench_environ(size)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    return env


def binhan(args: list[str], env: dict[str, str], timeout: float = 1800) -> str:
    return subprocess.run([PYTHON, "-m", "binhan", *args], env=env, check=True, capture_output=True, text=True,  # noqa: S603
                          timeout=timeout).stdout


def ensure_demo(size: str, env: dict[str, str]) -> None:
    binhan(["migrate", "-v0"], env)  # cheap when nothing is new
    binhan(["demo", "--size", size, "--if-empty", "-v0"], env)  # once: 1-3 minutes for the large one


FANOUT_SCRIPT = r"""
import json, time, django
django.setup()
from datetime import timedelta
from django.db import connection
from django.utils import timezone
from binhan.accounts.models import User
from binhan.alerts import delivery, services
from binhan.alerts.models import Alert, Delivery
from binhan.geo.models import AdministrativeUnit, Household, Level

officer = User.objects.get(username="demo-province-police")
province = AdministrativeUnit.objects.get(level=Level.PROVINCE)
now = timezone.now()
data = services.AlertInput(texts={"vi": {"title": "Bench", "body": "Bench"}}, targets=[province],
                           starts_at=now, expires_at=now + timedelta(hours=1), severity="extreme")
alert = services.alert_create(actor=officer, data=data)
households = Household.objects.count()
start = time.perf_counter()
alert = services.alert_send(actor=officer, alert=alert)
written = delivery.fan_out(alert.pk)
seconds = time.perf_counter() - start
recorded = Delivery.objects.filter(alert=alert).count()
from binhan.alerts import selectors
tally_start = time.perf_counter()
selectors.tally(viewer=officer, alert=alert)
tally_ms = (time.perf_counter() - tally_start) * 1000
commune_police = User.objects.get(username="demo-commune-police")
scoped_start = time.perf_counter()
selectors.tally(viewer=commune_police, alert=alert)
scoped_tally_ms = (time.perf_counter() - scoped_start) * 1000
Delivery.objects.filter(alert=alert)._raw_delete(connection.alias)
Alert.objects.filter(pk=alert.pk).delete()
print(json.dumps({"households": households, "recorded": recorded, "written": written, "seconds": seconds,
                  "vendor": connection.vendor, "tally_ms": tally_ms, "commune_tally_ms": scoped_tally_ms}))
"""

PUBLISH_SCRIPT = r"""
import django, json
django.setup()
from binhan.core import events
from binhan.geo.models import AdministrativeUnit, Level
from django.db import transaction
province = AdministrativeUnit.objects.get(level=Level.PROVINCE)
with transaction.atomic():  # what a fan-out batch publishes for a province-wide alert
    events.publish("alert.delivered", unit_path=province.path, alert_id=0, paths=[province.path], count=0)
import time
print(time.time())  # the commit has happened: listeners can receive it from now on
"""


SESSION_SCRIPT = r"""
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from binhan.accounts.models import User
user = User.objects.get(username="demo-resident")
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "binhan.accounts.backends.UsernamePhoneOrEmailBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(store.session_key)
"""


def bench_fanout(env: dict[str, str]) -> dict:
    out = subprocess.run([PYTHON, "-c", FANOUT_SCRIPT], env=env, check=True, capture_output=True, text=True,  # noqa: S603
                         timeout=1800).stdout
    return json.loads(out.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _listener(port: int, session: str, connected: asyncio.Event, counter: dict, got: list, total: int):
    """One EventSource-like client: it connects (again, after a refusal, as a browser would) and waits."""
    while True:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 16)
        except OSError:
            counter["retries"] += 1
            await asyncio.sleep(0.5)
            continue
        writer.write((f"GET /alerts/inbox/live/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sessionid={session}\r\n"
                      f"Accept: text/event-stream\r\n\r\n").encode())
        try:
            await writer.drain()
        except ConnectionError:
            counter["retries"] += 1
            await asyncio.sleep(0.5)
            continue
        buffer = b""
        said_connected = False
        try:
            while True:
                try:
                    chunk = await reader.read(4096)
                except ConnectionError:
                    chunk = b""
                if not chunk:
                    break  # refused or dropped: connect again
                buffer += chunk
                if not said_connected and b": connected" in buffer:
                    said_connected = True
                    counter["connected"] += 1
                    if counter["connected"] == total:
                        connected.set()
                if b"event: alert.delivered" in buffer:
                    got.append(time.time())
                    return
        finally:
            writer.close()
        if said_connected:
            counter["connected"] -= 1
        counter["retries"] += 1
        await asyncio.sleep(0.5)


async def _sse(port: int, session: str, listeners: int, env: dict[str, str], settle: float) -> dict:
    connected = asyncio.Event()
    counter = {"connected": 0, "retries": 0}
    got: list[float] = []
    tasks = []
    for index in range(listeners):
        tasks.append(asyncio.create_task(_listener(port, session, connected, counter, got, listeners)))
        if index % 100 == 99:
            await asyncio.sleep(0.1)  # about 1,000 new connections a second: a busy evening, not a flood
    opened = time.time()
    await asyncio.wait_for(connected.wait(), timeout=600)
    connect_seconds = time.time() - opened
    await asyncio.sleep(settle)  # let the last connections' requests finish before the broadcast
    process = await asyncio.create_subprocess_exec(PYTHON, "-c", PUBLISH_SCRIPT, env=env,
                                                   stdout=asyncio.subprocess.PIPE)
    out, _ = await process.communicate()
    committed = float(out.decode().strip().splitlines()[-1])
    await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=60)
    latencies = sorted(t - committed for t in got)
    return {"listeners": listeners, "received": len(got), "connect_all_s": connect_seconds,
            "reconnects": counter["retries"],
            "all_received_s": latencies[-1] if latencies else None,
            "median_s": latencies[len(latencies) // 2] if latencies else None}


def bench_sse(env: dict[str, str], listeners: int, settle: float = 1.0) -> dict:
    # A signed-in browser's session (reading it writes nothing, unlike an API token's "last used").
    session = subprocess.run([PYTHON, "-c", SESSION_SCRIPT], env=env, check=True, capture_output=True, text=True,  # noqa: S603
                             timeout=120).stdout.strip().splitlines()[-1]
    port = free_port()
    server_env = {**env, "BINHAN_WORKERS": "1", "LOG_LEVEL": "WARNING", "BINHAN_EVENTS_POLL_SECONDS": "0.1"}
    server = subprocess.Popen([PYTHON, "-m", "binhan", "serve", "--workers", "1", "--no-worker", "--port", str(port),  # noqa: S603
                               "--no-collectstatic"], env=server_env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=open(BENCH_LOG, "w"))  # noqa: SIM115
    try:
        deadline = time.time() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError(f"the server did not start; see {BENCH_LOG}") from None
                time.sleep(0.3)
        return asyncio.run(_sse(port, session, listeners, env, settle))
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", choices=["small", "medium", "large"])
    parser.add_argument("--listeners", type=int, default=5000)
    parser.add_argument("--settle", type=float, default=1.0, help="seconds between the last connection and the broadcast")
    parser.add_argument("--skip-fanout", action="store_true")
    parser.add_argument("--skip-sse", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    env = environ(args.size)
    ensure_demo(args.size, env)
    result = {"size": args.size}
    if not args.skip_fanout:
        result["fanout"] = bench_fanout(env)
        print(json.dumps({"fanout": result["fanout"]}), flush=True)
    if not args.skip_sse:
        result["sse"] = bench_sse(env, args.listeners, args.settle)
    if args.json:
        print(json.dumps(result))
        return
    if "fanout" in result:
        f = result["fanout"]
        print(f"fan-out ({f['vendor']}): {f['recorded']:,} of {f['households']:,} households recorded in "
              f"{f['seconds']:.1f} s ({f['recorded'] / max(f['seconds'], 1e-9):,.0f} rows/s); target ≤ 60 s; "
              f"tally {f['tally_ms']:.0f} ms (whole province), {f['commune_tally_ms']:.0f} ms (one commune's view)")
    if "sse" in result:
        s = result["sse"]
        print(f"SSE: {s['received']:,} of {s['listeners']:,} listeners received the broadcast; last after "
              f"{s['all_received_s']:.2f} s, median {s['median_s']:.2f} s (after the publishing commit); "
              f"target ≤ 2 s")


if __name__ == "__main__":
    main()
