"""The statistics API: figures, children, trend, public figures, manual figures; scoping and bad input."""

import datetime as dt

import pytest

from binhan.stats import engine
from binhan.stats.models import ManualEntry
from tests.stats.conftest import at, report

NOV = dt.date(2026, 11, 1)


@pytest.fixture
def data(world):
    for day in range(6):
        report(world.group_a, made=at(NOV + dt.timedelta(days=day)))
    report(world.group_b, made=at(NOV))
    engine.follow_all()
    return world


def test_figures_children_trend(client, data, token_for):
    headers = token_for(data.province_leader)
    base = f"/api/v1/stats/units/{data.province.pk}"
    query = "?period=month&date=2026-11-15&indicator=reports.received&indicator=reports.open"
    figures = client.get(base + "/figures" + query, **headers).json()
    assert (figures["period"], [(f["code"], f["value"], f["previous"]) for f in figures["figures"]]) == (
        {"kind": "month", "start": "2026-11-01", "end": "2026-11-30"},
        [("reports.received", 7, 0), ("reports.open", 7, 0)])
    assert figures["figures"][0]["breakdown"] == [{"key": "theft", "label": "Theft", "value": 7}]
    children = client.get(base + "/children" + query, **headers).json()
    assert [(c["unit_code"], c["values"]["reports.received"]) for c in children["children"]] == [
        ("7090", 6), ("7093", 1)]
    trend = client.get(base + "/trend?period=week&date=2026-11-02&indicator=reports.received", **headers).json()
    # The ISO week of Monday 2 November: one report a day from the 2nd to the 6th.
    assert (trend["step"], trend["buckets"][0], trend["series"]["reports.received"]) == (
        "day", "2026-11-02", [1, 1, 1, 1, 1, 0, 0])


def test_indicators_catalogue(client, data, token_for):
    codes = {i["code"] for i in client.get("/api/v1/stats/indicators", **token_for(data.police_a)).json()}
    assert {"reports.received", "reports.clearance_rate", "alerts.reached", "community.teams",
            "manual.arrests"} <= codes


@pytest.mark.parametrize(("name", "status"), [("resident_a", 403), ("police_b", 404), ("police_a", 200)])
def test_figures_scoping(client, data, token_for, name, status):
    response = client.get(f"/api/v1/stats/units/{data.commune_a.pk}/figures", **token_for(getattr(data, name)))
    assert response.status_code == status


@pytest.mark.parametrize("query", ["?period=decade", "?period=range&start=2026-01-01", "?date=yesterday",
                                   "?indicator=nope"])
def test_bad_parameters_are_400(client, data, token_for, query):
    response = client.get(f"/api/v1/stats/units/{data.commune_a.pk}/figures{query}", **token_for(data.police_a))
    assert (response.status_code, "detail" in response.json()) == (400, True)


def test_public_needs_no_account_and_suppresses(client, data):
    body = client.get(f"/api/v1/stats/public/{data.commune_b.code}?period=month&date=2026-11-01").json()
    received = next(f for f in body["figures"] if f["code"] == "reports.received")
    assert (received["value"], received["suppressed"]) == (None, True)
    assert client.get(f"/api/v1/stats/public/{data.group_a.code}").status_code == 404


def test_manual_submit_approve_counts(client, data, token_for):
    response = client.post("/api/v1/stats/manual", {"unit_id": data.commune_a.pk, "indicator": "manual.arrests",
                                                    "month": "2026-10-12", "value": 12},
                           content_type="application/json", **token_for(data.police_a))
    assert (response.status_code, response.json()["status"], response.json()["month"]) == (201, "submitted",
                                                                                            "2026-10-01")
    entry_id = response.json()["id"]
    # The person who entered it, or the same level, cannot approve it.
    assert client.post(f"/api/v1/stats/manual/{entry_id}/review", {"approve": True}, content_type="application/json",
                       **token_for(data.leader_a)).status_code == 403
    approved = client.post(f"/api/v1/stats/manual/{entry_id}/review", {"approve": True},
                           content_type="application/json", **token_for(data.province_leader))
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    engine.follow_all()
    figures = client.get(f"/api/v1/stats/units/{data.province.pk}/figures?period=month&date=2026-10-01"
                         "&indicator=manual.arrests", **token_for(data.province_leader)).json()
    assert figures["figures"][0]["value"] == 12


