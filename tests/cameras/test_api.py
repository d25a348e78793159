"""API: scoped lists, stream details only for the police (audited), cameras near a point, requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from binhan.cameras import geometry
from binhan.core.models import AuditEvent
from tests.cameras.conftest import LAT, LON, make_camera, make_request


def test_camera_list_is_scoped_and_has_no_secrets(client, world, token_for):
    mine = make_camera(world.group_a, stream="rtsp://10.2.2.2/ch1", contact_email="x@example.org")
    make_camera(world.group_b)
    body = client.get("/api/v1/cameras", **token_for(world.police_a)).json()
    text = str(body)
    assert ([item["id"] for item in body["items"]], body["items"][0]["has_stream"]) == ([mine.pk], True)
    assert ("10.2.2.2" in text, "x@example.org" in text, "encrypted" in text) == (False, False, False)


def test_camera_list_queries(client, world, token_for, django_assert_num_queries):
    for number in range(30):
        make_camera(world.group_a, name=f"Camera {number}")
    headers = token_for(world.police_a)
    # token lookup, token touch, scope paths, count, page
    with django_assert_num_queries(5):
        body = client.get("/api/v1/cameras?page_size=10", **headers).json()
    assert (body["count"], len(body["items"])) == (30, 10)


def test_camera_list_filters(client, world, token_for):
    make_camera(world.group_a, name="A", status="faulty")
    make_camera(world.group_a, name="B")
    body = client.get("/api/v1/cameras?status=faulty", **token_for(world.police_a)).json()
    assert [item["name"] for item in body["items"]] == ["A"]


def test_bad_filter_is_422(client, world, token_for):
    response = client.get("/api/v1/cameras?status=burning", **token_for(world.police_a))
    assert (response.status_code, "detail" in response.json()) == (422, True)


def test_camera_of_another_commune_is_404(client, world, token_for):
    camera = make_camera(world.group_b)
    assert client.get(f"/api/v1/cameras/{camera.pk}", **token_for(world.police_a)).status_code == 404


@pytest.mark.parametrize(("name", "status"), [("police_a", 200), ("leader_a", 403), ("group_leader_a", 403),
                                              ("police_b", 404), ("resident_a", 404)])
def test_stream_reveal_matrix(client, world, token_for, name, status):
    camera = make_camera(world.group_a, stream="rtsp://10.2.2.2/ch1")
    response = client.post(f"/api/v1/cameras/{camera.pk}/stream", {"purpose": "Theo dõi"},
                           content_type="application/json", **token_for(getattr(world, name)))
    assert (response.status_code, AuditEvent.objects.filter(action="camera.reveal_stream").count()) == (
        status, 1 if status == 200 else 0)


def test_stream_reveal_returns_the_details(client, world, token_for):
    camera = make_camera(world.group_a, stream="rtsp://10.2.2.2/ch1")
    body = client.post(f"/api/v1/cameras/{camera.pk}/stream", {"purpose": "Theo dõi"},
                       content_type="application/json", **token_for(world.police_a)).json()
    assert body == {"url": "rtsp://10.2.2.2/ch1", "credentials": "viewer:secret"}


@pytest.mark.parametrize("payload", [{}, {"purpose": ""}, {"purpose": 5}])
def test_stream_reveal_without_purpose_is_422(client, world, token_for, payload):
    camera = make_camera(world.group_a, stream="rtsp://10.2.2.2/ch1")
    response = client.post(f"/api/v1/cameras/{camera.pk}/stream", payload, content_type="application/json",
                           **token_for(world.police_a))
    assert (response.status_code, AuditEvent.objects.filter(action="camera.reveal_stream").count()) == (422, 0)


def test_cameras_near_a_point(client, world, token_for):
    lat, lon = geometry.destination(LAT, LON, 270, 20)
    covering = make_camera(world.group_a, lat=lat, lon=lon, direction=90)
    far_lat, far_lon = geometry.destination(LAT, LON, 270, 120)
    make_camera(world.group_a, lat=far_lat, lon=far_lon, direction=270, name="Looking away, 120 m off")
    body = client.get(f"/api/v1/cameras/near?lat={LAT}&lon={LON}", **token_for(world.police_a)).json()
    assert [(item["camera"]["id"], item["coverage"], item["distance_m"]) for item in body] == [
        (covering.pk, "inside", 20)]


def test_cameras_near_is_for_the_police(client, world, token_for):
    response = client.get(f"/api/v1/cameras/near?lat={LAT}&lon={LON}", **token_for(world.group_leader_a))
    assert response.status_code == 403


def test_footage_requests_show_no_answer_for_ignored(client, world, token_for):
    camera = make_camera(world.group_a)
    make_request(camera, deadline=timezone.now() - timedelta(hours=1))
    make_request(camera, status="refused")
    make_request(make_camera(world.group_b))
    body = client.get("/api/v1/cameras/footage-requests", **token_for(world.police_a)).json()
    assert sorted(item["status"] for item in body["items"]) == ["no_answer", "refused"]


def test_openapi_lists_the_camera_paths(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/cameras", "/api/v1/cameras/{camera_id}", "/api/v1/cameras/{camera_id}/stream",
            "/api/v1/cameras/near", "/api/v1/cameras/footage-requests"} <= set(paths)


def test_camera_list_filters_by_what_it_covers(client, world, token_for):
    make_camera(world.group_a, name="Chợ", covers=["market", "street"])
    make_camera(world.group_a, name="Ngõ", covers=["alley"])
    body = client.get("/api/v1/cameras?covers=market", **token_for(world.police_a)).json()
    assert [item["name"] for item in body["items"]] == ["Chợ"]
