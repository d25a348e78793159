import jsonschema
import pytest

from binhan.accounts import services as account_services
from binhan.core.models import AuditEvent
from binhan.geo.models import Household
from tests.factories import HouseholdFactory


def test_openapi_document(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Bình An API"
    assert {"/api/v1/units", "/api/v1/units/search", "/api/v1/units/{unit_id}", "/api/v1/households",
            "/api/v1/households/{household_id}"} <= set(document["paths"])
    assert client.get("/api/v1/docs").status_code == 200


def test_anonymous_gets_401_json(client, db):
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required: send a valid API token or sign in."}


def test_bad_token_gets_401(client, world):
    for header in ("Bearer nonsense", "Bearer bha_123_abc", "Basic abc"):
        assert client.get("/api/v1/units", HTTP_AUTHORIZATION=header).status_code == 401


def test_revoked_token_stops_working(client, world, token_for):
    headers = token_for(world.police_a)
    assert client.get("/api/v1/units", **headers).status_code == 200
    account_services.api_token_revoke(actor=world.police_a, token=world.police_a.api_tokens.get())
    assert client.get("/api/v1/units", **headers).status_code == 401


def test_token_is_stored_hashed(world):
    _token, full = account_services.api_token_create(actor=world.police_a, user=world.police_a, name="x")
    stored = world.police_a.api_tokens.get()
    assert full.split("_", 2)[2] not in (stored.key_hash, stored.key_id)
    assert len(stored.key_hash) == 64


def test_units_roots_and_children(client, world, token_for):
    headers = token_for(world.police_a)
    roots = client.get("/api/v1/units", **headers).json()
    assert [u["code"] for u in roots["items"]] == ["7090"]
    children = client.get(f"/api/v1/units?parent_id={world.commune_a.pk}", **headers).json()
    assert (children["count"], children["items"][0]["code"]) == (1, "7090-001")


def test_unit_detail_breadcrumb(client, world, token_for):
    body = client.get(f"/api/v1/units/{world.group_a.pk}", **token_for(world.police_a)).json()
    assert [u["code"] for u in body["breadcrumb"]] == ["VN", "22", "7090", "7090-001"]
    assert body["children_count"] == 0


def test_cross_commune_api_read_is_404_and_audited(client, world, token_for):
    headers = token_for(world.police_a)
    response = client.get(f"/api/v1/households/{world.household_b.pk}", **headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert client.get(f"/api/v1/units/{world.commune_b.pk}", **headers).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor=world.police_a).count() == 2


def test_search_units(client, world, token_for):
    body = client.get("/api/v1/units/search?q=Tổ", **token_for(world.province_leader)).json()
    assert sorted(u["code"] for u in body["items"]) == ["7090-001", "7093-001"]
    assert client.get("/api/v1/units/search?q=", **token_for(world.province_leader)).status_code == 422


def test_households_paginated_with_pinned_queries(client, world, token_for, django_assert_num_queries):
    HouseholdFactory.create_batch(30, unit=world.group_a)
    headers = token_for(world.police_a)
    # token lookup, token touch, scope paths, count, page
    with django_assert_num_queries(5):
        body = client.get("/api/v1/households?page_size=10&page=2", **headers).json()
    assert body["count"] == 31
    assert len(body["items"]) == 10
    assert set(body["items"][0]) == {"id", "unit_id", "code", "address", "member_count"}  # no personal data


def test_household_page_size_validated(client, world, token_for):
    response = client.get("/api/v1/households?page_size=100000", **token_for(world.police_a))
    assert response.status_code == 422
    assert response.json()["detail"] == "Some values are not valid."


def test_create_household_via_api(client, world, token_for):
    headers = token_for(world.group_leader_a)
    response = client.post("/api/v1/households", {"unit_id": world.group_a.pk, "address": "Số 7", "member_count": 2},
                           content_type="application/json", **headers)
    assert response.status_code == 201
    assert response.json()["address"] == "Số 7"
    assert Household.objects.filter(address="Số 7").count() == 1


@pytest.mark.parametrize(("payload", "status"), [
    ({"unit_id": "x", "address": "A"}, 422),
    ({"address": "A"}, 422),
    ({"unit_id": 1, "address": ""}, 422),
    ({"unit_id": 1, "address": "A", "member_count": 0}, 422),
])
def test_create_household_bad_input(client, world, token_for, payload, status):
    response = client.post("/api/v1/households", payload, content_type="application/json",
                           **token_for(world.police_a))
    assert response.status_code == status
    assert "detail" in response.json()
    assert Household.objects.count() == 2


def test_create_household_in_commune_is_400(client, world, token_for):
    response = client.post("/api/v1/households", {"unit_id": world.commune_a.pk, "address": "A"},
                           content_type="application/json", **token_for(world.police_a))
    assert response.status_code == 400
    assert response.json() == {"detail": "A household belongs to a residential group or village.", "field": "unit"}


def test_create_household_elsewhere_is_404(client, world, token_for):
    response = client.post("/api/v1/households", {"unit_id": world.group_b.pk, "address": "A"},
                           content_type="application/json", **token_for(world.police_a))
    assert response.status_code == 404
    assert Household.objects.count() == 2


def test_malformed_json_is_400_not_500(client, world, token_for):
    response = client.post("/api/v1/households", "{not json", content_type="application/json",
                           **token_for(world.police_a))
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


@pytest.mark.parametrize("name", ["resident_a", "auditor_a", "outsider"])
def test_non_staff_see_empty_lists(client, world, token_for, name):
    body = client.get("/api/v1/households", **token_for(getattr(world, name))).json()
    assert body == {"items": [], "count": 0}


def test_session_auth_works_for_browser(client, login, world):
    login(world.police_a)
    assert client.get("/api/v1/units").status_code == 200


def test_api_responses_match_openapi_schema(client, world, token_for):
    """Validate our responses against our own OpenAPI document (as Zulip does)."""
    document = client.get("/api/v1/openapi.json").json()
    headers = token_for(world.police_a)
    for path, url in [("/api/v1/units/{unit_id}", f"/api/v1/units/{world.group_a.pk}"),
                      ("/api/v1/households", "/api/v1/households")]:
        schema = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        # Refs point at "#/components/...", so the components travel with the schema.
        schema = {**schema, "components": document["components"]}
        jsonschema.validate(client.get(url, **headers).json(), schema)



def test_household_creation_is_throttled(client, world, token_for, monkeypatch):
    from binhan.core import api_utils, ratelimit

    headers = token_for(world.group_leader_a)
    monkeypatch.setattr(api_utils, "hit", lambda key, rate: ratelimit.hit(key, "2/m"))
    statuses = [client.post("/api/v1/households", {"unit_id": world.group_a.pk, "address": f"Số {n}"},
                            content_type="application/json", **headers).status_code for n in range(3)]
    assert statuses == [201, 201, 429]
    assert Household.objects.filter(unit=world.group_a).count() == 3
