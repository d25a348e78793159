"""The intake's fast path: the process's index of groups, the remembered keys, the ASGI lanes,
and the key's count sharing the report's transaction."""

from urllib.parse import urlencode

import pytest
from django.db import connection

from binhan import asgi
from binhan.core import ratelimit, rows
from binhan.core.models import AuditEvent, OutboxEvent, RateCounter
from binhan.reports import locate
from binhan.reports.models import Open311Client, Report
from binhan.reports.open311 import keys
from binhan.reports.open311 import records as open311_records
from tests.factories import UnitFactory

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def indexed(settings):
    settings.BINHAN_UNIT_CACHE_SECONDS = 60
    locate.forget_index()
    yield
    locate.forget_index()


@pytest.fixture
def remembered_keys(settings):
    settings.BINHAN_KEY_CACHE_SECONDS = 60
    keys._known.clear()
    yield
    keys._known.clear()


@pytest.mark.parametrize(("lat", "lon", "expected"), [(21.049, 106.851, "group_b"), (20.951, 107.049, "group_a"),
                                                      (25.0, 100.0, None)])
def test_the_index_finds_what_the_database_finds(placed, settings, lat, lon, expected):
    settings.BINHAN_UNIT_CACHE_SECONDS = 0
    from_database = locate.group_for_point(lat, lon)
    settings.BINHAN_UNIT_CACHE_SECONDS = 60
    locate.forget_index()
    from_index = locate.group_for_point(lat, lon)
    locate.forget_index()
    wanted = getattr(placed, expected) if expected else None
    assert (from_database, from_index) == (wanted, wanted)


def test_the_index_honours_boundaries_and_asks_the_database_once(placed, indexed, django_assert_num_queries):
    square = {"type": "Polygon", "coordinates": [[[107.0, 20.9], [107.1, 20.9], [107.1, 21.0], [107.0, 21.0],
                                                  [107.0, 20.9]]]}
    placed.group_a.boundary = square
    placed.group_a.save()
    with django_assert_num_queries(2):  # the groups, the units above them
        first = locate.group_for_point(20.99, 107.09)
    with django_assert_num_queries(0):
        again = locate.group_for_point(20.99, 107.09)
        commune = locate.commune_of(again)
    assert (first, again, commune) == (placed.group_a, placed.group_a, placed.commune_a)


def test_the_index_hands_out_copies(placed, indexed):
    found = locate.group_for_point(21.049, 106.851)
    found.path = "/changed/"
    assert locate.group_for_point(21.049, 106.851).path == placed.group_b.path


def test_a_new_group_is_found_once_the_index_is_old(placed, indexed, monkeypatch):
    assert locate.group_for_point(22.0, 108.0) is None
    UnitFactory(parent=placed.commune_a, centre_lat=22.0, centre_lon=108.0, code="NEW1")
    assert locate.group_for_point(22.0, 108.0) is None  # still the index loaded before
    later = locate.time.monotonic() + 61
    monkeypatch.setattr(locate.time, "monotonic", lambda: later)
    assert locate.group_for_point(22.0, 108.0).code == "NEW1"


def test_a_known_key_is_not_looked_up_again(places_key, remembered_keys, django_assert_num_queries):
    _client, full = places_key
    assert keys.client_authenticate(full) is not None
    with django_assert_num_queries(0):
        assert keys.client_authenticate(full) is not None
        assert keys.client_authenticate(full[:-2] + "xx") is None  # the secret is still checked


def test_a_revoked_key_stops_at_once_in_the_revoking_process(places_key, remembered_keys,
                                                             django_capture_on_commit_callbacks):
    client, full = places_key
    assert keys.client_authenticate(full) == client
    with django_capture_on_commit_callbacks(execute=True):
        keys.client_revoke(actor=None, client=client)
    assert keys.client_authenticate(full) is None


@pytest.fixture
def places_key(placed):
    open311_records._categories.clear()
    yield keys.client_create(actor=None, name="App", rate_per_second=1)
    open311_records._categories.clear()


def _post(client, full, **fields):
    data = {"api_key": full, "service_code": "theft", "lat": "21.049", "long": "106.851",
            "description": "Mất xe máy", **fields}
    return client.post("/open311/v2/requests.json", urlencode(data), content_type=FORM)


