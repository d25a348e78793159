"""The deadline rule at its edges (local time), the 30-day limit and the document numbers."""

from datetime import UTC, date, datetime

import pytest
from django.test import override_settings

from binhan.core.exceptions import ServiceError
from binhan.residence import rules
from tests.residence.conftest import local


@pytest.mark.parametrize(("arrival", "deadline"), [
    (local(2026, 3, 10, 22, 59), local(2026, 3, 10, 23, 0)),
    (local(2026, 3, 10, 23, 0), local(2026, 3, 11, 8, 0)),
    (local(2026, 3, 10, 23, 1), local(2026, 3, 11, 8, 0)),
    (local(2026, 3, 10, 0, 30), local(2026, 3, 10, 23, 0)),
    (local(2026, 12, 31, 23, 30), local(2027, 1, 1, 8, 0)),  # across midnight and the year
])
def test_deadline_edges(arrival, deadline):
    assert rules.deadline_for(arrival) == deadline


@pytest.mark.parametrize(("arrival", "declared", "late"), [
    (local(2026, 3, 10, 22, 59), local(2026, 3, 10, 22, 59), False),
    (local(2026, 3, 10, 22, 59), local(2026, 3, 10, 23, 0), False),
    (local(2026, 3, 10, 22, 59), local(2026, 3, 10, 23, 1), True),
    (local(2026, 3, 10, 23, 1), local(2026, 3, 11, 7, 59), False),
    (local(2026, 3, 10, 23, 1), local(2026, 3, 11, 8, 1), True),
    (local(2026, 3, 10, 23, 0), local(2026, 3, 11, 8, 0), False),
])
def test_late_edges(arrival, declared, late):
    assert rules.is_late(arrival, declared) is late


def test_deadline_uses_local_time_whatever_the_zone_of_the_input():
    # 16:30 UTC is 23:30 in Hanoi: a late arrival, due by 08:00 Hanoi time the next day (01:00 UTC).
    arrival = datetime(2026, 3, 10, 16, 30, tzinfo=UTC)
    assert rules.deadline_for(arrival) == datetime(2026, 3, 11, 1, 0, tzinfo=UTC)
    # 15:59 UTC is 22:59 in Hanoi: due at 23:00 Hanoi, 16:00 UTC.
    assert rules.deadline_for(datetime(2026, 3, 10, 15, 59, tzinfo=UTC)) == datetime(2026, 3, 10, 16, 0, tzinfo=UTC)


@override_settings(TIME_ZONE="Europe/Paris")
def test_deadline_follows_the_configured_zone():
    arrival = datetime(2026, 3, 10, 22, 30, tzinfo=UTC)  # 23:30 in Paris
    assert rules.deadline_for(arrival) == datetime(2026, 3, 11, 7, 0, tzinfo=UTC)  # 08:00 Paris


@pytest.mark.parametrize(("departs_on", "ok"), [(date(2026, 4, 8), True), (date(2026, 4, 9), False)])
def test_thirty_days_or_more_is_refused(departs_on, ok):
    arrival = local(2026, 3, 10, 10, 0)  # 29 days to 8 April, 30 to 9 April
    if ok:
        rules.check_length(arrival, departs_on, recurring=False)
        return
    with pytest.raises(ServiceError, match="temporary residence") as refused:
        rules.check_length(arrival, departs_on, recurring=False)
    assert refused.value.field == "departs_on"


def test_a_recurring_close_relative_may_declare_a_long_period():
    rules.check_length(local(2026, 3, 10, 10, 0), date(2026, 9, 1), recurring=True)


@pytest.mark.parametrize(("kind", "number", "nationality", "result"), [
    ("citizen_id", "001203004567", "VN", ("001203004567", "VN")),
    ("citizen_id", "001 203 004 567", "vn", ("001203004567", "VN")),
    ("passport", "c1234567", "FR", ("C1234567", "FR")),
])
def test_documents_accepted(kind, number, nationality, result):
    assert rules.clean_document(kind, number, nationality) == result


@pytest.mark.parametrize(("kind", "number", "nationality", "field"), [
    ("citizen_id", "00120300456", "VN", "id_number"),  # 11 digits
    ("citizen_id", "0012030045678", "VN", "id_number"),  # 13 digits
    ("citizen_id", "00120300456A", "VN", "id_number"),
    ("citizen_id", "001203004567", "FR", "id_kind"),
    ("passport", "C12", "FR", "id_number"),
    ("passport", "C1234567", "France", "nationality"),
    ("driving_licence", "123456", "VN", "id_kind"),
])
def test_documents_refused(kind, number, nationality, field):
    with pytest.raises(ServiceError) as refused:
        rules.clean_document(kind, number, nationality)
    assert refused.value.field == field
