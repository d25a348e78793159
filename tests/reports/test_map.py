"""The map of reports: clusters counted in the database, scoping, validation, the page."""

import pytest
from django.test import override_settings
from django.urls import reverse

from binhan.reports import maps
from binhan.reports.map_views import page_policy, tile_source
from binhan.reports.models import Category
from binhan.reports.selectors import QueueFilters
from tests.factories import make_report

pytestmark = pytest.mark.django_db

CLUSTERS = "/reports/map/clusters.json"
ZOOM = 12
CELL = 360 / (256 * 2**ZOOM) * 64  # 0.02197265625°
BBOX = "107.0,20.9,107.2,21.1"
# Grid cell (row, column) of the first four points: floor(lat / CELL), floor(lon / CELL).
SHARED_CELL = (953, 4872)


@pytest.fixture
def ids(db):
    return {code: pk for code, pk in Category.objects.filter(province=None).values_list("code", "id")}


@pytest.fixture
def reports(world):
    """Three reports of commune A and one of commune B in the same cell; one more each elsewhere."""
    a1 = make_report(unit=world.group_a, category_code="theft", lat=20.951, lon=107.061)
    a2 = make_report(unit=world.group_a, category_code="theft", lat=20.952, lon=107.062)
    a3 = make_report(unit=world.group_a, category_code="fire", lat=20.953, lon=107.063, status="resolved")
    b1 = make_report(unit=world.group_b, category_code="drugs", lat=20.9515, lon=107.0615)
    a4 = make_report(unit=world.group_a, category_code="theft", lat=21.05, lon=107.11)
    b2 = make_report(unit=world.group_b, category_code="theft", lat=21.08, lon=107.18)
    make_report(unit=world.group_b, category_code="theft", lat=21.5, lon=107.5)  # outside the viewport
    make_report(unit=world.group_a, category_code="theft")  # no place on the map
    return {"a1": a1, "a2": a2, "a3": a3, "a4": a4, "b1": b1, "b2": b2}


def get(client, query: str = "", *, bbox: str = BBOX, zoom: int = ZOOM):
    return client.get(f"{CLUSTERS}?bbox={bbox}&zoom={zoom}{query}")


def point(report, status_label="New", priority_label=None):
    category = report.category
    labels = {"high": "High", "urgent": "Urgent", "normal": "Normal", "low": "Low"}
    return {"id": report.pk, "reference": report.reference, "lat": report.lat, "lon": report.lon,
            "category": category.pk, "category_code": category.code, "status": report.status,
            "status_label": status_label, "priority": report.priority,
            "priority_label": priority_label or labels[report.priority]}


def shared_bounds():
    row, column = SHARED_CELL
    return [column * CELL, row * CELL, (column + 1) * CELL, (row + 1) * CELL]


def test_commune_police_gets_only_their_reports_in_each_cell(client, login, world, reports, ids):
    login(world.police_a)
    body = get(client).json()
    assert body["clusters"] == [{
        "lat": round((20.951 + 20.952 + 20.953) / 3, 6), "lon": round((107.061 + 107.062 + 107.063) / 3, 6),
        "count": 3, "dominant": ids["theft"], "categories": {str(ids["theft"]): 2, str(ids["fire"]): 1},
        "bounds": shared_bounds(),
    }]
    assert body["reports"] == [point(reports["a4"])]
    assert (body["total"], body["zoom"], body["cell"]) == (4, ZOOM, CELL)
    assert set(body["categories"]) == {str(ids["theft"]), str(ids["fire"])}
    assert body["categories"][str(ids["theft"])] == {"code": "theft", "name": "Theft", "icon": "👜",
                                                     "colour": "#d1495b"}


def test_other_commune_sees_its_single_report_where_commune_a_has_a_cluster(client, login, world, reports):
    login(world.police_b)
    body = get(client).json()
    assert (body["clusters"], body["reports"], body["total"]) == (
        [], [point(reports["b1"]), point(reports["b2"])], 2)


def test_province_leader_counts_both_communes(client, login, world, reports, ids):
    login(world.province_leader)
    body = get(client).json()
    # Every status, province-wide: a cell of one report stays a cluster of one (reports.maps._name_single_reports).
    assert [(c["count"], c["categories"], c["dominant"]) for c in body["clusters"]] == [
        (4, {str(ids["theft"]): 2, str(ids["fire"]): 1, str(ids["drugs"]): 1}, ids["theft"]),
        (1, {str(ids["theft"]): 1}, ids["theft"]), (1, {str(ids["theft"]): 1}, ids["theft"])]
    assert (body["reports"], body["total"]) == ([], 6)
    # The open reports, though, come one by one.
    body = get(client, "&status=new&status=acknowledged&status=in_progress").json()
    assert [r["id"] for r in body["reports"]] == [reports["a4"].pk, reports["b2"].pk]


