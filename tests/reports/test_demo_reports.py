"""The demo's reports: exact counts, inside the province, deterministic, with the seasons and hours they follow."""

import io
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from binhan.accounts.models import User
from binhan.accounts.roles import Role
from binhan.core.models import AuditEvent
from binhan.geo.models import AdministrativeUnit, Level
from binhan.reports import demo as reports_demo
from binhan.reports.models import OPEN_STATUSES, Priority, Report, Status, Update
from tests.demo_data import remove_demo_data
from tests.factories import make_report

pytestmark = pytest.mark.django_db

ANCHOR = datetime(2026, 6, 1, 5, 0)  # noqa: DTZ001 - the demo's "now": naive UTC, as the module keeps it
NOW = ANCHOR.replace(tzinfo=UTC)
RANK = [Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW]


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(reports_demo, "anchor", lambda: ANCHOR)


def demo(size: str = "tiny", seed: int = 1) -> None:
    call_command("demo", "--size", size, "--seed", str(seed), stdout=io.StringIO())


def snapshot() -> list[tuple]:
    return list(Report.objects.order_by("id").values_list(
        "category__code", "unit__code", "lat", "lon", "status", "priority", "created_at", "closed_at",
        "assigned_team", "duplicate_of__created_at", "description", "address", "reporter_name"))


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def test_tiny_demo_has_exactly_its_reports_inside_the_province():
    demo()
    province = AdministrativeUnit.objects.get(level=Level.PROVINCE)
    groups = {group.pk: group for group in AdministrativeUnit.objects.filter(level=Level.GROUP)}
    reports = list(Report.objects.all())
    assert len(reports) == 200
    assert all(report.unit_id in groups and report.unit_path == groups[report.unit_id].path
               and report.unit_path.startswith(province.path) for report in reports)
    # Each report lies near its group's centre (the spread is 0.004°; 0.03° is more than seven times that).
    assert all(abs(report.lat - groups[report.unit_id].centre_lat) < 0.03
               and abs(report.lon - groups[report.unit_id].centre_lon) < 0.03 for report in reports)
    assert all(NOW - timedelta(days=reports_demo.DAYS) <= report.created_at < NOW for report in reports)
    assert AuditEvent.objects.get(action="demo.generate").changes["reports"] == 200


def test_old_reports_are_closed_and_recent_ones_open():
    demo()
    old = Report.objects.filter(created_at__lt=NOW - timedelta(days=60))
    assert old.filter(status__in=[Status.NEW, Status.ACKNOWLEDGED]).count() == 0
    assert old.filter(status=Status.IN_PROGRESS).count() <= old.count() // 20
    recent = Report.objects.filter(created_at__gte=NOW - timedelta(days=2))
    assert recent.filter(status__in=OPEN_STATUSES).count() >= recent.count() * 3 // 4
    closed = Report.objects.exclude(status__in=OPEN_STATUSES)
    assert closed.filter(closed_at__isnull=True).count() == 0
    assert Report.objects.filter(status__in=OPEN_STATUSES, closed_at__isnull=False).count() == 0
    assert Report.objects.exclude(status=Status.NEW).filter(acknowledged_at__isnull=True).count() == 0


def test_priorities_come_from_the_category_and_targets_follow_them():
    demo()
    reports = list(Report.objects.select_related("category"))
    assert all(abs(RANK.index(r.priority) - RANK.index(r.category.default_priority)) <= 1 for r in reports)
    assert sum(r.priority == r.category.default_priority for r in reports) >= len(reports) * 8 // 10
    assert all(r.due_at == r.created_at + timedelta(minutes=r.category.target_for(r.priority)) for r in reports)


def test_duplicates_point_at_an_earlier_report_of_the_same_kind_and_place():
    demo("small")
    duplicates = list(Report.objects.filter(status=Status.DUPLICATE).select_related("duplicate_of"))
    assert len(duplicates) > 0
    assert all((d.duplicate_of.category_id, d.duplicate_of.unit_id) == (d.category_id, d.unit_id)
               and d.duplicate_of.created_at <= d.created_at and d.duplicate_of_id < d.pk for d in duplicates)
    assert Report.objects.filter(duplicate_of__isnull=False).exclude(status=Status.DUPLICATE).count() == 0


