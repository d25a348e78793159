"""Edit pages: a member's record and status, a model's basic fields, a team's facts, dissolving a team."""

import pytest
from django.urls import reverse

from binhan.community.models import Position, SecurityTeam, SelfManagementModel, TeamArea, TeamMember
from binhan.core.models import AuditEvent
from tests.community.test_models_pages import make_model


@pytest.fixture
def model_a(world, camera_type):
    return make_model(world.group_a, camera_type, name="Camera tổ 1")


def _url(name, teams, model_a):
    target = {"member_edit": teams.member_a, "model_edit": model_a, "team_edit": teams.team_a,
              "team_dissolve": teams.team_a}[name]
    return reverse(f"community:{name}", args=[target.pk])


PAGES = ["member_edit", "model_edit", "team_edit", "team_dissolve"]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_log_in(client, teams, model_a, page):
    response = client.get(_url(page, teams, model_a))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("name", "status"), [
    ("resident_a", 403), ("outsider", 403), ("security_user_a", 403), ("group_leader_a", 403),
    ("police_b", 404), ("police_a", 200), ("leader_a", 200), ("province_leader", 200),
])
def test_permissions(client, login, world, teams, model_a, page, name, status):
    login(getattr(world, name, None) or getattr(teams, name))
    assert client.get(_url(page, teams, model_a)).status_code == status
    assert client.post(_url(page, teams, model_a), {"name": "x"}).status_code in {status, 400, 302}


@pytest.mark.parametrize("page", PAGES)
def test_posts_by_others_change_nothing(client, login, world, teams, model_a, page):
    for user, status in [(world.resident_a, 403), (world.police_b, 404), (world.group_leader_a, 403)]:
        login(user)
        data = {"name": "Đổi tên", "reason": "Giải thể", "full_name": "Đổi tên"}
        assert client.post(_url(page, teams, model_a), data).status_code == status
    assert AuditEvent.objects.filter(action__startswith="community.").count() == 0
    assert SecurityTeam.objects.get(pk=teams.team_a.pk).status == "active"


def test_detail_pages_link_to_the_edit_pages_for_managers_only(client, login, world, teams, model_a):
    pages = [("member_detail", teams.member_a, "member_edit"), ("model_detail", model_a, "model_edit"),
             ("team_detail", teams.team_a, "team_edit"), ("team_detail", teams.team_a, "team_dissolve")]
    login(world.police_a)
    for detail, target, edit in pages:
        body = client.get(reverse(f"community:{detail}", args=[target.pk])).content.decode()
        assert reverse(f"community:{edit}", args=[target.pk]) in body, edit
    login(world.group_leader_a)
    for detail, target, edit in pages:
        body = client.get(reverse(f"community:{detail}", args=[target.pk])).content.decode()
        assert reverse(f"community:{edit}", args=[target.pk]) not in body, edit


def _member_data(member, **changes):
    data = {"full_name": member.full_name, "position": member.position, "education": member.education,
            "resident_since": member.resident_since.isoformat(), "joined_on": member.joined_on.isoformat(),
            "chairman_consent": "", "decision_number": "", "decision_date": "", "decided_by": "",
            "allowance": str(member.allowance), "date_of_birth": "", "phone": "", "address": ""}
    data.update(changes)
    return data


def test_member_edit_form_never_shows_personal_data(client, login, world, teams):
    login(world.police_a)
    body = client.get(reverse("community:member_edit", args=[teams.member_a.pk])).content.decode()
    assert ("Lê Văn An" in body, "0912000111" in body, "Số 3 ngõ 5" in body) == (True, False, False)
    assert "csrfmiddlewaretoken" in body
    assert AuditEvent.objects.filter(action="community.member.read_personal").count() == 0


def test_member_edit_saves_what_changed_and_audits_it(client, login, world, teams):
    login(world.police_a)
    member = teams.member_a
    url = reverse("community:member_edit", args=[member.pk])
    response = client.post(url, _member_data(member, position=Position.DEPUTY, allowance="1500000",
                                             phone="0987654321"))
    assert response["Location"] == reverse("community:member_detail", args=[member.pk])
    member.refresh_from_db()
    assert (member.position, member.allowance, member.phone, member.address) == (
        Position.DEPUTY, 1_500_000, "0987654321", "Số 3 ngõ 5")
    event = AuditEvent.objects.get(action="community.member.update")
    assert (event.actor_id, set(event.changes)) == (world.police_a.pk, {"position", "allowance", "phone"})
    # Posting the same values again changes and audits nothing.
    client.post(url, _member_data(member))
    assert AuditEvent.objects.filter(action="community.member.update").count() == 1


@pytest.mark.parametrize(("changes", "message"), [
    ({"full_name": ""}, "This field is required."),
    ({"allowance": "-5"}, "Ensure this value is greater than or equal to 0."),
    ({"position": "boss"}, "Select a valid choice."),
    ({"joined_on": "2999-01-01"}, "The date cannot be in the future."),
    ({"date_of_birth": "not a date"}, "Enter a valid date."),
    ({"position": Position.LEADER}, "This team already has a leader."),
])
def test_member_edit_bad_input_is_refused_and_changes_nothing(client, login, world, teams, changes, message):
    login(world.police_a)
    member = teams.member_a
    response = client.post(reverse("community:member_edit", args=[member.pk]),
                           _member_data(member, **{"full_name": "Tên mới", **changes}))
    assert (response.status_code, message in response.content.decode()) == (400, True)
    assert TeamMember.objects.get(pk=member.pk).full_name == "Lê Văn An"
    assert not AuditEvent.objects.filter(action="community.member.update").exists()


