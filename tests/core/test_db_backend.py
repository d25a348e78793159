"""The PostgreSQL backend's health check: free on a quiet socket, a real check once the server hung up."""

import time

import pytest
from django.db import connection, connections

from binhan.core.db.postgresql.base import socket_is_quiet

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend")]


def _wait_until_loud(raw, seconds=5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not socket_is_quiet(raw):
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def wrapper():
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    wrapper.health_check_enabled = True  # connect() sets it from CONN_HEALTH_CHECKS, off in tests
    yield wrapper
    wrapper.close()


def _terminate(raw) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [raw.info.backend_pid])


def test_a_quiet_connection_is_kept_without_a_query(wrapper, monkeypatch):
    monkeypatch.setattr(wrapper, "is_usable", lambda: pytest.fail("SELECT 1 sent on a quiet connection"))
    wrapper.health_check_done = False
    wrapper.close_if_health_check_failed()
    assert (wrapper.connection is not None, wrapper.health_check_done) == (True, True)


def test_a_connection_the_server_ended_is_closed(wrapper):
    raw = wrapper.connection
    _terminate(raw)
    assert _wait_until_loud(raw)
    wrapper.health_check_done = False
    wrapper.close_if_health_check_failed()
    assert wrapper.connection is None
    wrapper.ensure_connection()  # the next query gets a fresh connection
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_closed_connection_is_never_quiet(wrapper):
    raw = wrapper.connection
    assert socket_is_quiet(raw)
    raw.close()
    assert socket_is_quiet(raw) is False


def _prepared(cursor) -> list[str]:
    cursor.execute("SELECT statement FROM pg_prepared_statements ORDER BY statement")
    return [row[0] for row in cursor.fetchall()]


def test_a_prepared_cursor_prepares_and_djangos_cursor_does_not(wrapper):
    with wrapper.prepared_cursor() as cursor:
        for number in range(3):
            cursor.execute("SELECT %s::int + 41", [number])
            assert cursor.fetchone() == (number + 41,)
    with wrapper.cursor() as cursor:
        for _ in range(6):  # past psycopg's threshold: a client-side cursor still never prepares
            cursor.execute("SELECT %s::int + 7", [1])
        assert _prepared(cursor) == ["SELECT $1::int + 41"]


def test_a_prepared_cursor_raises_djangos_errors_and_is_counted(wrapper):
    from django.db import IntegrityError
    from django.test.utils import CaptureQueriesContext

    from binhan.core.models import RateCounter

    insert = f'INSERT INTO "{RateCounter._meta.db_table}" ("key", "count", "expires_at") VALUES (%s, 1, 0)'  # noqa: S608
    with CaptureQueriesContext(wrapper) as queries, wrapper.prepared_cursor() as cursor:
        cursor.execute(insert, ["twice"])
        with pytest.raises(IntegrityError):
            cursor.execute(insert, ["twice"])
    assert len(queries) == 2