def test_ids_follow_the_time_of_report_and_new_reports_follow_the_demo():
    demo()
    times = list(Report.objects.order_by("id").values_list("created_at", flat=True))
    assert times == sorted(times)
    group = AdministrativeUnit.objects.filter(level=Level.GROUP).first()
    assert make_report(unit=group).pk == Report.objects.order_by("-id").values_list("id", flat=True)[1] + 1


def test_assigned_officers_work_in_the_reports_commune():
    demo("small")
    officers = {m.user_id: m.unit_path for m in
                User.objects.get(username="demo-commune-police").memberships.all()}
    officers |= {m.user_id: m.unit_path for m in
                 User.objects.get(username="demo-commune-police-2").memberships.all()}
    assigned = list(Report.objects.filter(assigned_to__isnull=False).values_list("assigned_to_id", "unit_path"))
    assert len(assigned) > 0
    assert all(path.startswith(officers[user]) for user, path in assigned)


def test_the_demo_resident_has_some_reports_of_their_own():
    demo("small")
    resident = User.objects.get(username="demo-resident")
    mine = Report.objects.filter(reporter=resident)
    assert mine.count() > 0
    assert mine.exclude(reporter_name="", reporter_phone="").count() == 0
    assert Report.objects.filter(is_anonymous=True).exclude(reporter_name="").count() == 0


def test_recent_reports_have_a_few_updates():
    demo("small")
    updates = list(Update.objects.select_related("report"))
    assert 0 < len(updates) <= reports_demo.MAX_UPDATES
    assert all(u.report.created_at >= NOW - timedelta(days=4) and u.report.status != Status.NEW for u in updates)


def test_same_seed_same_reports_other_seed_other_reports():
    demo(seed=5)
    first = snapshot()
    remove_demo_data()
    demo(seed=5)
    assert snapshot() == first
    remove_demo_data()
    demo(seed=6)
    assert snapshot() != first


def test_small_demo_shows_the_seasons_and_the_hours():
    demo("small")
    reports = [(code, local(created)) for code, created in
               Report.objects.values_list("category__code", "created_at")]
    thefts = Counter((when.year, when.month) for code, when in reports if code == "theft")
    # The weeks before Tết 2026 (17 February) against a July.
    assert thefts[(2026, 2)] > 1.5 * thefts[(2025, 7)]
    fires = Counter(when.month for code, when in reports if code == "fire")
    dry = sum(fires[month] for month in (12, 1, 2, 3)) / 4
    wet = sum(fires[month] for month in (6, 7, 8, 9)) / 4
    assert dry > 2 * wet
    accidents = [when for code, when in reports if code == "traffic-accident" and 18 <= when.hour <= 23]
    weekend_evenings = sum(when.weekday() >= 4 for when in accidents) / 3  # per evening of Friday to Sunday
    weekday_evenings = sum(when.weekday() < 4 for when in accidents) / 4
    assert weekend_evenings > 2 * weekday_evenings
    disputes = Counter(when.month for code, when in reports if code == "dispute-noise")
    assert max(disputes.values()) < 2 * min(disputes.values())  # spread through the year
    assert Report.objects.count() == 20_000


def test_the_demo_police_see_their_communes_reports_on_the_map():
    from binhan.reports import maps
    from binhan.reports.selectors import QueueFilters

    demo()
    police = User.objects.get(username="demo-commune-police")
    commune = police.memberships.get(role=Role.COMMUNE_POLICE).unit
    data = maps.report_clusters(viewer=police, filters=QueueFilters(), bbox=maps.BBox(106.0, 20.0, 109.0, 22.0),
                                zoom=8)
    assert data.total == Report.objects.filter(unit_path__startswith=commune.path).count()


def test_the_demo_loads_with_the_tally_counted_once_after_and_kept_after_that():
    from tests.reports.test_tally import counted_from_reports, tally_rows

    demo()
    assert tally_rows() == counted_from_reports()
    assert sum(row["total"] for key, row in tally_rows().items() if key[0] == 14) == 200
    make_report(unit=AdministrativeUnit.objects.filter(level=Level.GROUP).first(), lat=21.0, lon=107.0)
    assert tally_rows() == counted_from_reports()
