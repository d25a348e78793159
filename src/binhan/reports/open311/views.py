"""The GeoReport v2 endpoints. Thin: parse, call the intake or a read, render in the format of the extension."""

from __future__ import annotations

import functools
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from binhan.core import ratelimit
from binhan.core.audit import client_ip
from binhan.core.db import writes
from binhan.core.exceptions import ServiceError
from binhan.geo.models import AdministrativeUnit, Level
from binhan.reports.open311 import intake, keys, records, render

MAX_DAYS = 90
MAX_RESULTS = 1000
READ_RATE = "1200/m"  # per IP, for the public reads
BAD_KEY_RATE = "30/m"  # per IP: wrong keys, before we stop looking them up


# -- plumbing ------------------------------------------------------------------------------

def _language(request: HttpRequest) -> str | None:
    """The `locale` parameter (en, en_US, vi-VN…), when it names one of our languages."""
    wanted = (request.GET.get("locale") or request.POST.get("locale") or "").strip().lower()[:2]
    return wanted if wanted in dict(settings.LANGUAGES) else None


def _too_many(fmt: str, retry_after: int) -> HttpResponse:
    message = translation.ngettext(
        "Too many requests. Please wait %(seconds)s second and try again.",
        "Too many requests. Please wait %(seconds)s seconds and try again.",
        retry_after,
    ) % {"seconds": retry_after}
    return render.errors(fmt, 429, message, retry_after=retry_after)


def _hit(key: str, rate: str) -> None:
    # The rate-limit counters live in the shared cache, the database unless Redis is configured: a write.
    with writes.serialised_writes():
        ratelimit.hit(key, rate)


def _jurisdiction_known(request: HttpRequest, value: str) -> bool:
    """One jurisdiction: any empty value, our host name, or the code of the nation or a province."""
    value = value.strip()
    if not value or value.lower() == request.get_host().split(":")[0].lower():
        return True
    return AdministrativeUnit.objects.filter(code__iexact=value[:40], level__in=[Level.NATION,
                                                                                 Level.PROVINCE]).exists()


def endpoint(*, methods: tuple[str, ...] = ("GET",), read_limit: bool = True):
    """Language, method, jurisdiction and the per-IP limit of the public reads, for every endpoint."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
            language = _language(request) or translation.get_language()
            with translation.override(language):
                if request.method not in methods:
                    response = render.errors(fmt, 405, _("This endpoint answers %(methods)s only.")
                                             % {"methods": ", ".join(methods)})
                    response["Allow"] = ", ".join(methods)
                elif not _jurisdiction_known(request, request.GET.get("jurisdiction_id")
                                             or request.POST.get("jurisdiction_id") or ""):
                    response = render.errors(fmt, 404, _("jurisdiction_id was not found."))
                else:
                    try:
                        if read_limit and request.method == "GET":
                            _hit(f"open311-read:ip:{client_ip(request)}", READ_RATE)
                        response = view(request, *args, fmt=fmt, **kwargs)
                    except ratelimit.RateLimited as limited:
                        response = _too_many(fmt, limited.retry_after)
                response["Content-Language"] = language
                patch_vary_headers(response, ("Accept-Language",))
            return response

        return wrapped

    return decorator


def _parse_moment(raw: str, *, end: bool) -> datetime:
    """A W3C date-time (an offset is expected; none means the site's zone), or a date (the whole day)."""
    raw = raw.strip()
    if len(raw) == 10:
        day = datetime.fromisoformat(raw).date()
        if end:
            return datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()) \
                - timedelta(microseconds=1)
        return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    moment = datetime.fromisoformat(raw)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _date_range(request: HttpRequest, problems: list[str]) -> tuple[datetime, datetime]:
    """start_date and end_date, at most 90 days apart; by default the last 90 days."""
    moments: dict[str, datetime | None] = {}
    for name in ("start_date", "end_date"):
        raw = (request.GET.get(name) or "").strip()
        moments[name] = None
        if raw:
            try:
                moments[name] = _parse_moment(raw[:40], end=name == "end_date")
            except ValueError:
                problems.append(_("%(name)s must be a date and time in ISO 8601, e.g. 2026-01-05T08:00:00+07:00.")
                                % {"name": name})
    start, end = moments["start_date"], moments["end_date"]
    span = timedelta(days=MAX_DAYS)
    if start is None and end is None:
        end = timezone.now()
        start = end - span
    elif start is None:
        start = end - span
    elif end is None:
        end = start + span
    if end < start:
        problems.append(_("end_date must not be before start_date."))
    elif end - start > span + timedelta(seconds=1):
        problems.append(_("start_date and end_date may be at most %(days)s days apart.") % {"days": MAX_DAYS})
    return start, end


def _page(request: HttpRequest, problems: list[str]) -> tuple[int, int]:
    """The `page` and `page_size` extension: pages from 1, at most 1,000 results a page (the default)."""
    values = {}
    for name, default, highest in (("page", 1, 1_000_000), ("page_size", MAX_RESULTS, MAX_RESULTS)):
        raw = (request.GET.get(name) or "").strip()
        try:
            values[name] = int(raw) if raw else default
        except ValueError:
            values[name] = 0
        if not 1 <= values[name] <= highest:
            problems.append(_("%(name)s must be a whole number from 1 to %(highest)s.")
                            % {"name": name, "highest": f"{highest}"})
    return values["page"], values["page_size"]