def test_the_viewport_is_widened_to_whole_cells(client, login, world, reports):
    login(world.police_a)
    # The viewport's south edge cuts the shared cell; the whole cell is counted all the same.
    body = get(client, bbox="107.0,20.952,107.2,21.1").json()
    assert [c["count"] for c in body["clusters"]] == [3]
    assert body["bbox"] == [4869 * CELL, 953 * CELL, 4879 * CELL, 961 * CELL]


def test_queue_filters_apply(client, login, world, reports, ids):
    login(world.police_a)
    by_category = get(client, f"&category={ids['theft']}").json()
    assert ([c["count"] for c in by_category["clusters"]], [r["id"] for r in by_category["reports"]]) == (
        [2], [reports["a4"].pk])
    resolved = get(client, "&status=resolved").json()
    assert (resolved["clusters"], resolved["reports"]) == ([], [point(reports["a3"], status_label="Resolved")])
    by_unit = get(client, f"&unit={world.group_b.code}").json()  # another commune's group: nothing
    assert (by_unit["clusters"], by_unit["reports"]) == ([], [])


def test_high_zoom_gives_single_reports(client, login, world, reports):
    login(world.province_leader)
    body = get(client, zoom=16).json()
    assert (body["clusters"], body["cell"]) == ([], 0.0)
    assert [r["id"] for r in body["reports"]] == sorted(
        r.pk for key, r in reports.items())


def test_high_zoom_with_too_many_reports_falls_back_to_clusters(world, reports):
    bbox = maps.BBox(107.0, 20.9, 107.2, 21.1)
    data = maps.report_clusters(viewer=world.province_leader, filters=QueueFilters(), bbox=bbox, zoom=16, limit=5)
    # Six reports are too many for a limit of five: they are clustered, on cells coarse enough that the
    # viewport holds at most five of them (here those of zoom 8).
    assert (data.cell, [c.count for c in data.clusters], data.points) == (maps.cell_size(8), [6], [])


def test_a_large_viewport_gets_coarser_cells_never_more_than_the_limit():
    cell, snapped = maps.grid_for(maps.BBox(100.0, 10.0, 110.0, 20.0), zoom=12, limit=2000)
    columns, rows = maps.cells_across(snapped, cell)
    assert (cell, columns, rows) == (maps.cell_size(12) * 2**4, 29, 29)


def test_reports_of_two_cells_stay_apart(world):
    make_report(unit=world.group_a, lat=20.951, lon=107.061)
    make_report(unit=world.group_a, lat=20.951, lon=107.061 + CELL)
    data = maps.report_clusters(viewer=world.police_a, filters=QueueFilters(),
                                bbox=maps.BBox(107.0, 20.9, 107.2, 21.1), zoom=ZOOM)
    assert (data.clusters, len(data.points)) == ([], 2)


@pytest.mark.parametrize("query", [
    "zoom=12", "bbox=107,20.9,107.2,21.1", "bbox=1,2,3&zoom=12", "bbox=a,b,c,d&zoom=12",
    "bbox=nan,20,107,21&zoom=12", "bbox=-inf,20,107,21&zoom=12", "bbox=107.2,20.9,107.0,21.1&zoom=12",
    "bbox=107,21.1,107.2,20.9&zoom=12", "bbox=107,-91,107.2,21&zoom=12", "bbox=-181,20,107,21&zoom=12",
    "bbox=107,20.9,107.2,21.1&zoom=-1", "bbox=107,20.9,107.2,21.1&zoom=23", "bbox=107,20.9,107.2,21.1&zoom=x",
    "bbox=107,20.9,107.2,21.1&zoom=1.5", "bbox=1,2,3,4,5&zoom=12",
])
def test_bad_viewport_is_400_with_a_message(client, login, world, query):
    login(world.police_a)
    response = client.get(f"{CLUSTERS}?{query}")
    body = response.json()
    assert (response.status_code, isinstance(body["detail"], str), body["detail"] != "") == (400, True, True)


def test_bad_viewport_message_names_the_field(client, login, world):
    login(world.police_a)
    body = client.get(f"{CLUSTERS}?bbox=107.2,20.9,107.0,21.1&zoom=30").json()
    assert body["errors"] == {
        "bbox": ["West must be less than east and south less than north, with longitudes between -180 and 180 "
                 "and latitudes between -90 and 90."],
        "zoom": ["The zoom level must be a whole number from 0 to 22."],
    }


@pytest.mark.parametrize("query", ["&status=lost", "&unit=NOPE", "&since=2025-02-01&until=2025-01-01",
                                   "&category=999999", "&age=3"])
def test_bad_filter_is_400(client, login, world, query):
    login(world.police_a)
    response = get(client, query)
    assert (response.status_code, "detail" in response.json()) == (400, True)


def test_anonymous_gets_401_json(client, world):
    response = get(client)
    assert (response.status_code, response.json()) == (401, {"detail": "Sign in to see the map of reports."})


@pytest.mark.parametrize("name", ["resident_a", "auditor_a", "group_leader_a", "outsider"])
def test_only_report_handlers_get_clusters(client, login, world, reports, name):
    login(getattr(world, name))
    response = get(client)
    assert (response.status_code, response.json()) == (
        403, {"detail": "This page is for the police and leaders of a unit."})


