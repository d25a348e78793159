"""Pages: the permission matrix, forms with bad input (400, nothing stored), query counts, exports, panel."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from binhan.core.models import AuditEvent
from binhan.firesafety.models import Equipment, Finding, FireTeam, Inspection
from tests.factories import HouseholdFactory, make_report
from tests.firesafety.conftest import equip_fully, make_item, make_point, make_team

pytestmark = pytest.mark.django_db


def _pages(fire, world):
    point = make_point(world.group_a)
    return {
        "overview": reverse("firesafety:overview"),
        "teams": reverse("firesafety:team_list"),
        "team": reverse("firesafety:team_detail", args=[fire.team.pk]),
        "household": reverse("firesafety:household", args=[world.household_a.pk]),
        "overdue": reverse("firesafety:overdue"),
        "points": reverse("firesafety:point_list"),
        "point": reverse("firesafety:point_detail", args=[point.pk]),
        "drills": reverse("firesafety:drill_list"),
        "competitions": reverse("firesafety:competition_list"),
        "map": reverse("firesafety:map"),
        "map_data": reverse("firesafety:map_data") + "?layer=points",
        "inspect": reverse("firesafety:inspect", args=["household", world.household_a.pk]),
    }


SCOPED = ("team", "household", "point", "inspect")


@pytest.mark.parametrize(("name", "expected"), [
    ("resident_a", 403), ("auditor_a", 403), ("police_b", 404), ("police_a", 200), ("fire_leader", 200),
    ("group_leader_a", 200), ("province_leader", 200),
])
def test_page_permission_matrix(client, login, world, fire, name, expected):
    user = fire.fire_leader if name == "fire_leader" else getattr(world, name)
    login(user)
    statuses = {key: client.get(url).status_code for key, url in _pages(fire, world).items()}
    if expected == 404:  # staff of another commune: their own lists open, the rows of commune A do not
        assert {k: s for k, s in statuses.items() if k in SCOPED} == dict.fromkeys(SCOPED, 404)
        assert {k: s for k, s in statuses.items() if k not in SCOPED} == {k: 200 for k in statuses if k not in SCOPED}
    else:
        assert statuses == dict.fromkeys(statuses, expected)


def test_anonymous_goes_to_login(client, world, fire):
    for url in _pages(fire, world).values():
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("accounts:login"))


def test_team_page_shows_size_warning_and_households(client, login, world, fire):
    small = make_team(world.group_a, HouseholdFactory.create_batch(3, unit=world.group_a), name="Tổ nhỏ")
    login(fire.fire_leader)
    body = client.get(reverse("firesafety:team_detail", args=[small.pk])).content.decode()
    assert "A team should join at least 5 households; it has 3." in body
    assert body.count('data-household="') == 3
    body = client.get(reverse("firesafety:team_detail", args=[fire.team.pk])).content.decode()
    assert "data-size-warning" not in body


def test_team_list_query_count(client, login, world, fire, django_assert_num_queries):
    for number in range(20):
        make_team(world.group_a, [], name=f"Tổ {number:02d}")
    login(world.police_a)
    # session, user, roles (menu), staff scope paths, keeper scope paths and a kept group (create button),
    # count, page, readiness: households, findings, drills
    with django_assert_num_queries(11):
        response = client.get(reverse("firesafety:team_list"))
    assert response.content.decode().count('data-team="') == 21


def test_overdue_register_query_count(client, login, world, fire, django_assert_num_queries):
    today = timezone.localdate()
    for household in fire.households:
        make_item("powder-extinguisher", household=household, last_checked_on=today - timedelta(days=400))
    login(world.police_a)
    # session, user, roles (menu), types (form), staff scope paths, count, page, roots (area), keeper scope
    # (close buttons), by area: items, units; by team: items, teams; open findings
    with django_assert_num_queries(14):
        response = client.get(reverse("firesafety:overdue"))
    assert response.content.decode().count('data-item="') == 6


def test_add_household_to_team_and_remove(client, login, world, fire):
    newcomer = HouseholdFactory(unit=world.group_a)
    login(fire.fire_leader)
    url = reverse("firesafety:team_household", args=[fire.team.pk, "add"])
    assert client.post(url, {"household": newcomer.pk}).status_code == 302
    assert client.post(url, {"household": world.household_b.pk}).status_code == 400
    assert client.post(url, {"household": "x"}).status_code == 400
    remove = reverse("firesafety:team_household", args=[fire.team.pk, "remove"])
    assert client.post(remove, {"household": newcomer.pk}).status_code == 302
    assert client.post(remove, {"household": "x"}).status_code == 400
    assert fire.team.memberships.filter(left_on__isnull=True).count() == 6


def test_create_team_page(client, login, world, fire):
    login(fire.fire_leader)
    url = reverse("firesafety:team_create")
    assert client.post(url, {"unit": world.group_b.pk, "name": "Tổ"}).status_code == 400  # not a choice
    assert client.post(url, {"unit": world.group_a.pk, "name": ""}).status_code == 400
    response = client.post(url, {"unit": world.group_a.pk, "name": "Tổ liên gia số 3", "leader_name": "Lê Văn B"})
    team = FireTeam.objects.get(name="Tổ liên gia số 3")
    assert response["Location"] == reverse("firesafety:team_detail", args=[team.pk])


def test_add_equipment_on_a_phone_page(client, login, world, fire):
    login(fire.fire_leader)
    url = reverse("firesafety:household", args=[world.household_a.pk])
    bad = {"type_code": "powder-extinguisher", "quantity": 0, "condition": "good"}
    assert client.post(url, bad).status_code == 400
    future = {"type_code": "powder-extinguisher", "quantity": 1, "condition": "good",
              "bought_on": (timezone.localdate() + timedelta(days=3)).isoformat()}
    response = client.post(url, future)
    assert (response.status_code, "The date cannot be in the future." in response.content.decode()) == (400, True)
    assert Equipment.objects.count() == 0
    good = {"type_code": "powder-extinguisher", "quantity": 1, "condition": "good", "capacity_kg": "4",
            "last_checked_on": timezone.localdate().isoformat(), "serial": "BCC-0042"}
    assert client.post(url, good).status_code == 302
    assert Equipment.objects.get().serial == "BCC-0042"


def test_staff_of_another_unit_cannot_add_equipment(client, login, world, fire):
    login(world.police_b)
    response = client.post(reverse("firesafety:household", args=[world.household_a.pk]),
                           {"type_code": "crowbar", "quantity": 1, "condition": "good"})
    assert (response.status_code, Equipment.objects.count()) == (404, 0)


def test_resident_page_adds_and_checks_own_equipment(client, login, world, fire):
    world.resident_a.household = world.household_a
    world.resident_a.save()
    login(world.resident_a)
    url = reverse("firesafety:my_equipment")
    assert client.post(url, {"type_code": "smoke-detector", "quantity": 1, "condition": "good",
                             "bought_on": timezone.localdate().isoformat()}).status_code == 302
    item = Equipment.objects.get()
    assert client.post(reverse("firesafety:equipment_action", args=[item.pk, "check"]),
                       {"condition": "good"}).status_code == 302
    other = make_item("crowbar", household=fire.households[1])
    assert client.post(reverse("firesafety:equipment_action", args=[other.pk, "retire"])).status_code == 403
    other.refresh_from_db()
    assert other.retired_on is None


def test_inspection_page_records_findings(client, login, world, fire):
    login(fire.fire_leader)
    url = reverse("firesafety:inspect", args=["household", world.household_a.pk])
    assert client.post(url, {}).status_code == 400  # nothing ticked
    assert client.post(url, {"item_alarm": "maybe"}).status_code == 400
    response = client.post(url, {"item_extinguisher": "ok", "item_alarm": "fail", "note_alarm": "Chuông hỏng"})
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert (finding.item, finding.note, Inspection.objects.get().passed) == ("alarm", "Chuông hỏng", False)
    body = client.get(reverse("firesafety:overdue")).content.decode()
    assert f'data-finding="{finding.pk}"' in body
    assert client.post(reverse("firesafety:finding_close", args=[finding.pk]),
                       {"next": reverse("firesafety:overdue")}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == "closed"


def test_export_csv_and_xlsx(client, login, world, fire):
    make_item("powder-extinguisher", household=world.household_a,
              last_checked_on=timezone.localdate() - timedelta(days=400))
    make_item("crowbar", household=world.household_b, last_checked_on=timezone.localdate() - timedelta(days=400))
    login(world.police_a)
    response = client.get(reverse("firesafety:export", args=["csv"]) + "?status=overdue")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert (len(lines), world.household_a.address in lines[1]) == (2, True)
    assert "Head" not in lines[0] and world.household_a.head_name not in "".join(lines)
    response = client.get(reverse("firesafety:export", args=["xlsx"]) + "?status=overdue")
    assert (response.status_code, response["Content-Type"].startswith("application/vnd.openxmlformats")) == (200, True)
    assert client.get(reverse("firesafety:export", args=["csv"]) + "?status=bogus").status_code == 400
    assert AuditEvent.objects.filter(action="firesafety.equipment.export").count() == 2


def test_map_page_links_to_the_readiness_map_of_the_units_below(client, login, world, fire):
    import re
    login(world.police_a)
    body = client.get(reverse("firesafety:map")).content.decode()
    href = re.search(r'<a href="([^"]+)" data-readiness-map>', body).group(1).replace("&amp;", "&")
    assert href.startswith(reverse("stats:dashboard", args=[world.commune_a.pk]))
    dashboard = client.get(href)
    assert dashboard.status_code == 200
    assert "Trend: Fire-safety readiness score" in dashboard.content.decode()


def test_map_data_layers(client, login, world, fire):
    make_point(world.group_a, name="Điểm A")
    make_point(world.group_b, name="Điểm B")
    login(world.police_a)
    body = client.get(reverse("firesafety:map_data") + "?layer=points").json()
    assert [(f["properties"]["name"], f["properties"]["state"]) for f in body["features"]] == [("Điểm A", "missing")]
    assert client.get(reverse("firesafety:map_data") + "?layer=secret").status_code == 400


def test_map_teams_stand_where_their_households_are_or_at_their_groups_centre(client, login, world, fire):
    from binhan.firesafety.models import TeamHousehold

    world.group_a.centre_lat, world.group_a.centre_lon = 21.0, 107.0
    world.group_a.save(update_fields=["centre_lat", "centre_lon"])
    placed = TeamHousehold.objects.filter(team=fire.team).order_by("id")
    for membership, (lat, lon) in zip(placed, [(21.010, 107.020), (21.012, 107.024)], strict=False):
        membership.lat, membership.lon = lat, lon
        membership.save(update_fields=["lat", "lon"])
    TeamHousehold.objects.filter(pk=placed[2].pk).update(lat=21.5, lon=107.5, left_on=timezone.localdate())  # left
    unplaced = make_team(world.group_a, HouseholdFactory.create_batch(2, unit=world.group_a), name="Tổ liên gia số 2")
    login(world.police_a)
    body = client.get(reverse("firesafety:map_data") + "?layer=teams").json()
    where = {f["properties"]["id"]: [round(c, 6) for c in f["geometry"]["coordinates"]] for f in body["features"]}
    # Team B's group (another commune) is not the officer's; a group without a centre hides an unplaced team.
    assert where == {fire.team.pk: [107.022, 21.011], unplaced.pk: [107.0, 21.0]}


def test_a_point_on_a_short_alley_is_kept_with_a_warning(client, login, world, fire):
    short = make_point(world.group_a, name="Điểm ngõ 2", alley_length_m=30)
    long = make_point(world.group_a, name="Điểm ngõ 7", alley_length_m=120)
    login(world.police_a)
    detail = client.get(reverse("firesafety:point_detail", args=[short.pk])).content.decode()
    assert "data-alley-warning" in detail and "this alley is 30 m" in detail
    assert "data-alley-warning" not in client.get(reverse("firesafety:point_detail", args=[long.pk])).content.decode()
    listing = client.get(reverse("firesafety:point_list")).content.decode()
    assert listing.count("data-alley-warning") == 1


def test_report_page_shows_the_fire_panel(client, login, world, fire):
    make_point(world.group_a, name="Điểm ngõ 9", lat=21.0, lon=107.0)
    equip_fully(world.household_a)
    fire_report = make_report(unit=world.group_a, category_code="fire", lat=21.001, lon=107.0)
    theft = make_report(unit=world.group_a, category_code="theft")
    login(world.police_a)
    body = client.get(reverse("reports:manage", args=[fire_report.pk])).content.decode()
    assert ("Fire safety near this report" in body, "Điểm ngõ 9 " in body or "Điểm ngõ 9<" in body,
            f'data-household="{world.household_a.pk}"' in body) == (True, True, True)
    assert "Fire safety near this report" not in client.get(reverse("reports:manage", args=[theft.pk])).content.decode()


def test_competition_scores_and_ranking(client, login, world, fire):
    login(world.police_a)
    response = client.post(reverse("firesafety:competition_list"), {"unit": world.commune_a.pk, "year": 2026,
                                                                      "name": "Hội thi 2026"})
    url = response["Location"]
    other = make_team(world.group_a, [], name="Tổ liên gia số 9")
    client.post(url, {"team": fire.team.pk, "round": "Thực hành", "points": "80"})
    client.post(url, {"team": other.pk, "round": "Thực hành", "points": "95"})
    body = client.get(url).content.decode()
    assert body.index("Tổ liên gia số 9") < body.index(fire.team.name)
    login(fire.fire_leader)  # a group's staff cannot see the commune's competition, let alone score it
    assert client.post(url, {"team": fire.team.pk, "round": "X", "points": "100"}).status_code == 404
    login(world.group_leader_a)
    assert fire.team.scores.get().points == 80


def test_team_page_reminders_drop_out_once_checked(client, login, world, fire):
    from binhan.firesafety.services.reminders import reminders_run

    item = make_item("powder-extinguisher", household=world.household_a,
                     last_checked_on=timezone.localdate() - timedelta(days=400))
    reminders_run()
    login(fire.fire_leader)
    url = reverse("firesafety:team_detail", args=[fire.team.pk])
    assert "No reminders" not in client.get(url).content.decode()
    client.post(reverse("firesafety:equipment_action", args=[item.pk, "check"]), {"condition": "good"})
    assert "No reminders" in client.get(url).content.decode()


def test_team_page_queries_do_not_grow_with_households(client, login, world, fire, django_assert_max_num_queries):
    for household in fire.households:
        equip_fully(household)
    login(world.police_a)
    url = reverse("firesafety:team_detail", args=[fire.team.pk])
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    grown = make_team(world.group_a, HouseholdFactory.create_batch(14, unit=world.group_a), name="Tổ lớn")
    for member in grown.memberships.all():
        equip_fully(member.household)
    with django_assert_max_num_queries(len(small)):
        client.get(reverse("firesafety:team_detail", args=[grown.pk]))


@pytest.mark.parametrize(("name", "queries"), [
    # session, user, roles, scope paths, roots; readiness: teams, households, findings, drills, child units;
    # overdue by area: items, units; by team: items; open findings count; breadcrumb
    ("overview", 15),
    # session, user, roles, scope paths, roots, count, page, keeper scope, a kept group
    ("point_list", 9),
    # session, user, roles, scope paths, roots, count, page, keeper scope, a kept group
    ("drill_list", 9),
])
def test_dashboard_and_list_query_counts(client, login, world, fire, name, queries, django_assert_num_queries):
    from binhan.firesafety.models import Drill

    for number in range(12):
        point = make_point(world.group_a, name=f"Điểm {number}")
        make_item("powder-extinguisher", point=point, last_checked_on=timezone.localdate() - timedelta(days=400))
        drill = Drill.objects.create(unit=world.group_a, unit_path=world.group_a.path, held_on=timezone.localdate(),
                                     scenario=f"Cháy {number}")
        drill.teams.set([fire.team])
    login(world.police_a)
    with django_assert_num_queries(queries):
        response = client.get(reverse(f"firesafety:{name}"))
    assert response.status_code == 200


def test_dissolve_a_team_frees_its_households(client, login, world, fire):
    url = reverse("firesafety:team_dissolve", args=[fire.team.pk])
    login(world.police_b)
    assert client.post(url).status_code == 404
    login(fire.fire_leader)
    assert client.get(url).status_code == 405
    assert client.post(url)["Location"] == reverse("firesafety:team_list")
    fire.team.refresh_from_db()
    assert (fire.team.status, fire.team.memberships.filter(left_on__isnull=True).count()) == ("dissolved", 0)
    response = client.post(url)
    assert (response.status_code, "This team is dissolved." in response.content.decode()) == (400, True)
    assert AuditEvent.objects.filter(action="firesafety.team.dissolve").count() == 1


def _png(name="anh.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_drill_with_photo_served_to_its_unit_only(client, login, world, fire, settings, tmp_path):
    from binhan.firesafety.models import Drill

    settings.MEDIA_ROOT = tmp_path
    login(fire.fire_leader)
    response = client.post(reverse("firesafety:drill_create"), {
        "unit": world.group_a.pk, "teams": [fire.team.pk], "kind": "drill", "held_on": timezone.localdate().isoformat(),
        "scenario": "Cháy bếp", "participants": 9, "result": "good", "photo": _png()})
    assert response.status_code == 302
    drill = Drill.objects.get()
    url = reverse("firesafety:drill_photo", args=[drill.pk])
    assert (client.get(url).status_code, drill.teams.get()) == (200, fire.team)
    login(world.police_b)
    assert client.get(url).status_code == 404
    login(fire.fire_leader)
    bad = client.post(reverse("firesafety:drill_create"), {
        "unit": world.group_a.pk, "teams": [fire.team.pk], "kind": "drill", "held_on": timezone.localdate().isoformat(),
        "scenario": "Cháy", "participants": 1, "result": "good", "photo": _png("x.gif")})
    assert (bad.status_code, Drill.objects.count()) == (400, 1)


def test_inspection_photo_is_stored_and_served(client, login, world, fire, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(fire.fire_leader)
    response = client.post(reverse("firesafety:inspect", args=["household", world.household_a.pk]),
                           {"item_gas": "fail", "photo": _png()})
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert client.get(reverse("firesafety:inspection_photo", args=[inspection.pk])).status_code == 200
    login(world.police_b)
    assert client.get(reverse("firesafety:inspection_photo", args=[inspection.pk])).status_code == 404
