"""Open311 GeoReport v2 under /open311/v2/: discovery, services, intake by key, the public view, keys."""

import fcntl
import json
import os
import threading
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from binhan.core import ratelimit
from binhan.core.db import writes
from binhan.core.models import AuditEvent, RateCounter
from binhan.geo.models import Level
from binhan.reports.models import Category, Open311Client, Report, Status, Update
from binhan.reports.open311 import keys
from binhan.reports.open311 import records as open311_records
from binhan.reports.open311 import views as open311_views
from tests.factories import UnitFactory, earlier_today, make_report

BASE = "/open311/v2"
FORM = "application/x-www-form-urlencoded"
# Group A's centre; a point a few hundred metres away belongs to it, group B is 14 km off.
A_LAT, A_LON = 21.0100, 107.0100
B_LAT, B_LON = 21.1000, 107.1000
NOTICE_A = ("Thank you. The police of Phường An Sinh will look at your report. In an emergency call 113 (police) "
            "or 114 (fire).")
SERVICE_CODES = ["crime-tip", "theft", "drugs", "gambling", "fire", "dispute-noise", "domestic-violence",
                 "traffic-accident", "suspicious", "lost-found", "environment-order", "other"]
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]


@pytest.fixture(autouse=True)
def _forget_categories():
    """The intake remembers categories for a few seconds per process; each test starts afresh."""
    open311_records._categories.clear()
    yield
    open311_records._categories.clear()


@pytest.fixture
def places(world):
    for group, (lat, lon) in ((world.group_a, (A_LAT, A_LON)), (world.group_b, (B_LAT, B_LON))):
        group.centre_lat, group.centre_lon = lat, lon
        group.save(update_fields=["centre_lat", "centre_lon"])
    return world


@pytest.fixture
def key(places):
    _client, full = keys.client_create(actor=None, name="Ứng dụng phường", rate_per_second=100)
    return full


def form(**fields) -> str:
    return urlencode(fields, doseq=True)


def post(client, data: dict, fmt: str = "json"):
    return client.post(f"{BASE}/requests.{fmt}", form(**data), content_type=FORM)


def theft(key: str, **fields) -> dict:
    return {"api_key": key, "service_code": "theft", "lat": "21.0112", "long": "107.0121",
            "description": "Mất xe máy trước cổng chợ", **fields}


def xml(response) -> ET.Element:
    return ET.fromstring(response.content)  # noqa: S314 - our own server's answer


def records(root: ET.Element, item: str) -> list[dict]:
    """The way a generic client reads a list: root element, one child per item, text of each field."""
    return [{child.tag: child.text for child in element} for element in root.findall(item)]


def errors_of(response) -> list[dict]:
    if response["Content-Type"].startswith("text/xml"):
        root = xml(response)
        assert root.tag == "errors"
        return [{"code": int(e.findtext("code")), "description": e.findtext("description")}
                for e in root.findall("error")]
    return response.json()


# -- discovery and services ---------------------------------------------------------------------

def test_discovery_json(client, db):
    response = client.get(f"{BASE}/discovery.json")
    assert (response.status_code, response["Content-Type"]) == (200, "application/json; charset=utf-8")
    assert response.json() == {
        "changeset": "2026-11-24T00:00:00+07:00",
        "contact": "The police of your commune. In an emergency call 113 (police) or 114 (fire).",
        "key_service": "Ask the police of your province for a key; they make them at "
                       "http://testserver/open311/keys/.",
        "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": "http://testserver/open311/v2",
                       "changeset": "2026-11-24T00:00:00+07:00", "type": "production",
                       "formats": ["text/xml", "application/json"]}],
    }


def test_discovery_xml(client, db):
    response = client.get(f"{BASE}/discovery.xml")
    root = xml(response)
    assert (response.status_code, response["Content-Type"]) == (200, "text/xml; charset=utf-8")
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<discovery>')
    endpoint = root.find("endpoints/endpoint")
    assert (root.tag, [child.tag for child in root]) == ("discovery", ["changeset", "contact", "key_service",
                                                                       "endpoints"])
    assert ({child.tag: child.text for child in endpoint if child.tag != "formats"},
            [f.text for f in endpoint.findall("formats/format")]) == (
        {"specification": "http://wiki.open311.org/GeoReport_v2", "url": "http://testserver/open311/v2",
         "changeset": "2026-11-24T00:00:00+07:00", "type": "production"},
        ["text/xml", "application/json"])


def test_services_json(client, db):
    response = client.get(f"{BASE}/services.json")
    services = response.json()
    assert (response.status_code, [s["service_code"] for s in services]) == (200, SERVICE_CODES)
    assert services[1] == {"service_code": "theft", "service_name": "Theft", "description": "Theft",
                           "metadata": True, "type": "realtime", "keywords": "", "group": "Commune police"}
    assert services[0]["metadata"] is False


def test_services_xml(client, db):
    response = client.get(f"{BASE}/services.xml")
    root = xml(response)
    services = records(root, "service")
    assert (response.status_code, root.tag, [s["service_code"] for s in services]) == (200, "services", SERVICE_CODES)
    assert services[4] == {"service_code": "fire", "service_name": "Fire or fire risk",
                           "description": "Fire or fire risk", "metadata": "true", "type": "realtime",
                           "keywords": None, "group": "Inter-family fire-safety team"}


