"""Group commit (core/db/group_commit.py): the requests waiting for an intake thread share one commit on SQLite.

These tests need real transactions (pytest-django's usual wrapping transaction would turn every
block into a savepoint of its own), hence `transaction=True`.
"""

import asyncio
import contextlib
import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import DatabaseError, OperationalError, connection, connections

from binhan.core.buffered import BufferedWSGI
from binhan.core.db import group_commit, writes
from binhan.core.models import RateCounter

pytestmark = pytest.mark.django_db(transaction=True)

language = contextvars.ContextVar("language", default="none")


class Recorder:
    """Collects what run_together settles, and counts the commits of the thread's connection."""

    def __init__(self, monkeypatch) -> None:
        self.settled: list[tuple[int, object, BaseException | None]] = []
        self.commits = 0
        commit = type(connections["default"]).commit

        def counting_commit(wrapper):  # any thread's connection: the intake lane's is not this one
            self.commits += 1
            return commit(wrapper)

        monkeypatch.setattr(type(connections["default"]), "commit", counting_commit)

    def settle(self, index, result, error) -> None:
        self.settled.append((index, result, error))

    def outcome(self) -> dict:
        return {index: (type(error).__name__ if error else result) for index, result, error in self.settled}


def write(key: str, *, fail: bool = False):
    def call():
        with group_commit.transaction():
            RateCounter.objects.create(key=key, expires_at=0)
            if fail:
                raise ValueError(f"{key} refused")
        # Back here only after the commit: the request sees its own row, and the rest of its group's.
        return sorted(RateCounter.objects.values_list("key", flat=True))
    return call


def run(calls, recorder: Recorder) -> None:
    group_commit.run_together([(contextvars.copy_context(), call) for call in calls], recorder.settle)


def one_commit_for(requests: int) -> int:
    """SQLite groups the commits; PostgreSQL commits each request on its own."""
    return 1 if connection.vendor == "sqlite" else requests


def stored() -> list[str]:
    return sorted(RateCounter.objects.values_list("key", flat=True))


def test_the_writes_of_waiting_requests_share_one_commit_and_each_answer_follows_it(monkeypatch):
    recorder = Recorder(monkeypatch)
    run([write("a"), write("b"), write("c")], recorder)

    assert recorder.commits == one_commit_for(3)
    assert stored() == ["a", "b", "c"]
    if connection.vendor == "sqlite":
        # Every request went on only after the one commit, so each saw all three rows.
        assert recorder.outcome() == {0: ["a", "b", "c"], 1: ["a", "b", "c"], 2: ["a", "b", "c"]}
    else:
        assert recorder.outcome() == {0: ["a"], 1: ["a", "b"], 2: ["a", "b", "c"]}


def test_a_request_that_fails_undoes_only_its_own_writes(monkeypatch):
    recorder = Recorder(monkeypatch)
    run([write("a"), write("b", fail=True), write("c")], recorder)

    assert stored() == ["a", "c"]
    if connection.vendor == "sqlite":
        assert recorder.outcome() == {0: ["a", "c"], 1: "ValueError", 2: ["a", "c"]}
        assert recorder.commits == 1
    else:
        assert recorder.outcome() == {0: ["a"], 1: "ValueError", 2: ["a", "c"]}


def test_when_the_commit_fails_no_request_says_it_stored_anything(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL requests commit one by one (the same test as one request: test_open311)")
    recorder = Recorder(monkeypatch)

    def failing_commit():
        raise DatabaseError("disk I/O error")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "commit", failing_commit)
        run([write("a"), write("b")], recorder)

    assert recorder.outcome() == {0: "DatabaseError", 1: "DatabaseError"}
    assert all(isinstance(error.__cause__, DatabaseError) for _, _, error in recorder.settled)
    assert stored() == []
    # The connection is usable afterwards: the next group commits.
    run([write("c")], recorder)
    assert stored() == ["c"]


