import pytest
from django.urls import reverse

from binhan.core.models import AuditEvent
from binhan.reports.models import Media, Report, Status
from tests.factories import make_report
from tests.reports.conftest import jpeg_with_gps


def report_data(world, theft_category, **extra):
    data = {"category": theft_category.pk, "description": "Có người lạ cạy khóa xe", "group": world.group_a.pk,
            "anonymous": "on"}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


class TestIntake:
    def test_form_lists_categories_in_the_language(self, client, db):
        body = client.get(reverse("reports:new")).content.decode()
        assert body.count('name="category"') == 12
        assert "Domestic violence" in body

    def test_anonymous_report_shows_code_once(self, client, world, theft):
        response = client.post(reverse("reports:new"), report_data(world, theft, photos=jpeg_with_gps()))
        report = Report.objects.get()
        assert response["Location"] == reverse("reports:sent", args=[report.pk])
        page = client.get(response["Location"]).content.decode()
        assert report.reference in page
        code = page.split('data-followup-code>')[1].split("<")[0]
        assert len(code) >= 32
        assert client.get(reverse("reports:sent", args=[report.pk])).status_code == 404  # shown once only
        assert Media.objects.filter(report=report).count() == 1
        follow = client.get(reverse("reports:follow", args=[code])).content.decode()
        assert 'data-report-status="new"' in follow

    def test_bad_input_is_400_and_stores_nothing(self, client, world, theft):
        cases = [
            ({"description": ""}, "Please describe what happened."),
            ({"category": None}, "Choose what the report is about."),
            ({"description": "x" * 100_000}, "Please keep it under 4,000 characters."),
            ({"group": None}, "We could not tell where this happened."),
            ({"lat": "95", "lon": "107"}, "The location is not valid."),
            ({"anonymous": None}, "Give your name and phone number, or choose to report anonymously."),
        ]
        for overrides, message in cases:
            response = client.post(reverse("reports:new"), report_data(world, theft, **overrides))
            assert response.status_code == 400, overrides
            assert message in response.content.decode(), overrides
        assert Report.objects.count() == 0

    def test_bad_files_are_400(self, client, world, theft):
        import io

        from django.core.files.uploadedfile import SimpleUploadedFile
        from PIL import Image

        exe = SimpleUploadedFile("cat.jpg", b"MZ\x90\x00" + b"\x00" * 100, content_type="image/jpeg")
        response = client.post(reverse("reports:new"), report_data(world, theft, photos=exe))
        assert response.status_code == 400
        assert "This file is not a photo we can read." in response.content.decode()
        out = io.BytesIO()
        Image.new("1", (12000, 12000)).save(out, format="PNG")
        bomb = SimpleUploadedFile("bomb.png", out.getvalue(), content_type="image/png")
        response = client.post(reverse("reports:new"), report_data(world, theft, photos=bomb))
        assert response.status_code == 400
        assert "This image is too large to process." in response.content.decode()
        assert (Report.objects.count(), Media.objects.count()) == (0, 0)

    def test_script_is_escaped_everywhere(self, client, login, world, theft):
        payload = '<script>alert("x")</script>'
        client.post(reverse("reports:new"), report_data(world, theft, description=payload))
        report = Report.objects.get()
        login(world.police_a)
        body = client.get(reverse("reports:manage", args=[report.pk])).content.decode()
        assert payload not in body
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body

    def test_flood_is_rate_limited(self, client, world, theft):
        statuses = [client.post(reverse("reports:new"), report_data(world, theft)).status_code for _ in range(11)]
        assert statuses[-1] == 429
        assert Report.objects.count() == 10

    def test_signed_in_resident_follows_own_report(self, client, login, world, theft):
        login(world.resident_a)
        client.post(reverse("reports:new"), report_data(world, theft, anonymous=None))
        report = Report.objects.get()
        assert report.reporter == world.resident_a
        page = client.get(reverse("reports:my_report", args=[report.pk]))
        assert report.reference in page.content.decode()
        login(world.outsider)
        assert client.get(reverse("reports:my_report", args=[report.pk])).status_code == 404

    def test_questions_fragment(self, client, db):
        from binhan.reports.models import Category

        fire = Category.objects.get(code="fire")
        body = client.get(reverse("reports:questions"), {"category": fire.pk}).content.decode()
        assert 'name="q_burning"' in body
        assert client.get(reverse("reports:questions"), {"category": "x"}).status_code == 200


