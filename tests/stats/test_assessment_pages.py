"""The assessment, movement and key-area pages: permissions, the main flow, bad input."""

import datetime as dt

import pytest
from django.urls import reverse

from binhan.stats.models import Assessment, KeyArea, MovementScore

SCORES = {"organisation": "10", "mobilisation": "10", "models": "10", "results": "10", "forces": "5"}  # 45: weak


@pytest.mark.parametrize("page", ["stats:assessments", "stats:movement", "stats:key_areas", "stats:manual",
                                  "stats:compare"])
@pytest.mark.parametrize(("name", "status"), [("resident_a", 403), ("auditor_a", 403), ("police_a", 200),
                                              ("province_leader", 200)])
def test_page_permissions(client, login, world, page, name, status):
    login(getattr(world, name))
    assert client.get(reverse(page)).status_code == status


def test_home_sends_a_one_unit_viewer_to_their_dashboard(client, login, world):
    login(world.police_a)
    assert client.get(reverse("stats:home"))["Location"] == reverse("stats:dashboard", args=[world.commune_a.pk])


def test_assessment_flow_through_the_pages(client, login, world):
    login(world.group_leader_a)
    response = client.post(reverse("stats:assessments"), {"target": world.group_a.pk, "subject": "area",
                                                          "year": "2026"})
    assessment = Assessment.objects.get()
    assert response["Location"] == reverse("stats:assessment", args=[assessment.pk])
    form = {f"met-{a.criterion_id}": "yes" for a in assessment.answers.all()}
    form.update({f"evidence-{a.criterion_id}": "Biên bản" for a in assessment.answers.all()})
    client.post(reverse("stats:assessment", args=[assessment.pk]), {**form, "action": "submit"})
    login(world.police_a)
    client.post(reverse("stats:assessment", args=[assessment.pk]), {"action": "decide", "recognise": "yes",
                                                                   "decision_number": "7/QĐ",
                                                                   "decision_date": "2026-11-10"})
    assessment.refresh_from_db()
    assert (assessment.status, assessment.decision_number) == ("recognised", "7/QĐ")
    page = client.get(reverse("stats:assessments") + f"?unit={world.commune_a.pk}&year=2026")
    assert "1 of 1 residential areas recognised as safe (100%)" in page.content.decode()


def test_assessment_of_another_commune_is_404(client, login, world):
    login(world.police_b)
    response = client.post(reverse("stats:assessments"), {"target": world.group_a.pk, "subject": "area",
                                                          "year": "2026"})
    assert (response.status_code, Assessment.objects.count()) == (404, 0)


def test_bad_year_is_400_and_writes_nothing(client, login, world):
    login(world.police_a)
    response = client.post(reverse("stats:assessments"), {"target": world.commune_a.pk, "subject": "commune",
                                                          "year": "abc"})
    assert (response.status_code, Assessment.objects.count()) == (400, 0)


def test_movement_weak_list(client, login, world):
    login(world.police_a)
    client.post(reverse("stats:movement"), {"target": world.commune_a.pk, "year": "2026", **SCORES})
    login(world.province_leader)
    page = client.get(reverse("stats:movement") + f"?unit={world.province.pk}&year=2026&weak=1")
    assert (MovementScore.objects.get().classification, 'data-classification="weak"' in page.content.decode()) == (
        "weak", True)
    bad = client.post(reverse("stats:movement"), {"target": world.commune_a.pk, "year": "2026", **SCORES,
                                                  "forces": "99"})
    assert bad.status_code == 400


def test_key_area_page_lists_and_removes(client, login, world):
    login(world.province_leader)
    client.post(reverse("stats:key_areas"), {"unit": world.province.pk, "target": world.commune_a.pk,
                                             "topic": "drugs", "reason": "Nhiều điểm phức tạp",
                                             "designated_on": "2026-01-05"})
    area = KeyArea.objects.get()
    client.post(reverse("stats:key_areas"), {"unit": world.province.pk, "area": area.pk, "removed_on": "2026-10-01",
                                             "reason": "Đã chuyển hóa"})
    area.refresh_from_db()
    assert area.removed_on == dt.date(2026, 10, 1)
    login(world.police_a)  # a commune lists its groups, never itself
    itself = client.post(reverse("stats:key_areas"), {"unit": world.commune_a.pk, "target": world.commune_a.pk,
                                                      "topic": "drugs", "reason": "x", "designated_on": "2026-01-05"})
    group = client.post(reverse("stats:key_areas"), {"unit": world.commune_a.pk, "target": world.group_a.pk,
                                                     "topic": "drugs", "reason": "x", "designated_on": "2026-01-05"})
    assert (itself.status_code, group.status_code, KeyArea.objects.count()) == (403, 302, 2)


def test_admin_edits_the_checklist_and_lists_assessments(client, world):
    world.admin.is_staff = True
    world.admin.save()
    client.force_login(world.admin)
    assert [client.get(f"/admin/stats/{name}/").status_code
            for name in ("criterion", "scoreitem", "cutoffs", "assessment", "manualentry", "keyarea")] == [200] * 6


def _csv_rows(response) -> list[list[str]]:
    import csv
    import io

    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]


def test_lists_download_as_csv(client, login, world):
    login(world.police_a)
    client.post(reverse("stats:movement"), {"target": world.commune_a.pk, "year": "2026", **SCORES})
    client.post(reverse("stats:assessments"), {"target": world.commune_a.pk, "subject": "commune", "year": "2026"})
    login(world.province_leader)
    client.post(reverse("stats:key_areas"), {"unit": world.province.pk, "target": world.commune_a.pk,
                                             "topic": "drugs", "reason": "Nhiều điểm phức tạp",
                                             "designated_on": "2026-01-05"})
    base = f"?unit={world.province.pk}"
    movement = _csv_rows(client.get(reverse("stats:movement") + base + "&year=2026&weak=1&csv=1"))
    assessed = _csv_rows(client.get(reverse("stats:assessments") + base + "&year=2026&csv=1"))
    areas = _csv_rows(client.get(reverse("stats:key_areas") + base + "&csv=areas"))
    assert ([row[:4] for row in movement], [row[:3] for row in assessed], [row[:4] for row in areas]) == (
        [["7090", "Phường An Sinh", "45", "Weak"]],
        [["7090", "Phường An Sinh", "Commune"]],
        [["7090", "Phường An Sinh", "Drug-related social evils", "2026-01-05"]])


def test_csv_of_another_communes_list_is_404(client, login, world):
    login(world.police_b)
    assert client.get(reverse("stats:movement") + f"?unit={world.commune_a.pk}&csv=1").status_code == 404