def test_when_the_transaction_cannot_open_each_request_hears_it_and_nothing_is_stored(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL requests take no writers' lock")
    recorder = Recorder(monkeypatch)

    @contextlib.contextmanager
    def unavailable(using):
        raise OperationalError("unable to open database file")
        yield

    with monkeypatch.context() as patch:
        patch.setattr(writes, "serialised_writes", unavailable)
        run([write("a"), write("b")], recorder)

    assert recorder.outcome() == {0: "DatabaseError", 1: "DatabaseError"}
    assert [str(error) for _, _, error in recorder.settled] == ["The transaction for this request's writes did not open."] * 2
    assert stored() == []


def test_a_request_that_does_not_write_is_answered_before_the_group_writes(monkeypatch):
    recorder = Recorder(monkeypatch)
    run([write("a"), lambda: "read only", write("b")], recorder)

    assert [index for index, _result, _error in recorder.settled][0] == (1 if connection.vendor == "sqlite" else 0)
    assert recorder.outcome()[1] == "read only"
    assert stored() == ["a", "b"]


def test_each_request_keeps_its_own_context_variables(monkeypatch):
    recorder = Recorder(monkeypatch)

    def speaking(code: str):
        def call():
            language.set(code)
            with group_commit.transaction():
                RateCounter.objects.create(key=code, expires_at=0)
            return language.get()
        return call

    contexts = [contextvars.copy_context() for _ in range(3)]
    group_commit.run_together(list(zip(contexts, [speaking("vi"), speaking("en"), speaking("fa")], strict=True)),
                              recorder.settle)

    assert recorder.outcome() == {0: "vi", 1: "en", 2: "fa"}
    assert [context[language] for context in contexts] == ["vi", "en", "fa"]
    assert language.get() == "none"  # the thread's own context is untouched


def test_a_request_may_write_twice_and_nest_a_transaction(monkeypatch):
    recorder = Recorder(monkeypatch)

    def twice():
        with group_commit.transaction():
            RateCounter.objects.create(key="first", expires_at=0)
            with group_commit.transaction():  # already in one: a savepoint, not a second wait
                RateCounter.objects.create(key="nested", expires_at=0)
        with group_commit.transaction():
            RateCounter.objects.create(key="second", expires_at=0)
        return "done"

    run([twice, write("other")], recorder)

    assert stored() == ["first", "nested", "other", "second"]
    assert recorder.outcome()[0] == "done"
    if connection.vendor == "sqlite":  # the first round held both requests' writes; the second, one
        assert (recorder.outcome()[1], recorder.commits) == (["first", "nested", "other"], 2)


def test_outside_a_group_it_is_an_ordinary_transaction():
    with pytest.raises(ValueError):
        write("lost", fail=True)()
    assert write("kept")() == ["kept"]


def test_the_intake_lane_runs_the_requests_waiting_for_its_thread_as_one_group(monkeypatch):
    """Four posts arrive while the thread is busy: the first runs alone, the three others together."""
    recorder = Recorder(monkeypatch)
    busy, release = threading.Event(), threading.Event()

    def app(environ, start_response):
        key = environ["QUERY_STRING"]
        if key == "first":
            busy.set()
            release.wait(5)
        with group_commit.transaction():
            RateCounter.objects.create(key=key, expires_at=0)
        start_response("201 Created", [("Content-Type", "text/plain")])
        return [key.encode()]

    async def post(lane, key):
        scope = {"type": "http", "method": "POST", "path": "/open311/v2/requests.json", "root_path": "",
                 "query_string": key.encode(), "http_version": "1.1", "scheme": "http",
                 "server": ("127.0.0.1", 8000), "client": ("10.0.0.9", 5555), "headers": []}
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        await lane(scope, receive, send)
        return sent[0]["status"], sent[1]["body"]

    async def main(lane):
        first = asyncio.create_task(post(lane, "first"))
        await asyncio.get_running_loop().run_in_executor(None, busy.wait, 5)
        others = [asyncio.create_task(post(lane, key)) for key in ("b", "c", "d")]
        await asyncio.sleep(0.05)  # all three are queued behind the busy thread
        release.set()
        return await asyncio.gather(first, *others)

    with ThreadPoolExecutor(max_workers=1) as executor:
        answers = asyncio.run(main(BufferedWSGI(app, executor=executor, together=True)))
        executor.submit(lambda: connection.close()).result()  # the lane thread's own connection

    assert answers == [(201, b"first"), (201, b"b"), (201, b"c"), (201, b"d")]
    assert stored() == ["b", "c", "d", "first"]
    assert recorder.commits == one_commit_for(3) + 1