def test_a_request_past_the_limit_stores_nothing_and_a_bad_one_still_counts(client, places_key, monkeypatch):
    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_800_000_000.5)
    _client, full = places_key
    bad = _post(client, full, description="")
    refused = _post(client, full)
    assert (bad.status_code, refused.status_code) == (400, 429)
    # SQLite counts in the report's transaction, so the refused attempt's count rolls back with it;
    # PostgreSQL counts in a statement of its own, before.
    assert (Report.objects.count(), AuditEvent.objects.filter(action="report.create").count(),
            OutboxEvent.objects.filter(name="report.created").count(),
            list(RateCounter.objects.values_list("count", flat=True))) == (
        0, 0, 0, [2 if connection.vendor == "postgresql" else 1])


def test_one_accepted_request_is_one_transaction_of_writes(client, places_key, django_assert_num_queries):
    Open311Client.objects.update(rate_per_second=10)
    _client, full = places_key
    rows._sequences.clear()
    # key; category; the group's candidates; the key's count; then on SQLite the report, its audit row and
    # its event, sharing a transaction with the count (here, inside the test's own transaction, a
    # savepoint and its release); on PostgreSQL the name of the reports' sequence (once a process), the
    # report's reserved key, and the report, its audit row and its event in one statement; the commune
    # for the notice. (PostgreSQL's NOTIFY goes after the commit, from a connection of its own.)
    with django_assert_num_queries(8 if connection.vendor == "postgresql" else 10):
        response = _post(client, full)
    assert (response.status_code, Report.objects.count()) == (201, 1)


@pytest.mark.parametrize(("method", "path", "lane"), [
    ("POST", "/open311/v2/requests.json", "intake"), ("POST", "/open311/v2/requests.xml", "intake"),
    ("POST", "/reports/new/", "intake"), ("GET", "/reports/new/", "pages"), ("GET", "/open311/v2/requests.json", "pages"),
    ("GET", "/live/", "streams"), ("GET", "/reports/follow/abc/live/", "streams"), ("GET", "/healthz", "pages"),
])
def test_requests_take_their_lane(method, path, lane):
    assert asgi.lane({"type": "http", "method": method, "path": path}) is getattr(asgi, lane)


def _wsgi_post(handler, body: bytes) -> tuple[str, dict, bytes]:
    import io
    import sys

    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/open311/v2/requests.json", "SERVER_NAME": "testserver",
               "SERVER_PORT": "80", "HTTP_HOST": "testserver", "wsgi.url_scheme": "http", "CONTENT_TYPE": FORM,
               "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body), "REMOTE_ADDR": "127.0.0.1",
               "HTTP_ACCEPT_LANGUAGE": "en", "wsgi.errors": sys.stderr, "SCRIPT_NAME": ""}
    started: list = []
    # As Django's test client does: the test's transaction must survive the request's end.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        content = b"".join(handler(environ, lambda status, headers, *_: started.append((status, headers))))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    status, headers = started[0]
    return status, dict(headers), content


def test_open311_posts_answer_the_same_through_the_machines_shorter_chain(places_key):
    import json

    from django.core.handlers.wsgi import WSGIHandler

    from binhan.core.handlers import MACHINE_MIDDLEWARE, ChainWSGIHandler

    Open311Client.objects.update(rate_per_second=10)
    _client, full = places_key
    answers = []
    for handler in (WSGIHandler(), ChainWSGIHandler(MACHINE_MIDDLEWARE)):
        for fields in ({"description": "Mất xe máy"}, {"description": ""}, {"api_key": "wrong"}):
            data = {"api_key": full, "service_code": "theft", "lat": "21.049", "long": "106.851", **fields}
            status, headers, content = _wsgi_post(handler, urlencode(data).encode())
            body = json.loads(content)
            answers.append((status, sorted(headers), [sorted(item) for item in body]))
            assert "sessionid" not in headers.get("Set-Cookie", "")
    assert answers[:3] == answers[3:]
    assert [answer[0] for answer in answers[:3]] == ["201 Created", "400 Bad Request", "403 Forbidden"]
    assert Report.objects.count() == 2


def test_the_intake_lane_sends_open311_to_the_shorter_chain_and_the_form_to_the_site(monkeypatch):
    seen = []
    monkeypatch.setattr(asgi, "_machines", lambda environ, start: seen.append("machines") or [])
    monkeypatch.setattr(asgi, "_django", lambda environ, start: seen.append("site") or [])
    asgi._intake_wsgi({"PATH_INFO": "/open311/v2/requests.json"}, None)
    asgi._intake_wsgi({"PATH_INFO": "/reports/new/"}, None)
    assert seen == ["machines", "site"]
