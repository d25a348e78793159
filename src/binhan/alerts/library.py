"""The knowledge library (articles and leaflets, translated, printable) and campaigns: writes and reads.

Writes validate, save, audit and emit an event in one transaction, like every service; reads of
staff data pass the scoping door. Published articles are public: legal knowledge is for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.alerts.models import (
    Acknowledgement,
    Alert,
    Article,
    ArticleText,
    Campaign,
    Category,
    Reply,
    Status,
)
from binhan.alerts.services import SENDER_ROLES, _clean_text
from binhan.core import audit, events, paths, scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.geo.models import AdministrativeUnit

MAX_ARTICLE_BODY = 20000


def _check_unit(actor, unit: AdministrativeUnit) -> None:
    if not scoping.can_see_path(actor, unit.path, roles=SENDER_ROLES):
        raise PermissionDeniedError(_("You may only publish for your own units."), field="unit")


def _clean_article_texts(texts: dict) -> dict[str, dict[str, str]]:
    languages = {code for code, _name in settings.LANGUAGES}
    if set(texts) - languages:
        raise ServiceError(_("Unknown language: %(codes)s") % {"codes": ", ".join(sorted(set(texts) - languages))},
                           field="texts")
    cleaned = {}
    for language, text in texts.items():
        text = text or {}
        if language != "vi" and not any(text.get(k) for k in ("title", "summary", "body")):
            continue
        cleaned[language] = {
            "title": _clean_text(text.get("title"), field=f"title_{language}", limit=160, required=True,
                           empty_message=_("Give the article a title.")),
            "summary": _clean_text(text.get("summary"), field=f"summary_{language}", limit=300),
            "body": _clean_text(text.get("body"), field=f"body_{language}", limit=MAX_ARTICLE_BODY, required=True,
                          empty_message=_("Write the text of the article.")),
        }
    if "vi" not in cleaned:
        raise ServiceError(_("The Vietnamese text is required."), field="title_vi")
    return cleaned


def _article_summary(article: Article) -> dict:
    return {"kind": article.kind, "category": article.category, "is_published": article.is_published,
            "unit": article.unit.code, "texts": {t.language: t.title for t in article.texts.all()}}


@transaction.atomic
def article_save(*, actor, unit: AdministrativeUnit, texts: dict, kind: str = Article.Kind.ARTICLE,
                 category: str = Category.LEGAL, is_published: bool = False, article: Article | None = None) -> Article:
    """Write (or rewrite) a library article or leaflet for a unit; publishing makes it public."""
    _check_unit(actor, unit)
    if kind not in Article.Kind.values:
        raise ServiceError(_("Choose article or leaflet."), field="kind")
    if category not in Category.values:
        raise ServiceError(_("Choose a category."), field="category")
    cleaned = _clean_article_texts(texts)
    before = {}
    if article is not None:
        article = Article.objects.select_for_update().get(pk=article.pk)
        _check_unit(actor, article.unit)
        before = _article_summary(article)
    else:
        article = Article(author=actor)
    article.unit, article.unit_path = unit, unit.path
    article.kind, article.category, article.is_published = kind, category, bool(is_published)
    article.full_clean()
    article.save()
    article.texts.all().delete()
    ArticleText.objects.bulk_create(ArticleText(article=article, language=lang, **text) for lang, text in cleaned.items())
    changes = audit.diff(before, _article_summary(article)) if before else {
        k: [None, v] for k, v in _article_summary(article).items()}
    audit.record(actor=actor, action="article.update" if before else "article.create", obj=article, changes=changes)
    events.publish("article.saved", unit_path=article.unit_path, article_id=article.pk)
    return article


def articles_public(*, category: str = "", query: str = "") -> QuerySet[Article]:
    articles = Article.objects.filter(is_published=True)
    if category in Category.values:
        articles = articles.filter(category=category)
    if query:
        articles = articles.filter(texts__title__icontains=query[:100]).distinct()
    return articles.prefetch_related("texts").select_related("unit")


def articles_for_staff(*, viewer) -> QuerySet[Article]:
    return scoping.visible(Article.objects.all(), viewer, roles=SENDER_ROLES).prefetch_related("texts")


def article_get(*, viewer, pk: int) -> Article:
    """A published article for anyone; a draft only for staff of its unit."""
    article = Article.objects.prefetch_related("texts").select_related("unit").filter(pk=pk).first()
    if article is None:
        raise Http404
    if not article.is_published:
        return scoping.get_visible_or_404(Article.objects.prefetch_related("texts").select_related("unit"), viewer,
                                          roles=SENDER_ROLES, pk=pk)
    return article


def article_pdf(article: Article, *, html: str) -> bytes | None:
    """The printable PDF (WeasyPrint), or None where WeasyPrint is not installed."""
    try:
        from weasyprint import HTML
    except ImportError:  # an optional dependency: the page prints from the browser too
        return None
    return HTML(string=html).write_pdf()


# -- campaigns ----------------------------------------------------------------------------------

@transaction.atomic
def campaign_save(*, actor, unit: AdministrativeUnit, name: str, starts_on: date, ends_on: date,
                  description: str = "", campaign: Campaign | None = None) -> Campaign:
    """A campaign groups a period's alerts and results in an area."""
    _check_unit(actor, unit)
    name = _clean_text(name, field="name", limit=160, required=True, empty_message=_("Give the campaign a name."))
    description = _clean_text(description, field="description", limit=4000)
    if ends_on < starts_on:
        raise ServiceError(_("The campaign must end on or after the day it starts."), field="ends_on")
    if (ends_on - starts_on).days > 366:
        raise ServiceError(_("A campaign lasts at most a year."), field="ends_on")
    before = {}
    if campaign is not None:
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _check_unit(actor, campaign.unit)
        before = audit.snapshot(campaign, ["name", "description", "starts_on", "ends_on", "unit_path"])
    else:
        campaign = Campaign(author=actor)
    campaign.unit, campaign.unit_path = unit, unit.path
    campaign.name, campaign.description, campaign.starts_on, campaign.ends_on = name, description, starts_on, ends_on
    campaign.full_clean()
    campaign.save()
    after = audit.snapshot(campaign, ["name", "description", "starts_on", "ends_on", "unit_path"])
    audit.record(actor=actor, action="campaign.update" if before else "campaign.create", obj=campaign,
                 changes=audit.diff(before, after))
    events.publish("campaign.saved", unit_path=campaign.unit_path, campaign_id=campaign.pk)
    return campaign