def test_cluster_query_count_is_pinned(client, login, world, reports, django_assert_num_queries):
    login(world.province_leader)
    # session, user, the rate-limit count, roles (handler check), scope paths, the grouped query (on the
    # tally at this zoom), the categories (a province-wide view of every status names no single report)
    with django_assert_num_queries(7):
        response = get(client)
    assert response.status_code == 200


def test_high_zoom_query_count_is_pinned(client, login, world, reports, django_assert_num_queries):
    login(world.police_a)
    # session, user, the rate-limit count, roles, scope paths, the single reports, their categories
    with django_assert_num_queries(7):
        response = get(client, zoom=17)
    assert len(response.json()["reports"]) == 4


def test_the_response_is_not_cached(client, login, world):
    login(world.police_a)
    assert "no-store" in get(client)["Cache-Control"]


# --- The page -------------------------------------------------------------------------------------------


def test_page_for_police(client, login, world):
    world.group_a.centre_lat, world.group_a.centre_lon = 20.95, 107.05
    world.group_a.save()
    login(world.police_a)
    response = client.get(reverse("reports_map:page"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-clusters-url="/reports/map/clusters.json"' in html
    assert 'data-bounds="107.050000,20.950000,107.050000,20.950000"' in html
    assert 'data-report-url="/reports/{id}/manage/"' in html
    assert "vendor/leaflet/leaflet.js" in html and "reports/map.js" in html
    assert "<script>" not in html and " style=" not in html  # the content-security policy forbids both
    # Opened on the open reports, as the queue is.
    assert [value for value, _label in response.context["form"].fields["status"].choices
            if value in response.context["form"].data["status"]] == ["new", "acknowledged", "in_progress"]


def test_page_legend_names_every_category_with_its_icon(client, login, world):
    login(world.police_a)
    html = client.get(reverse("reports_map:page")).content.decode()
    for category in Category.objects.filter(is_active=True):
        assert f'data-colour="{category.colour}" aria-hidden="true">{category.icon or "•"}</span> {category.names["en"]}' in html


@pytest.mark.parametrize(("name", "status"), [("resident_a", 403), ("auditor_a", 403), ("group_leader_a", 403),
                                              ("police_a", 200), ("leader_a", 200), ("province_leader", 200)])
def test_page_permissions(client, login, world, name, status):
    login(getattr(world, name))
    assert client.get(reverse("reports_map:page")).status_code == status


def test_page_anonymous_goes_to_login(client, world):
    response = client.get(reverse("reports_map:page"))
    assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("accounts:login"))


def test_page_with_bad_filters_is_400_with_the_message(client, login, world):
    login(world.police_a)
    response = client.get(reverse("reports_map:page") + "?unit=NOPE")
    assert (response.status_code, "No unit has the code NOPE." in response.content.decode()) == (400, True)


@override_settings(BINHAN_TILE_URL="http://tiles.example.lan/{z}/{x}/{y}.png")
def test_page_allows_a_plain_http_tile_server_in_its_policy(client, login, world):
    login(world.police_a)
    response = client.get(reverse("reports_map:page"))
    assert 'data-tile-url="http://tiles.example.lan/{z}/{x}/{y}.png"' in response.content.decode()
    assert "img-src 'self' data: blob: https: http://tiles.example.lan;" in response["Content-Security-Policy"]


@override_settings(BINHAN_TILE_URL="")
def test_page_without_tiles_keeps_the_site_policy(client, login, world, settings):
    login(world.police_a)
    response = client.get(reverse("reports_map:page"))
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert 'data-tile-url=""' in response.content.decode()


@pytest.mark.parametrize(("url", "source"), [
    ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
    ("http://localhost:8080/tiles/{z}/{x}/{y}.png", "http://localhost:8080"),
    ("/tiles/{z}/{x}/{y}.png", ""),
])
def test_tile_source(url, source):
    assert tile_source(url) == source


def test_https_tiles_need_no_change_to_the_policy():
    policy = "default-src 'self'; img-src 'self' data: https:; connect-src 'self'"
    assert page_policy(policy, "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png") == policy
    assert page_policy("default-src 'self'", "http://tiles.lan/{z}/{x}/{y}.png") == (
        "default-src 'self'; img-src 'self' http://tiles.lan")


def test_single_reports_carry_the_reference_of_their_local_year(client, login, world):
    from datetime import UTC, datetime

    report = make_report(unit=world.group_a, lat=20.951, lon=107.061,
                         created_at=datetime(2025, 12, 31, 18, 0, tzinfo=UTC))  # 1 January 2026 in Vietnam
    login(world.police_a)
    assert [r["reference"] for r in get(client).json()["reports"]] == [f"R-2026-{report.pk:06d}"]
    assert [r["reference"] for r in get(client, zoom=17).json()["reports"]] == [f"R-2026-{report.pk:06d}"]