def test_services_default_to_vietnamese_and_follow_locale(db):
    vietnamese = Client().get(f"{BASE}/services.json")
    french = Client().get(f"{BASE}/services.json?locale=fr_FR")
    persian = Client(HTTP_ACCEPT_LANGUAGE="fa").get(f"{BASE}/services.json")
    assert [r.json()[1]["service_name"] for r in (vietnamese, french, persian)] == ["Trộm cắp tài sản", "Vol", "سرقت"]
    assert [r["Content-Language"] for r in (vietnamese, french, persian)] == ["vi", "fr", "fa"]


def test_province_category_has_its_own_code(client, world):
    Category.objects.create(province=world.province, code="flood", name="Ngập lụt", names={"en": "Flooding"},
                            order=5)
    codes = [s["service_code"] for s in client.get(f"{BASE}/services.json").json()]
    definition = client.get(f"{BASE}/services/flood@22.json")
    assert (codes[0], definition.status_code, definition.json()) == (
        "flood@22", 200, {"service_code": "flood@22", "attributes": []})


def test_service_definition_theft_json(client, db):
    response = client.get(f"{BASE}/services/theft.json")
    assert (response.status_code, response.json()) == (200, {"service_code": "theft", "attributes": [
        {"variable": True, "code": "value", "datatype": "number", "required": False,
         "datatype_description": "A number, e.g. 2500000.", "order": 1, "description": "Estimated value (VND)"},
        {"variable": True, "code": "what", "datatype": "multivaluelist", "required": False,
         "datatype_description": None, "order": 2, "description": "What was taken",
         "values": [{"key": "motorbike", "name": "Motorbike"}, {"key": "phone", "name": "Phone"},
                    {"key": "money", "name": "Money"}, {"key": "other", "name": "Other"}]},
    ]})


def test_service_definition_fire_xml(client, db):
    root = xml(client.get(f"{BASE}/services/fire.xml"))
    attribute = root.find("attributes/attribute")
    assert (root.tag, root.findtext("service_code"), len(root.findall("attributes/attribute"))) == (
        "service_definition", "fire", 1)
    assert {child.tag: child.text for child in attribute if child.tag != "values"} == {
        "variable": "true", "code": "burning", "datatype": "singlevaluelist", "required": "true",
        "datatype_description": None, "order": "1", "description": "Is it burning now?"}
    assert [(v.findtext("key"), v.findtext("name")) for v in attribute.findall("values/value")] == [
        ("yes", "Yes, burning"), ("risk", "A risk only")]


def test_service_definition_maps_every_question_type(client, db):
    Category.objects.create(code="all-kinds", name="Mọi loại", questions=[
        {"code": "t", "type": "text", "label": {"en": "T"}},
        {"code": "n", "type": "number", "label": {"en": "N"}},
        {"code": "d", "type": "date", "label": {"en": "D"}},
        {"code": "s", "type": "single", "label": {"en": "S"}, "choices": [{"code": "a", "label": {"en": "A"}}]},
        {"code": "m", "type": "multiple", "label": {"en": "M"}, "choices": [{"code": "b", "label": {"en": "B"}}]},
    ])
    attributes = client.get(f"{BASE}/services/all-kinds.json").json()["attributes"]
    assert [(a["code"], a["datatype"], a["order"]) for a in attributes] == [
        ("t", "string", 1), ("n", "number", 2), ("d", "datetime", 3), ("s", "singlevaluelist", 4),
        ("m", "multivaluelist", 5)]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_definition_is_404(client, db, fmt):
    response = client.get(f"{BASE}/services/nope.{fmt}")
    assert (response.status_code, errors_of(response)) == (
        404, [{"code": 404, "description": "service_code nope was not found."}])


# -- POST requests -------------------------------------------------------------------------------

