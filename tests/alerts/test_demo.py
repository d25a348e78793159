"""The demo's alerts: a history with deliveries, reads, acknowledgements and replies, all in the province."""

import pytest
from django.core.management import call_command

from binhan.accounts.models import User
from binhan.alerts import selectors
from binhan.alerts.models import Acknowledgement, Alert, Delivery, Reply
from binhan.geo.models import Household

pytestmark = pytest.mark.django_db


def test_demo_history_of_alerts():
    call_command("demo", size="tiny", seed=7, verbosity=0)
    alerts = Alert.objects.all()
    assert alerts.count() == 2 * 4 + 1  # two communes with four each, one province-wide
    assert Delivery.objects.count() == sum(alerts.values_list("recipient_count", flat=True))
    assert Delivery.objects.filter(status="read").count() > 0
    assert Acknowledgement.objects.count() > 0
    assert Reply.objects.filter(is_staff=False).count() >= alerts.count()
    province_wide = alerts.get(unit__level="province")
    assert province_wide.recipient_count == Household.objects.count()
    resident = User.objects.get(username="demo-resident")
    assert selectors.unread_count(user=resident) >= 0
    assert all(a.texts.filter(language="vi").exists() for a in alerts)
