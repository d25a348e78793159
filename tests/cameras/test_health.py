"""The stream health check: a real local HTTP server answers, a closed port does not; only in the task."""

from __future__ import annotations

import http.server
import socket
import threading
import time

import pytest

from binhan.cameras import health, tasks
from binhan.cameras.models import Camera
from tests.cameras.conftest import make_camera


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the standard library's name
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", "1")
        self.end_headers()
        self.wfile.write(b"\x00")

    def log_message(self, *args):
        pass


@pytest.fixture
def stream_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/live.mp4"
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nobody listens there


def test_probe_reaches_a_live_http_stream(stream_server):
    assert health.probe(stream_server, timeout=2) is True


def test_probe_over_tcp_for_rtsp(stream_server):
    port = stream_server.split(":")[2].split("/")[0]
    assert health.probe(f"rtsp://127.0.0.1:{port}/ch1", timeout=2) is True


@pytest.mark.parametrize("scheme", ["http", "rtsp"])
def test_probe_fails_fast_on_a_closed_port(closed_port, scheme):
    started = time.monotonic()
    assert health.probe(f"{scheme}://127.0.0.1:{closed_port}/live", timeout=1) is False
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("url", ["", "not a url", "rtsp:///nohost", "http://[::1"])
def test_probe_refuses_malformed_addresses(url):
    assert health.probe(url, timeout=1) is False


def test_check_streams_task_records_reachable_and_unreachable(world, stream_server, closed_port):
    up = make_camera(world.group_a, name="Up", stream=stream_server)
    down = make_camera(world.group_a, name="Down", stream=f"rtsp://127.0.0.1:{closed_port}/ch1")
    not_shared = make_camera(world.group_a, name="Register only")
    assert tasks.check_streams.call() == 2
    rows = {c.name: (c.reachable, c.last_reachable_at is not None, c.last_checked_at is not None)
            for c in Camera.objects.filter(pk__in=[up.pk, down.pk, not_shared.pk])}
    assert rows == {"Up": (True, True, True), "Down": (False, False, True), "Register only": (None, False, False)}


def test_health_check_is_periodic():
    from binhan.core import tasks as core_tasks

    assert (tasks.check_streams in core_tasks.PERIODIC, core_tasks.interval_of(tasks.check_streams),
            tasks.footage_retention in core_tasks.PERIODIC) == (True, 900, True)