def test_post_anonymous_report(client, key):
    response = post(client, theft(key, **{"attribute[what][]": ["phone", "money"], "attribute[value]": "2500000",
                                          "media_url": "https://img.example.org/1.jpg",
                                          "device_id": "device-123", "account_id": "acct-9"}))
    report = Report.objects.get()
    body = response.json()
    assert (response.status_code, response["Content-Type"]) == (201, "application/json; charset=utf-8")
    assert body == [{"service_request_id": report.reference, "service_notice": NOTICE_A,
                     "followup_code": body[0]["followup_code"]}]
    assert len(body[0]["followup_code"]) == 32
    assert (report.unit, report.unit_path, report.category.code, report.source, report.status) == (
        places_group_a(), "/VN/22/7090/7090-001/", "theft", "open311", Status.NEW)
    assert (report.is_anonymous, report.reporter, report.reporter_name, report.reporter_phone,
            report.reporter_email) == (True, None, "", "", "")
    # No device or account id for an anonymous report, anywhere in the row.
    assert report.answers == {"what": ["phone", "money"], "value": 2500000.0,
                              "media_url": "https://img.example.org/1.jpg"}
    assert (report.open311_client.name, report.lat, report.lon) == ("Ứng dụng phường", 21.0112, 107.0121)
    event = AuditEvent.objects.get(action="report.create")
    assert (event.ip, event.actor, event.changes["anonymous"], event.changes["source"]) == (
        None, None, [None, True], [None, "open311"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements of PostgreSQL's backend")
def test_post_runs_its_statements_prepared(client, key):
    for number in range(2):
        assert post(client, theft(key, description=f"Lần {number}")).status_code == 201
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert [any(s.startswith(start) for s in statements) for start in (
        'INSERT INTO "core_ratecounter"', "SELECT nextval(", 'WITH row0 AS (INSERT INTO "reports_report"')] == [
        True, True, True]


def places_group_a():
    from binhan.geo.models import AdministrativeUnit

    return AdministrativeUnit.objects.get(code="7090-001")


def test_post_named_report(client, key):
    response = post(client, theft(key, first_name="Lê", last_name="Thị Hoa", phone="0912000111",
                                  email="hoa@example.vn", device_id="device-123", account_id="acct-9"), fmt="xml")
    report = Report.objects.get()
    root = xml(response)
    assert (response.status_code, response["Content-Type"], root.tag) == (201, "text/xml; charset=utf-8",
                                                                          "service_requests")
    assert [child.tag for child in root.find("request")] == ["service_request_id", "service_notice", "followup_code"]
    assert root.findtext("request/service_request_id") == report.reference
    assert (report.is_anonymous, report.reporter_name, report.reporter_phone, report.reporter_email) == (
        False, "Lê Thị Hoa", "0912000111", "hoa@example.vn")
    assert report.answers == {"device_id": "device-123", "account_id": "acct-9"}
    assert AuditEvent.objects.get(action="report.create").ip == "127.0.0.1"


def test_post_lands_in_the_group_near_the_point(client, key):
    response = post(client, theft(key, lat="21.0995", long="107.1010"))
    assert (response.status_code, Report.objects.get().unit_path) == (201, "/VN/22/7093/7093-001/")


def test_post_by_address_id(client, key):
    data = theft(key, address_id="7093-001", address_string="Chợ Đông Triều")
    del data["lat"], data["long"]
    response = post(client, data)
    report = Report.objects.get()
    assert (response.status_code, report.unit_path, report.address, report.lat) == (
        201, "/VN/22/7093/7093-001/", "Chợ Đông Triều", None)


def test_post_ignores_csrf(key):
    response = post(Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en"), theft(key))
    assert (response.status_code, Report.objects.count()) == (201, 1)


def test_post_single_value_for_multi_attribute_and_datetime_for_date(client, key):
    Category.objects.create(code="event", name="Sự việc", questions=[
        {"code": "when", "type": "date", "label": {"en": "When"}},
        {"code": "what", "type": "multiple", "label": {"en": "What"}, "choices": [{"code": "x", "label": {}}]},
    ])
    response = post(client, theft(key, service_code="event", **{"attribute[when]": "2026-01-05T23:30:00+00:00",
                                                               "attribute[what]": "x"}))
    assert (response.status_code, Report.objects.get().answers) == (201, {"when": "2026-01-06", "what": ["x"]})


def test_fire_with_its_required_attribute(client, key):
    response = post(client, theft(key, service_code="fire", **{"attribute[burning]": "yes"}))
    report = Report.objects.get()
    assert (response.status_code, report.category.code, report.priority, report.answers) == (
        201, "fire", "urgent", {"burning": "yes"})


def test_a_deactivated_category_is_refused_within_seconds(client, key, monkeypatch):
    assert post(client, theft(key)).status_code == 201
    Category.objects.filter(code="theft").update(is_active=False)
    later = open311_records.time.monotonic() + open311_records.CATEGORY_SECONDS + 1
    monkeypatch.setattr(open311_records.time, "monotonic", lambda: later)
    response = post(client, theft(key))
    assert (response.status_code, response.json(), Report.objects.count()) == (
        400, [{"code": 400, "description": "service_code theft was not found."}], 1)


LONG = "x" * 100_000

BAD_INPUT = [
    # (changes to a good theft request, status, error descriptions)
    ({"service_code": None}, 400, ["service_code was not provided."]),
    ({"service_code": "nope"}, 400, ["service_code nope was not found."]),
    ({"service_code": None, "lat": None, "long": None}, 400, [
        "service_code was not provided.",
        "A location is required: lat and long, or address_id (the code of the residential group)."]),
    ({"lat": None, "long": None}, 400, [
        "A location is required: lat and long, or address_id (the code of the residential group)."]),
    ({"lat": None, "long": None, "address_string": "Số 5 phố Chợ"}, 400, [
        "We cannot place an address_string on the map: send lat and long, or the code of the residential group as "
        "address_id."]),
    ({"long": None}, 400, ["Give both lat and long, or neither."]),
    ({"lat": "91", "long": "107"}, 400, ["The location is outside the valid range of latitude and longitude."]),
    ({"lat": "21", "long": "-181"}, 400, ["The location is outside the valid range of latitude and longitude."]),
    ({"lat": "north", "long": "107"}, 400, ["lat and long must be numbers (WGS84 degrees)."]),
    ({"lat": "nan", "long": "107"}, 400, ["lat and long must be numbers (WGS84 degrees)."]),
    ({"lat": "10.77", "long": "106.70"}, 400, [
        "We could not tell where this happened. Place the pin nearer to a residential area or choose your "
        "residential group."]),
    ({"lat": None, "long": None, "address_id": "9999-999"}, 400, [
        "address_id 9999-999 is not the code of a residential group or village."]),
    ({"description": LONG}, 400, ["Please keep it under 4000 characters."]),
    ({"description": None}, 400, ["Please describe what happened."]),
    ({"address_string": "y" * 256}, 400, ["Please keep it under 255 characters."]),
    ({"service_code": "fire"}, 400, ["Please answer: Is it burning now?"]),
    ({"service_code": "fire", "attribute[burning]": "maybe"}, 400, [
        "Choose one of the offered answers for: Is it burning now?"]),
    ({"attribute[what][]": ["phone", "car"]}, 400, ["Choose among the offered answers for: What was taken"]),
    ({"attribute[value]": "a lot"}, 400, ["Estimated value (VND) must be a number."]),
    ({"attribute[value]": "inf"}, 400, ["Estimated value (VND) must be a number."]),
    ({"first_name": "Lê"}, 400, ["Give your name and phone number, or choose to report anonymously."]),
    ({"email": "hoa@example.vn"}, 400, ["Give your name and phone number, or choose to report anonymously."]),
    ({"first_name": "Lê", "phone": "0912000111", "email": "not-an-email"}, 400, ["The email address is not valid."]),
    ({"first_name": "Lê", "phone": "0" * 21}, 400, ["Please keep it under 20 characters."]),
    ({"media_url": "javascript:alert(1)"}, 400, [
        "media_url must be an http or https address of at most 1,000 characters."]),
    ({"api_key": None}, 403, ["api_key was not provided."]),
    ({"api_key": "o311_0123456789ab_wrong"}, 403, ["api_key is not valid, or it was revoked."]),
    ({"api_key": "bha_not_an_open311_key"}, 403, ["api_key is not valid, or it was revoked."]),
    ({"jurisdiction_id": "atlantis"}, 404, ["jurisdiction_id was not found."]),
]


@pytest.mark.parametrize(("changes", "status", "descriptions"), BAD_INPUT)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_input_stores_nothing(client, key, changes, status, descriptions, fmt):
    data = {name: value for name, value in {**theft(key), **changes}.items() if value is not None}
    response = post(client, data, fmt=fmt)
    assert (response.status_code, errors_of(response), Report.objects.count(),
            AuditEvent.objects.filter(action="report.create").count()) == (
        status, [{"code": status, "description": text} for text in descriptions], 0, 0)


def test_revoked_key_is_refused(client, key):
    keys.client_revoke(actor=None, client=Open311Client.objects.get())
    response = post(client, theft(key))
    assert (response.status_code, response.json(), Report.objects.count()) == (
        403, [{"code": 403, "description": "api_key is not valid, or it was revoked."}], 0)


def test_empty_or_known_jurisdiction_is_accepted(client, key):
    codes = [post(client, theft(key, jurisdiction_id=value)).status_code for value in ("", "22", "testserver", "vn")]
    assert (codes, Report.objects.count()) == ([201, 201, 201, 201], 4)


def test_key_of_a_province_posts_only_there(client, places):
    other = UnitFactory(code="33", name="Tỉnh khác", level=Level.PROVINCE, parent=places.nation)
    _c, full = keys.client_create(actor=None, name="Tỉnh khác", province=other)
    response = post(client, theft(full))
    assert (response.status_code, response.json(), Report.objects.count()) == (
        400, [{"code": 400, "description": "This key may only send reports from Tỉnh khác."}], 0)
    _c, own = keys.client_create(actor=None, name="Quảng Ninh", province=places.province)
    assert post(client, theft(own)).status_code == 201


def test_script_payload_is_text_everywhere(client, key):
    payload = '<script>alert("x")</script> & <b>bold</b>'
    reference = post(client, theft(key, description=payload)).json()[0]["service_request_id"]
    as_xml = client.get(f"{BASE}/requests/{reference}.xml")
    as_json = client.get(f"{BASE}/requests/{reference}.json")
    assert Report.objects.get().description == payload
    assert (b"<script>" in as_xml.content, b"&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; &lt;b&gt;"
            in as_xml.content, xml(as_xml).findtext("request/description")) == (False, True, payload)
    assert (b"<script>" in as_json.content, as_json.json()[0]["description"]) == (False, payload)


def test_control_characters_never_break_the_xml(client, places):
    make_report(unit=places.group_a, description="bell \x07 and tab \t end")
    root = xml(client.get(f"{BASE}/requests.xml"))
    assert root.findtext("request/description") == "bell  and tab \t end"


def test_rate_limit_per_key(client, places, monkeypatch):
    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_800_000_000.25)
    _c, full = keys.client_create(actor=None, name="Slow", rate_per_second=2)
    answers = [post(client, theft(full), fmt="xml") for _ in range(3)]
    assert ([a.status_code for a in answers], answers[2]["Retry-After"], errors_of(answers[2]),
            Report.objects.count()) == (
        [201, 201, 429], "1", [{"code": 429, "description": "Too many requests. Please wait 1 second and try again."}],
        2)


def test_rate_limit_per_key_counted_in_redis_before_the_write(client, places, monkeypatch, settings):
    """With Redis the count is made before the report's transaction: its round trip stays out of the lock."""
    settings.REDIS_URL = "redis://127.0.0.1:6379/13"
    settings.CACHES = {"default": {"BACKEND": ratelimit.REDIS_CACHE, "LOCATION": settings.REDIS_URL}}
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception:  # noqa: BLE001
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_800_000_000.25)
    _c, full = keys.client_create(actor=None, name="Slow", rate_per_second=2)
    counted_in_a_transaction = []
    count = ratelimit._count_in_cache
    monkeypatch.setattr(ratelimit, "_count_in_cache",
                        lambda *args: counted_in_a_transaction.append(len(connection.atomic_blocks)) or count(*args))
    try:
        outside_before = len(connection.atomic_blocks)  # pytest-django's own transaction
        answers = [post(client, theft(full)).status_code for _ in range(3)]
    finally:
        cache.clear()
    assert (answers, Report.objects.count(), RateCounter.objects.count()) == ([201, 201, 429], 2, 0)
    assert counted_in_a_transaction == [outside_before] * 3


def test_wrong_keys_are_limited_per_ip(client, places, monkeypatch):
    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_800_000_000.25)
    monkeypatch.setattr(open311_views, "BAD_KEY_RATE", "2/m")
    codes = [post(client, theft("o311_x_y")).status_code for _ in range(3)]
    assert codes == [403, 403, 429]


