"""Pages and API: the permission matrix, composing through the form, bad input, query counts, OpenAPI."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from binhan.alerts import services
from binhan.alerts.models import Alert, Status
from binhan.core.models import AuditEvent


@pytest.mark.parametrize(("name", "status"), [
    ("resident_a", 403), ("auditor_a", 403), ("police_b", 404), ("police_a", 200), ("province_leader", 200),
])
def test_detail_page_permissions(client, login, world, send_alert, name, status):
    alert = send_alert(world.police_a, [world.group_a])
    login(getattr(world, name))
    assert client.get(reverse("alerts:detail", args=[alert.pk])).status_code == status


def test_out_of_reach_detail_is_audited(client, login, world, send_alert):
    alert = send_alert(world.police_a, [world.group_a])
    login(world.police_b)
    client.get(reverse("alerts:detail", args=[alert.pk]))
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(alert.pk)).count() == 1


def test_pages_need_sign_in(client, world):
    for name in ("alerts:list", "alerts:new", "alerts:inbox", "alerts:subscription"):
        assert client.get(reverse(name)).status_code == 302


def test_list_page_queries(client, login, world, send_alert, django_assert_max_num_queries):
    for _ in range(5):
        send_alert(world.police_a, [world.group_a], fan_out=False)
    login(world.police_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("alerts:list"))
    assert response.content.decode().count('href="/alerts/') >= 5


def form_data(world, **overrides):
    now = timezone.localtime()
    data = {"title_vi": "Cháy chợ", "body_vi": "Tránh khu vực chợ.", "severity": "severe", "urgency": "immediate",
            "category": "fire", "targets": [world.group_a.pk], "audience": "households",
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "expires_at": (now + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"), "is_public": "on", "send": "1"}
    data.update(overrides)
    return data


def test_compose_and_send_through_the_page(client, login, world):
    login(world.police_a)
    response = client.post(reverse("alerts:new"), form_data(world))
    alert = Alert.objects.get()
    assert (response.status_code, response["Location"], alert.status) == (
        302, reverse("alerts:detail", args=[alert.pk]), Status.SENT)


@pytest.mark.parametrize(("overrides", "text"), [
    ({"body_vi": ""}, "This field is required."),
    ({"title_vi": "<script>alert(1)</script>"}, "Write plain text only"),
    ({"targets": []}, "This field is required."),
    ({"expires_at": "2020-01-01T00:00"}, "The alert must expire after it starts."),
    ({"polygon": "21,107\nnot a point"}, "Write one point per line as latitude,longitude."),
])
def test_compose_bad_input_is_400(client, login, world, overrides, text):
    login(world.police_a)
    response = client.post(reverse("alerts:new"), form_data(world, **overrides))
    assert (response.status_code, text in response.content.decode(), Alert.objects.count()) == (400, True, 0)


def test_compose_cannot_target_another_commune(client, login, world):
    login(world.police_a)
    response = client.post(reverse("alerts:new"), form_data(world, targets=[world.group_b.pk]))
    assert (response.status_code, Alert.objects.count()) == (400, 0)


def test_tally_fragment(client, login, world, send_alert):
    alert = send_alert(world.police_a, [world.group_a])
    login(world.police_a)
    body = client.get(reverse("alerts:tally", args=[alert.pk])).content.decode()
    assert 'data-figure="delivered">1<' in body


# -- API ----------------------------------------------------------------------------------------

def api_payload(world, **overrides):
    now = timezone.now()
    payload = {"texts": {"vi": {"title": "Mưa lớn", "body": "Đề phòng ngập úng."}},
               "target_unit_ids": [world.group_a.pk], "starts_at": now.isoformat(),
               "expires_at": (now + timedelta(hours=6)).isoformat(), "severity": "moderate",
               "category": "weather", "send": True}
    payload.update(overrides)
    return payload


def test_api_create_list_detail_tally(client, world, token_for):
    headers = token_for(world.police_a)
    created = client.post("/api/v1/alerts", api_payload(world), content_type="application/json", **headers)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["target_unit_ids"], body["texts"][0]["language"]) == ("sent", [world.group_a.pk],
                                                                                      "vi")
    listed = client.get("/api/v1/alerts", **headers).json()
    assert (listed["count"], listed["items"][0]["id"]) == (1, body["id"])
    assert client.get(f"/api/v1/alerts/{body['id']}", **token_for(world.police_b)).status_code == 404
    assert client.get(f"/api/v1/alerts/{body['id']}/tally", **headers).json()["whole"] is True


def test_api_acknowledgements_and_replies_are_scoped_and_anonymous(client, people, send_alert, token_for):
    alert = send_alert(people.province_leader, [people.commune_a, people.commune_b])
    services.alert_acknowledge(user=people.resident_a, alert=alert)
    services.alert_acknowledge(user=people.resident_b, alert=alert)
    services.reply_create(user=people.resident_b, alert=alert, body="Ổn")
    headers = token_for(people.police_a)
    acks = client.get(f"/api/v1/alerts/{alert.pk}/acknowledgements", **headers).json()
    assert (acks["count"], set(acks["items"][0])) == (1, {"id", "unit_id", "created_at"})
    assert client.get(f"/api/v1/alerts/{alert.pk}/replies", **headers).json()["count"] == 0
    replies = client.get(f"/api/v1/alerts/{alert.pk}/replies", **token_for(people.police_b)).json()
    assert (replies["count"], "author" in replies["items"][0]) == (1, False)


def test_api_list_queries(client, world, send_alert, token_for, django_assert_num_queries):
    for _ in range(12):
        send_alert(world.police_a, [world.group_a], fan_out=False)
    headers = token_for(world.police_a)
    # token lookup, token touch, is_staff roles, scope paths, count, page, texts, targets
    with django_assert_num_queries(8):
        body = client.get("/api/v1/alerts?page_size=10", **headers).json()
    assert (body["count"], len(body["items"])) == (12, 10)


@pytest.mark.parametrize(("overrides", "status"), [
    ({"texts": {"vi": {"title": "", "body": "x"}}}, 400),
    ({"texts": {"vi": {"title": "A", "body": ""}}}, 400),
    ({"texts": {"vi": {"title": "A", "body": "<script>x</script>"}}}, 400),
    ({"expires_at": "2020-01-01T00:00:00+07:00"}, 400),
    ({"target_unit_ids": []}, 422),
    ({"target_unit_ids": [999999]}, 403),
    ({"severity": "huge"}, 422),
    ({"circle": {"lat": 100, "lon": 1, "radius_km": 1}}, 422),
    ({"starts_at": "yesterday"}, 422),
])
def test_api_bad_input_table(client, world, token_for, overrides, status):
    response = client.post("/api/v1/alerts", api_payload(world, **overrides), content_type="application/json",
                           **token_for(world.police_a))
    assert (response.status_code, "detail" in response.json(), Alert.objects.count()) == (status, True, 0)


def test_api_area_outside_ones_units_is_403(client, world, token_for):
    response = client.post("/api/v1/alerts", api_payload(world, target_unit_ids=[world.group_b.pk]),
                           content_type="application/json", **token_for(world.police_a))
    assert (response.status_code, Alert.objects.count()) == (403, 0)


def test_api_residents_are_refused(client, world, token_for):
    assert client.get("/api/v1/alerts", **token_for(world.resident_a)).status_code == 403


def test_openapi_lists_the_alert_endpoints(client):
    document = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/alerts", "/api/v1/alerts/{alert_id}", "/api/v1/alerts/{alert_id}/acknowledgements",
            "/api/v1/alerts/{alert_id}/replies"} <= set(document["paths"])
