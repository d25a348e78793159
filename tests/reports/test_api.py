import pytest

from binhan.reports.models import Report, Status
from tests.factories import make_report


def test_list_is_scoped_and_has_no_personal_data(client, world, token_for, django_assert_num_queries):
    make_report(unit=world.group_a, reporter_name="Nguyễn Thị Lan", reporter_phone="0912000111")
    make_report(unit=world.group_b)
    headers = token_for(world.police_a)
    body = client.get("/api/v1/reports", **headers).json()
    assert body["count"] == 1
    assert "Nguyễn Thị Lan" not in str(body) and "0912000111" not in str(body)
    assert body["items"][0]["category"] == "theft"


def test_filters(client, world, token_for):
    make_report(unit=world.group_a, category_code="fire")
    make_report(unit=world.group_a, category_code="theft", status=Status.RESOLVED)
    headers = token_for(world.province_leader)
    assert client.get("/api/v1/reports?category=fire", **headers).json()["count"] == 1
    assert client.get("/api/v1/reports?status=resolved", **headers).json()["count"] == 1
    assert client.get("/api/v1/reports?category=unknown", **headers).json()["count"] == 0
    assert client.get("/api/v1/reports?status=bogus", **headers).status_code == 422


def test_detail_of_other_commune_is_404(client, world, token_for):
    report = make_report(unit=world.group_b)
    assert client.get(f"/api/v1/reports/{report.pk}", **token_for(world.police_a)).status_code == 404


@pytest.mark.parametrize(("payload", "status", "expected"), [
    ({"to_status": "acknowledged"}, 200, Status.ACKNOWLEDGED),
    ({"to_status": "rejected"}, 400, Status.NEW),
    ({"to_status": "new"}, 400, Status.NEW),
    ({"to_status": "nonsense"}, 422, Status.NEW),
])
def test_status_change(client, world, token_for, payload, status, expected):
    report = make_report(unit=world.group_a)
    response = client.post(f"/api/v1/reports/{report.pk}/status", payload, content_type="application/json",
                           **token_for(world.police_a))
    assert response.status_code == status
    assert Report.objects.get(pk=report.pk).status == expected


def test_reopen_through_the_api(client, world, token_for):
    report = make_report(unit=world.group_a, status=Status.RESOLVED)
    response = client.post(f"/api/v1/reports/{report.pk}/status", {"to_status": "acknowledged"},
                           content_type="application/json", **token_for(world.police_a))
    assert (response.status_code, response.json()["status"]) == (200, "acknowledged")


def test_residents_get_nothing(client, world, token_for):
    make_report(unit=world.group_a)
    assert client.get("/api/v1/reports", **token_for(world.resident_a)).json() == {"items": [], "count": 0}