def test_reads_are_limited_per_ip(client, db, monkeypatch):
    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_800_000_000.25)
    monkeypatch.setattr(open311_views, "READ_RATE", "2/m")
    answers = [client.get(f"{BASE}/requests.json") for _ in range(3)]
    assert ([a.status_code for a in answers], answers[2]["Retry-After"], answers[2].json()) == (
        [200, 200, 429], "60", [{"code": 429, "description": "Too many requests. Please wait 60 seconds and try "
                                                             "again."}])


# -- GET requests ------------------------------------------------------------------------------

@pytest.fixture
def reports(places):
    """Public and private reports over time, in both communes."""
    now = timezone.now()
    made = {
        "theft_new": make_report(unit=places.group_a, lat=21.012345, lon=107.016789, created_at=earlier_today(1),
                                 address="Số 5 ngõ 3", answers={"media_url": "https://img.example.org/a.jpg"}),
        "fire_closed": make_report(unit=places.group_b, category_code="fire", created_at=now - timedelta(days=2),
                                   status=Status.RESOLVED, closed_at=now - timedelta(days=1),
                                   answers={"burning": "yes"}),
        "gambling_progress": make_report(unit=places.group_a, category_code="gambling",
                                         created_at=now - timedelta(days=10), status=Status.IN_PROGRESS),
        "theft_old": make_report(unit=places.group_a, created_at=now - timedelta(days=100)),
        "crime_tip": make_report(unit=places.group_a, category_code="crime-tip", created_at=now - timedelta(hours=2)),
        "drugs": make_report(unit=places.group_b, category_code="drugs", created_at=now - timedelta(hours=3)),
        "violence": make_report(unit=places.group_a, category_code="domestic-violence",
                                created_at=now - timedelta(hours=4)),
        "suspicious": make_report(unit=places.group_b, category_code="suspicious", created_at=now - timedelta(hours=5)),
    }
    return made