def campaigns_for_staff(*, viewer) -> QuerySet[Campaign]:
    return scoping.visible(Campaign.objects.select_related("unit"), viewer)


def campaign_get(*, viewer, pk: int) -> Campaign:
    return scoping.get_visible_or_404(Campaign.objects.select_related("unit"), viewer, pk=pk)


@dataclass(frozen=True)
class CampaignFigures:
    alerts: int
    reached: int
    acknowledged: int
    replies: int
    reports: int
    reports_by_category: list[tuple[str, int]]


def campaign_figures(*, viewer, campaign: Campaign) -> CampaignFigures:
    """What was sent, reached and reported in the campaign's area and period (within the viewer's units)."""
    alerts = Alert.objects.filter(campaign=campaign).exclude(status__in=[Status.DRAFT, Status.REVIEW])
    sent = alerts.aggregate(n=Count("id"), reached=Sum("recipient_count"))
    acknowledged = scoping.visible(Acknowledgement.objects.filter(alert__campaign=campaign), viewer).count()
    replies = scoping.visible(Reply.objects.filter(alert__campaign=campaign, is_staff=False), viewer).count()
    start = datetime.combine(campaign.starts_on, time.min, tzinfo=timezone.get_current_timezone())
    end = datetime.combine(campaign.ends_on + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())
    from binhan.reports.selectors import visible_reports

    reports = visible_reports(viewer=viewer).filter(paths.under("unit_path", campaign.unit_path),
                                                    created_at__gte=start, created_at__lt=end)
    by_category = list(reports.order_by().values_list("category__name").annotate(n=Count("id")).order_by("-n")[:10])
    return CampaignFigures(alerts=sent["n"] or 0, reached=sent["reached"] or 0, acknowledged=acknowledged,
                           replies=replies, reports=reports.count(), reports_by_category=by_category)


def linkable(*, viewer) -> tuple[QuerySet[Article], QuerySet[Campaign]]:
    """What an alert may link to: published articles, and the viewer's campaigns that are not over."""
    today = timezone.localdate()
    return (Article.objects.filter(is_published=True).prefetch_related("texts").order_by("-updated_at")[:200],
            campaigns_for_staff(viewer=viewer).filter(ends_on__gte=today - timedelta(days=30))
            .filter(Q(starts_on__lte=today + timedelta(days=365))))
