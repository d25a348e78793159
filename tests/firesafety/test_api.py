"""The API: lists with pinned query counts, writes with bad input (4xx, nothing stored), the OpenAPI document."""

from datetime import timedelta

import jsonschema
import pytest
from django.utils import timezone

from binhan.firesafety.models import Equipment, Finding, FireTeam, Inspection
from tests.factories import HouseholdFactory
from tests.firesafety.conftest import equip_fully, make_item, make_point, make_team

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_list_teams_query_count(client, world, fire, token_for, django_assert_num_queries):
    for number in range(10):
        make_team(world.group_a, [], name=f"Tổ {number:02d}")
    headers = token_for(world.police_a)
    # token lookup, token touch, scope paths, count, page
    with django_assert_num_queries(5):
        body = client.get("/api/v1/fire-safety/teams?page_size=5", **headers).json()
    assert (body["count"], len(body["items"]), body["items"][0]["household_count"]) == (11, 5, 0)


def test_list_equipment_query_count_and_filters(client, world, fire, token_for, django_assert_num_queries):
    today = timezone.localdate()
    for household in fire.households:
        make_item("powder-extinguisher", household=household, last_checked_on=today - timedelta(days=400))
        make_item("crowbar", household=household)
    headers = token_for(world.police_a)
    # token lookup, token touch, scope paths, count, page
    with django_assert_num_queries(5):
        body = client.get("/api/v1/fire-safety/equipment?status=overdue", **headers).json()
    assert (body["count"], {i["type"] for i in body["items"]}) == (6, {"powder-extinguisher"})
    assert client.get("/api/v1/fire-safety/equipment?status=late", **headers).status_code == 422
    assert client.get("/api/v1/fire-safety/equipment", **token_for(world.police_b)).json()["count"] == 0


def test_add_equipment_and_bad_input(client, world, fire, token_for):
    headers = token_for(fire.fire_leader)
    for payload, status in [({"type_code": "crowbar"}, 400),
                            ({"type_code": "crowbar", "household_id": "x"}, 422),
                            ({"type_code": "crowbar", "household_id": world.household_a.pk, "quantity": 0}, 422),
                            ({"type_code": "laser", "household_id": world.household_a.pk}, 400),
                            ({"type_code": "crowbar", "household_id": world.household_b.pk}, 404),
                            ({"type_code": "crowbar", "household_id": world.household_a.pk,
                              "team_id": fire.team.pk}, 400),
                            ({"type_code": "crowbar", "household_id": world.household_a.pk,
                              "bought_on": "2999-01-01"}, 400)]:
        response = client.post("/api/v1/fire-safety/equipment", payload, content_type=JSON, **headers)
        assert (response.status_code, "detail" in response.json()) == (status, True), payload
    assert Equipment.objects.count() == 0
    response = client.post("/api/v1/fire-safety/equipment", {
        "type_code": "powder-extinguisher", "household_id": world.household_a.pk, "capacity_kg": 4,
        "bought_on": timezone.localdate().isoformat()}, content_type=JSON, **headers)
    assert (response.status_code, response.json()["capacity_kg"], response.json()["source"]) == (201, "4.0", "api")
    item = response.json()["id"]
    response = client.post(f"/api/v1/fire-safety/equipment/{item}/check", {"condition": "good"}, content_type=JSON,
                           **headers)
    assert response.json()["last_checked_on"] == timezone.localdate().isoformat()
    assert client.post(f"/api/v1/fire-safety/equipment/{item}/retire", **token_for(world.police_b)).status_code == 404


def test_resident_adds_own_equipment_only(client, world, fire, token_for):
    world.resident_a.household = world.household_a
    world.resident_a.save()
    headers = token_for(world.resident_a)
    ok = client.post("/api/v1/fire-safety/equipment", {"type_code": "smoke-detector",
                                                       "household_id": world.household_a.pk}, content_type=JSON,
                     **headers)
    other = client.post("/api/v1/fire-safety/equipment", {"type_code": "smoke-detector",
                                                          "household_id": fire.households[1].pk}, content_type=JSON,
                        **headers)
    assert (ok.status_code, other.status_code, Equipment.objects.count()) == (201, 404, 1)
    assert [i["type"] for i in client.get("/api/v1/fire-safety/my/equipment", **headers).json()] == ["smoke-detector"]


def test_team_and_households_via_api(client, world, fire, token_for):
    headers = token_for(world.police_a)
    households = HouseholdFactory.create_batch(5, unit=world.group_a)
    response = client.post("/api/v1/fire-safety/teams", {"unit_id": world.group_a.pk, "name": "Tổ 7",
                                                         "household_ids": [h.pk for h in households[:4]]},
                           content_type=JSON, **headers)
    team = response.json()
    assert (response.status_code, team["household_count"]) == (201, 4)
    url = f"/api/v1/fire-safety/teams/{team['id']}/households"
    assert client.post(url, {"household_id": households[4].pk}, content_type=JSON, **headers).json()[
        "household_count"] == 5
    assert client.post(url, {"household_id": fire.households[0].pk}, content_type=JSON,
                       **headers).status_code == 400
    assert client.delete(f"{url}/{households[0].pk}", **headers).json()["household_count"] == 4
    equip_fully(households[1])
    rows = client.get(url, **headers).json()
    assert [(r["household_id"], r["has_extinguisher"]) for r in rows if r["has_extinguisher"]] == [
        (households[1].pk, True)]
    bad = client.post("/api/v1/fire-safety/teams", {"unit_id": world.commune_a.pk, "name": "X"}, content_type=JSON,
                      **headers)
    assert (bad.status_code, FireTeam.objects.count()) == (400, 3)


