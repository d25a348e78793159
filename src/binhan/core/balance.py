"""Keep-alive connections shared evenly between the server processes.

The server processes accept from one listening socket, and a process that is already busy wins
the race for a new connection more often than an idle one: 16 keep-alive connections ended up
12 to 4, or 16 to 0, and the requests on the crowded process waited three times longer
(docs/performance.md). Each process publishes how many connections it holds in a small file
of its own; a process holding more than its share (the total divided by the processes,
rounded up) answers `Connection: close`, and the client's next connection goes to whichever
process accepts it. HTTP lets a server close a keep-alive connection after any response;
every client opens a new one.

`binhan serve` turns it on (BINHAN_CONNECTION_BOARD, a directory it removes when it stops).
"""

from __future__ import annotations

import mmap
import os
import struct
import tempfile
import time
from pathlib import Path

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

ENVIRONMENT = "BINHAN_CONNECTION_BOARD"
PROTOCOL = "binhan.core.balance:CountingHttpToolsProtocol"  # what `binhan serve` gives uvicorn
SCAN_SECONDS = 1.0  # how often the set of sibling processes is looked up again
_COUNT = struct.Struct("<q")


def new_board_directory() -> str:
    """A private directory (mode 0700) for one server's board, in memory when the system has /dev/shm."""
    shared_memory = "/dev/shm"  # noqa: S108 (mkdtemp makes a new private directory inside it)
    return tempfile.mkdtemp(prefix="binhan-connections-", dir=shared_memory if os.path.isdir(shared_memory) else None)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        pass
    return True


class ConnectionBoard:
    """How many connections each server process holds: one 8-byte file a process, mapped in memory."""

    def __init__(self, directory: Path, pid: int | None = None) -> None:
        self.directory = directory
        self.pid = pid or os.getpid()
        self._own: mmap.mmap | None = None
        self._siblings: dict[int, mmap.mmap] = {}
        self._scanned = float("-inf")

    def publish(self, count: int) -> None:
        if self._own is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / str(self.pid)
            path.write_bytes(_COUNT.pack(0))
            with open(path, "r+b") as file:
                self._own = mmap.mmap(file.fileno(), _COUNT.size)
        _COUNT.pack_into(self._own, 0, count)

    def _scan(self) -> None:
        seen = {}
        for entry in os.scandir(self.directory):
            if not entry.name.isdigit() or int(entry.name) == self.pid:
                continue
            pid = int(entry.name)
            if not _alive(pid):  # a process that died without cleaning up
                Path(entry.path).unlink(missing_ok=True)
                continue
            board = self._siblings.get(pid)
            if board is None:
                try:
                    with open(entry.path, "rb") as file:
                        board = mmap.mmap(file.fileno(), _COUNT.size, access=mmap.ACCESS_READ)
                except (OSError, ValueError):  # a sibling still writing its file
                    continue
            seen[pid] = board
        self._siblings = seen
        self._scanned = time.monotonic()

    def over_share(self, mine: int) -> bool:
        """True when this process holds more than its share of all the processes' connections."""
        if time.monotonic() - self._scanned > SCAN_SECONDS:
            try:
                self._scan()
            except FileNotFoundError:
                return False
        if not self._siblings:
            return False
        total = mine + sum(_COUNT.unpack_from(board)[0] for board in self._siblings.values())
        processes = len(self._siblings) + 1
        return mine > -(-total // processes)


_board: ConnectionBoard | None = None
_connections: set = set()


def board() -> ConnectionBoard | None:
    global _board
    if _board is None and os.environ.get(ENVIRONMENT):
        _board = ConnectionBoard(Path(os.environ[ENVIRONMENT]))
    return _board


def announce() -> None:
    """Publish this process's count of connections. Called at start too, holding none yet: else a process
    that never got a connection would be invisible, and the one holding them all never over its share."""
    current = board()
    if current is not None:
        current.publish(len(_connections))


def should_close() -> bool:
    """Whether this response should end its connection, to move the client to a less crowded process."""
    current = board()
    return current is not None and current.over_share(len(_connections))


class CountingHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol that publishes its process's open connections on the board."""

    def connection_made(self, transport) -> None:  # type: ignore[override]
        global _connections
        super().connection_made(transport)
        _connections = self.connections
        announce()

    def connection_lost(self, exc) -> None:
        super().connection_lost(exc)
        announce()
