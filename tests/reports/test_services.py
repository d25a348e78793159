import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.models import AuditEvent, OutboxEvent
from binhan.reports import selectors, services
from binhan.reports.models import Media, Report, Status, Update, parse_reference
from tests.factories import make_report
from tests.reports.conftest import jpeg_with_gps


def create(world, category, **fields):
    fields.setdefault("description", "Mất xe máy Honda trước cổng nhà số 5")
    fields.setdefault("group", world.group_a)
    fields.setdefault("anonymous", True)
    return services.report_create(category=category, **fields)


def test_anonymous_report_keeps_no_identity(placed, theft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = create(placed, theft, reporter_name="Lan", reporter_phone="0912", reporter=placed.resident_a)
    report = created.report
    assert (report.reporter, report.reporter_name, report.reporter_phone, report.is_anonymous) == (None, "", "", True)
    assert len(created.followup_code) >= 32
    assert report.followup_hash != created.followup_code
    assert selectors.report_for_followup(created.followup_code) == report
    event = AuditEvent.objects.get(action="report.create")
    assert (event.actor, event.ip) == (None, None)
    assert OutboxEvent.objects.get(name="report.created").payload == {
        "report_id": report.pk, "category": "theft", "priority": "high"}


def test_reference_is_unique_and_parsable(placed, theft):
    report = create(placed, theft).report
    assert report.reference == f"R-{report.created_at.year}-{report.pk:06d}"
    assert parse_reference(report.reference) == report.pk
    assert parse_reference("r-2026-000123") == 123
    assert parse_reference("X-1") is None


def test_named_without_account_needs_name_and_phone(placed, theft):
    with pytest.raises(ServiceError) as error:
        create(placed, theft, anonymous=False, reporter_name="Lan")
    assert error.value.field == "reporter_name"
    created = create(placed, theft, anonymous=False, reporter_name="Lan", reporter_phone="0912345678")
    assert created.followup_code is not None
    assert created.report.reporter_name == "Lan"


def test_signed_in_reporter_needs_no_code(placed, theft):
    created = create(placed, theft, anonymous=False, reporter=placed.resident_a)
    assert created.followup_code is None
    assert created.report.reporter == placed.resident_a
    assert list(selectors.reports_of(user=placed.resident_a)) == [created.report]


def test_without_boundaries_the_chosen_group_wins(placed, theft):
    report = create(placed, theft, group=placed.group_a, lat=21.049, lon=106.851).report
    assert report.unit == placed.group_a


def test_a_pin_alone_goes_to_the_nearest_group(placed, theft):
    report = create(placed, theft, group=None, lat=21.049, lon=106.851).report
    assert report.unit == placed.group_b


def test_boundary_wins(placed, theft):
    square = {"type": "Polygon", "coordinates": [[[107.0, 20.9], [107.1, 20.9], [107.1, 21.0], [107.0, 21.0],
                                                  [107.0, 20.9]]]}
    placed.group_a.boundary = square
    placed.group_a.save()
    report = create(placed, theft, group=None, lat=20.99, lon=107.09).report
    assert report.unit == placed.group_a


def test_location_is_required_one_way_or_another(world, theft):
    with pytest.raises(ServiceError) as error:
        create(world, theft, group=None)
    assert error.value.field == "location"
    with pytest.raises(ServiceError):
        create(world, theft, group=None, lat=95.0, lon=107.0)
    with pytest.raises(ServiceError):
        create(world, theft, group=None, lat=21.0, lon=None)
    assert Report.objects.count() == 0


def test_description_required_and_bounded(world, theft):
    with pytest.raises(ServiceError):
        create(world, theft, description="   ")
    with pytest.raises(ServiceError):
        create(world, theft, description="x" * 4001)
    assert Report.objects.count() == 0


def test_answers_are_checked(world, db):
    from binhan.reports.models import Category

    fire = Category.objects.get(code="fire")
    with pytest.raises(ServiceError) as error:
        create(world, fire, answers={})
    assert error.value.field == "q_burning"
    with pytest.raises(ServiceError):
        create(world, fire, answers={"burning": "maybe"})
    report = create(world, fire, answers={"burning": "yes"}).report
    assert (report.answers, report.priority) == ({"burning": "yes"}, "urgent")
    assert report.due_at == report.created_at + timedelta(minutes=10)


def test_photo_metadata_is_stripped(world, theft):
    report = create(world, theft, photos=[jpeg_with_gps()]).report
    stored = Media.objects.get(report=report)
    image = Image.open(stored.file.open("rb"))
    assert (stored.kind, stored.content_type, image.format) == ("photo", "image/jpeg", "JPEG")
    assert dict(image.getexif()) == {}


def test_executable_renamed_jpg_is_refused(world, theft):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    with pytest.raises(ServiceError) as error:
        create(world, theft, photos=[fake])
    assert error.value.field == "photos"
    assert (Report.objects.count(), Media.objects.count()) == (0, 0)


def test_decompression_bomb_is_refused(world, theft):
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, format="PNG")  # tiny file, 144 million pixels
    bomb = SimpleUploadedFile("bomb.png", out.getvalue(), content_type="image/png")
    with pytest.raises(ServiceError, match="too large"):
        create(world, theft, photos=[bomb])
    assert Report.objects.count() == 0


