"""The API: lodgings' software declares with a key; the police list the book without names."""

from datetime import timedelta

import pytest
from django.utils import timezone

from binhan.residence.models import Stay
from binhan.residence.services import stays as services
from tests.residence.conftest import guest, on_time_arrival

pytestmark = pytest.mark.django_db


def _guest_json(**fields):
    values = {"full_name": "Lê Văn Khách", "id_kind": "citizen_id", "id_number": "001203004567",
              "nationality": "VN", "reason": "Du lịch",
              "arrival_at": on_time_arrival().isoformat(),
              "departs_on": (timezone.localdate() + timedelta(days=2)).isoformat(), "room": "7"}
    values.update(fields)
    return values


def test_lodging_software_declares_with_a_key(client, world, hosts, token_for):
    response = client.post("/api/v1/stays", {"lodging_id": hosts.lodging.pk, "guests": [_guest_json(), _guest_json(
        full_name="Anna Berg", id_kind="passport", id_number="P9876543", nationality="SE")]},
        content_type="application/json", **token_for(hosts.manager))
    body = response.json()
    assert (response.status_code, len(body["stays"]), body["stays"][1]["is_late"]) == (201, 2, False)
    assert "full_name" not in body["stays"][0]
    assert Stay.objects.get(pk=body["stays"][0]["id"]).declaration.channel == "api"


@pytest.mark.parametrize(("payload", "status"), [
    ({"guests": []}, 422),
    ({"guests": [{"full_name": "A"}]}, 422),
    ({"guests": [_guest_json(id_kind="licence")]}, 422),
    ({"guests": [_guest_json(arrival_at="tomorrow")]}, 422),
    ({"guests": [_guest_json(id_number="123")]}, 400),
    ({"guests": [_guest_json(departs_on=(timezone.localdate() + timedelta(days=40)).isoformat())]}, 400),
])
def test_bad_declarations_store_nothing(client, world, hosts, token_for, payload, status):
    response = client.post("/api/v1/stays", {"lodging_id": hosts.lodging.pk, **payload},
                           content_type="application/json", **token_for(hosts.manager))
    assert (response.status_code, "detail" in response.json(), Stay.objects.count()) == (status, True, 0)


def test_malformed_json_is_4xx(client, world, hosts, token_for):
    response = client.post("/api/v1/stays", "{not json", content_type="application/json", **token_for(hosts.manager))
    assert (response.status_code // 100, Stay.objects.count()) == (4, 0)


@pytest.mark.parametrize(("name", "status"), [("police_b", 404), ("resident_a", 404), ("group_leader_a", 404)])
def test_others_cannot_declare_for_the_lodging(client, world, hosts, token_for, name, status):
    response = client.post("/api/v1/stays", {"lodging_id": hosts.lodging.pk, "guests": [_guest_json()]},
                           content_type="application/json", **token_for(getattr(world, name)))
    assert (response.status_code, Stay.objects.count()) == (status, 0)


def test_book_api_for_police_only_without_names(client, world, hosts, token_for, django_assert_num_queries):
    services.stays_declare(actor=hosts.manager, lodging=hosts.lodging, guests=[guest() for _ in range(12)])
    headers = token_for(world.police_a)
    client.get("/api/v1/stays?page_size=5", **headers)
    # token lookup, token touch, scope paths (police check, then cached for the door), count, page
    with django_assert_num_queries(5):
        body = client.get("/api/v1/stays?page_size=5", **headers).json()
    assert (body["count"], len(body["items"]), "full_name" in body["items"][0]) == (12, 5, False)
    assert client.get("/api/v1/stays", **token_for(world.police_b)).json()["count"] == 0
    assert client.get("/api/v1/stays", **token_for(world.group_leader_a)).status_code == 403


def test_check_out_and_counts_by_api(client, world, hosts, token_for):
    stay = services.stays_declare(actor=hosts.manager, lodging=hosts.lodging, guests=[guest()]).stays.get()
    response = client.post(f"/api/v1/stays/{stay.pk}/check-out", **token_for(hosts.manager))
    assert (response.status_code, response.json()["checked_out_at"] is not None) == (200, True)
    assert client.post(f"/api/v1/stays/{stay.pk}/check-out", **token_for(hosts.manager)).status_code == 400
    counts = client.get("/api/v1/stays/counts", **token_for(world.leader_a)).json()
    assert [(row["total"], row["in_lodgings"]) for row in counts] == [(1, 1)]
    assert client.get("/api/v1/stays/counts", **token_for(world.police_b)).json() == []


def test_paths_in_openapi(client, world):
    document = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/stays", "/api/v1/stays/{stay_id}/check-out", "/api/v1/lodgings",
            "/api/v1/stays/counts"} <= set(document["paths"])
