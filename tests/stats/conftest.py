"""Fixtures of the statistics tests: reports at fixed local times, and a helper that publishes their events."""

import datetime as dt

import pytest
from django.utils import timezone

from binhan.core import events
from binhan.reports.models import Status
from binhan.stats import engine
from tests.factories import make_report


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A moment on a local day."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone())


def report(unit, *, made: dt.datetime, category="theft", status=Status.NEW, ack_minutes=None, closed=None):
    fields = {"status": status}
    if ack_minutes is not None:
        fields["acknowledged_at"] = made + dt.timedelta(minutes=ack_minutes)
    if closed is not None:
        fields["closed_at"] = closed
    created = make_report(unit=unit, category_code=category, created_at=made, **fields)
    events.publish("report.created", unit_path=created.unit_path, report_id=created.pk)
    return created


def facts() -> dict:
    from binhan.stats.models import Fact

    return {(f.indicator, f.unit_path, f.grain, f.day, f.key): f.value for f in Fact.objects.exclude(value=0)}


@pytest.fixture
def follow():
    return engine.follow_all