class TestFollowUp:
    def test_unknown_code_is_404(self, client, db):
        assert client.get(reverse("reports:follow", args=["nope"])).status_code == 404

    def test_reporter_sees_public_updates_only_and_can_write(self, client, world):
        from binhan.reports import services

        report = make_report(unit=world.group_a, is_anonymous=True)
        code, report.followup_hash = report.new_followup_code()
        report.save()
        services.report_add_update(report=report, actor=world.police_a, text="SECRET internal", public=False)
        services.report_add_update(report=report, actor=world.police_a, text="Đã cử người đến", public=True)
        body = client.get(reverse("reports:follow", args=[code])).content.decode()
        assert "Đã cử người đến" in body and "SECRET internal" not in body
        response = client.post(reverse("reports:follow", args=[code]), {"text": "Cảm ơn"})
        assert response.status_code == 302
        assert report.updates.filter(kind="reporter", text="Cảm ơn").count() == 1


class TestQueue:
    def test_queue_is_scoped_with_counts(self, client, login, world):
        make_report(unit=world.group_a, description="A1")
        make_report(unit=world.group_a, description="A2", status=Status.RESOLVED)
        make_report(unit=world.group_b, description="B1")
        login(world.police_a)
        body = client.get(reverse("reports:queue")).content.decode()
        assert body.count("data-report-id=") == 1
        assert '<strong data-count="new">1</strong>' in body
        assert '<strong data-count="resolved">1</strong>' in body
        assert 'sse-connect="/live/?topics=report"' in body

    def test_filters(self, client, login, world):
        make_report(unit=world.group_a, category_code="fire")
        make_report(unit=world.group_a, category_code="theft")
        login(world.police_a)
        body = client.get(reverse("reports:queue"), {"priority": "urgent", "status": "new"}).content.decode()
        assert body.count("data-report-id=") == 1
        assert client.get(reverse("reports:queue"), {"status": "bogus"}).status_code == 400
        assert client.get(reverse("reports:queue"), {"unit": "nope"}).status_code == 400

    def test_queue_query_count_is_pinned(self, client, login, world, django_assert_max_num_queries):
        for _ in range(15):
            make_report(unit=world.group_a)
        login(world.police_a)
        client.get(reverse("reports:queue"))
        with django_assert_max_num_queries(12):
            response = client.get(reverse("reports:queue"))
        assert response.content.decode().count("data-report-id=") == 15

    @pytest.mark.parametrize("name", ["resident_a", "auditor_a", "group_leader_a"])
    def test_queue_refused_to_non_handlers(self, client, login, world, name):
        login(getattr(world, name))
        assert client.get(reverse("reports:queue")).status_code == 403


