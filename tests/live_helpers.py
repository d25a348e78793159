"""Real server processes for the live-update tests: a throw-away database, `binhan serve`, an SSE reader.

The pytest process never touches the servers' database through Django: it is another
database (a SQLite file, or a fresh PostgreSQL database when DATABASE_URL points at one),
set up and written to by subprocesses (`python -m tests.live_helpers seed|publisher`).
Every wait is bounded, and every process is stopped by its id.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STARTUP_SECONDS = 20.0
PUBLISH_SECONDS = 15.0
HEARTBEAT_SECONDS = 0.5
FAST_POLL_SECONDS = 0.1
# With a push channel under test, the safety-net poll is set this slow so only a push can be fast enough.
SLOW_POLL_SECONDS = 30.0
PASSWORD = "live-test-password-8f2c"  # noqa: S105


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
    except Exception:
        return False


# -- a database of their own ---------------------------------------------------------------

@contextlib.contextmanager
def temporary_database(directory: Path) -> Iterator[str]:
    """A SQLite file in `directory`, or a fresh PostgreSQL database (dropped afterwards) when
    DATABASE_URL points at a PostgreSQL server, so LISTEN/NOTIFY is exercised there."""
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        yield f"sqlite:///{directory / 'live.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(url)
    name = f"binhan_live_{uuid.uuid4().hex[:12]}"
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_static_var_dir: Path | None = None


def shared_var_dir() -> Path:
    """A var directory whose static files are collected once per test run (2–3 s), shared by all servers."""
    global _static_var_dir
    if _static_var_dir is None:
        path = Path(tempfile.mkdtemp(prefix="binhan-live-var-"))
        atexit.register(shutil.rmtree, path, ignore_errors=True)
        run_binhan(["collectstatic", "--noinput", "-v0"], env=server_env("sqlite:///:memory:", var_dir=path))
        _static_var_dir = path
    return _static_var_dir


def server_env(database_url: str, *, var_dir: Path, redis_url: str = "", poll: float = FAST_POLL_SECONDS,
               heartbeat: float = HEARTBEAT_SECONDS) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("BINHAN_", "DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"))}
    env.update(
        DJANGO_SETTINGS_MODULE="binhan.settings",
        DATABASE_URL=database_url,
        BINHAN_DEMO="1",  # no SECRET_KEY needed, no 2FA
        BINHAN_TESTING="0",  # production settings otherwise: manifest static files, database cache
        BINHAN_VAR_DIR=str(var_dir),
        BINHAN_EVENTS_POLL_SECONDS=str(poll),
        BINHAN_SSE_HEARTBEAT_SECONDS=str(heartbeat),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def run_binhan(args: list[str], *, env: dict[str, str], timeout: float = 60) -> str:
    done = subprocess.run([PYTHON, "-m", "binhan", *args], env=env, cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"binhan {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@dataclass
class Site:
    """What the seed script made: ids, API tokens and the one password."""

    database_url: str
    var_dir: Path
    data: dict

    def token(self, username: str) -> str:
        return self.data["tokens"][username]

    def env(self, **kwargs) -> dict[str, str]:
        return server_env(self.database_url, var_dir=self.var_dir, **kwargs)


def prepare_site(database_url: str) -> Site:
    var_dir = shared_var_dir()
    env = server_env(database_url, var_dir=var_dir)
    run_binhan(["migrate", "--noinput", "-v0"], env=env)
    done = subprocess.run([PYTHON, "-m", "tests.live_helpers", "seed"], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{done.stdout}\n{done.stderr}")
    return Site(database_url=database_url, var_dir=var_dir, data=json.loads(done.stdout.strip().splitlines()[-1]))


# -- processes -----------------------------------------------------------------------------

class Server:
    """One `binhan serve` process on a free port (one server process, no task worker, unless asked)."""

    def __init__(self, env: dict[str, str], log_dir: Path, name: str = "server", *, workers: int = 1,
                 task_worker: bool = False) -> None:
        self.env = env
        self.workers = workers
        self.task_worker = task_worker
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"{name}-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Server:
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [PYTHON, "-m", "binhan", "serve", "--no-collectstatic", "--workers", str(self.workers),
                 "--host", "127.0.0.1", "--port", str(self.port), *([] if self.task_worker else ["--no-worker"])],
                env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        return self

    def wait_ready(self) -> Server:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.url} exited with {self.process.returncode}:\n{self.log()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            time.sleep(0.1)
        raise RuntimeError(f"{self.url} did not answer within {STARTUP_SECONDS}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=8)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        return self.process.returncode


class Publisher:
    """A long-lived subprocess that publishes outbox events into the site's database on request."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "-m", "tests.live_helpers", "publisher"], env=env, cwd=REPO, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        )

    def publish(self, name: str, unit_path: str, **payload) -> int:
        """Publish one event in its own transaction; returns its id."""
        return self.transaction([{"name": name, "unit_path": unit_path, "payload": payload}])[0]

    def transaction(self, events: list[dict]) -> list[int]:
        """Publish several events in one transaction; returns their ids."""
        self.process.stdin.write(json.dumps(events) + "\n")
        self.process.stdin.flush()
        readable, _w, _x = select.select([self.process.stdout], [], [], PUBLISH_SECONDS)
        if not readable:
            raise TimeoutError(f"the publisher did not answer within {PUBLISH_SECONDS}s")
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"publisher died:\n{self.process.stderr.read()}")
        return json.loads(line)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()