def _comma_list(request: HttpRequest, name: str) -> list[str]:
    return [part.strip() for part in (request.GET.get(name) or "").split(",") if part.strip()][:MAX_RESULTS]


# -- endpoints -----------------------------------------------------------------------------

@endpoint()
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2")
    keys_page = request.build_absolute_uri("/open311/keys/")
    return render.respond(fmt, {
        "changeset": records.CHANGESET,
        "contact": _("The police of your commune. In an emergency call 113 (police) or 114 (fire)."),
        "key_service": _("Ask the police of your province for a key; they make them at %(url)s.") % {"url": keys_page},
        "endpoints": [{
            "specification": records.SPECIFICATION,
            "url": base,
            "changeset": records.CHANGESET,
            "type": "test" if settings.DEMO else "production",
            "formats": ["text/xml", "application/json"],
        }],
    }, root="discovery")


@endpoint()
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    services = [records.service_record(category) for category in records.service_categories()]
    return render.respond(fmt, services, root="services", item="service")


@endpoint()
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    category = records.category_for_code(service_code)
    if category is None:
        return render.errors(fmt, 404, _("service_code %(code)s was not found.") % {"code": service_code[:100]})
    return render.respond(fmt, records.service_definition(category), root="service_definition")


@csrf_exempt  # authenticated by its api_key, never by a cookie
@endpoint(methods=("GET", "POST"))
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return _list(request, fmt)


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    raw_key = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    client = keys.client_authenticate(raw_key)
    if client is None:
        _hit(f"open311-badkey:ip:{client_ip(request)}", BAD_KEY_RATE)
        message = (_("api_key was not provided.") if not raw_key
                   else _("api_key is not valid, or it was revoked."))
        return render.errors(fmt, 403, message)
    parsed, problems = intake.parse(request.POST)
    prepared = None
    if parsed is not None:
        try:
            prepared = intake.request_prepare(client=client, intake=parsed)
        except ServiceError as error:
            problems = [str(error.message)]
        except ValidationError as error:
            problems = error.messages
    # Everything was checked above: count the key's request, then store (a refused count stores
    # nothing, and a refused report is still counted).
    new = intake.count_and_store(client=client, prepared=prepared)
    if new is None:
        return render.errors(fmt, 400, *problems)
    record = {"service_request_id": new.report.reference, "service_notice": intake.service_notice(new.report)}
    if new.followup_code:
        # An extension: the reporter's own code to follow the report on the website, shown once.
        record["followup_code"] = new.followup_code
    return render.respond(fmt, [record], root="service_requests", item="request", status=201)


def _list(request: HttpRequest, fmt: str) -> HttpResponse:
    problems: list[str] = []
    page, page_size = _page(request, problems)
    references = _comma_list(request, "service_request_id")
    if references:
        filters = records.RequestFilters(ids=records.reference_ids(references))
    else:
        codes = _comma_list(request, "service_code")
        categories = None
        if codes:
            categories = tuple(c for c in (records.category_for_code(code) for code in codes) if c is not None)
        start, end = _date_range(request, problems)
        is_open, unknown = records.status_filter(_comma_list(request, "status"))
        if unknown:
            problems.append(_("status must be open or closed."))
        filters = records.RequestFilters(categories=categories, start=start, end=end, open=is_open)
    if problems:
        return render.errors(fmt, 400, *problems)
    offset = (page - 1) * page_size
    reports = list(records.public_requests(filters)[offset:offset + page_size])
    if references:
        wanted = {ref.upper() for ref in references}
        reports = [report for report in reports if report.reference in wanted]
    return render.respond(fmt, [records.request_record(r) for r in reports], root="service_requests", item="request")


@endpoint()
def request_detail(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    report = records.public_request(service_request_id)
    if report is None:
        return render.errors(fmt, 404, _("service_request_id %(id)s was not found.") % {"id": service_request_id[:40]})
    return render.respond(fmt, [records.request_record(report)], root="service_requests", item="request")


@endpoint()
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    return render.errors(fmt, 404, _("token %(token)s was not found: this server never issues tokens, it returns "
                                     "service_request_id at once.") % {"token": token[:40]})


@endpoint()
def request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    problems: list[str] = []
    start, end = _date_range(request, problems)
    page, page_size = _page(request, problems)
    if problems:
        return render.errors(fmt, 400, *problems)
    offset = (page - 1) * page_size
    updates = list(records.public_updates(start=start, end=end)[offset:offset + page_size])
    return render.respond(fmt, records.update_records(updates), root="service_request_updates",
                          item="request_update")


@endpoint(methods=("GET", "POST"), read_limit=False)
def not_found(request: HttpRequest, path: str, fmt: str) -> HttpResponse:
    return render.errors(fmt, 404, _("There is no such Open311 resource."))
