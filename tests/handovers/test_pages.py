"""Handover pages and API: permissions, recording from the form, receipt PDF, moving items, query counts."""

import pytest
from django.urls import reverse

from binhan.core.models import AuditEvent
from binhan.handovers.models import Handover, Movement
from tests.handovers.conftest import record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "status"), [
    ("resident_a", 403), ("auditor_a", 403), ("group_leader_a", 403), ("leader_a", 403), ("police_a", 200),
    ("police_b", 200), ("admin", 200)])
def test_register_permissions(client, login, world, name, status):
    login(getattr(world, name))
    assert client.get(reverse("handovers:list")).status_code == status


def test_register_lists_the_commune_only(client, login, world, django_assert_num_queries):
    for _ in range(3):
        record(world)
    record(world, actor=world.police_b, commune=world.commune_b)
    login(world.police_a)
    client.get(reverse("handovers:list"))
    # session, user, police scope, count, staff scope (totals and stock), totals, stock: items and movements,
    # roles (nav), page
    with django_assert_num_queries(10):
        body = client.get(reverse("handovers:list")).content.decode()
    assert body.count('data-handover="') == 3


@pytest.mark.parametrize(("name", "status"), [("police_a", 200), ("police_b", 404), ("leader_a", 403)])
def test_detail_permissions(client, login, world, name, status):
    handover = record(world)
    login(getattr(world, name))
    assert client.get(reverse("handovers:detail", args=[handover.pk])).status_code == status


def test_record_from_the_form(client, login, world):
    login(world.police_a)
    data = {"unit": world.commune_a.pk, "received_on": "2026-03-10", "place": "Nhà văn hóa", "donor_name": "Trần B",
            "items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "1",
            "items-MAX_NUM_FORMS": "20", "items-0-category": "rudimentary", "items-0-quantity": "3",
            "items-0-condition": "usable", "items-1-category": "fireworks_kg", "items-1-quantity": "2.5",
            "items-1-condition": "damaged"}
    response = client.post(reverse("handovers:create"), data)
    handover = Handover.objects.get()
    assert (response.status_code, handover.items.count()) == (302, 2)
    bad = client.post(reverse("handovers:create"), {**data, "items-0-category": "gun_military",
                                                    "items-0-quantity": "1.5"})
    assert (bad.status_code, Handover.objects.count()) == (400, 1)


def test_receipt_pdf_is_audited(client, login, world):
    handover = record(world)
    login(world.police_a)
    response = client.get(reverse("handovers:receipt", args=[handover.pk]))
    assert (response.status_code, response["Content-Type"], response.content[:4]) == (200, "application/pdf", b"%PDF")
    assert AuditEvent.objects.filter(action="handovers.handover.receipt").count() == 1


def test_move_from_the_page(client, login, world):
    handover = record(world)
    item = handover.items.get(category="ammunition")
    login(world.police_a)
    url = reverse("handovers:item_move", args=[item.pk])
    ok = client.post(url, {"route": "commune:province_store", "quantity": "30", "moved_on": "2026-03-11"})
    too_much = client.post(url, {"route": "commune:destroyed", "quantity": "1", "moved_on": "2026-03-11"})
    assert (ok.status_code, too_much.status_code, Movement.objects.count()) == (302, 400, 1)
    login(world.police_b)
    assert client.post(url, {"route": "province_store:destroyed", "quantity": "1",
                             "moved_on": "2026-03-11"}).status_code == 404


def test_programme_page(client, login, world):
    login(world.police_a)
    response = client.post(reverse("handovers:programmes"), {
        "unit": world.commune_a.pk, "name": "Đổi súng lấy bình", "reward": "fire_extinguisher",
        "starts_on": "2026-01-01", "ends_on": "2026-12-31"})
    assert response.status_code == 302


def test_api_record_list_totals(client, world, token_for, django_assert_num_queries):
    headers = token_for(world.police_a)
    response = client.post("/api/v1/handovers", {
        "unit_id": world.commune_a.pk, "received_on": "2026-03-10", "place": "Trụ sở", "anonymous": True,
        "items": [{"category": "grenade", "quantity": 6}, {"category": "fireworks_kg", "quantity": "8.1"}]},
        content_type="application/json", **headers)
    assert (response.status_code, response.json()["number"]) == (201, "GN-7090-2026-00001")
    for _ in range(4):
        record(world)
    client.get("/api/v1/handovers?page_size=2", **headers)
    # token lookup, token touch, scope paths, count, page
    with django_assert_num_queries(5):
        body = client.get("/api/v1/handovers?page_size=2", **headers).json()
    assert (body["count"], len(body["items"]), "donor_name" in body["items"][0]) == (5, 2, False)
    totals = client.get("/api/v1/handovers-totals", **token_for(world.leader_a)).json()
    assert {row["category"]: (row["quantity"], row["measure"]) for row in totals}["fireworks_kg"] == ("8.100", "kg")
    assert client.get("/api/v1/handovers", **token_for(world.leader_a)).status_code == 403