@pytest.mark.parametrize("payload", [
    {"unit_id": 0, "indicator": "manual.arrests", "month": "2026-10-01", "value": 1},
    {"indicator": "manual.arrests", "month": "2026-10-01", "value": 1},
    {"unit_id": "x", "indicator": "manual.arrests", "month": "2026-10-01", "value": 1},
    {"unit_id": 3, "indicator": "reports.received", "month": "2026-10-01", "value": 1},
    {"unit_id": 3, "indicator": "manual.arrests", "month": "2099-10-01", "value": 1},
    {"unit_id": 3, "indicator": "manual.arrests", "month": "2026-10-01", "value": -1},
])
def test_manual_bad_input_writes_nothing(client, data, token_for, payload):
    if payload.get("unit_id") == 3:
        payload["unit_id"] = data.commune_a.pk
    response = client.post("/api/v1/stats/manual", payload, content_type="application/json",
                           **token_for(data.police_a))
    assert (response.status_code in (400, 404, 422), "detail" in response.json(), ManualEntry.objects.count()) == (
        True, True, 0)


PATHS = {"/api/v1/stats/indicators", "/api/v1/stats/units/{unit_id}/figures", "/api/v1/stats/units/{unit_id}/children",
         "/api/v1/stats/units/{unit_id}/trend", "/api/v1/stats/public/{code}", "/api/v1/stats/manual",
         "/api/v1/stats/manual/{entry_id}/review"}


def test_stats_responses_match_the_openapi_document(client, data, token_for):
    """Every read of /api/v1/stats is in the OpenAPI document and its responses match it (as Zulip does)."""
    import jsonschema

    document = client.get("/api/v1/openapi.json").json()
    headers = token_for(data.province_leader)
    unit = data.province.pk
    query = "?period=five_year&year=2026&indicator=reports.received&indicator=reports.clearance_rate"
    calls = [("/api/v1/stats/indicators", "/api/v1/stats/indicators"),
             ("/api/v1/stats/units/{unit_id}/figures", f"/api/v1/stats/units/{unit}/figures{query}"),
             ("/api/v1/stats/units/{unit_id}/children", f"/api/v1/stats/units/{unit}/children{query}"),
             ("/api/v1/stats/units/{unit_id}/trend", f"/api/v1/stats/units/{unit}/trend?period=month&date=2026-11-01"),
             ("/api/v1/stats/public/{code}", f"/api/v1/stats/public/{data.commune_b.code}?period=month&date=2026-11")]
    assert PATHS <= set(document["paths"])
    for path, url in calls:
        schema = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        jsonschema.validate(client.get(url, **headers).json(), {**schema, "components": document["components"]})
    parameters = {p["name"] for p in document["paths"]["/api/v1/stats/units/{unit_id}/figures"]["get"]["parameters"]}
    assert {"period", "date", "year", "start", "end", "indicator"} <= parameters


def test_figures_queries_are_pinned(client, data, token_for, django_assert_num_queries):
    headers = token_for(data.province_leader)
    url = f"/api/v1/stats/units/{data.province.pk}/figures?period=month&date=2026-11-01"
    client.get(url, **headers)
    # token lookup, token touch, staff check (roles), scope paths, unit, figures (one query), category labels
    with django_assert_num_queries(7):
        client.get(url, **headers)


def test_manual_figure_steps_are_audited(client, data, token_for):
    from binhan.core.models import AuditEvent

    entry = client.post("/api/v1/stats/manual", {"unit_id": data.commune_a.pk, "indicator": "manual.arrests",
                                                 "month": "2026-10-01", "value": 3},
                        content_type="application/json", **token_for(data.police_a)).json()
    client.post(f"/api/v1/stats/manual/{entry['id']}/review", {"approve": False, "note": "Thiếu số liệu tháng 9"},
                content_type="application/json", **token_for(data.province_leader))
    rows = AuditEvent.objects.filter(action__startswith="stats.manual.").order_by("id")
    assert [(row.action, row.actor_id) for row in rows] == [("stats.manual.submit", data.police_a.pk),
                                                            ("stats.manual.return", data.province_leader.pk)]