class TestManage:
    def test_other_commune_gets_404_and_is_audited(self, client, login, world):
        report = make_report(unit=world.group_a)
        login(world.police_b)
        assert client.get(reverse("reports:manage", args=[report.pk])).status_code == 404
        response = client.post(reverse("reports:manage_action", args=[report.pk, "transition"]),
                               {"to_status": "acknowledged"})
        assert response.status_code == 404
        report.refresh_from_db()
        assert report.status == Status.NEW
        assert AuditEvent.objects.filter(action="access.denied", actor=world.police_b).count() == 2

    def test_acknowledge_from_the_page(self, client, login, world):
        report = make_report(unit=world.group_a)
        login(world.police_a)
        response = client.post(reverse("reports:manage_action", args=[report.pk, "transition"]),
                               {"to_status": "acknowledged", "note": "Đã nhận"})
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.status == Status.ACKNOWLEDGED

    def test_bad_actions_are_400(self, client, login, world):
        report = make_report(unit=world.group_a)
        login(world.police_a)
        url = reverse("reports:manage_action", args=[report.pk, "transition"])
        assert client.post(url, {"to_status": "rejected"}).status_code == 400
        assert "Say why the report is rejected" in client.post(url, {"to_status": "rejected"}).content.decode()
        assert client.post(reverse("reports:manage_action", args=[report.pk, "merge"]),
                           {"original": "R-2026-999999"}).status_code == 400
        assert client.post(reverse("reports:manage_action", args=[report.pk, "move"]),
                           {"unit": world.group_b.code}).status_code == 403
        assert client.post(reverse("reports:manage_action", args=[report.pk, "nonsense"])).status_code == 404
        report.refresh_from_db()
        assert (report.status, report.unit) == (Status.NEW, world.group_a)

    def test_merge_from_the_page(self, client, login, world):
        original = make_report(unit=world.group_a)
        duplicate = make_report(unit=world.group_a)
        login(world.police_a)
        client.post(reverse("reports:manage_action", args=[duplicate.pk, "merge"]), {"original": original.reference})
        duplicate.refresh_from_db()
        assert duplicate.duplicate_of == original

    def test_media_only_for_the_area_and_the_reporter(self, client, login, world, theft):
        from binhan.reports import services

        created = services.report_create(category=theft, description="x", group=world.group_a, anonymous=True,
                                         photos=[jpeg_with_gps()])
        media = created.report.media.get()
        url = reverse("reports:media", args=[created.report.pk, media.pk])
        assert client.get(url).status_code == 404
        assert client.get(url, {"code": created.followup_code}).status_code == 200
        login(world.police_b)
        assert client.get(url).status_code == 404
        login(world.police_a)
        response = client.get(url)
        assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")


def test_reporter_details_need_a_reason(client, login, world):
    report = make_report(unit=world.group_a, reporter_name="Trần Văn Bình", reporter_phone="0987000111")
    login(world.police_a)
    page = client.get(reverse("reports:manage", args=[report.pk])).content.decode()
    assert "0987000111" not in page
    url = reverse("reports:manage_action", args=[report.pk, "reveal"])
    assert client.post(url, {"purpose": ""}).status_code == 400
    shown = client.post(url, {"purpose": "Call back the witness"}).content.decode()
    assert "0987000111" in shown
    assert AuditEvent.objects.get(action="report.read_reporter").purpose == "Call back the witness"


def test_anonymous_reporter_cannot_be_revealed(client, login, world):
    report = make_report(unit=world.group_a, is_anonymous=True)
    login(world.police_a)
    response = client.post(reverse("reports:manage_action", args=[report.pk, "reveal"]), {"purpose": "x"})
    assert response.status_code == 400
    assert "This report is anonymous" in response.content.decode()


def test_other_domains_panels_show_on_the_report_page(client, login, world):
    from django.template import Template

    from binhan.reports import panels

    report = make_report(unit=world.group_a)
    template = Template('<p id="test-panel">{{ panel.note }} · {{ panel.report.reference }}</p>')
    panels.register("test-shown", template=template, context=lambda request, r: {"note": f"seen by {request.user.pk}"})
    panels.register("test-hidden", template=template, context=lambda request, r: None)
    try:
        login(world.police_a)
        page = client.get(reverse("reports:manage", args=[report.pk])).content.decode()
    finally:
        panels._panels.pop("test-shown")
        panels._panels.pop("test-hidden")
    assert page.count('id="test-panel"') == 1
    assert f"seen by {world.police_a.pk} · {report.reference}" in page
