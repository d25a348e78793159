"""The models register: selectors (the register's questions), pages, exports and the API."""

import io
from datetime import timedelta

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from binhan.community.models import ModelSite, ModelTeam, SelfManagementModel
from binhan.community.selectors import selfmanagement as selectors
from binhan.core.models import AuditEvent

TODAY = timezone.localdate


def make_model(unit, model_type, *, name="Mô hình", status="running", last_rating="", recognition_level="",
               sites=(), teams=0):
    model = SelfManagementModel.objects.create(
        type=model_type, unit=unit, unit_path=unit.path, name=name, status=status, last_rating=last_rating,
        recognition_level=recognition_level, started_on=TODAY() - timedelta(days=400))
    for site in sites:
        ModelSite.objects.create(model=model, unit=site, unit_path=site.path)
    for number in range(teams):
        ModelTeam.objects.create(model=model, name=f"Tổ {number}", member_count=5)
    return model


@pytest.fixture
def register_world(world, camera_type):
    make_model(world.commune_a, camera_type, name="Camera phường", recognition_level="province",
               last_rating="effective", sites=[world.group_a], teams=2)
    make_model(world.group_a, camera_type, name="Quỹ tổ 1", last_rating="not_effective", sites=[world.group_a],
               teams=1)
    make_model(world.group_a, camera_type, name="Đã dừng", status="ended", last_rating="not_effective",
               sites=[world.group_a], teams=1)
    make_model(world.group_b, camera_type, name="Camera Đông Triều", last_rating="effective", sites=[world.group_b])
    return world


def test_register_answers_per_unit(register_world, django_assert_num_queries):
    world = register_world
    # children, scope paths, models, sites, model teams
    with django_assert_num_queries(5):
        register = selectors.register(viewer=world.province_leader, unit=world.province)
    rows = {row.unit.code: (row.models, row.running, row.sites, row.teams, row.recognised, row.effective,
                            row.not_effective) for row in register.rows}
    assert rows == {"7090": (3, 2, 2, 3, 1, 1, 1), "7093": (1, 1, 1, 0, 0, 1, 0)}
    total = register.total
    assert (total.models, total.sites, total.teams, total.recognised, total.not_effective) == (4, 3, 3, 1, 1)


def test_register_is_scoped(register_world):
    register = selectors.register(viewer=register_world.police_a, unit=register_world.province)
    assert [(row.unit.code, row.models) for row in register.rows] == [("7090", 3), ("7093", 0)]


def test_filters_answer_recognised_and_not_effective(register_world):
    world = register_world

    def names(**filters):
        return list(selectors.model_list(viewer=world.province_leader, filters=selectors.ModelFilters(**filters))
                    .values_list("name", flat=True))

    assert names(recognised=True) == ["Camera phường"]
    assert names(not_effective=True) == ["Quỹ tổ 1"]
    assert names(status="ended") == ["Đã dừng"]
    assert names(unit_path=world.commune_b.path) == ["Camera Đông Triều"]
    assert names(query="quỹ") == ["Quỹ tổ 1"]
    listed = selectors.model_list(viewer=world.province_leader).get(name="Camera phường")
    assert (listed.site_count, listed.team_count) == (1, 2)


def test_cross_commune_model_is_404_and_audited(register_world):
    model = SelfManagementModel.objects.get(name="Camera Đông Triều")
    with pytest.raises(Http404):
        selectors.model_get(viewer=register_world.police_a, pk=model.pk)
    denied = AuditEvent.objects.get(action="access.denied")
    assert (denied.actor, denied.object_type, denied.object_id) == (
        register_world.police_a, "community.selfmanagementmodel", str(model.pk))


@pytest.mark.parametrize(("name", "status"), [
    ("resident_a", 403), ("auditor_a", 403), ("outsider", 403), ("police_b", 404), ("police_a", 200),
    ("group_leader_a", 200), ("province_leader", 200),
])
def test_model_page_permissions(client, login, register_world, name, status):
    model = SelfManagementModel.objects.get(name="Quỹ tổ 1")
    login(getattr(register_world, name))
    assert client.get(reverse("community:model_detail", args=[model.pk])).status_code == status