def test_inspection_via_api(client, world, fire, token_for):
    headers = token_for(fire.fire_leader)
    for payload, status in [({"household_id": world.household_a.pk, "results": {}}, 400),
                            ({"household_id": world.household_a.pk, "results": {"alarm": "x"}}, 422),
                            ({"results": {"alarm": True}}, 400),
                            ({"household_id": world.household_b.pk, "results": {"alarm": True}}, 404)]:
        response = client.post("/api/v1/fire-safety/inspections", payload, content_type=JSON, **headers)
        assert response.status_code == status, payload
    assert Inspection.objects.count() == 0
    response = client.post("/api/v1/fire-safety/inspections", {
        "household_id": world.household_a.pk, "results": {"alarm": False, "gas": True}}, content_type=JSON, **headers)
    body = response.json()
    assert (response.status_code, body["passed"], len(body["finding_ids"])) == (201, False, 1)
    finding = body["finding_ids"][0]
    assert client.post(f"/api/v1/fire-safety/findings/{finding}/close", **headers).json()["status"] == "closed"
    assert Finding.objects.get().closed_by == fire.fire_leader


def test_points_drills_and_readiness(client, world, fire, token_for):
    headers = token_for(world.police_a)
    response = client.post("/api/v1/fire-safety/points", {"unit_id": world.group_a.pk, "name": "Điểm ngõ 3",
                                                          "lat": 21.0, "lon": 107.0, "team_id": fire.team.pk},
                           content_type=JSON, **headers)
    assert (response.status_code, response.json()["state"], response.json()["alley_warning"]) == (201, "missing", "")
    short = client.post("/api/v1/fire-safety/points", {"unit_id": world.group_a.pk, "name": "Ngõ cụt",
                                                       "alley_length_m": 20}, content_type=JSON, **headers)
    assert (short.status_code, "this alley is 20 m" in short.json()["alley_warning"]) == (201, True)
    assert client.post("/api/v1/fire-safety/points", {"unit_id": world.group_a.pk, "name": "X", "lat": 95},
                       content_type=JSON, **headers).status_code == 422
    assert client.get("/api/v1/fire-safety/points", **headers).json()["count"] == 2
    response = client.post("/api/v1/fire-safety/drills", {
        "unit_id": world.group_a.pk, "team_ids": [fire.team.pk], "held_on": timezone.localdate().isoformat(),
        "scenario": "Cháy nhà"}, content_type=JSON, **headers)
    assert (response.status_code, response.json()["team_count"]) == (201, 1)
    for household in fire.households[:3]:
        equip_fully(household)
    rows = client.get(f"/api/v1/fire-safety/readiness?unit_id={world.commune_a.pk}", **headers).json()
    # 60 × 3/6 + 20 + 20 = 70
    assert [(r["unit_code"], r["score"], r["equipped"]) for r in rows] == [("7090", 70.0, 3), ("7090-001", 70.0, 3)]
    assert client.get(f"/api/v1/fire-safety/readiness?unit_id={world.commune_b.pk}", **headers).status_code == 404
    assert client.get(f"/api/v1/fire-safety/readiness?unit_id={world.commune_a.pk}",
                      **token_for(world.resident_a)).status_code == 403


def test_overdue_endpoint(client, world, fire, token_for):
    make_item("crowbar", household=world.household_a, last_checked_on=timezone.localdate() - timedelta(days=800))
    make_point(world.group_a)
    rows = client.get(f"/api/v1/fire-safety/overdue?unit_id={world.commune_a.pk}", **token_for(world.police_a)).json()
    assert rows == [{"unit_id": world.group_a.pk, "unit_code": "7090-001", "items": 1, "owners": 1}]


def test_responses_match_the_openapi_document(client, world, fire, token_for):
    document = client.get("/api/v1/openapi.json").json()
    make_point(world.group_a)
    make_item("crowbar", household=world.household_a)
    headers = token_for(world.police_a)
    for path, url in [("/api/v1/fire-safety/teams", "/api/v1/fire-safety/teams"),
                      ("/api/v1/fire-safety/equipment", "/api/v1/fire-safety/equipment"),
                      ("/api/v1/fire-safety/points", "/api/v1/fire-safety/points"),
                      ("/api/v1/fire-safety/equipment-types", "/api/v1/fire-safety/equipment-types"),
                      ("/api/v1/fire-safety/readiness", f"/api/v1/fire-safety/readiness?unit_id={world.group_a.pk}")]:
        schema = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        jsonschema.validate(client.get(url, **headers).json(), {**schema, "components": document["components"]})
