"""Keep-alive connections shared evenly between server processes (core/balance.py).

The board's arithmetic in-process; then `binhan serve --workers 2` with keep-alive clients that
all start on whichever process accepted them: the crowded process sends `Connection: close`
until each process holds its share.
"""

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from binhan.core import balance
from tests.live_helpers import Server, prepare_site, temporary_database


@pytest.fixture
def sibling():
    # A live process of our own to stand for the other server process.
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # noqa: S603
    yield process.pid
    process.kill()
    process.wait()


@pytest.mark.parametrize(("mine", "theirs", "over"), [
    (12, 4, True), (9, 7, True), (8, 8, False), (4, 12, False), (1, 0, False), (2, 0, True), (0, 0, False),
])
def test_a_process_is_over_its_share_when_it_holds_more_than_the_total_divided_rounded_up(tmp_path, sibling,
                                                                                          mine, theirs, over):
    ours, other = balance.ConnectionBoard(tmp_path), balance.ConnectionBoard(tmp_path, pid=sibling)
    other.publish(theirs)
    ours.publish(mine)
    assert ours.over_share(mine) is over


def test_alone_a_process_is_never_over_its_share(tmp_path):
    board = balance.ConnectionBoard(tmp_path)
    board.publish(50)
    assert board.over_share(50) is False


def test_a_dead_process_leaves_the_board(tmp_path):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],  # noqa: S603
                              capture_output=True, text=True, check=True)
    dead_pid = int(finished.stdout)
    balance.ConnectionBoard(tmp_path, pid=dead_pid).publish(30)
    board = balance.ConnectionBoard(tmp_path)
    board.publish(3)
    assert board.over_share(3) is False
    assert not (tmp_path / str(dead_pid)).exists()


def test_a_sibling_count_is_read_live_between_scans(tmp_path, sibling):
    other, ours = balance.ConnectionBoard(tmp_path, pid=sibling), balance.ConnectionBoard(tmp_path)
    other.publish(6)
    ours.publish(6)
    assert ours.over_share(6) is False
    other.publish(0)  # its clients left: we now hold more than half of 6
    assert ours.over_share(6) is True


def test_a_process_is_on_the_board_before_its_first_connection(tmp_path, monkeypatch, sibling):
    # A sibling that accepted every connection must see this idle process, or it never sheds one.
    monkeypatch.setenv(balance.ENVIRONMENT, str(tmp_path))
    monkeypatch.setattr(balance, "_board", None)
    monkeypatch.setattr(balance, "_connections", set())
    balance.announce()
    crowded = balance.ConnectionBoard(tmp_path, pid=sibling)
    crowded.publish(8)
    assert (tmp_path / str(os.getpid())).read_bytes() == bytes(8)
    assert crowded.over_share(8) is True


def test_without_a_board_nothing_is_closed(monkeypatch):
    monkeypatch.delenv(balance.ENVIRONMENT, raising=False)
    monkeypatch.setattr(balance, "_board", None)
    assert balance.should_close() is False


# -- under `binhan serve` --------------------------------------------------------------------------

CLIENTS = 8


def _board_of(server: Server) -> Path:
    for task in Path(f"/proc/{server.process.pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            environ = Path(f"/proc/{child}/environ").read_bytes().split(b"\0")
            for entry in environ:
                if entry.startswith(balance.ENVIRONMENT.encode() + b"="):
                    return Path(entry.split(b"=", 1)[1].decode())
    raise AssertionError("no server process has a connection board")


def _counts(board: Path) -> list[int]:
    return sorted(int.from_bytes(path.read_bytes()[:8], "little") for path in board.iterdir())


@pytest.mark.live
def test_serve_spreads_keep_alive_connections_over_its_processes(tmp_path):
    with temporary_database(tmp_path) as database_url:
        site = prepare_site(database_url)
        server = Server(site.env(), tmp_path, workers=2).start()
        try:
            server.wait_ready()
            board = _board_of(server)
            host, port = server.url.removeprefix("http://").split(":")
            clients = [http.client.HTTPConnection(host, int(port), timeout=5) for _ in range(CLIENTS)]
            deadline = time.monotonic() + 20
            balanced = False
            while not balanced and time.monotonic() < deadline:
                for client in clients:  # each client keeps its connection until the server ends it
                    client.request("GET", "/healthz")
                    response = client.getresponse()
                    response.read()
                    assert response.status == 200
                    if response.getheader("connection") == "close":
                        client.close()
                balanced = _counts(board) == [CLIENTS // 2, CLIENTS // 2]
            counts = _counts(board)
            for client in clients:
                client.close()
        finally:
            server.stop()
    assert (balanced, counts) == (True, [CLIENTS // 2, CLIENTS // 2])
    assert os.path.exists(board) is False  # serve removed its board
