"""The periodic reminders: in-app rows once, then one message per team leader and household on the alert
channels each person chose (here email)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from binhan.alerts.models import Subscription
from binhan.firesafety.models import Reminder
from binhan.firesafety.tasks import fire_safety_reminders
from tests.firesafety.conftest import make_item

pytestmark = pytest.mark.django_db


def test_leader_and_household_are_told_once_by_email(world, fire):
    fire.fire_leader.email, fire.fire_leader.preferred_language = "leader@example.org", "en"
    fire.fire_leader.save()
    world.resident_a.household = world.household_a
    world.resident_a.email = "resident@example.org"  # no language chosen: the site's, Vietnamese
    world.resident_a.save()
    Subscription.objects.create(user=fire.fire_leader, email=True)
    Subscription.objects.create(user=world.resident_a, email=True)
    old = timezone.localdate() - timedelta(days=400)
    make_item("powder-extinguisher", household=world.household_a, last_checked_on=old)
    make_item("crowbar", household=fire.households[1], last_checked_on=old)
    assert fire_safety_reminders.call() == 2
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("leader@example.org", "[Fire safety] Fire safety: equipment falls due"),
        ("resident@example.org", "[Phòng cháy, chữa cháy] PCCC: thiết bị sắp đến hạn")]
    assert "2 items of your team fall due or are overdue." in next(
        m.body for m in mail.outbox if m.to == ["leader@example.org"])
    assert (fire_safety_reminders.call(), len(mail.outbox), Reminder.objects.count()) == (0, 2, 2)


def test_nobody_subscribed_means_in_app_only(world, fire):
    make_item("alarm-bell", household=world.household_a, last_checked_on=timezone.localdate() - timedelta(days=200))
    assert (fire_safety_reminders.call(), len(mail.outbox)) == (1, 0)
