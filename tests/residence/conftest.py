"""Fixtures of the stay tests: a boarding house in group A with its manager, a guest's details."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from binhan.accounts.models import User
from binhan.accounts.roles import Role
from binhan.residence import rules
from binhan.residence.models import Lodging
from tests.factories import UserFactory, earlier_today, grant

ZONE = timezone.get_default_timezone()


def local(year, month, day, hour, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZONE)


def on_time_arrival() -> datetime:
    """An arrival up to an hour ago, on today's local date, whose notice made now is on time: never before
    midnight (it would be yesterday's), and from the deadline hour on (23:00, when the day's arrivals are due)
    never before that hour (its notice is due the next morning)."""
    now = timezone.localtime(timezone.now(), ZONE)
    arrival = earlier_today(1)
    cutoff = now.replace(hour=rules.deadline_hour(), minute=0, second=0, microsecond=0)
    return max(arrival, cutoff) if now >= cutoff else arrival


def guest(**fields) -> dict:
    values = {"full_name": "Lê Văn Khách", "id_kind": "citizen_id", "id_number": "001203004567",
              "nationality": "VN", "reason": "Công tác", "arrival_at": on_time_arrival(),
              "departs_on": timezone.localdate() + timedelta(days=3), "room": "101", "relation": "customer"}
    values.update(fields)
    return values


@dataclass
class Hosts:
    lodging: Lodging
    manager: User
    lodging_b: Lodging


@pytest.fixture
def hosts(world) -> Hosts:
    manager = UserFactory(username="manager-a")
    grant(manager, world.group_a, Role.RESIDENT)
    lodging = Lodging.objects.create(unit=world.group_a, unit_path=world.group_a.path, kind="boarding_house",
                                     name="Nhà trọ Hoa Sen", address="Số 5 ngõ 3", manager=manager)
    lodging_b = Lodging.objects.create(unit=world.group_b, unit_path=world.group_b.path, kind="hotel",
                                       name="Khách sạn Biển", address="Số 9 đường Biển")
    return Hosts(lodging=lodging, manager=manager, lodging_b=lodging_b)


class Clock:
    """Time travel: `django.utils.timezone.now` (and so localdate) answers the moment set."""

    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch

    def move_to(self, moment: datetime) -> None:
        self._monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def time_machine(monkeypatch) -> Clock:
    return Clock(monkeypatch)
