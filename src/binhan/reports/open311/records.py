"""What Open311 shows: the service list and definitions, and the public view of requests and their updates.

Only categories that may be public ever appear as requests, with places coarsened to about
100 m and the place named by its residential group and commune, never by the reporter's words.
No reporter field (name, phone, email, account) is ever read here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from binhan.reports import locate, selectors
from binhan.reports.models import OPEN_STATUSES, Category, QuestionType, Report, Update, parse_reference

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the shape of this endpoint last changed (discovery's `changeset`).
CHANGESET = "2026-11-24T00:00:00+07:00"

DATATYPES = {
    QuestionType.TEXT: "string",
    QuestionType.NUMBER: "number",
    QuestionType.DATE: "datetime",
    QuestionType.SINGLE: "singlevaluelist",
    QuestionType.MULTIPLE: "multivaluelist",
}
# Staff-written updates a reporter reads; messages from the reporter and internal notes never leave.
NOTE_KINDS = (Update.Kind.STATUS, Update.Kind.PUBLIC)


def iso(value: datetime | None) -> str | None:
    """W3C ISO 8601 with the zone offset, in the site's time zone."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _language() -> str:
    return (get_language() or "vi")[:2]


def label(labels: dict, fallback: str = "") -> str:
    language = _language()
    return labels.get(language) or labels.get("vi") or labels.get("en") or fallback


# -- services ------------------------------------------------------------------------------

def service_code(category: Category) -> str:
    """National categories keep their code; a province's own category is `code@province-code`."""
    return category.code if category.province_id is None else f"{category.code}@{category.province.code}"


def category_for_code(code: str) -> Category | None:
    code = (code or "").strip()
    if not code or len(code) > 100:
        return None
    slug, _sep, province_code = code.partition("@")
    categories = Category.objects.select_related("province").filter(code=slug, is_active=True)
    if province_code:
        return categories.filter(province__code=province_code).first()
    return categories.filter(province__isnull=True).first()


# The intake looks its category up on every request; categories change rarely, so each process
# remembers the ones it found for a few seconds (a deactivation takes effect within that time).
CATEGORY_SECONDS = 10.0
_categories: dict[str, tuple[float, Category]] = {}


def intake_category(code: str) -> Category | None:
    now = time.monotonic()
    remembered = _categories.get(code)
    if remembered is not None and remembered[0] > now:
        return remembered[1]
    category = category_for_code(code)
    if category is not None:  # unknown codes are not remembered: clients choose them
        _categories[code] = (now + CATEGORY_SECONDS, category)
    return category


def service_categories() -> QuerySet[Category]:
    return selectors.categories_for().select_related("province")


def service_record(category: Category) -> dict:
    return {
        "service_code": service_code(category),
        "service_name": category.display_name,
        "description": category.description or category.display_name,
        "metadata": bool(category.questions),
        "type": "realtime",
        "keywords": "",
        "group": category.get_team_type_display(),
    }


def _datatype_description(kind: str) -> str | None:
    return {
        QuestionType.TEXT: _("Text, at most 1,000 characters."),
        QuestionType.NUMBER: _("A number, e.g. 2500000."),
        QuestionType.DATE: _("A date such as 2026-01-05, or a date and time in ISO 8601; only the date is kept."),
    }.get(kind)


def service_definition(category: Category) -> dict:
    attributes = []
    for order, question in enumerate(category.questions, start=1):
        kind = question.get("type", QuestionType.TEXT)
        attribute = {
            "variable": True,
            "code": question["code"],
            "datatype": DATATYPES.get(kind, "string"),
            "required": bool(question.get("required")),
            "datatype_description": _datatype_description(kind),
            "order": order,
            "description": label(question.get("label", {}), question["code"]),
        }
        if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            attribute["values"] = [{"key": choice["code"], "name": label(choice.get("label", {}), choice["code"])}
                                   for choice in question.get("choices", [])]
        attributes.append(attribute)
    return {"service_code": service_code(category), "attributes": attributes}


# -- requests ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RequestFilters:
    ids: tuple[int, ...] | None = None  # when given, every other filter is ignored
    categories: tuple[Category, ...] | None = None
    start: datetime | None = None
    end: datetime | None = None
    open: bool | None = None  # None: both


def reference_ids(references: list[str]) -> tuple[int, ...]:
    """The report ids behind references such as R-2026-000123 (unknown shapes are skipped)."""
    return tuple(pk for pk in (parse_reference(ref) for ref in references) if pk)


