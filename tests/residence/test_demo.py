"""The demo steps of stays and handovers: lodgings, kept stays within retention, counts, handovers, stock."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from binhan.accounts.models import User
from binhan.geo.models import AdministrativeUnit, Level
from binhan.handovers import selectors as handover_selectors
from binhan.handovers.models import Handover, Item
from binhan.residence import rules, tasks
from binhan.residence.models import Lodging, Stay, StayCount, StayDayCount
from binhan.stats import selectors
from binhan.stats.periods import Period
from tests.demo_data import remove_handovers_data, remove_residence_data

pytestmark = pytest.mark.django_db


def test_demo_stays_and_handovers():
    """One tiny demo (they are slow): stays, then handovers, then their removal."""
    call_command("demo", "--size", "tiny", "--seed", "5", stdout=io.StringIO())
    _stays_are_within_the_law_and_retention()
    _handovers_and_their_stock()
    _demo_data_can_be_removed()


def _stays_are_within_the_law_and_retention():
    assert Lodging.objects.count() >= 2
    assert Lodging.objects.filter(manager__username="demo-resident").count() == 1
    stays = Stay.objects.all()
    assert stays.count() > 100
    cutoff = tasks.months_before(timezone.localdate(), tasks.retention_months())
    assert not stays.filter(departs_on__lt=cutoff).exists()
    for stay in stays[:300]:
        assert stay.deadline_at == rules.deadline_for(stay.arrival_at)
        assert stay.is_late == rules.is_late(stay.arrival_at, stay.declared_at)
        assert (stay.departs_on - rules.arrival_day(stay.arrival_at)).days < 30
    assert stays.filter(is_late=True).exists() and stays.exclude(nationality="VN").exists()
    counted = StayCount.objects.aggregate(total=Sum("total"))["total"]
    assert counted > stays.count()  # two years counted, one kept
    daily = StayDayCount.objects.aggregate(total=Sum("total"), late=Sum("late"), foreigners=Sum("foreigners"))
    assert daily == StayCount.objects.aggregate(total=Sum("total"), late=Sum("late"), foreigners=Sum("foreigners"))
    # The stats step (the demo's last) rebuilt the facts from the daily counts: every guest counted is in them.
    everything = Period("range", date(2000, 1, 1), date(2100, 1, 1))
    assert selectors.figures(unit=AdministrativeUnit.objects.get(level=Level.NATION), codes=["residence.stays"],
                             period=everything)[0].value == counted
    assert tasks.delete_expired_stays() == 0


def _handovers_and_their_stock():
    assert Handover.objects.count() >= 5
    leader = User.objects.get(username="demo-province-leader")
    for row in handover_selectors.stock(viewer=leader):
        assert row.at_commune + row.at_province_store + row.destroyed == row.received
        assert min(row.at_commune, row.at_province_store, row.destroyed) >= 0
    assert Item.objects.filter(category="grenade").exists()


def _demo_data_can_be_removed():
    remove_handovers_data()
    remove_residence_data()
    assert (Lodging.objects.count(), Stay.objects.count(), StayDayCount.objects.count(), Handover.objects.count()) == (
        0, 0, 0, 0)