def ids(response) -> list[str]:
    return [record["service_request_id"] for record in response.json()]


def refs(reports, *names) -> list[str]:
    return [reports[name].reference for name in names]


def test_requests_default_to_the_last_90_days_of_public_categories(client, reports):
    response = client.get(f"{BASE}/requests.json")
    assert (response.status_code, ids(response)) == (200, refs(reports, "theft_new", "fire_closed",
                                                               "gambling_progress"))


def test_request_record_is_public_and_coarse(client, reports):
    report = reports["theft_new"]
    Update.objects.create(report=report, kind=Update.Kind.PUBLIC, text="Công an đã tiếp nhận.")
    Update.objects.create(report=report, kind=Update.Kind.INTERNAL, text="Nghi phạm quen mặt")
    Update.objects.create(report=report, kind=Update.Kind.REPORTER, text="Tôi ở số 5")
    report.refresh_from_db()
    record = client.get(f"{BASE}/requests/{report.reference}.json").json()
    assert record == [{
        "service_request_id": report.reference, "status": "open", "status_notes": "Công an đã tiếp nhận.",
        "service_name": "Theft", "service_code": "theft", "description": "Mất xe máy trước cổng nhà",
        "agency_responsible": "Phường An Sinh", "service_notice": None,
        "requested_datetime": timezone.localtime(report.created_at).isoformat(timespec="seconds"),
        "updated_datetime": timezone.localtime(report.updated_at).isoformat(timespec="seconds"),
        "expected_datetime": None, "address": "Tổ dân phố 1, Phường An Sinh", "address_id": "7090-001",
        "zipcode": None, "lat": 21.012, "long": 107.017, "media_url": "https://img.example.org/a.jpg",
    }]
    assert record[0]["requested_datetime"].endswith("+07:00")


def test_request_record_xml_has_every_field_in_order(client, reports):
    root = xml(client.get(f"{BASE}/requests/{reports['fire_closed'].reference}.xml"))
    request = root.find("request")
    assert (root.tag, [child.tag for child in request]) == ("service_requests", REQUEST_FIELDS)
    assert {tag: request.findtext(tag) for tag in ("status", "service_code", "agency_responsible", "lat")} == {
        "status": "closed", "service_code": "fire", "agency_responsible": "Phường Đông Triều", "lat": ""}


@pytest.mark.parametrize(("query", "expected"), [
    ("status=open", ["theft_new", "gambling_progress"]),
    ("status=closed", ["fire_closed"]),
    ("status=open,closed", ["theft_new", "fire_closed", "gambling_progress"]),
    ("service_code=fire,gambling", ["fire_closed", "gambling_progress"]),
    ("service_code=crime-tip", []),
    ("service_code=nope", []),
    ("start_date={days_ago_5}", ["theft_new", "fire_closed"]),
    ("end_date={days_ago_5}", ["gambling_progress"]),
    ("start_date={days_ago_120}&end_date={days_ago_50}", ["theft_old"]),
    ("start_date={day_5}&end_date={day_1}", ["fire_closed"]),
    ("page_size=2", ["theft_new", "fire_closed"]),
    ("page_size=2&page=2", ["gambling_progress"]),
    ("page=3&page_size=2", []),
    # service_request_id overrides every other filter; private and unknown references are simply absent
    ("service_request_id={theft_old},{crime_tip},R-2026-999999,nonsense,{fire_closed}&status=open",
     ["fire_closed", "theft_old"]),
])
def test_request_filters(client, reports, query, expected):
    now = timezone.localtime()
    values = {name: report.reference for name, report in reports.items()}
    values.update({
        "days_ago_5": (now - timedelta(days=5)).isoformat(timespec="seconds"),
        "days_ago_50": (now - timedelta(days=50)).isoformat(timespec="seconds"),
        "days_ago_120": (now - timedelta(days=120)).isoformat(timespec="seconds"),
        "day_5": (now - timedelta(days=5)).date().isoformat(),
        "day_1": (now - timedelta(days=1)).date().isoformat(),
    })
    response = client.get(f"{BASE}/requests.json?" + query.format(**values).replace("+", "%2B"))
    assert (response.status_code, ids(response)) == (200, refs(reports, *expected))