# -- an SSE reader -------------------------------------------------------------------------

@dataclass
class Message:
    id: str | None = None
    event: str | None = None
    data: str = ""
    comments: list[str] = field(default_factory=list)
    retry: int | None = None

    @property
    def json(self) -> dict:
        return json.loads(self.data)


class SSEStream:
    """Reads a text/event-stream line by line; every wait is bounded by a deadline."""

    def __init__(self, url: str, headers: dict[str, str] | None = None, cookies: dict[str, str] | None = None):
        self.client = httpx.Client(timeout=httpx.Timeout(5.0), cookies=cookies)
        self._stream = self.client.stream("GET", url, headers=headers or {})
        self.response = self._stream.__enter__()
        self.status_code = self.response.status_code
        self._lines = self.response.iter_lines() if self.status_code == 200 else iter(())

    def next_message(self, timeout: float = 5.0) -> Message:
        """The next block (an event, or only comments), per the SSE format."""
        deadline = time.monotonic() + timeout
        message, seen = Message(), False
        for line in self._lines:
            if line == "":
                if seen:
                    return message
            else:
                seen = True
                key, _sep, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if key == "":
                    message.comments.append(value)
                elif key == "data":
                    message.data = f"{message.data}\n{value}" if message.data else value
                elif key == "id":
                    message.id = value
                elif key == "event":
                    message.event = value
                elif key == "retry":
                    message.retry = int(value)
            if time.monotonic() > deadline:
                break
        raise TimeoutError(f"no complete message within {timeout}s")

    def next_event(self, timeout: float = 5.0) -> Message:
        """The next real event, skipping comments (heartbeats)."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.next_message(timeout=max(deadline - time.monotonic(), 0.01))
            if message.event is not None or message.data:
                return message

    def wait_connected(self, timeout: float = 10.0) -> Message:
        """Wait for the server's greeting: from then on, every new event reaches this stream."""
        message = self.next_message(timeout=timeout)
        assert message.comments == ["connected"], message
        return message

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._stream.__exit__(None, None, None)
        self.client.close()

    def __enter__(self) -> SSEStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login_cookies(base_url: str, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Sign in through the real login form (with its CSRF token); returns the session cookies."""
    with httpx.Client(base_url=base_url, timeout=5.0) as client:
        page = client.get("/accounts/login/")
        assert page.status_code == 200, page.text[:500]
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = client.post("/accounts/login/", data={"username": username, "password": password,
                                                        "csrfmiddlewaretoken": csrf})
        assert answer.status_code == 302, answer.text[:500]
        return dict(client.cookies)


# -- run inside the subprocesses -------------------------------------------------------------

def _seed() -> dict:
    """The world of tests/conftest.py, reduced to what the live tests need, plus API tokens."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from binhan.accounts import services as accounts
    from binhan.accounts.roles import Role
    from binhan.geo.models import Level
    from tests.factories import UnitFactory, UserFactory, grant

    nation = UnitFactory(code="VN", name="Việt Nam", level=Level.NATION)
    province = UnitFactory(code="22", name="Quảng Ninh", level=Level.PROVINCE, parent=nation)
    commune_a = UnitFactory(code="7090", name="Phường An Sinh", level=Level.COMMUNE, parent=province)
    commune_b = UnitFactory(code="7093", name="Phường Đông Triều", level=Level.COMMUNE, parent=province)
    group_a = UnitFactory(code="7090-001", name="Tổ dân phố 1", level=Level.GROUP, parent=commune_a)
    group_b = UnitFactory(code="7093-001", name="Tổ dân phố 1", level=Level.GROUP, parent=commune_b)
    people = {
        "police-a": (commune_a, Role.COMMUNE_POLICE),
        "police-b": (commune_b, Role.COMMUNE_POLICE),
        "province-leader": (province, Role.PROVINCE_LEADER),
    }
    tokens = {}
    for username, (unit, role) in people.items():
        # Only police-a signs in by form; a PBKDF2 hash of few rounds spares a second of hashing.
        user = UserFactory(username=username, password=None)
        if username == "police-a":
            user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt(), iterations=1000)
            user.save(update_fields=["password"])
        grant(user, unit, role)
        tokens[username] = accounts.api_token_create(actor=user, user=user, name="live test")[1]
    return {
        "tokens": tokens,
        "paths": {"commune_a": commune_a.path, "commune_b": commune_b.path, "group_a": group_a.path,
                  "group_b": group_b.path, "province": province.path},
        "units": {"group_a": group_a.pk, "group_b": group_b.pk},
    }


def _publisher() -> None:
    from django.db import transaction

    from binhan.core import events

    for line in sys.stdin:
        with transaction.atomic():
            ids = [events.publish(item["name"], unit_path=item["unit_path"], **item["payload"]).pk
                   for item in json.loads(line)]
        sys.stdout.write(json.dumps(ids) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhan.settings")
    django.setup()
    if sys.argv[1] == "seed":
        sys.stdout.write(json.dumps(_seed()) + "\n")
    elif sys.argv[1] == "publisher":
        _publisher()
