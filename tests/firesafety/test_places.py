"""A team household's place on the map (service, page, API), the team's map and its fire reports as the
leader sees them, and the fire panel's households nearest first."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.models import AuditEvent, OutboxEvent
from binhan.firesafety.models import FireTeam, TeamHousehold
from binhan.firesafety.selectors import reports as report_selectors
from binhan.firesafety.services import teams as team_services
from binhan.reports.models import Status
from tests.factories import HouseholdFactory, UnitFactory, make_report
from tests.firesafety.conftest import equip_fully, make_item, make_point, make_team

pytestmark = pytest.mark.django_db
JSON = "application/json"
# Group A's centre for the tests that need one: 21.0 N, 107.0 E.
CENTRE = {"centre_lat": 21.0, "centre_lon": 107.0}
SQUARE = {"type": "Polygon", "coordinates": [[[106.99, 20.99], [107.01, 20.99], [107.01, 21.01], [106.99, 21.01],
                                              [106.99, 20.99]]]}


def _place(member) -> tuple:
    member.refresh_from_db()
    return member.lat, member.lon


def _member(fire, index=0) -> TeamHousehold:
    return TeamHousehold.objects.get(team=fire.team, household=fire.households[index], left_on__isnull=True)


def _centre(world, **fields):
    for name, value in {**CENTRE, **fields}.items():
        setattr(world.group_a, name, value)
    world.group_a.save()


# --- the service ---


def test_leader_places_a_household_audited_and_published(world, fire):
    _centre(world)
    member = team_services.team_household_locate(actor=fire.fire_leader, team=fire.team,
                                                 household=fire.households[0], lat=21.0012345678, lon=107.0004)
    assert _place(member) == (21.001235, 107.0004)
    audit = AuditEvent.objects.get(action="firesafety.team.locate")
    assert (audit.actor, audit.changes) == (fire.fire_leader, {"household": [fire.households[0].pk,
                                                                             fire.households[0].pk],
                                                               "place": [[None, None], [21.001235, 107.0004]]})
    event = OutboxEvent.objects.get(name="firesafety.team.changed")
    assert (event.payload["action"], event.payload["household_id"]) == ("household_located", fire.households[0].pk)
    team_services.team_household_locate(actor=world.police_a, team=fire.team, household=fire.households[0],
                                        lat=None, lon=None)
    assert (_place(member), AuditEvent.objects.filter(action="firesafety.team.locate").count()) == ((None, None), 2)


@pytest.mark.parametrize(("lat", "lon"), [
    (91.0, 107.0), (21.0, -180.5), (float("nan"), 107.0), (float("inf"), 107.0), (21.0, None), ("abc", 107.0),
])
def test_bad_places_are_refused_and_nothing_stored(world, fire, lat, lon):
    with pytest.raises(ServiceError) as refused:
        team_services.team_household_locate(actor=fire.fire_leader, team=fire.team, household=fire.households[0],
                                            lat=lat, lon=lon)
    assert (refused.value.field, _place(_member(fire)), AuditEvent.objects.filter(
        action="firesafety.team.locate").count()) == ("lat", (None, None), 0)


def test_place_must_lie_near_the_groups_centre(world, fire):
    _centre(world)
    with pytest.raises(ServiceError) as refused:  # about 2.2 km north of the centre
        team_services.team_household_locate(actor=fire.fire_leader, team=fire.team, household=fire.households[0],
                                            lat=21.02, lon=107.0)
    assert "2,000 m from the residential group's centre" in refused.value.message
    member = team_services.team_household_locate(actor=fire.fire_leader, team=fire.team,
                                                 household=fire.households[0], lat=21.017, lon=107.0)  # 1.9 km
    assert _place(member) == (21.017, 107.0)


def test_place_must_lie_inside_the_groups_boundary(world, fire):
    _centre(world, boundary=SQUARE)
    with pytest.raises(ServiceError) as refused:  # 1.3 km from the centre, but outside the square
        team_services.team_household_locate(actor=fire.fire_leader, team=fire.team, household=fire.households[0],
                                            lat=21.0, lon=107.012)
    assert "outside the residential group" in refused.value.message
    assert _place(team_services.team_household_locate(actor=fire.fire_leader, team=fire.team,
                                                       household=fire.households[0], lat=21.009, lon=107.009)) == (
        21.009, 107.009)


def test_a_group_without_centre_or_boundary_takes_any_valid_place(world, fire):
    member = team_services.team_household_locate(actor=fire.fire_leader, team=fire.team,
                                                 household=fire.households[1], lat=10.5, lon=106.7)
    assert _place(member) == (10.5, 106.7)


def test_who_may_place_and_which_households(world, fire):
    for user in (world.resident_a, world.police_b, world.auditor_a):
        with pytest.raises(PermissionDeniedError):
            team_services.team_household_locate(actor=user, team=fire.team, household=fire.households[0],
                                                lat=21.0, lon=107.0)
    outside = HouseholdFactory(unit=world.group_a)
    with pytest.raises(ServiceError) as refused:
        team_services.team_household_locate(actor=fire.fire_leader, team=fire.team, household=outside, lat=21.0,
                                            lon=107.0)
    assert refused.value.message == "This household is not in the team."
    team_services.team_dissolve(actor=world.police_a, team=fire.team)
    with pytest.raises(ServiceError):
        team_services.team_household_locate(actor=world.police_a, team=fire.team, household=fire.households[0],
                                            lat=21.0, lon=107.0)
    assert TeamHousehold.objects.filter(lat__isnull=False).count() == 0


# --- the page a phone places a house from ---


def _place_url(fire, index=0):
    return reverse("firesafety:team_household_place", args=[fire.team.pk, fire.households[index].pk])


def test_leader_places_a_house_from_the_page(client, login, world, fire):
    _centre(world)
    login(fire.fire_leader)
    page = client.get(_place_url(fire))
    body = page.content.decode()
    assert (page.status_code, 'id="fs-place-map"' in body, "firesafety/team_map" in body) == (200, True, True)
    response = client.post(_place_url(fire), {"lat": "21.0003", "lon": "107.0002"})
    assert (response.status_code, response["Location"]) == (
        302, reverse("firesafety:team_detail", args=[fire.team.pk]) + "#team-map")
    assert _place(_member(fire)) == (21.0003, 107.0002)
    body = client.get(_place_url(fire)).content.decode()
    assert ('value="21.0003"' in body, "Remove the place" in body) == (True, True)
    assert client.post(_place_url(fire), {"lat": "21.0003", "lon": "107.0002", "clear": "1"}).status_code == 302
    assert _place(_member(fire)) == (None, None)


@pytest.mark.parametrize("data", [
    {"lat": "91", "lon": "107"}, {"lat": "21", "lon": "181"}, {"lat": "", "lon": ""}, {"lat": "21.0", "lon": ""},
    {"lat": "abc", "lon": "107"}, {"lat": "21.05", "lon": "107.0"},  # the last: 5.6 km from the centre
])
def test_bad_place_on_the_page_is_400_and_nothing_stored(client, login, world, fire, data):
    _centre(world)
    login(fire.fire_leader)
    response = client.post(_place_url(fire), data)
    assert (response.status_code, _place(_member(fire))) == (400, (None, None))
    assert 'class="field-error"' in response.content.decode() or "message-error" in response.content.decode()


@pytest.mark.parametrize(("name", "expected"), [
    ("police_b", 404), ("resident_a", 403), ("auditor_a", 403), ("police_a", 302), ("group_leader_a", 302),
])
def test_place_page_scoping(client, login, world, fire, name, expected):
    login(getattr(world, name))
    response = client.post(_place_url(fire), {"lat": "21.0", "lon": "107.0"})
    assert (response.status_code, _place(_member(fire))) == (
        expected, (21.0, 107.0) if expected == 302 else (None, None))


def test_place_page_of_a_household_outside_the_team_is_404(client, login, world, fire):
    login(world.police_a)
    outside = HouseholdFactory(unit=world.group_a)
    url = reverse("firesafety:team_household_place", args=[fire.team.pk, outside.pk])
    assert (client.get(url).status_code, client.post(url, {"lat": "21", "lon": "107"}).status_code) == (404, 404)


# --- the API ---


def _api_url(team, household):
    return f"/api/v1/fire-safety/teams/{team.pk}/households/{household.pk}/place"


def test_place_through_the_api(client, world, fire, token_for):
    _centre(world)
    headers = token_for(fire.fire_leader)
    response = client.put(_api_url(fire.team, fire.households[0]), {"lat": 21.0004, "lon": 107.0001},
                          content_type=JSON, **headers)
    assert (response.status_code, response.json()["lat"], response.json()["lon"]) == (200, 21.0004, 107.0001)
    rows = client.get(f"/api/v1/fire-safety/teams/{fire.team.pk}/households", **headers).json()
    assert [(r["household_id"], r["lat"]) for r in rows if r["lat"] is not None] == [(fire.households[0].pk, 21.0004)]
    cleared = client.put(_api_url(fire.team, fire.households[0]), {"lat": None, "lon": None}, content_type=JSON,
                         **headers)
    assert (cleared.status_code, cleared.json()["lat"], _place(_member(fire))) == (200, None, (None, None))


@pytest.mark.parametrize(("payload", "status"), [
    ({"lat": 91, "lon": 107}, 422), ({"lat": 21, "lon": -181}, 422), ({"lat": 21}, 422), ({}, 422),
    ({"lat": "north", "lon": 107}, 422), ({"lat": 21.0, "lon": None}, 400), ({"lat": 21.1, "lon": 107.0}, 400),
])
def test_bad_place_through_the_api_is_4xx_and_nothing_stored(client, world, fire, token_for, payload, status):
    _centre(world)
    response = client.put(_api_url(fire.team, fire.households[0]), payload, content_type=JSON,
                          **token_for(world.police_a))
    assert (response.status_code, _place(_member(fire))) == (status, (None, None))


def test_api_place_scoping(client, world, fire, token_for):
    payload = {"lat": 21.0, "lon": 107.0}
    other_commune = client.put(_api_url(fire.team, fire.households[0]), payload, content_type=JSON,
                               **token_for(world.police_b))
    resident = client.put(_api_url(fire.team, fire.households[0]), payload, content_type=JSON,
                          **token_for(world.resident_a))
    outside = client.put(_api_url(fire.team, HouseholdFactory(unit=world.group_a)), payload, content_type=JSON,
                         **token_for(world.police_a))
    auditor = client.put(_api_url(fire.team, fire.households[0]), payload, content_type=JSON,
                         **token_for(world.auditor_a))
    assert [r.status_code for r in (other_commune, resident, outside, auditor)] == [404, 404, 404, 404]
    assert TeamHousehold.objects.filter(lat__isnull=False).count() == 0


def test_place_response_matches_the_openapi_document(client, world, fire, token_for):
    import jsonschema

    document = client.get("/api/v1/openapi.json").json()
    path = "/api/v1/fire-safety/teams/{team_id}/households/{household_id}/place"
    schema = document["paths"][path]["put"]["responses"]["200"]["content"]["application/json"]["schema"]
    response = client.put(_api_url(fire.team, fire.households[0]), {"lat": 21.0, "lon": 107.0}, content_type=JSON,
                          **token_for(world.police_a))
    jsonschema.validate(response.json(), {**schema, "components": document["components"]})


# --- the team's page: its map ---


def _map_data(body: str) -> dict:
    start = body.index('<script id="fs-team-map-data" type="application/json">') + len(
        '<script id="fs-team-map-data" type="application/json">')
    return json.loads(body[start:body.index("</script>", start)])


def test_team_page_maps_placed_households_by_state_and_its_points(client, login, world, fire):
    _centre(world)
    equip_fully(fire.households[0])  # equipped
    make_item("powder-extinguisher", household=fire.households[1],
              last_checked_on=timezone.localdate().replace(year=timezone.localdate().year - 2))  # overdue
    for index, (lat, lon) in enumerate([(21.0001, 107.0), (21.0002, 107.0), (21.0003, 107.0)]):
        TeamHousehold.objects.filter(pk=_member(fire, index).pk).update(lat=lat, lon=lon)
    point = make_point(world.group_a, name="Điểm ngõ 3", team=fire.team, lat=21.0004, lon=107.0)
    make_point(world.group_a, name="Điểm của tổ khác", lat=21.0005, lon=107.0)
    login(fire.fire_leader)
    body = client.get(reverse("firesafety:team_detail", args=[fire.team.pk])).content.decode()
    data = _map_data(body)
    assert [(f["properties"]["kind"], f["properties"]["id"], f["properties"]["state"], f["geometry"]["coordinates"])
            for f in data["features"]] == [
        ("household", fire.households[0].pk, "equipped", [107.0, 21.0001]),
        ("household", fire.households[1].pk, "overdue", [107.0, 21.0002]),
        ("household", fire.households[2].pk, "missing", [107.0, 21.0003]),
        ("point", point.pk, "missing", [107.0, 21.0004]),
    ]
    assert data["centre"] == [21.0, 107.0]
    assert ('data-unplaced="3"' in body, "3 households are not placed on the map yet." in body,
            body.count("data-place>")) == (True, True, 6)


def _team_page_queries(client, url, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


# session, user, roles (menu), staff scope, team, households (with their flags and places), points (with
# their state), keeper scope, handler scope, fire reports (the handler's or the leader's own) for the list
# and for the map, readiness:
# households, findings, drills; breadcrumb, free households (add form), reminders, findings, team
# equipment, drills. The same for a team twice the size: nothing per household, point or report.
@pytest.mark.parametrize(("name", "queries"), [("police_a", 20), ("fire_leader", 20)])
def test_team_page_query_count_is_pinned(client, login, world, fire, name, queries, django_assert_num_queries):
    _centre(world)
    for index, household in enumerate(fire.households):
        equip_fully(household)
        TeamHousehold.objects.filter(pk=_member(fire, index).pk).update(lat=21.0 + index / 10_000, lon=107.0)
    for number in range(3):
        make_point(world.group_a, name=f"Điểm {number}", team=fire.team, lat=21.001, lon=107.0)
        make_report(unit=world.group_a, category_code="fire", lat=21.0005, lon=107.0)
    login(fire.fire_leader if name == "fire_leader" else getattr(world, name))
    url = reverse("firesafety:team_detail", args=[fire.team.pk])
    body = _team_page_queries(client, url, django_assert_num_queries, queries).content.decode()
    assert (len(_map_data(body)["features"]), body.count('data-report="')) == (12, 3)
    grown = make_team(world.group_a, HouseholdFactory.create_batch(9, unit=world.group_a), name="Tổ lớn")
    grown.leader_user = fire.fire_leader
    grown.save(update_fields=["leader_user"])
    for member in grown.memberships.all():
        equip_fully(member.household)
    _team_page_queries(client, reverse("firesafety:team_detail", args=[grown.pk]), django_assert_num_queries, queries)


# --- the team's page: fire reports as its leader sees them ---


def test_leader_sees_the_fire_reports_of_the_group_only(client, login, world, fire):
    other_group = UnitFactory(code="7090-002", name="Tổ dân phố 2", parent=world.commune_a)
    fire_a = make_report(unit=world.group_a, category_code="fire", description="Cháy bếp nhà ông Ba, số 12",
                         reporter_name="Trần Thị Hoa", reporter_phone="0912345678")
    resolved = make_report(unit=world.group_a, category_code="fire", status=Status.RESOLVED)
    make_report(unit=world.group_a, category_code="fire", status=Status.DUPLICATE)
    make_report(unit=world.group_a, category_code="fire", status=Status.REJECTED)
    make_report(unit=world.group_a, category_code="fire", created_at=timezone.now() - timedelta(days=400))
    make_report(unit=world.group_a, category_code="theft")
    make_report(unit=world.group_a, category_code="crime-tip")
    make_report(unit=other_group, category_code="fire")
    make_report(unit=world.group_b, category_code="fire")
    reports, in_full = report_selectors.team_fire_reports(viewer=fire.fire_leader, team=fire.team)
    assert ([r.pk for r in reports], in_full) == ([resolved.pk, fire_a.pk], False)

    login(fire.fire_leader)
    body = client.get(reverse("firesafety:team_detail", args=[fire.team.pk])).content.decode()
    assert [int(pk) for pk in _attr_values(body, "data-report")] == [resolved.pk, fire_a.pk]
    assert (fire_a.reference in body, "Fire or fire risk" in body or "Cháy, nguy cơ cháy" in body,
            reverse("reports:manage", args=[fire_a.pk]) in body, "Cháy bếp nhà ông Ba" in body, "Trần Thị Hoa" in body,
            "0912345678" in body) == (True, True, False, False, False, False)


def test_only_the_teams_own_leader_sees_them(client, login, world, fire):
    report = make_report(unit=world.group_a, category_code="fire")
    second = make_team(world.group_a, [], name="Tổ liên gia số 2")  # same group, another leader (none)
    assert report_selectors.team_fire_reports(viewer=fire.fire_leader, team=second) == ([], False)
    assert report_selectors.team_fire_reports(viewer=world.group_leader_a, team=fire.team) == ([], False)
    fire.team.status = FireTeam.Status.DISSOLVED
    fire.team.save(update_fields=["status"])
    assert report_selectors.team_fire_reports(viewer=fire.fire_leader, team=fire.team) == ([], False)
    reports, in_full = report_selectors.team_fire_reports(viewer=world.police_a, team=fire.team)
    assert ([r.pk for r in reports], in_full) == ([report.pk], True)
    login(world.police_a)
    body = client.get(reverse("firesafety:team_detail", args=[fire.team.pk])).content.decode()
    assert reverse("reports:manage", args=[report.pk]) in body


def _attr_values(body: str, attribute: str) -> list[str]:
    marker = f'{attribute}="'
    values, start = [], body.find(marker)
    while start != -1:
        start += len(marker)
        values.append(body[start:body.index('"', start)])
        start = body.find(marker, start)
    return values


# --- the officer's fire panel ---


def test_fire_panel_lists_households_nearest_first_with_distance(client, login, world, fire):
    near, far, unplaced_b, unplaced_a = fire.households[:4]
    for household in (near, far, unplaced_a, unplaced_b):
        equip_fully(household)
    make_item("crowbar", household=fire.households[4])  # no extinguisher: not listed
    TeamHousehold.objects.filter(team=fire.team, household=far).update(lat=21.002, lon=107.0)
    TeamHousehold.objects.filter(team=fire.team, household=near).update(lat=21.0005, lon=107.0)
    TeamHousehold.objects.filter(team=fire.team, household=fire.households[4]).update(lat=21.0, lon=107.0)
    report = make_report(unit=world.group_a, category_code="fire", lat=21.0, lon=107.0)
    found = report_selectors.households_with_extinguisher(viewer=world.police_a, report=report)
    by_address = sorted([unplaced_a, unplaced_b], key=lambda h: (h.address, h.pk))
    assert [(m.household_id, metres) for m, metres in found] == [
        (near.pk, 56), (far.pk, 222), (by_address[0].pk, None), (by_address[1].pk, None)]
    unplaced_report = make_report(unit=world.group_a, category_code="fire")
    assert [metres for _m, metres in report_selectors.households_with_extinguisher(
        viewer=world.police_a, report=unplaced_report)] == [None, None, None, None]
    assert report_selectors.households_with_extinguisher(viewer=world.police_b, report=report) == []

    login(world.police_a)
    body = client.get(reverse("reports:manage", args=[report.pk])).content.decode()
    panel = body[body.index('id="fs-panel-title"'):]
    assert [int(pk) for pk in _attr_values(panel, "data-household")] == [m.household_id for m, _d in found]
    assert ("56 m" in panel, "222 m" in panel) == (True, True)