def test_pages_anonymous_go_to_login(client, register_world):
    for url in (reverse("community:model_list"), reverse("community:overview")):
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("accounts:login"))


def test_model_list_query_count(client, login, register_world, camera_type, django_assert_num_queries):
    for number in range(30):
        make_model(register_world.group_a, camera_type, name=f"Mô hình {number:02d}", sites=[register_world.group_a])
    login(register_world.police_a)
    # session, user, roles (menu), scope paths, types (filter form), count, page (with site and team counts),
    # manager scope (add button)
    with django_assert_num_queries(8):
        response = client.get(reverse("community:model_list"))
    assert response.status_code == 200
    assert response.content.decode().count('data-model="') == 33


def test_overview_answers(client, login, register_world, django_assert_num_queries):
    login(register_world.province_leader)
    response = client.get(reverse("community:overview") + f"?unit={register_world.province.pk}")
    body = response.content.decode()
    assert 'data-figure="models">4<' in body
    assert 'data-figure="recognised">1<' in body
    assert 'data-figure="not-effective">1<' in body


def test_group_leader_sees_but_cannot_act(client, login, register_world):
    model = SelfManagementModel.objects.get(name="Quỹ tổ 1")
    login(register_world.group_leader_a)
    body = client.get(reverse("community:model_detail", args=[model.pk])).content.decode()
    assert "Record the yearly rating" not in body
    response = client.post(reverse("community:model_action", args=[model.pk, "end"]), {"reason": "Hết tiền"})
    assert response.status_code == 403
    model.refresh_from_db()
    assert model.status == "running"


def test_actions_through_the_page(client, login, world, camera_type):
    login(world.police_a)
    response = client.post(reverse("community:model_create"), {
        "name": "Camera an ninh", "model_type": camera_type.pk, "unit": "7090-001", "description": ""})
    model = SelfManagementModel.objects.get()
    assert response["Location"] == reverse("community:model_detail", args=[model.pk])
    assert client.post(reverse("community:model_action", args=[model.pk, "start"])).status_code == 302
    year = TODAY().year
    assert client.post(reverse("community:model_action", args=[model.pk, "rate"]), {
        "year": year, "result": "effective", "evidence": "Tốt"}).status_code == 302
    response = client.post(reverse("community:model_action", args=[model.pk, "recognise"]), {
        "level": "commune", "decision_number": "5/QĐ", "decision_date": TODAY().isoformat()})
    assert response.status_code == 302
    model.refresh_from_db()
    assert (model.status, model.last_rating, model.recognition_level) == ("running", "effective", "commune")


