"""Who follows the outbox: under `binhan serve` with its worker, one thread of the worker process."""

import time

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone

from binhan.core import tasks
from binhan.reports.defaults import install_default_categories
from binhan.reports.models import Category
from binhan.stats import follower
from binhan.stats.models import Fact
from tests.stats.conftest import report


def _received(unit) -> int | None:
    """The unit's count, or None while the follower holds a table (the tests' in-memory SQLite shares one cache
    between threads, where a reader meets a writer's table lock at once instead of waiting)."""
    try:
        return sum(Fact.objects.filter(indicator="reports.received", unit_path=unit.path, grain=Fact.DAY)
                   .values_list("value", flat=True))
    except OperationalError:
        return None


@pytest.mark.django_db(transaction=True)
@override_settings(BINHAN_STATS_FOLLOW="worker")
def test_the_worker_thread_brings_a_new_report_into_the_figures(world):
    assert follower.start_in_worker in tasks.WORKER_THREADS  # `binhan worker` starts it
    install_default_categories(Category)  # an earlier transactional test may have flushed the migration's rows
    # Made before the thread starts, for the same reason: only the follower writes while it runs.
    report(world.group_a, made=timezone.now())
    report(world.group_b, made=timezone.now())
    thread = follower.start_in_worker()
    try:
        deadline = time.monotonic() + 10
        while (_received(world.commune_a), _received(world.province)) != (1, 2) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        follower.stop_polling()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert (_received(world.commune_a), _received(world.province)) == (1, 2)


@override_settings(BINHAN_STATS_FOLLOW="thread")
def test_no_poller_unless_the_worker_mode_is_chosen():
    assert follower.start_in_worker() is None
