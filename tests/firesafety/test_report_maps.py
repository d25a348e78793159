"""Fire and fire-risk reports on the maps: the fire-safety map's layer (page data and API) and the team's
map, scoped as the reports are (in full for those who handle them, coarsened and without a link for the
team's own leader, none for anyone else), in a window of days; pinned query counts; bad input."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from binhan.firesafety.models import FireTeam
from binhan.firesafety.selectors import maps as map_selectors
from binhan.reports.models import Category, Report, Status
from tests.factories import UnitFactory, make_report
from tests.firesafety.conftest import make_team

pytestmark = pytest.mark.django_db
DATA = reverse("firesafety:map_data")
API = "/api/v1/fire-safety/fire-reports"


def _ago(days: int, hours: int = 0):
    return timezone.now() - timedelta(days=days, hours=hours)


def _hidden_fire(unit, **fields) -> Report:
    """A fire report of a province's own fire category kept out of public view (`may_be_public=False`)."""
    category = Category.objects.create(province=unit.parent.parent, code="fire", name="Cháy (nội bộ)",
                                       may_be_public=False)
    created = fields.pop("created_at", timezone.now())
    return Report.objects.create(category=category, unit=unit, unit_path=unit.path, description="Cháy kho",
                                 created_at=created, due_at=created + timedelta(hours=1), **fields)


@pytest.fixture
def reports(world, fire):
    """Fire reports around group A (commune A) and one in group B (commune B), newest first by name."""
    other_group = UnitFactory(code="7090-002", name="Tổ dân phố 2", parent=world.commune_a)
    return {
        "new": make_report(unit=world.group_a, category_code="fire", lat=21.001234, lon=107.004567,
                           created_at=_ago(0, 1), description="Cháy bếp nhà ông Ba", reporter_name="Trần Thị Hoa"),
        "duplicate": make_report(unit=world.group_a, category_code="fire", lat=21.0013, lon=107.0046,
                                 created_at=_ago(0, 2), status=Status.DUPLICATE),
        "hidden": _hidden_fire(world.group_a, lat=21.0031, lon=107.0031, created_at=_ago(0, 3)),
        "resolved": make_report(unit=world.group_a, category_code="fire", lat=21.0026, lon=107.0009,
                                created_at=_ago(3), status=Status.RESOLVED),
        "other_group": make_report(unit=other_group, category_code="fire", lat=21.02, lon=107.02,
                                   created_at=_ago(4)),
        "unplaced": make_report(unit=world.group_a, category_code="fire", created_at=_ago(5)),
        "theft": make_report(unit=world.group_a, category_code="theft", lat=21.0005, lon=107.0005,
                             created_at=_ago(1)),
        "old": make_report(unit=world.group_a, category_code="fire", lat=21.004, lon=107.004, created_at=_ago(45)),
        "commune_b": make_report(unit=world.group_b, category_code="fire", lat=21.1, lon=107.1, created_at=_ago(2)),
    }


def _seen(features) -> list[tuple]:
    return [(f["properties"]["id"], f["geometry"]["coordinates"], f["properties"]["in_full"],
             f["properties"].get("url")) for f in features]


def _full(report) -> tuple:
    return report.pk, [report.lon, report.lat], True, reverse("reports:manage", args=[report.pk])


def _layer(client, query="") -> dict:
    response = client.get(f"{DATA}?layer=reports{query}")
    assert response.status_code == 200
    return response.json()


# --- the fire-safety map's layer ---


def test_police_see_the_recent_fire_reports_of_their_commune_in_full(client, login, world, reports):
    login(world.police_a)
    features = _layer(client)["features"]
    assert _seen(features) == [_full(reports[name]) for name in
                               ("new", "duplicate", "hidden", "resolved", "other_group")]
    props = features[0]["properties"]
    assert (props["kind"], props["reference"], props["status"], props["date"]) == (
        "report", reports["new"].reference, "new", timezone.localdate(reports["new"].created_at).isoformat())
    assert "Cháy bếp" not in json.dumps(features) and "Trần Thị Hoa" not in json.dumps(features)
    # A longer window brings the older report in.
    assert [f["properties"]["id"] for f in _layer(client, "&days=60")["features"]][-1] == reports["old"].pk