def test_at_most_five_photos(world, theft):
    with pytest.raises(ServiceError):
        create(world, theft, photos=[jpeg_with_gps() for _ in range(6)])


def test_video_checked_by_content(world, theft):
    mp4 = SimpleUploadedFile("v.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
    report = create(world, theft, video=mp4).report
    assert Media.objects.get(report=report).content_type == "video/mp4"
    with pytest.raises(ServiceError):
        create(world, theft, video=SimpleUploadedFile("v.mp4", b"<html>not a video</html>"))


class TestWorkflow:
    def test_acknowledge_then_resolve(self, world, theft, django_capture_on_commit_callbacks):
        report = make_report(unit=world.group_a)
        with django_capture_on_commit_callbacks(execute=True):
            services.report_acknowledge(report=report, actor=world.police_a, note="Đã tiếp nhận")
        report.refresh_from_db()
        assert (report.status, report.acknowledged_at is not None) == (Status.ACKNOWLEDGED, True)
        update = Update.objects.get(report=report)
        assert (update.kind, update.status_from, update.status_to, update.text) == (
            "status", "new", "acknowledged", "Đã tiếp nhận")
        services.report_transition(report=report, actor=world.police_a, to_status=Status.RESOLVED)
        report.refresh_from_db()
        assert report.status == Status.RESOLVED and report.closed_at is not None
        assert list(AuditEvent.objects.filter(object_id=str(report.pk)).values_list("action", flat=True)
                    .order_by("id")) == ["report.acknowledged", "report.resolved"]

    def test_invalid_transition(self, world):
        report = make_report(unit=world.group_a, status=Status.RESOLVED)
        with pytest.raises(ServiceError):
            services.report_transition(report=report, actor=world.police_a, to_status=Status.IN_PROGRESS)

    def test_reject_needs_reason_refer_needs_target(self, world):
        report = make_report(unit=world.group_a)
        with pytest.raises(ServiceError):
            services.report_transition(report=report, actor=world.police_a, to_status=Status.REJECTED)
        with pytest.raises(ServiceError):
            services.report_transition(report=report, actor=world.police_a, to_status=Status.REFERRED)
        services.report_transition(report=report, actor=world.police_a, to_status=Status.REFERRED,
                                   referred_to="Đội Cảnh sát PCCC")
        report.refresh_from_db()
        assert report.referred_to == "Đội Cảnh sát PCCC"

    def test_reopen(self, world):
        report = make_report(unit=world.group_a, status=Status.REJECTED)
        services.report_reopen(report=report, actor=world.police_a)
        report.refresh_from_db()
        assert report.status == Status.ACKNOWLEDGED

    def test_other_commune_cannot_handle(self, world):
        report = make_report(unit=world.group_a)
        for actor in (world.police_b, world.resident_a, world.auditor_a, world.group_leader_a):
            with pytest.raises(PermissionDeniedError):
                services.report_acknowledge(report=report, actor=actor)
        report.refresh_from_db()
        assert report.status == Status.NEW

    def test_merge(self, world):
        original = make_report(unit=world.group_a)
        duplicate = make_report(unit=world.group_a)
        services.report_merge(duplicate=duplicate, original=original, actor=world.police_a)
        duplicate.refresh_from_db()
        assert (duplicate.status, duplicate.duplicate_of) == (Status.DUPLICATE, original)
        with pytest.raises(ServiceError):
            services.report_merge(duplicate=original, original=original, actor=world.police_a)

    def test_assign_to_officer_of_the_area_only(self, world):
        report = make_report(unit=world.group_a)
        services.report_assign(report=report, actor=world.police_a, officer=world.leader_a, team="security")
        report.refresh_from_db()
        assert (report.assigned_to, report.assigned_team) == (world.leader_a, "security")
        with pytest.raises(ServiceError):
            services.report_assign(report=report, actor=world.police_a, officer=world.police_b)

    def test_priority_moves_the_target(self, world):
        report = make_report(unit=world.group_a)
        services.report_set_priority(report=report, actor=world.police_a, priority="urgent")
        report.refresh_from_db()
        assert report.due_at == report.created_at + timedelta(minutes=30)

    def test_move_is_audited_and_tells_both_areas(self, world):
        from tests.factories import UnitFactory

        other = UnitFactory(code="7090-002", name="Tổ 2", level="group", parent=world.commune_a)
        report = make_report(unit=world.group_a)
        services.report_move(report=report, actor=world.police_a, unit=other)
        report.refresh_from_db()
        assert report.unit_path == other.path
        assert AuditEvent.objects.get(action="report.move").changes == {
            "unit_path": [world.group_a.path, other.path]}
        with pytest.raises(PermissionDeniedError):
            services.report_move(report=report, actor=world.police_a, unit=world.group_b)

    def test_notes_internal_and_public(self, world):
        report = make_report(unit=world.group_a)
        services.report_add_update(report=report, actor=world.police_a, text="Nghi vấn đối tượng X", public=False)
        services.report_add_update(report=report, actor=world.police_a, text="Đã cử tổ tuần tra", public=True)
        public = selectors.report_updates(report=report, public_only=True)
        assert [u.text for u in public] == ["Đã cử tổ tuần tra"]
        assert OutboxEvent.objects.filter(name="report.internal_note").count() == 1

    def test_reporter_message_is_anonymous(self, world):
        report = make_report(unit=world.group_a, is_anonymous=True)
        services.reporter_message(report=report, text="Tôi thấy thêm một người")
        assert AuditEvent.objects.get(action="report.reporter_message").ip is None


def test_status_change_emails_the_reporter(world, mailoutbox, django_capture_on_commit_callbacks, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    report = make_report(unit=world.group_a, reporter_email="lan@example.vn", reporter_name="Lan")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_acknowledge(report=report, actor=world.police_a, note="Chúng tôi đang xử lý")
    assert len(mailoutbox) == 1
    assert report.reference in mailoutbox[0].subject
    assert "Chúng tôi đang xử lý" in mailoutbox[0].body


def test_urgent_overdue_reports_escalate_once(world):
    late = make_report(unit=world.group_a, category_code="fire",
                       created_at=timezone.now() - timedelta(hours=2))
    make_report(unit=world.group_a, category_code="lost-found", created_at=timezone.now() - timedelta(days=9))
    assert services.escalate_overdue() == 1
    assert services.escalate_overdue() == 0
    late.refresh_from_db()
    assert late.escalated_at is not None
    assert OutboxEvent.objects.get(name="report.escalated").payload["province_path"] == "/VN/22/"


def test_duplicate_candidates(placed, theft):
    now = timezone.now()
    near = make_report(unit=placed.group_a, lat=20.9501, lon=107.0501, description="Mất xe máy Honda màu đỏ")
    make_report(unit=placed.group_a, lat=20.99, lon=107.05, description="Mất xe máy")  # 4 km away
    make_report(unit=placed.group_a, lat=20.9501, lon=107.0501, created_at=now - timedelta(days=5))  # too old
    make_report(unit=placed.group_a, category_code="gambling", lat=20.9501, lon=107.0501)  # other category
    found = selectors.duplicate_candidates(category=theft, lat=20.95, lon=107.05, when=now,
                                           text="Mất xe máy Honda đỏ")
    assert [c.report for c in found] == [near]
    assert 10 < found[0].distance_m < 20
