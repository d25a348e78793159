"""The machinery of the browser tests, usable from pytest (conftest.py) and from a plain script.

A real server (`binhan serve`, the production ASGI path) runs in its own process group on
its own temporary SQLite file, whatever DATABASE_URL the test run has; Playwright drives
Debian's chromium (never a downloaded browser).
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = REPO_ROOT / "var" / "test-artifacts"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
MISSING_CHROMIUM = (
    "chromium not found: install Debian's chromium (apt-get install chromium) to run the browser tests; "
    ".ci/run does this"
)
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
CSP_VIOLATION = re.compile(r"Content[- ]Security[- ]Policy", re.IGNORECASE)
# Settings the server must not inherit from the test run: it has its own database, cache and events.
_INHERITED_SETTINGS = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DEBUG",
                       "EMAIL_BACKEND", "PYTEST_CURRENT_TEST")


_collected: dict[str, Path] = {}
_collecting = threading.Lock()


def collected_static(environ: dict[str, str]) -> Path:
    """Static files collected once per test run and shared by every server it starts.

    Collecting (hashing and compressing the API docs' large bundles) takes 10–30 s of CPU;
    each browser test starting a server of its own with a fresh copy ran into its start timeout
    on a busy machine.
    """
    with _collecting:
        if "root" not in _collected:
            root = Path(tempfile.mkdtemp(prefix="binhan-static-"))
            env = {**environ, "BINHAN_STATIC_ROOT": str(root)}
            subprocess.run([sys.executable, "-m", "binhan", "collectstatic", "--noinput", "-v0"],  # noqa: S603
                           env=env, cwd=REPO_ROOT, check=True, capture_output=True, timeout=600)
            _collected["root"] = root
            atexit.register(shutil.rmtree, root, True)
        return _collected["root"]


def find_chromium() -> str | None:
    """Debian's chromium; BINHAN_CHROMIUM names another binary (a missing one simulates no chromium)."""
    override = os.environ.get("BINHAN_CHROMIUM")
    if override:
        return override if os.path.isfile(override) and os.access(override, os.X_OK) else None
    if os.access(DEFAULT_CHROMIUM, os.X_OK):
        return DEFAULT_CHROMIUM
    return shutil.which("chromium")


def launch_chromium(playwright, executable: str):
    """Headless chromium with the flags every browser test uses."""
    return playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)


def artifact(name: str) -> str:
    """A path under var/test-artifacts/ (created) for screenshots and other leftovers of a test."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return str(ARTIFACTS_DIR / name)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """`binhan serve --no-worker --workers 1` on 127.0.0.1 and a free port, with a fresh SQLite file in `workdir`."""

    def __init__(self, workdir: Path, *, port: int | None = None, extra_env: dict[str, str] | None = None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.workdir / "server.log"
        env = {
            key: value for key, value in os.environ.items()
            if not key.startswith(("BINHAN_", "DJANGO_")) and key not in _INHERITED_SETTINGS
        }
        env.update({
            "DATABASE_URL": f"sqlite:///{self.workdir / 'db.sqlite3'}",
            "BINHAN_DEMO": "1",
            "BINHAN_TESTING": "0",
            "BINHAN_VAR_DIR": str(self.workdir),  # collectstatic writes here, not into the repo's var/
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "INFO",  # the access log in server.log helps when a browser test fails
            **(extra_env or {}),
        })
        self.env = env
        self.process: subprocess.Popen | None = None

    # --- commands against the same database ---

    def binhan(self, *args: str, timeout: float = 120) -> str:
        """Run `python -m binhan ARGS` with the server's environment; its stdout, or an error with stderr."""
        result = subprocess.run(
            [sys.executable, "-m", "binhan", *args], env=self.env, cwd=REPO_ROOT, capture_output=True, text=True,
            timeout=timeout, check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"binhan {' '.join(args[:2])} failed ({result.returncode}):\n{result.stderr[-3000:]}")
        return result.stdout

    def shell(self, code: str) -> str:
        return self.binhan("shell", "--no-imports", "--verbosity", "0", "--command", code)

    def seed(self, function: str, **kwargs):
        """Call `tests.browser.seed.<function>(**kwargs)` inside the server's database; return its result."""
        code = (
            "import json\nfrom tests.browser import seed\n"
            f"result = seed.{function}(**json.loads({json.dumps(kwargs)!r}))\n"
            "print('SEED-RESULT ' + json.dumps(result))\n"
        )
        output = self.shell(code)
        line = next(line for line in output.splitlines() if line.startswith("SEED-RESULT "))
        return json.loads(line.removeprefix("SEED-RESULT "))

    def api_token(self, username: str) -> str:
        return self.binhan("api-token", "create", username).strip().splitlines()[-1]

    def api(self, method: str, path: str, *, token: str, payload: dict | None = None) -> tuple[int, dict]:
        """Call the JSON API over HTTP with a bearer token; (status, parsed body)."""
        request = urllib.request.Request(  # noqa: S310 - always our own http://127.0.0.1 server
            self.url + path, method=method, data=json.dumps(payload).encode() if payload is not None else None,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    # --- the server process ---

    def start(self, timeout: float = 30) -> LiveServer:
        self.binhan("migrate", "--noinput")
        self.env["BINHAN_STATIC_ROOT"] = str(collected_static(self.env))
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "binhan", "serve", "--no-worker", "--no-collectstatic", "--workers", "1",
             "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer /healthz within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        pgid = os.getpgid(self.process.pid)
        os.killpg(pgid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return "(no server log)"

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def csp_violations(console: list[dict]) -> list[str]:
    """Console entries (see the `console` fixture) where the browser refused something the policy forbids."""
    return [f"{entry['text']} ({entry['url']})" for entry in console
            if entry["type"] in {"error", "warning"} and CSP_VIOLATION.search(entry["text"])]


def sign_in(page, server: LiveServer, username: str, password: str) -> None:
    """Sign in through the real form and wait for the page it leads to."""
    page.goto(server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")


def switch_language(page, code: str) -> None:
    """Use the header's language switcher: the select submits itself with JS, the button does without."""
    has_js = page.evaluate("document.documentElement.classList.contains('js')")
    with page.expect_navigation():
        page.select_option("#language-select", code)
        if not has_js:
            page.click(".language-switcher button[type=submit]")


def wait_until(page, expression: str, seconds: float = 5.0) -> None:
    """Poll `expression` (a JavaScript arrow function) with evaluate until it is true.

    Not `page.wait_for_function`: it compiles its predicate from a string inside the page at times,
    which the page's content-security policy (no 'unsafe-eval') refuses.
    """
    for _ in range(int(seconds * 10)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {seconds} s: {expression}")