def public_requests(filters: RequestFilters) -> QuerySet[Report]:
    """Reports of public categories, newest first, with what a record needs fetched at once."""
    reports = selectors.public_reports().select_related("category__province", "unit__parent").prefetch_related(
        Prefetch("updates", queryset=Update.objects.filter(kind__in=NOTE_KINDS).exclude(text="")
                 .order_by("-created_at", "-id"), to_attr="public_notes"))
    if filters.ids is not None:
        return reports.filter(pk__in=filters.ids).order_by("-created_at", "-id")
    if filters.categories is not None:
        reports = reports.filter(category__in=[c.pk for c in filters.categories])
    if filters.start is not None:
        reports = reports.filter(created_at__gte=filters.start)
    if filters.end is not None:
        reports = reports.filter(created_at__lte=filters.end)
    if filters.open is not None:
        reports = reports.filter(status__in=OPEN_STATUSES) if filters.open else reports.exclude(
            status__in=OPEN_STATUSES)
    return reports.order_by("-created_at", "-id")


def public_request(reference: str) -> Report | None:
    """One report of a public category by its exact reference; anything else is unknown."""
    pk = parse_reference(reference)
    if pk is None:
        return None
    report = public_requests(RequestFilters(ids=(pk,))).first()
    if report is None or report.reference != reference.strip().upper():
        return None
    return report


def place_name(report: Report) -> str:
    group, commune = report.unit, report.unit.parent
    if commune is None:
        return group.display_name
    return _("%(group)s, %(commune)s") % {"group": group.display_name, "commune": commune.display_name}


def request_record(report: Report) -> dict:
    lat, lon = locate.coarsen(report.lat, report.lon)
    notes = getattr(report, "public_notes", None)
    if notes is None:
        notes = list(report.updates.filter(kind__in=NOTE_KINDS).exclude(text="").order_by("-created_at", "-id")[:1])
    commune = report.unit.parent
    return {
        "service_request_id": report.reference,
        "status": "open" if report.is_open else "closed",
        "status_notes": notes[0].text if notes else None,
        "service_name": report.category.display_name,
        "service_code": service_code(report.category),
        "description": report.description,
        "agency_responsible": commune.display_name if commune else None,
        "service_notice": None,
        "requested_datetime": iso(report.created_at),
        "updated_datetime": iso(report.updated_at),
        "expected_datetime": None,
        "address": place_name(report),
        "address_id": report.unit.code,
        "zipcode": None,
        "lat": lat,
        "long": lon,
        "media_url": (report.answers or {}).get("media_url") or None,
    }


# -- updates (FixMyStreet's servicerequestupdates) -----------------------------------------------

def public_updates(*, start: datetime, end: datetime) -> QuerySet[Update]:
    return (Update.objects.filter(report__category__may_be_public=True, kind__in=NOTE_KINDS,
                                  created_at__gte=start, created_at__lte=end)
            .select_related("report").order_by("created_at", "id"))


def update_records(updates: list[Update]) -> list[dict]:
    """One record per update; `status` is the report's status right after it."""
    public_notes = [u for u in updates if u.kind == Update.Kind.PUBLIC]
    changes: dict[int, list[tuple[datetime, int, str]]] = {}
    if public_notes:
        rows = (Update.objects.filter(report_id__in={u.report_id for u in public_notes}, kind=Update.Kind.STATUS)
                .order_by("created_at", "id").values_list("report_id", "created_at", "id", "status_to"))
        for report_id, created_at, pk, status_to in rows:
            changes.setdefault(report_id, []).append((created_at, pk, status_to))
    records = []
    for update in updates:
        if update.kind == Update.Kind.STATUS:
            status = update.status_to
        else:
            earlier = [c for c in changes.get(update.report_id, []) if (c[0], c[1]) < (update.created_at, update.pk)]
            status = earlier[-1][2] if earlier else "new"
        records.append({
            "update_id": str(update.pk),
            "service_request_id": update.report.reference,
            "status": "open" if status in OPEN_STATUSES else "closed",
            "updated_datetime": iso(update.created_at),
            "description": update.text,
            "media_url": None,
        })
    return records


def status_filter(values: list[str]) -> tuple[bool | None, list[str]]:
    """`open`, `closed` or both; returns (open?, unknown values)."""
    wanted = {v.strip().lower() for v in values if v.strip()}
    unknown = sorted(wanted - {"open", "closed"})
    if unknown or not wanted or wanted == {"open", "closed"}:
        return None, unknown
    return ("open" in wanted), []