def test_member_status_change_on_the_member_page(client, login, world, teams):
    login(world.police_a)
    url = reverse("community:member_detail", args=[teams.member_a.pk])
    response = client.post(url, {"status": "suspended", "reason": ""})
    assert (response.status_code, "Say why." in response.content.decode()) == (400, True)
    assert client.post(url, {"status": "nonsense", "reason": "x"}).status_code == 400
    assert TeamMember.objects.get(pk=teams.member_a.pk).status == "active"
    assert client.post(url, {"status": "suspended", "reason": "Vi phạm kỷ luật"}).status_code == 302
    assert client.post(url, {"status": "left", "reason": "Chuyển nơi ở"}).status_code == 302
    member = TeamMember.objects.get(pk=teams.member_a.pk)
    assert (member.status, member.left_on is not None) == ("left", True)
    events = AuditEvent.objects.filter(action="community.member.status").order_by("id")
    assert [event.changes["status"] for event in events] == [["active", "suspended"], ["suspended", "left"]]
    login(world.police_b)
    assert client.post(reverse("community:member_detail", args=[teams.member_b.pk]),
                       {"status": "active"}).status_code == 400  # member_b is active already


def test_model_edit(client, login, world, model_a, camera_type):
    login(world.police_a)
    url = reverse("community:model_edit", args=[model_a.pk])
    data = {"name": "Camera an ninh tổ 1", "model_type": camera_type.pk,
            "started_on": model_a.started_on.isoformat(), "description": "Mười camera"}
    for bad, message in [({"name": ""}, "This field is required."),
                         ({"started_on": "2999-01-01"}, "The date cannot be in the future."),
                         ({"model_type": "999999"}, "Select a valid choice.")]:
        response = client.post(url, {**data, **bad})
        assert (response.status_code, message in response.content.decode()) == (400, True), bad
    assert not AuditEvent.objects.filter(action="community.model.update").exists()
    assert client.post(url, data)["Location"] == reverse("community:model_detail", args=[model_a.pk])
    model = SelfManagementModel.objects.get(pk=model_a.pk)
    assert (model.name, model.description) == ("Camera an ninh tổ 1", "Mười camera")
    event = AuditEvent.objects.get(action="community.model.update")
    assert set(event.changes) == {"name", "description"}


def test_an_ended_model_cannot_be_edited(client, login, world, camera_type):
    model = make_model(world.group_a, camera_type, name="Đã dừng", status="ended")
    login(world.police_a)
    response = client.post(reverse("community:model_edit", args=[model.pk]),
                           {"name": "Mới", "model_type": camera_type.pk, "started_on": "", "description": ""})
    assert response.status_code == 400
    assert SelfManagementModel.objects.get(pk=model.pk).name == "Đã dừng"


def test_team_edit(client, login, world, teams):
    login(world.police_a)
    team = teams.team_a
    url = reverse("community:team_edit", args=[team.pk])
    data = {"name": "Tổ bảo vệ số 1", "established_on": team.established_on.isoformat(),
            "decision_number": "12/QĐ-UBND", "decision_date": team.established_on.isoformat()}
    for bad, message in [({"name": "  "}, "This field is required."),
                         ({"established_on": "2999-01-01"}, "The date cannot be in the future."),
                         ({"decision_number": "x" * 61}, "Ensure this value has at most 60 characters")]:
        response = client.post(url, {**data, **bad})
        assert (response.status_code, message in response.content.decode()) == (400, True), bad
    assert SecurityTeam.objects.get(pk=team.pk).name == team.name
    assert client.post(url, data)["Location"] == reverse("community:team_detail", args=[team.pk])
    saved = SecurityTeam.objects.get(pk=team.pk)
    assert (saved.name, saved.decision_number) == ("Tổ bảo vệ số 1", "12/QĐ-UBND")
    event = AuditEvent.objects.get(action="community.team.update")
    assert (event.actor_id, set(event.changes)) == (world.police_a.pk, {"name", "decision_number", "decision_date"})


def test_team_dissolve(client, login, world, teams):
    login(world.leader_a)
    team = teams.team_a
    url = reverse("community:team_dissolve", args=[team.pk])
    response = client.post(url, {"reason": ""})
    assert (response.status_code, "This field is required." in response.content.decode()) == (400, True)
    assert SecurityTeam.objects.get(pk=team.pk).status == "active"
    assert client.post(url, {"reason": "Sáp nhập tổ dân phố"})["Location"] == reverse(
        "community:team_detail", args=[team.pk])
    assert (SecurityTeam.objects.get(pk=team.pk).status, TeamArea.objects.filter(team=team).exists()) == (
        "dissolved", False)
    event = AuditEvent.objects.get(action="community.team.dissolve")
    assert (event.actor_id, event.purpose) == (world.leader_a.pk, "Sáp nhập tổ dân phố")
    response = client.post(url, {"reason": "Lần nữa"})
    assert (response.status_code, "This team is already dissolved." in response.content.decode()) == (400, True)
    assert AuditEvent.objects.filter(action="community.team.dissolve").count() == 1
    assert reverse("community:team_dissolve", args=[team.pk]) not in client.get(
        reverse("community:team_detail", args=[team.pk])).content.decode()