@pytest.mark.parametrize(("query", "descriptions"), [
    ("start_date=2026-01-01T00:00:00Z&end_date=2026-05-01T00:00:00Z",
     ["start_date and end_date may be at most 90 days apart."]),
    ("start_date=2026-05-01&end_date=2026-04-01", ["end_date must not be before start_date."]),
    ("start_date=yesterday", ["start_date must be a date and time in ISO 8601, e.g. 2026-01-05T08:00:00+07:00."]),
    ("status=pending", ["status must be open or closed."]),
    ("page=0", ["page must be a whole number from 1 to 1000000."]),
    ("page_size=1001&page=x", ["page must be a whole number from 1 to 1000000.",
                               "page_size must be a whole number from 1 to 1000."]),
])
def test_bad_request_filters(client, reports, query, descriptions):
    response = client.get(f"{BASE}/requests.xml?{query}")
    assert (response.status_code, errors_of(response)) == (400, [{"code": 400, "description": d}
                                                                 for d in descriptions])


@pytest.mark.parametrize("name", ["crime_tip", "drugs", "violence", "suspicious"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_private_categories_are_never_retrievable(client, reports, name, fmt):
    reference = reports[name].reference
    response = client.get(f"{BASE}/requests/{reference}.{fmt}")
    assert (response.status_code, errors_of(response)) == (
        404, [{"code": 404, "description": f"service_request_id {reference} was not found."}])
    listed = client.get(f"{BASE}/requests.{fmt}?service_request_id={reference}")
    assert reference.encode() not in listed.content


@pytest.mark.parametrize("reference", ["R-2026-999999", "R-1999-{pk}", "{pk}", "nonsense"])
def test_unknown_or_mistyped_references_are_404(client, reports, reference):
    response = client.get(f"{BASE}/requests/{reference.format(pk=reports['theft_new'].pk)}.json")
    assert response.status_code == 404


def test_reference_lookup_is_case_insensitive(client, reports):
    reference = reports["theft_new"].reference
    response = client.get(f"{BASE}/requests/{reference.lower()}.json")
    assert (response.status_code, ids(response)) == (200, [reference])


def test_request_list_queries(client, reports, django_assert_num_queries):
    for report in Report.objects.all():
        Update.objects.create(report=report, kind=Update.Kind.PUBLIC, text="Đã xem")
    # the per-address rate-limit count, the reports with category, group and commune; their public notes
    with django_assert_num_queries(3):
        response = client.get(f"{BASE}/requests.json")
    assert len(response.json()) == 3


def test_no_personal_data_in_any_output(client, key):
    secret_name, secret_phone, secret_email = "Phạm Bí Mật", "0987654321", "bimat@example.vn"
    reference = post(client, theft(key, first_name="Phạm", last_name="Bí Mật", phone=secret_phone,
                                   email=secret_email, device_id="device-secret-7", account_id="acct-secret-8",
                                   address_string="Số 17 ngõ Bí Mật")).json()[0]["service_request_id"]
    report = Report.objects.get()
    Update.objects.create(report=report, kind=Update.Kind.STATUS, status_from="new", status_to="acknowledged")
    bodies = b"".join(client.get(f"{BASE}/{path}").content for path in (
        f"requests/{reference}.json", f"requests/{reference}.xml", "requests.json", "requests.xml",
        "servicerequestupdates.json", "servicerequestupdates.xml", f"requests.json?service_request_id={reference}"))
    assert reference.encode() in bodies
    for secret in (secret_name, "Bí Mật", secret_phone, secret_email, "device-secret-7", "acct-secret-8",
                   "Số 17", "21.0112", "107.0121"):
        assert secret.encode() not in bodies, secret


# -- updates and tokens ----------------------------------------------------------------------------

def test_service_request_updates(client, reports):
    theft_report, fire, tip = reports["theft_new"], reports["fire_closed"], reports["crime_tip"]
    earlier = timezone.now() - timedelta(minutes=30)
    made = [
        Update.objects.create(report=theft_report, kind=Update.Kind.STATUS, status_from="new",
                              status_to="acknowledged", text=""),
        Update.objects.create(report=theft_report, kind=Update.Kind.PUBLIC, text="Đang xác minh."),
        Update.objects.create(report=theft_report, kind=Update.Kind.INTERNAL, text="nội bộ"),
        Update.objects.create(report=theft_report, kind=Update.Kind.REPORTER, text="tin của người báo"),
        Update.objects.create(report=fire, kind=Update.Kind.STATUS, status_from="in_progress", status_to="resolved",
                              text="Đã dập tắt."),
        Update.objects.create(report=fire, kind=Update.Kind.PUBLIC, text="Cảm ơn bà con."),
        Update.objects.create(report=tip, kind=Update.Kind.PUBLIC, text="tin báo tội phạm"),
    ]
    for offset, update in enumerate(made):
        Update.objects.filter(pk=update.pk).update(created_at=earlier + timedelta(minutes=offset))
        update.refresh_from_db()
    response = client.get(f"{BASE}/servicerequestupdates.json")

    def record(update, status):
        return {"update_id": str(update.pk), "service_request_id": update.report.reference, "status": status,
                "updated_datetime": timezone.localtime(update.created_at).isoformat(timespec="seconds"),
                "description": update.text, "media_url": None}

    assert (response.status_code, response.json()) == (200, [
        record(made[0], "open"), record(made[1], "open"), record(made[4], "closed"), record(made[5], "closed")])
    root = xml(client.get(f"{BASE}/servicerequestupdates.xml"))
    assert (root.tag, [u.findtext("update_id") for u in root.findall("request_update")],
            [child.tag for child in root.find("request_update")]) == (
        "service_request_updates", [str(made[i].pk) for i in (0, 1, 4, 5)],
        ["update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"])
    later = client.get(f"{BASE}/servicerequestupdates.json?start_date="
                       + (timezone.localtime(earlier) + timedelta(minutes=3)).isoformat().replace("+", "%2B"))
    assert [u["update_id"] for u in later.json()] == [str(made[4].pk), str(made[5].pk)]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_tokens_are_never_issued(client, db, fmt):
    response = client.get(f"{BASE}/tokens/12345.{fmt}")
    assert (response.status_code, errors_of(response)) == (404, [{"code": 404, "description": (
        "token 12345 was not found: this server never issues tokens, it returns service_request_id at once.")}])


def test_unknown_resource_and_method(client, db):
    unknown = client.get(f"{BASE}/nothing.json")
    wrong_method = client.post(f"{BASE}/services.xml")
    assert (unknown.status_code, unknown.json()) == (
        404, [{"code": 404, "description": "There is no such Open311 resource."}])
    assert (wrong_method.status_code, wrong_method["Allow"], errors_of(wrong_method)) == (
        405, "GET", [{"code": 405, "description": "This endpoint answers GET only."}])


def test_a_generic_client_round_trip(client, key):
    """What a plain GeoReport v2 client does: services, definition, POST, then read the request back."""
    services = xml(client.get(f"{BASE}/services.xml"))
    code = next(s.findtext("service_code") for s in services.iter("service") if s.findtext("metadata") == "true")
    definition = xml(client.get(f"{BASE}/services/{code}.xml"))
    attributes = {a.findtext("code"): [v.findtext("key") for v in a.iter("value")]
                  for a in definition.iter("attribute")}
    created = xml(post(client, theft(key, service_code=code, **{"attribute[what][]": attributes["what"][:2]}),
                       fmt="xml"))
    request_id = created.find("request").findtext("service_request_id")
    back = xml(client.get(f"{BASE}/requests/{request_id}.xml"))
    listed = json.loads(client.get(f"{BASE}/requests.json?service_request_id={request_id}").content)
    assert (code, back.find("request").findtext("service_request_id"), back.find("request").findtext("status"),
            listed[0]["service_code"]) == ("theft", request_id, "open", "theft")


# -- keys: command and page ------------------------------------------------------------------------

def test_key_command_create_list_revoke(places, capsys):
    call_command("open311-key", "create", "Zalo mini app", "--rate", "25", "--province", "22")
    full = capsys.readouterr().out.strip()
    client = Open311Client.objects.get()
    assert (full.startswith(f"o311_{client.key_id}_"), keys.client_authenticate(full), client.rate_per_second,
            client.province, client.key_hash == keys.hash_secret(full.split("_", 2)[2])) == (
        True, client, 25, places.province, True)
    call_command("open311-key", "list")
    listed = capsys.readouterr().out
    call_command("open311-key", "revoke", client.key_id)
    assert (listed.split("\t")[:4], keys.client_authenticate(full)) == (
        [client.key_id, "22", "25/s", "active"], None)
    events = AuditEvent.objects.filter(action__startswith="open311_client").order_by("id")
    assert [(e.action, e.actor, e.unit_path) for e in events] == [
        ("open311_client.create", None, "/VN/22/"), ("open311_client.revoke", None, "/VN/22/")]


def test_key_command_unknown_province_and_key(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No province has the code 99"):
        call_command("open311-key", "create", "X", "--province", "99")
    with pytest.raises(CommandError, match="No key has the id nope"):
        call_command("open311-key", "revoke", "nope")
    assert Open311Client.objects.count() == 0


@pytest.mark.parametrize(("name", "status"), [
    ("resident_a", 403), ("auditor_a", 403), ("police_a", 403), ("leader_a", 403), ("group_leader_a", 403),
    ("province_leader", 200), ("admin", 200),
])
def test_key_page_permissions(client, login, world, name, status):
    login(getattr(world, name))
    assert client.get("/open311/keys/").status_code == status


def test_key_page_anonymous_goes_to_login(client, db):
    response = client.get("/open311/keys/")
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")


def test_province_leader_creates_lists_and_revokes_a_key(client, login, world):
    login(world.province_leader)
    created = client.post("/open311/keys/", {"name": "Ứng dụng tỉnh", "province": world.province.pk,
                                             "rate_per_second": 5})
    key_row = Open311Client.objects.get()
    full = created.context["created"]["key"]
    assert (created.status_code, full.encode() in created.content, keys.client_authenticate(full)) == (
        200, True, key_row)
    assert (key_row.name, key_row.province, key_row.rate_per_second, key_row.created_by) == (
        "Ứng dụng tỉnh", world.province, 5, world.province_leader)
    listing = client.get("/open311/keys/")
    assert (key_row.key_id.encode() in listing.content, full.encode() in listing.content) == (True, False)
    revoked = client.post(f"/open311/keys/{key_row.pk}/revoke/")
    key_row.refresh_from_db()
    assert (revoked.status_code, key_row.revoked_at is not None, keys.client_authenticate(full)) == (302, True, None)
    events = AuditEvent.objects.filter(action__startswith="open311_client").order_by("id")
    assert [(e.action, e.actor, e.unit_path) for e in events] == [
        ("open311_client.create", world.province_leader, "/VN/22/"),
        ("open311_client.revoke", world.province_leader, "/VN/22/")]


def test_province_leader_cannot_make_a_national_key(client, login, world):
    login(world.province_leader)
    response = client.post("/open311/keys/", {"name": "Toàn quốc", "province": "", "rate_per_second": 5})
    assert (response.status_code, Open311Client.objects.count()) == (400, 0)


def test_admin_makes_a_national_key(client, login, world):
    login(world.admin)
    response = client.post("/open311/keys/", {"name": "Toàn quốc", "province": "", "rate_per_second": 5})
    assert (response.status_code, Open311Client.objects.get().province) == (200, None)


def test_commune_police_cannot_create_or_revoke_keys(client, login, world):
    other, _full = keys.client_create(actor=None, name="Có sẵn", province=world.province)
    login(world.police_a)
    created = client.post("/open311/keys/", {"name": "Phường", "province": world.province.pk,
                                             "rate_per_second": 5})
    revoked = client.post(f"/open311/keys/{other.pk}/revoke/")
    other.refresh_from_db()
    assert (created.status_code, revoked.status_code, Open311Client.objects.count(), other.revoked_at) == (
        403, 403, 1, None)
    assert AuditEvent.objects.filter(action__startswith="open311_client", actor=world.police_a).count() == 0


def test_keys_of_another_province_are_invisible(client, login, world):
    other_province = UnitFactory(code="33", name="Tỉnh khác", level=Level.PROVINCE, parent=world.nation)
    theirs, _full = keys.client_create(actor=None, name="Của tỉnh khác", province=other_province)
    national, _full = keys.client_create(actor=None, name="Toàn quốc")
    login(world.province_leader)
    page = client.get("/open311/keys/")
    revoke = client.post(f"/open311/keys/{theirs.pk}/revoke/")
    assert (list(page.context["clients"]), revoke.status_code) == ([], 404)
    assert list(keys.client_list(viewer=world.admin).order_by("id")) == [theirs, national]


def test_key_service_refuses_commune_police(world):
    from binhan.core.exceptions import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        keys.client_create(actor=world.police_a, name="Phường", province=world.province)
    assert (Open311Client.objects.count(), AuditEvent.objects.filter(action="open311_client.create").count()) == (0, 0)


# -- SQLite writers queue behind a lock file ---------------------------------------------------------

def _lock_is_free(path: str) -> bool:
    """Whether another open file description (as another process has) can take the lock now."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_sqlite_writers_queue_behind_a_lock_file(tmp_path, monkeypatch):
    database = tmp_path / "binhan.sqlite3"
    files = {"default": f"{database}.write-lock", "stats": f"{tmp_path / 'binhan-stats.sqlite3'}.write-lock"}
    monkeypatch.setattr(writes, "_lock_path", files.get)
    monkeypatch.setattr(writes, "_lock_files", {})

    def free(alias: str = "default") -> bool:
        return _lock_is_free(files[alias])

    with writes.serialised_writes():
        held = free()
    assert (held, free()) == (False, True)

    # The statistics' database has a lock of its own: its writer holds up neither another process
    # nor another thread of this one writing to the main database.
    other_thread_wrote = threading.Event()

    def write_main() -> None:
        with writes.serialised_writes():
            other_thread_wrote.set()

    with writes.serialised_writes(using="stats"):
        main_free, stats_free = free(), free("stats")
        writer = threading.Thread(target=write_main)
        writer.start()
        wrote = other_thread_wrote.wait(5)
        writer.join(5)
    assert (main_free, stats_free, wrote, free("stats")) == (True, False, True, True)


def test_a_thread_that_holds_the_writers_lock_does_not_queue_behind_itself(tmp_path, monkeypatch):
    """A group's transaction holds the lock while its requests' own blocks ask for it (core/db/group_commit.py)."""
    lock_file = f"{tmp_path / 'binhan.sqlite3'}.write-lock"
    monkeypatch.setattr(writes, "_lock_path", lambda using: lock_file)
    monkeypatch.setattr(writes, "_lock_files", {})

    def free() -> bool:
        return _lock_is_free(lock_file)

    with writes.serialised_writes():
        with writes.serialised_writes():  # would wait for ever if it queued
            inner_held = not free()
        still_held = not free()  # the inner block's end did not let go of the outer one's lock
    assert inner_held
    assert (still_held, free()) == (True, True)


def test_no_lock_file_for_postgresql_or_memory(tmp_path):
    paths = [writes._lock_path_for(vendor, name) for vendor, name in (
        ("postgresql", "binhan"), ("sqlite", ":memory:"), ("sqlite", "file:memorydb?mode=memory"))]
    assert paths == [None, None, None]
    assert writes._lock_path_for("sqlite", f"{tmp_path}/binhan.sqlite3") == f"{tmp_path}/binhan.sqlite3.write-lock"
