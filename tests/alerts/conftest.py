"""Alerts fixtures: residents linked to the world's households, and a helper to write and send alerts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from binhan.accounts.roles import Role
from binhan.alerts import delivery, services
from binhan.alerts.services import AlertInput
from tests.factories import HouseholdFactory, UserFactory, grant


@pytest.fixture
def people(world):
    """resident_a lives in household_a; a neighbour in the same group; resident_b in commune B."""
    world.resident_a.household = world.household_a
    world.resident_a.email = "resident-a@example.org"
    world.resident_a.phone = "0911000001"
    world.resident_a.save()
    neighbour_home = HouseholdFactory(unit=world.group_a, address="Số 3 phố An Sinh", head_phone="0911000999")
    neighbour = UserFactory(username="neighbour-a", household=neighbour_home, phone="0911000002",
                            email="neighbour@example.org")
    grant(neighbour, world.group_a, Role.RESIDENT)
    resident_b = UserFactory(username="resident-b", household=world.household_b, phone="0911000003")
    grant(resident_b, world.group_b, Role.RESIDENT)
    world.neighbour = neighbour
    world.neighbour_home = neighbour_home
    world.resident_b = resident_b
    return world


def make_input(targets, **overrides) -> AlertInput:
    now = timezone.now()
    values = {
        "texts": {"vi": {"title": "Cảnh báo trộm cắp", "body": "Nhiều vụ mất xe máy ban đêm. Khóa xe cẩn thận.",
                         "instruction": "Báo ngay cho công an phường."},
                  "en": {"title": "Theft warning", "body": "Several motorbikes stolen at night.", "instruction": ""}},
        "targets": list(targets), "starts_at": now - timedelta(minutes=1), "expires_at": now + timedelta(days=1),
        "severity": "severe", "urgency": "expected", "category": "crime",
    }
    values.update(overrides)
    return AlertInput(**values)


@pytest.fixture
def send_alert(django_capture_on_commit_callbacks):
    """send_alert(actor, targets, **overrides) -> a sent alert with its fan-out done."""

    def make(actor, targets, *, fan_out=True, **overrides):
        alert = services.alert_create(actor=actor, data=make_input(targets, **overrides))
        alert = services.alert_send(actor=actor, alert=alert)
        if fan_out:
            delivery.fan_out(alert.pk)
            alert.refresh_from_db()
        return alert

    return make
