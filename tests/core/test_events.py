"""The transactional outbox: an event exists exactly when its transaction commits."""

import contextlib
import logging
from datetime import timedelta

import psycopg
import pytest
from django.db import connection, transaction
from django.utils import timezone

from binhan.core import events, live
from binhan.core.models import OutboxEvent
from tests.live_helpers import free_port, redis_reachable

REDIS_URL = "redis://127.0.0.1:6379/15"


class Boom(Exception):
    pass


@pytest.fixture
def received():
    """Subscribe a recorder to household.created and to "*" for the length of one test."""
    calls: list[tuple[str, int]] = []

    def on_household(event):
        calls.append(("household.created", event.pk))

    def on_anything(event):
        calls.append(("*", event.pk))

    events.subscribe("household.created")(on_household)
    events.subscribe("*")(on_anything)
    yield calls
    events.unsubscribe("household.created", on_household)
    events.unsubscribe("*", on_anything)


def rows():
    return list(OutboxEvent.objects.order_by("id").values_list("id", "name", "unit_path", "payload"))


def test_publish_writes_the_event_in_the_callers_transaction(db):
    with transaction.atomic():
        event = events.publish("household.created", unit_path="/VN/22/7090/", household_id=5)
        inside = rows()

    assert inside == [(event.pk, "household.created", "/VN/22/7090/", {"household_id": 5})]
    assert rows() == inside


def test_a_rolled_back_transaction_leaves_no_event_and_runs_no_subscriber(
    db, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with contextlib.suppress(Boom), transaction.atomic():
            events.publish("household.created", unit_path="/VN/22/7090/", household_id=5)
            raise Boom

    assert rows() == []
    assert callbacks == []
    assert received == []


def test_subscribers_run_only_after_commit(db, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = events.publish("household.created", unit_path="/VN/22/7090/")
        before_commit = list(received)

    assert before_commit == []
    assert len(callbacks) == 1
    assert received == [("household.created", event.pk), ("*", event.pk)]


def test_subscribers_of_another_event_are_not_run(db, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event = events.publish("unit.created", unit_path="/VN/22/")

    assert received == [("*", event.pk)]


def test_a_failing_subscriber_does_not_stop_the_others(db, received, django_capture_on_commit_callbacks, caplog):
    def broken(event):
        raise Boom("the mail server is down")

    events.subscribe("household.created")(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            event = events.publish("household.created", unit_path="/VN/22/7090/")
    finally:
        events.unsubscribe("household.created", broken)

    # `broken` was registered after the recorder and fails; the "*" recorder still runs after it.
    assert received == [("household.created", event.pk), ("*", event.pk)]
    assert [record.message for record in caplog.records if record.levelno == logging.ERROR] == [
        f"Subscriber {broken} failed on event {event.pk}"
    ]


def test_subscribing_twice_runs_the_subscriber_once(db, received, django_capture_on_commit_callbacks):
    events.subscribe("*")(events._subscribers["*"][-1])
    with django_capture_on_commit_callbacks(execute=True):
        event = events.publish("unit.created", unit_path="/VN/")

    assert received == [("*", event.pk)]


def test_prune_deletes_only_events_older_than_the_kept_days(db, settings, monkeypatch):
    settings.BINHAN_OUTBOX_KEEP_DAYS = 7
    now = timezone.now()
    ages = {"old": timedelta(days=9), "just-too-old": timedelta(days=7, seconds=1),
            "exactly-seven-days": timedelta(days=7), "recent": timedelta(days=1), "new": timedelta(0)}
    for name, age in ages.items():
        event = events.publish(name)
        OutboxEvent.objects.filter(pk=event.pk).update(created_at=now - age)
    monkeypatch.setattr(timezone, "now", lambda: now)

    deleted = events.prune()
    kept = sorted(OutboxEvent.objects.values_list("name", flat=True))
    deleted_with_fewer_days = events.prune(older_than_days=1)

    assert deleted == 2
    assert kept == ["exactly-seven-days", "new", "recent"]
    assert deleted_with_fewer_days == 1
    assert sorted(OutboxEvent.objects.values_list("name", flat=True)) == ["new", "recent"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="NOTIFY exists on PostgreSQL only")
def test_notify_is_sent_only_when_the_transaction_commits(transactional_db):
    with psycopg.connect(**live._listen_params(), autocommit=True) as listening:
        listening.execute(f"LISTEN {events.PG_CHANNEL}")
        with contextlib.suppress(Boom), transaction.atomic():
            events.publish("household.created", unit_path="/VN/")
            raise Boom
        with transaction.atomic():
            committed = events.publish("household.created", unit_path="/VN/")
        # Notifications arrive in commit order: a NOTIFY of the rolled-back event would come first.
        notices = list(listening.notifies(timeout=5, stop_after=1))

    assert [notice.payload for notice in notices] == [str(committed.pk)]


@pytest.mark.skipif(not redis_reachable(REDIS_URL), reason=f"Redis is not reachable at {REDIS_URL}")
def test_the_event_id_is_published_to_redis_after_commit(db, settings, django_capture_on_commit_callbacks):
    import redis

    settings.REDIS_URL = REDIS_URL
    pubsub = redis.Redis.from_url(REDIS_URL).pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(events.REDIS_CHANNEL)
    pubsub.get_message(timeout=1)  # the subscription's confirmation
    try:
        with django_capture_on_commit_callbacks(execute=True):
            event = events.publish("household.created", unit_path="/VN/")
            before_commit = pubsub.get_message(timeout=0.2)
        message = pubsub.get_message(timeout=2)
    finally:
        pubsub.close()

    assert before_commit is None
    assert (message["channel"], message["data"]) == (events.REDIS_CHANNEL.encode(), str(event.pk).encode())


def test_an_unreachable_redis_loses_nothing(db, settings, received, django_capture_on_commit_callbacks, caplog):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there

    with django_capture_on_commit_callbacks(execute=True):
        event = events.publish("household.created", unit_path="/VN/")
    events._waker.stop()  # the message goes from the waker's thread: let it try

    assert rows() == [(event.pk, "household.created", "/VN/", {})]
    assert received == [("household.created", event.pk), ("*", event.pk)]
    assert f"Could not publish outbox event {event.pk} to Redis" in caplog.messages


@pytest.mark.skipif(connection.vendor != "postgresql", reason="NOTIFY exists on PostgreSQL only")
def test_stopping_the_notify_thread_sends_what_is_pending_first(transactional_db):
    # What runs at exit: a command that published must not leave before its NOTIFY.
    with psycopg.connect(**live._listen_params(), autocommit=True) as listening:
        listening.execute(f"LISTEN {events.PG_CHANNEL}")
        events._waker.wake(987654)
        events._waker.stop()
        notices = list(listening.notifies(timeout=5, stop_after=1))

    assert [notice.payload for notice in notices] == ["987654"]