def test_the_teams_leader_sees_only_the_groups_public_reports_coarsened_without_a_link(client, login, world,
                                                                                       fire, reports):
    login(fire.fire_leader)
    assert _seen(_layer(client)["features"]) == [
        (reports["new"].pk, [107.005, 21.001], False, None),
        (reports["resolved"].pk, [107.001, 21.003], False, None),
    ]
    assert [f["properties"]["id"] for f in _layer(client, "&days=60")["features"]] == [
        reports["new"].pk, reports["resolved"].pk, reports["old"].pk]


@pytest.mark.parametrize("name", ["police_b", "group_leader_a"])
def test_another_communes_officer_and_other_staff_see_only_what_they_may(client, login, world, reports, name):
    login(getattr(world, name))
    expected = [_full(reports["commune_b"])] if name == "police_b" else []
    assert _seen(_layer(client)["features"]) == expected


@pytest.mark.parametrize("name", ["resident_a", "auditor_a", "outsider"])
def test_residents_and_other_accounts_get_no_layer(client, login, world, reports, name):
    login(getattr(world, name))
    assert client.get(f"{DATA}?layer=reports").status_code == 403


def test_a_dissolved_teams_leader_sees_none(client, login, world, fire, reports):
    fire.team.status = FireTeam.Status.DISSOLVED
    fire.team.save(update_fields=["status"])
    login(fire.fire_leader)
    assert _layer(client)["features"] == []


def test_a_leader_who_also_handles_reports_sees_them_once_in_full(world, fire, reports):
    fire.team.leader_user = world.police_a
    fire.team.save(update_fields=["leader_user"])
    assert [f["properties"]["id"] for f in map_selectors.report_features(viewer=world.police_a)] == [
        reports[name].pk for name in ("new", "duplicate", "hidden", "resolved", "other_group")]


@pytest.mark.parametrize("days", ["0", "366", "-3", "abc", "2.5", "9" * 30])
def test_a_bad_window_is_refused(client, login, world, reports, days):
    login(world.police_a)
    response = client.get(f"{DATA}?layer=reports&days={days}")
    assert (response.status_code, response.json()["field"], bool(response.json()["detail"])) == (400, "days", True)
    assert client.get(reverse("firesafety:map") + f"?days={days}").status_code == 400


# session, user, roles (staff check), handler scope, the handled reports (none asked for without a handler
# role), the led teams (staff scope, teams), the led groups' reports (none asked for without a led group);
# nothing more for more reports.
@pytest.mark.parametrize(("name", "queries"), [("police_a", 7), ("fire_leader", 7)])
def test_layer_query_count_is_pinned(client, login, world, fire, reports, name, queries,
                                     django_assert_num_queries):
    login(fire.fire_leader if name == "fire_leader" else getattr(world, name))
    with django_assert_num_queries(queries):
        first = len(_layer(client)["features"])
    for hours in range(5):
        make_report(unit=world.group_a, category_code="fire", lat=21.0, lon=107.0, created_at=_ago(0, hours))
    with django_assert_num_queries(queries):
        assert len(_layer(client)["features"]) == first + 5


def test_map_page_passes_the_window_to_its_data(client, login, world):
    login(world.police_a)
    body = client.get(reverse("firesafety:map")).content.decode()
    assert ('data-days="30"' in body, "Fire report of the last 30 days" in body) == (True, True)
    body = client.get(reverse("firesafety:map") + "?days=90").content.decode()
    assert ('data-days="90"' in body, "Fire report of the last 90 days" in body) == (True, True)


# --- the API's layer ---


