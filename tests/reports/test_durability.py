"""An accepted report survives the server being killed: a 201 means the row is committed.

`binhan serve` runs on a database of its own (a SQLite file, or a fresh PostgreSQL database
when the test session runs on PostgreSQL). The test posts Open311 requests, kills the server's
whole process group with SIGKILL the moment a 201 arrives (no shutdown, no flush), starts a
new server on the same database, and finds every report that was acknowledged.
"""

import os
import signal
import threading

import httpx
import pytest

from tests.live_helpers import Server, prepare_site, run_binhan, temporary_database

pytestmark = pytest.mark.live

GROUP_CENTRES = """
from binhan.geo.models import AdministrativeUnit
AdministrativeUnit.objects.filter(code="7090-001").update(centre_lat=21.01, centre_lon=107.01)
AdministrativeUnit.objects.filter(code="7093-001").update(centre_lat=21.10, centre_lon=107.10)
"""
WRITERS = 4
ACCEPTED_BEFORE_KILL = 12


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with temporary_database(tmp_path_factory.mktemp("durability")) as database_url:
        site = prepare_site(database_url)
        run_binhan(["shell", "--no-imports", "--verbosity", "0", "--command", GROUP_CENTRES], env=site.env())
        key = run_binhan(["open311-key", "create", "durability test", "--rate", "1000"], env=site.env())
        site.data["open311_key"] = key.strip().splitlines()[-1]
        yield site


def report_form(site, number: int) -> dict:
    return {"api_key": site.data["open311_key"], "service_code": "theft", "lat": f"{21.01 + number * 1e-5:.5f}",
            "long": "107.0105", "description": f"Mất xe máy số {number}", "attribute[what][]": ["motorbike"]}


def kill_group(server: Server) -> None:
    """SIGKILL to the server's whole process group: uvicorn's supervisor and any worker it started."""
    os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=10)


def fetch(server: Server, references: list[str]) -> list[str]:
    response = httpx.get(f"{server.url}/open311/v2/requests.json",
                         params={"service_request_id": ",".join(references)}, timeout=10)
    assert response.status_code == 200, response.text
    return sorted(record["service_request_id"] for record in response.json())


def test_report_survives_sigkill_right_after_201(site, tmp_path):
    first = Server(site.env(), tmp_path, name="first").start().wait_ready()
    try:
        response = httpx.post(f"{first.url}/open311/v2/requests.json", data=report_form(site, 0), timeout=10)
        kill_group(first)  # at once: no graceful shutdown, nothing flushed on the way out
    finally:
        first.stop()
    assert (response.status_code, first.process.returncode) == (201, -signal.SIGKILL), response.text
    reference = response.json()[0]["service_request_id"]

    second = Server(site.env(), tmp_path, name="second").start().wait_ready()
    try:
        found = httpx.get(f"{second.url}/open311/v2/requests/{reference}.json", timeout=10)
    finally:
        second.stop()
    assert (found.status_code, found.json()[0]["service_request_id"], found.json()[0]["description"]) == (
        200, reference, "Mất xe máy số 0")


def test_every_acknowledged_report_survives_a_kill_under_load(site, tmp_path):
    """Several writers at once; the kill lands while requests are in flight. Every 201 must be kept."""
    server = Server(site.env(), tmp_path, name="loaded").start().wait_ready()
    accepted: list[str] = []
    lock = threading.Lock()
    enough = threading.Event()

    def writer(offset: int) -> None:
        with httpx.Client(timeout=5) as client:
            number = offset
            while not enough.is_set():
                try:
                    response = client.post(f"{server.url}/open311/v2/requests.json",
                                           data=report_form(site, 100 + number))
                except httpx.HTTPError:
                    return  # the server is gone: whatever was not acknowledged may be lost
                number += WRITERS
                if response.status_code == 201:
                    with lock:
                        accepted.append(response.json()[0]["service_request_id"])
                        if len(accepted) >= ACCEPTED_BEFORE_KILL:
                            enough.set()

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(WRITERS)]
    try:
        for thread in threads:
            thread.start()
        enough.wait(timeout=30)
        kill_group(server)
    finally:
        enough.set()
        server.stop()
        for thread in threads:
            thread.join(timeout=10)
    with lock:
        acknowledged = sorted(accepted)

    restarted = Server(site.env(), tmp_path, name="restarted").start().wait_ready()
    try:
        found = fetch(restarted, acknowledged)
    finally:
        restarted.stop()
    assert len(acknowledged) >= ACCEPTED_BEFORE_KILL
    assert found == acknowledged
