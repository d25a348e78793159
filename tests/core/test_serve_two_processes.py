"""Two `binhan serve` processes share one database: an event written through one reaches a client of the other.

On SQLite the servers poll the outbox; on PostgreSQL (the `make test` second run) they get a
fresh database and LISTEN, with the safety-net poll set to 30 s so only a NOTIFY is fast
enough; with Redis reachable, a third pair is woken through Redis pub/sub, again polling slowly.
"""

import contextlib
import os
import re
import signal
import time
from pathlib import Path

import httpx
import pytest

from tests.live_helpers import (
    FAST_POLL_SECONDS,
    SLOW_POLL_SECONDS,
    Server,
    Site,
    SSEStream,
    bearer,
    is_postgres,
    prepare_site,
    redis_reachable,
    temporary_database,
)

pytestmark = pytest.mark.live

REDIS_URL = "redis://127.0.0.1:6379/15"
ARRIVAL_SECONDS = 5.0


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with temporary_database(tmp_path_factory.mktemp("two-servers")) as database_url:
        yield prepare_site(database_url)


@contextlib.contextmanager
def two_servers(site: Site, directory: Path, **env):
    servers = [Server(site.env(**env), directory, name=name) for name in ("a", "b")]
    try:
        for server in servers:  # both boot at once
            server.start()
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()


def post_household(server: Server, site: Site, address: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/api/v1/households", headers=bearer(site.token("police-a")), timeout=5,
        json={"unit_id": site.data["units"]["group_a"], "address": address},
    )


def assert_crosses_over(site: Site, server_a: Server, server_b: Server) -> float:
    """POST a household through A; the event must reach a stream opened on B. Returns the seconds it took."""
    with SSEStream(f"{server_b.url}/live/?topics=household", headers=bearer(site.token("police-a"))) as stream:
        assert stream.status_code == 200
        stream.wait_connected()
        started = time.monotonic()
        created = post_household(server_a, site, "Số 5 phố An Sinh")
        event = stream.next_event(timeout=ARRIVAL_SECONDS)
        took = time.monotonic() - started

    assert created.status_code == 201
    assert event.event == "household.created"
    assert event.json == {"id": int(event.id), "name": "household.created",
                          "unit_path": site.data["paths"]["group_a"], "household_id": created.json()["id"]}
    return took


@pytest.fixture(scope="module")
def servers(site, tmp_path_factory):
    # On PostgreSQL only NOTIFY can be fast enough with this poll; SQLite has no push channel, so it polls.
    poll = SLOW_POLL_SECONDS if is_postgres(site.database_url) else FAST_POLL_SECONDS
    with two_servers(site, tmp_path_factory.mktemp("servers"), poll=poll) as pair:
        yield pair


def test_an_event_written_through_one_server_reaches_a_client_of_the_other(site, servers):
    server_a, server_b = servers

    took = assert_crosses_over(site, server_a, server_b)
    took_back = assert_crosses_over(site, server_b, server_a)

    assert took < ARRIVAL_SECONDS
    assert took_back < ARRIVAL_SECONDS


def test_through_redis_pub_sub(site, tmp_path):
    if not redis_reachable(REDIS_URL):
        pytest.skip(f"Redis is not reachable at {REDIS_URL}; start it to test the Redis pub/sub path.")
    with two_servers(site, tmp_path, poll=SLOW_POLL_SECONDS, redis_url=REDIS_URL) as (server_a, server_b):
        took = assert_crosses_over(site, server_a, server_b)

    assert took < ARRIVAL_SECONDS


def test_serve_serves_the_pages_static_files_from_the_manifest(servers):
    server = servers[0]

    page = httpx.get(f"{server.url}/accounts/login/", timeout=5)
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.text).group(1)
    served = httpx.get(f"{server.url}{stylesheet}", timeout=5)

    assert page.status_code == 200
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("text/css")
    assert served.headers["cache-control"] == "max-age=315360000, public, immutable"


def command_line(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except FileNotFoundError:
        return None


def children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of each child process of `pid` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            listed = (task / "children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # a thread that ended while we looked has no children to list
        for child in listed:
            command = command_line(int(child))
            if command is not None:
                found.append((int(child), command))
    return found


def wait_for(predicate, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    return predicate()


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped is not); /proc vanishes the moment it is reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


# One server process: uvicorn serves in `binhan serve` itself and re-raises the signal once it has
# stopped. Several: uvicorn's supervisor has them as children and stops them.
@pytest.mark.parametrize(
    ("stop_signal", "workers", "kinds"),
    [(signal.SIGTERM, 1, ["worker"]), (signal.SIGINT, 2, ["server", "server", "worker"])],
    ids=["SIGTERM-one-server-process", "SIGINT-two-server-processes"],
)
def test_serve_runs_n_server_processes_and_the_task_worker_and_a_signal_stops_them_all(site, tmp_path,
                                                                                      stop_signal, workers, kinds):
    server = Server(site.env(), tmp_path, workers=workers, task_worker=True).start()
    processes = []
    try:
        server.wait_ready()
        processes = wait_for(lambda: _children_once_started(server.process.pid, len(kinds)))
        server.process.send_signal(stop_signal)
        code = server.process.wait(timeout=15)
        all_gone = wait_for(lambda: not any(alive(pid) for pid, _command in processes), timeout=5)
    finally:
        server.stop()
        for pid, command in processes or []:  # should this test fail, leave nothing of ours behind
            if alive(pid) and command_line(pid) == command:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    assert sorted(kind for kind, _pid in _kinds(processes)) == kinds
    assert code == 0
    assert all_gone is True


def _kinds(processes):
    for pid, command in processes:
        if "spawn_main" in command:
            yield "server", pid
        elif command.endswith("-m binhan worker"):
            yield "worker", pid


def _children_once_started(pid, count):
    processes = children(pid)
    return processes if len(list(_kinds(processes))) == count else None
