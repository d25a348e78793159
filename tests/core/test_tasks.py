"""Background tasks on the database queue: results, retries with exponential backoff, periodic tasks.

The worker runs in this process (`binhan worker --batch`) on its own transactions, so these
tests use `transactional_db`. Time is a clock the test moves: a retry waits until it is due.
"""

import signal
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from binhan.core import events, tasks
from binhan.core.models import OutboxEvent
from binhan.core.tasks import background

state = {"failures_left": 0}


@background(retries=0)
def add(a: int, b: int) -> int:
    return a + b


@background(retries=3, backoff_seconds=30)
def flaky_send(label: str) -> str:
    if state["failures_left"] > 0:
        state["failures_left"] -= 1
        raise ConnectionError("the SMTP server did not answer")
    return f"sent {label}"


@background(retries=2, backoff_seconds=10)
def always_fails() -> None:
    raise ValueError("the gateway refuses every message")


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now()
        self.start = self.now

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    # django-tasks-db, the models' auto_now_add and our backoff all ask django.utils.timezone.
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture(autouse=True)
def _keep_signal_handlers():
    # db_worker installs its own SIGINT/SIGTERM handlers and, in batch mode, leaves them in place.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


def run_worker(*extra: str) -> None:
    call_command("worker", "--batch", "-v0", *extra)


def attempts(task) -> dict[int, tuple[str, object]]:
    """Each attempt's number -> (status, run_after; None for "at once") for the results of `task`."""
    return {
        row.args_kwargs["kwargs"].get("_attempt", 1): (row.status, None if row.run_after == get_date_max() else row.run_after)
        for row in DBTaskResult.objects.filter(task_path=task.module_path)
    }


def test_a_queued_task_runs_on_the_worker_and_keeps_its_result(transactional_db):
    result = add.enqueue(2, 3)

    run_worker("--no-periodic")
    result.refresh()

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5
    assert DBTaskResult.objects.count() == 1


@pytest.mark.parametrize(("verbosity", "lines_per_task"), [("-v1", False), ("-v2", True)])
def test_the_worker_writes_a_line_a_task_only_when_asked(transactional_db, caplog, verbosity, lines_per_task):
    add.enqueue(1, 1)
    call_command("worker", "--batch", "--no-periodic", verbosity)
    started = [record for record in caplog.records if "state=RUNNING" in record.getMessage()]
    assert bool(started) is lines_per_task


def test_a_task_that_fails_twice_is_retried_with_backoff_then_succeeds(transactional_db, clock):
    state["failures_left"] = 2
    flaky_send.enqueue("welcome")

    run_worker("--no-periodic")
    after_first = attempts(flaky_send)
    clock.advance(29)
    run_worker("--no-periodic")  # the retry is not due yet
    not_yet = attempts(flaky_send)
    clock.advance(1)
    run_worker("--no-periodic")
    after_second = attempts(flaky_send)
    clock.advance(60)
    run_worker("--no-periodic")
    final = DBTaskResult.objects.get(task_path=flaky_send.module_path, status=TaskResultStatus.SUCCESSFUL)

    t0 = clock.start
    assert after_first == {1: ("FAILED", None), 2: ("READY", t0 + timedelta(seconds=30))}
    assert not_yet == after_first
    assert after_second == {
        1: ("FAILED", None), 2: ("FAILED", t0 + timedelta(seconds=30)), 3: ("READY", t0 + timedelta(seconds=90)),
    }
    assert attempts(flaky_send) == {
        1: ("FAILED", None), 2: ("FAILED", t0 + timedelta(seconds=30)),
        3: ("SUCCESSFUL", t0 + timedelta(seconds=90)),
    }
    assert (final.return_value, final.args_kwargs) == ("sent welcome", {"args": ["welcome"], "kwargs": {"_attempt": 3}})


def test_a_task_failing_beyond_its_retries_ends_failed(transactional_db, clock):
    always_fails.enqueue()

    run_worker("--no-periodic")
    clock.advance(10)
    run_worker("--no-periodic")
    clock.advance(20)
    run_worker("--no-periodic")
    clock.advance(3600)
    run_worker("--no-periodic")  # nothing left to retry

    t0 = clock.start
    assert attempts(always_fails) == {
        1: ("FAILED", None), 2: ("FAILED", t0 + timedelta(seconds=10)), 3: ("FAILED", t0 + timedelta(seconds=30)),
    }
    assert set(DBTaskResult.objects.values_list("exception_class_path", flat=True)) == {"builtins.ValueError"}


def test_the_retry_delays_double():
    delays = [tasks.retry_delay(attempt=n, backoff_seconds=30) for n in (1, 2, 3, 4)]

    assert delays == [timedelta(seconds=s) for s in (30, 60, 120, 240)]


def test_the_worker_enqueues_prune_outbox_which_deletes_old_events(transactional_db, settings):
    settings.BINHAN_OUTBOX_KEEP_DAYS = 7
    for days in (30, 8, 1):
        event = events.publish("household.created", unit_path="/VN/")
        OutboxEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(days=days))

    run_worker()
    result = DBTaskResult.objects.get(task_path=tasks.prune_outbox.module_path)

    assert (result.status, result.return_value) == ("SUCCESSFUL", 2)
    assert OutboxEvent.objects.count() == 1


def test_periodic_tasks_are_queued_once_while_a_run_is_waiting(transactional_db):
    first, second = tasks.enqueue_periodic(), tasks.enqueue_periodic()

    assert (first, second) == (len(tasks.PERIODIC), 0)
    assert DBTaskResult.objects.filter(status="READY").count() == len(tasks.PERIODIC)


def test_prune_task_results_keeps_recent_and_unfinished(transactional_db):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    for status, age_days in [("SUCCESSFUL", 10), ("FAILED", 10), ("SUCCESSFUL", 1), ("READY", 10)]:
        DBTaskResult.objects.create(
            task_path="binhan.core.tasks.prune_outbox", args_kwargs={"args": [], "kwargs": {}}, status=status,
            finished_at=now - timedelta(days=age_days) if status != "READY" else None,
            backend_name="default", queue_name="default", priority=0,
        )
    assert tasks.prune_task_results.call(keep_days=7) == 2
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == ["READY", "SUCCESSFUL"]


def test_prune_sessions_removes_expired(transactional_db):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.create(session_key="old", session_data="x", expire_date=timezone.now() - timedelta(days=1))
    Session.objects.create(session_key="new", session_data="x", expire_date=timezone.now() + timedelta(days=1))
    tasks.prune_sessions.call()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]


def test_domains_set_their_own_interval():
    from binhan.reports.tasks import escalate_overdue_reports

    assert escalate_overdue_reports in tasks.PERIODIC
    assert tasks.interval_of(escalate_overdue_reports) == 60
    assert tasks.interval_of(tasks.prune_outbox) == tasks.DEFAULT_INTERVAL_SECONDS