def test_api_layer_matches_the_page_data_and_its_openapi_schema(client, login, world, fire, reports, token_for,
                                                                django_assert_num_queries):
    import jsonschema

    document = client.get("/api/v1/openapi.json").json()
    schema = document["paths"][API]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    headers = token_for(fire.fire_leader)
    # token lookup, token touch, roles (staff check), handler scope, staff scope, led teams, the leader's reports
    with django_assert_num_queries(7):
        body = client.get(API, **headers).json()
    jsonschema.validate(body, {**schema, "components": document["components"]})
    assert [(f["properties"]["id"], f["properties"]["url"]) for f in body["features"]] == [
        (reports["new"].pk, None), (reports["resolved"].pk, None)]
    police = client.get(f"{API}?days=60", **token_for(world.police_a)).json()
    login(world.police_a)
    assert police["features"] == _layer(client, "&days=60")["features"]
    for days in ("0", "366", "x"):
        assert client.get(f"{API}?days={days}", **headers).status_code == 422
    assert client.get(API, **token_for(world.resident_a)).status_code == 403


# --- the team's map ---


def _team_map(body: str) -> dict:
    start = body.index('<script id="fs-team-map-data" type="application/json">') + len(
        '<script id="fs-team-map-data" type="application/json">')
    return json.loads(body[start:body.index("</script>", start)])


def _team_reports(client, team, query="") -> list[tuple]:
    response = client.get(reverse("firesafety:team_detail", args=[team.pk]) + query)
    assert response.status_code == 200
    return _seen([f for f in _team_map(response.content.decode())["features"]
                  if f["properties"]["kind"] == "report"])


def test_team_map_shows_the_groups_fire_reports_to_the_police_in_full(client, login, world, fire, reports):
    login(world.police_a)
    assert _team_reports(client, fire.team) == [_full(reports[name]) for name in
                                                ("new", "duplicate", "hidden", "resolved")]
    assert _team_reports(client, fire.team, "?days=60")[-1] == _full(reports["old"])
    login(world.police_b)
    assert client.get(reverse("firesafety:team_detail", args=[fire.team.pk])).status_code == 404


def test_team_map_shows_its_leader_the_list_s_reports_coarsened_without_a_link(client, login, world, fire,
                                                                               reports):
    login(fire.fire_leader)
    response = client.get(reverse("firesafety:team_detail", args=[fire.team.pk]))
    body = response.content.decode()
    assert _team_reports(client, fire.team) == [(reports["new"].pk, [107.005, 21.001], False, None),
                                                (reports["resolved"].pk, [107.001, 21.003], False, None)]
    listed = {int(value) for value in body.split('data-report="')[1:] for value in [value[:value.index('"')]]}
    assert listed == {reports["new"].pk, reports["resolved"].pk, reports["unplaced"].pk, reports["old"].pk}
    assert (reverse("reports:manage", args=[reports["new"].pk]) in body, "Cháy bếp" in body,
            "Trần Thị Hoa" in body, "Fire report of the last 30 days" in body) == (False, False, False, True)


def test_team_map_shows_no_reports_to_other_staff_nor_to_another_teams_leader(client, login, world, fire, reports):
    login(world.group_leader_a)
    response = client.get(reverse("firesafety:team_detail", args=[fire.team.pk]))
    assert (_team_reports(client, fire.team), "data-report-window" in response.content.decode()) == ([], False)
    second = make_team(world.group_a, [], name="Tổ liên gia số 2")  # same group, led by nobody
    login(fire.fire_leader)
    assert _team_reports(client, second) == []


@pytest.mark.parametrize("days", ["0", "400", "x"])
def test_team_page_refuses_a_bad_window_and_says_why(client, login, world, fire, reports, days):
    login(fire.fire_leader)
    response = client.get(reverse("firesafety:team_detail", args=[fire.team.pk]) + f"?days={days}")
    body = response.content.decode()
    assert (response.status_code, 'class="field-error"' in body) == (400, True)