@pytest.mark.parametrize("payload", [
    {"unit_id": 1, "received_on": "2026-03-10", "place": "x", "items": []},
    {"unit_id": 1, "received_on": "soon", "place": "x", "items": [{"category": "grenade", "quantity": 1}]},
    {"unit_id": 1, "received_on": "2026-03-10", "place": "x", "items": [{"category": "laser", "quantity": 1}]},
    {"unit_id": 1, "received_on": "2026-03-10", "place": "x", "items": [{"category": "grenade", "quantity": -1}]},
])
def test_api_bad_input_is_422(client, world, token_for, payload):
    response = client.post("/api/v1/handovers", payload, content_type="application/json",
                           **token_for(world.police_a))
    assert (response.status_code, "detail" in response.json(), Handover.objects.count()) == (422, True, 0)


def test_api_paths_in_openapi(client, world):
    paths = set(client.get("/api/v1/openapi.json").json()["paths"])
    assert {"/api/v1/handovers", "/api/v1/handovers/{handover_id}", "/api/v1/handovers/items/{item_id}/movements",
            "/api/v1/handovers-totals", "/api/v1/handovers-stock", "/api/v1/handovers-programmes"} <= paths


def test_api_programmes_cover_the_commune_from_above(client, world, token_for):
    from datetime import date

    from binhan.handovers.models import Programme

    Programme.objects.create(unit=world.province, unit_path=world.province.path, name="Tỉnh", reward="other",
                             starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    Programme.objects.create(unit=world.commune_b, unit_path=world.commune_b.path, name="Xã B", reward="other",
                             starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    body = client.get("/api/v1/handovers-programmes", **token_for(world.police_a)).json()
    assert [item["name"] for item in body["items"]] == ["Tỉnh"]
    assert client.get("/api/v1/handovers-programmes", **token_for(world.leader_a)).status_code == 403


def _png(name="items.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "gray").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_photos_are_checked_stored_and_served_to_the_police_only(client, login, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from binhan.handovers.models import Photo

    settings.MEDIA_ROOT = tmp_path
    handover = record(world)
    login(world.police_a)
    url = reverse("handovers:add_photos", args=[handover.pk])
    fake = SimpleUploadedFile("gun.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    assert (client.post(url, {"photos": [fake]}).status_code, Photo.objects.count()) == (400, 0)
    assert client.post(url, {"photos": [_png(), _png("b.png")]}).status_code == 302
    photo = Photo.objects.order_by("id").first()
    response = client.get(reverse("handovers:photo", args=[photo.pk]))
    assert (response.status_code, response["Content-Type"], b"".join(response.streaming_content)[:4]) == (
        200, "image/jpeg", b"\xff\xd8\xff\xe0")
    assert AuditEvent.objects.get(action="handovers.handover.add_photos").changes["photos"][1] == list(
        Photo.objects.order_by("id").values_list("id", flat=True))
    login(world.police_b)
    assert client.get(reverse("handovers:photo", args=[photo.pk])).status_code == 404
    assert client.post(url, {"photos": [_png()]}).status_code == 404
    login(world.leader_a)
    assert client.get(reverse("handovers:photo", args=[photo.pk])).status_code == 403


def test_at_most_five_photos(client, login, world, settings, tmp_path):
    from binhan.handovers.models import Photo

    settings.MEDIA_ROOT = tmp_path
    handover = record(world)
    login(world.police_a)
    url = reverse("handovers:add_photos", args=[handover.pk])
    assert client.post(url, {"photos": [_png(f"{i}.png") for i in range(6)]}).status_code == 400
    assert Photo.objects.count() == 0


def test_detail_query_count(client, login, world, django_assert_num_queries):
    handover = record(world)
    login(world.police_a)
    url = reverse("handovers:detail", args=[handover.pk])
    client.get(url)
    # session, user, police scope, handover (unit, officer, household), items, movements, photos, exchange,
    # roles (nav)
    with django_assert_num_queries(9):
        body = client.get(url).content.decode()
    assert body.count('data-item="') == 3
