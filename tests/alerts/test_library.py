"""The knowledge library and campaigns: scoped writes with audit, public reading, PDF, figures."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from binhan.alerts import library, services
from binhan.alerts.models import Article, Campaign
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.models import AuditEvent
from tests.alerts.conftest import make_input
from tests.factories import make_report

TEXTS = {"vi": {"title": "Phòng chống lừa đảo qua mạng", "summary": "Năm điều cần nhớ",
                "body": "Không cung cấp mã OTP cho bất kỳ ai.\n\nKhông bấm vào đường link lạ."},
         "en": {"title": "Online fraud", "summary": "", "body": "Never give your one-time code to anyone."}}


def test_article_written_audited_and_public_once_published(world, client):
    article = library.article_save(actor=world.police_a, unit=world.commune_a, texts=TEXTS)
    assert AuditEvent.objects.get(action="article.create").unit_path == world.commune_a.path
    url = reverse("alerts:article", args=[article.pk])
    assert client.get(url).status_code == 404  # a draft is not public
    library.article_save(actor=world.police_a, unit=world.commune_a, texts=TEXTS, is_published=True, article=article)
    assert AuditEvent.objects.get(action="article.update").changes == {"is_published": [False, True]}
    page = client.get(url).content.decode()
    assert "Online fraud" in page  # the reader's language (English in the tests)
    listing = client.get(reverse("alerts:library")).content.decode()
    assert "Online fraud" in listing


def test_draft_articles_are_for_staff_of_their_unit(world, client, login):
    article = library.article_save(actor=world.police_a, unit=world.commune_a, texts=TEXTS)
    login(world.police_b)
    assert client.get(reverse("alerts:article", args=[article.pk])).status_code == 404
    login(world.leader_a)
    assert client.get(reverse("alerts:article", args=[article.pk])).status_code == 200


@pytest.mark.parametrize(("texts", "field"), [
    ({"en": {"title": "A", "body": "B"}}, "title_vi"), ({"vi": {"title": "A", "body": ""}}, "body_vi"),
    ({"vi": {"title": "A", "body": "<iframe src=x>"}}, "body_vi"),
])
def test_bad_articles_are_refused(world, texts, field):
    with pytest.raises(ServiceError) as caught:
        library.article_save(actor=world.police_a, unit=world.commune_a, texts=texts)
    assert (caught.value.field, Article.objects.count()) == (field, 0)


def test_articles_only_for_own_units(world):
    with pytest.raises(PermissionDeniedError):
        library.article_save(actor=world.police_a, unit=world.commune_b, texts=TEXTS)


def test_article_pdf(world, client):
    pytest.importorskip("weasyprint")
    article = library.article_save(actor=world.police_a, unit=world.commune_a, texts=TEXTS, is_published=True)
    response = client.get(reverse("alerts:article_pdf", args=[article.pk]))
    assert (response.status_code, response["Content-Type"], response.content[:5]) == (200, "application/pdf",
                                                                                      b"%PDF-")


def test_alert_links_a_published_article_only(world):
    draft = library.article_save(actor=world.police_a, unit=world.commune_a, texts=TEXTS)
    with pytest.raises(ServiceError):
        services.alert_create(actor=world.police_a, data=make_input([world.group_a], article=draft))
    published = library.article_save(actor=world.police_a, unit=world.commune_a, texts=TEXTS, is_published=True,
                                     article=draft)
    alert = services.alert_create(actor=world.police_a, data=make_input([world.group_a], article=published))
    assert alert.article == published


def test_campaign_figures(people, send_alert):
    today = timezone.localdate()
    campaign = library.campaign_save(actor=people.police_a, unit=people.commune_a, name="Cao điểm tấn công trấn áp",
                                     starts_on=today - timedelta(days=5), ends_on=today + timedelta(days=5))
    alert = send_alert(people.police_a, [people.group_a], campaign=campaign)
    send_alert(people.police_a, [people.group_a])  # not in the campaign
    services.alert_acknowledge(user=people.resident_a, alert=alert)
    services.reply_create(user=people.neighbour, alert=alert, body="Đã nhận")
    make_report(unit=people.group_a)
    make_report(unit=people.group_b)  # outside the campaign's area
    make_report(unit=people.group_a, created_at=timezone.now() - timedelta(days=30))  # before it
    figures = library.campaign_figures(viewer=people.police_a, campaign=campaign)
    assert (figures.alerts, figures.reached, figures.acknowledged, figures.replies, figures.reports) == (1, 2, 1, 1, 1)
    assert AuditEvent.objects.filter(action="campaign.create").count() == 1


@pytest.mark.parametrize(("overrides", "field"), [
    ({"name": " "}, "name"), ({"ends_on": date(2026, 7, 1)}, "ends_on"), ({"ends_on": date(2028, 1, 1)}, "ends_on"),
])
def test_bad_campaigns_are_refused(world, overrides, field):
    values = {"name": "19/8", "starts_on": date(2026, 8, 1), "ends_on": date(2026, 10, 15), **overrides}
    with pytest.raises(ServiceError) as caught:
        library.campaign_save(actor=world.police_a, unit=world.commune_a, **values)
    assert (caught.value.field, Campaign.objects.count()) == (field, 0)


def test_campaign_pages(world, client, login):
    login(world.police_a)
    response = client.post(reverse("alerts:campaign_new"), {
        "name": "Ngày hội toàn dân bảo vệ ANTQ", "unit": world.commune_a.pk, "starts_on": "2026-08-01",
        "ends_on": "2026-08-19"})
    campaign = Campaign.objects.get()
    assert (response.status_code, response["Location"]) == (302, reverse("alerts:campaign", args=[campaign.pk]))
    assert client.get(reverse("alerts:campaign", args=[campaign.pk])).status_code == 200
    login(world.police_b)
    assert client.get(reverse("alerts:campaign", args=[campaign.pk])).status_code == 404
    login(world.resident_a)
    assert client.get(reverse("alerts:campaigns")).status_code == 403


def test_article_page_form(world, client, login):
    login(world.police_a)
    response = client.post(reverse("alerts:article_new"), {
        "kind": "leaflet", "category": "fire", "unit": world.commune_a.pk, "is_published": "on",
        "title_vi": "Tờ rơi PCCC", "body_vi": "Trang bị bình chữa cháy cho mỗi hộ."})
    article = Article.objects.get()
    assert (response.status_code, article.kind, article.is_published) == (302, "leaflet", True)
    bad = client.post(reverse("alerts:article_new"), {"kind": "leaflet", "category": "fire",
                                                      "unit": world.commune_a.pk, "title_vi": "", "body_vi": ""})
    assert bad.status_code == 400