@pytest.mark.parametrize(("action", "data", "message"), [
    ("rate", {"year": "abc", "result": "effective", "evidence": "x"}, "Enter a whole number."),
    ("rate", {"year": "2020", "result": "effective", "evidence": "x"},
     "Rate a year from the model&#x27;s start up to this year."),
    ("recognise", {"level": "commune", "decision_number": "1", "decision_date": "2999-01-01"},
     "The date cannot be in the future."),
    ("end", {"reason": ""}, "This field is required."),
    ("site", {"unit": "NOPE"}, "No unit has the code NOPE."),
    ("funding", {"source": "households", "amount": "-3", "year": "2025"},
     "Ensure this value is greater than or equal to 1."),
])
def test_bad_actions_are_400_and_store_nothing(client, login, world, camera_type, action, data, message):
    model = make_model(world.group_a, camera_type, name="Mô hình A")
    model.started_on = TODAY()
    model.save()
    login(world.police_a)
    response = client.post(reverse("community:model_action", args=[model.pk, action]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert AuditEvent.objects.filter(action__startswith="community").count() == 0


def test_unknown_action_is_404(client, login, world, camera_type):
    model = make_model(world.group_a, camera_type)
    login(world.police_a)
    assert client.post(reverse("community:model_action", args=[model.pk, "explode"])).status_code == 404


def test_exports(client, login, register_world):
    login(register_world.police_a)
    response = client.get(reverse("community:export", args=["models", "csv"]) + "?recognised=on")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert (len(lines), lines[1].split(",")[1]) == (2, "Camera phường")
    response = client.get(reverse("community:export", args=["models", "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True)) == [
        "Camera phường", "Quỹ tổ 1", "Đã dừng"]
    assert AuditEvent.objects.filter(action="community.models.export").count() == 2
    assert client.get(reverse("community:export", args=["models", "csv"]) + "?unit=NOPE").status_code == 400


def test_formula_in_a_name_is_exported_as_text(client, login, world, camera_type):
    make_model(world.group_a, camera_type, name="=HYPERLINK(\"x\")")
    login(world.police_a)
    body = b"".join(client.get(reverse("community:export", args=["models", "csv"])).streaming_content).decode()
    assert "'=HYPERLINK" in body


class TestApi:
    def test_list_and_query_count(self, client, register_world, token_for, django_assert_num_queries):
        headers = token_for(register_world.police_a)
        # token lookup, token touch, scope paths, count, page
        with django_assert_num_queries(5):
            body = client.get("/api/v1/community/models?page_size=2", **headers).json()
        assert (body["count"], len(body["items"])) == (3, 2)
        body = client.get("/api/v1/community/models?not_effective=true", **headers).json()
        assert [item["name"] for item in body["items"]] == ["Quỹ tổ 1"]

    def test_create_start_rate_end(self, client, world, token_for):
        headers = token_for(world.police_a)
        response = client.post("/api/v1/community/models", {"unit_id": world.group_a.pk, "type": "security-fund",
                                                            "name": "Quỹ an ninh tổ 1"},
                               content_type="application/json", **headers)
        assert response.status_code == 201, response.content
        model_id = response.json()["id"]
        assert client.post(f"/api/v1/community/models/{model_id}/start", **headers).json()["status"] == "running"
        response = client.post(f"/api/v1/community/models/{model_id}/ratings", {
            "year": TODAY().year, "result": "not_effective", "evidence": "Không thu được quỹ"},
            content_type="application/json", **headers)
        assert (response.status_code, response.json()["last_rating"]) == (201, "not_effective")
        response = client.post(f"/api/v1/community/models/{model_id}/end", {"reason": "Không hiệu quả"},
                               content_type="application/json", **headers)
        assert response.json()["status"] == "ended"

    @pytest.mark.parametrize(("payload", "status"), [
        ({"type": "security-cameras", "name": "A"}, 422),
        ({"unit_id": "x", "type": "security-cameras", "name": "A"}, 422),
        ({"unit_id": 0, "type": "security-cameras", "name": ""}, 422),
        ({"unit_id": 0, "type": "nope", "name": "A"}, 400),
        ({"unit_id": 0, "type": "security-cameras", "name": "A", "started_on": "yesterday"}, 422),
    ])
    def test_bad_input(self, client, world, token_for, payload, status):
        if payload.get("unit_id") == 0:
            payload["unit_id"] = world.group_a.pk
        response = client.post("/api/v1/community/models", payload, content_type="application/json",
                               **token_for(world.police_a))
        assert (response.status_code, "detail" in response.json(), SelfManagementModel.objects.count()) == (
            status, True, 0)

    def test_malformed_json_is_4xx(self, client, world, token_for):
        response = client.post("/api/v1/community/models", "{not json", content_type="application/json",
                               **token_for(world.police_a))
        assert response.status_code in (400, 422)
        assert SelfManagementModel.objects.count() == 0

    @pytest.mark.parametrize(("name", "status"), [("police_b", 404), ("group_leader_a", 403), ("resident_a", 404)])
    def test_write_permissions(self, client, register_world, token_for, name, status):
        model = SelfManagementModel.objects.get(name="Quỹ tổ 1")
        response = client.post(f"/api/v1/community/models/{model.pk}/end", {"reason": "x"},
                               content_type="application/json", **token_for(getattr(register_world, name)))
        model.refresh_from_db()
        assert (response.status_code, model.status) == (status, "running")

    def test_anonymous_is_401(self, client, db):
        assert client.get("/api/v1/community/models").status_code == 401


def test_api_model_types_in_the_reader_language(client, world, token_for):
    from django.utils import translation

    with translation.override("vi"):
        body = client.get("/api/v1/community/model-types", HTTP_ACCEPT_LANGUAGE="vi",
                          **token_for(world.police_a)).json()
    assert (len(body), body[0]["code"], body[0]["name"]) == (10, "security-cameras", "Camera an ninh")
