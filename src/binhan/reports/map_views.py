"""The map of reports, its clusters as JSON, and the queue's exports. Thin: parse, select, render."""

from __future__ import annotations

import itertools
import math
from collections.abc import AsyncIterator, Iterator
from typing import IO
from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from binhan.core import ratelimit
from binhan.reports import exports, maps
from binhan.reports.forms import QueueFilterForm
from binhan.reports.models import OPEN_STATUSES, Priority, Status
from binhan.reports.roles import HANDLER_ROLES
from binhan.reports.selectors import QueueFilters, categories_for

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Fields of the queue's filter form that make no sense on a map (its order).
MAP_HIDDEN_FILTERS = ("sort",)


def _is_handler(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.roles() & HANDLER_ROLES))


def _require_handler(request: HttpRequest) -> None:
    if not _is_handler(request.user):
        raise PermissionDenied(_("This page is for the police and leaders of a unit."))


BBOX_MESSAGE = gettext_lazy("Give the map's bounds as four numbers: west,south,east,north.")
ZOOM_MESSAGE = gettext_lazy("The zoom level must be a whole number from 0 to 22.")  # maps.MAX_ZOOM


class ViewportForm(forms.Form):
    """What part of the map the browser shows: bbox=west,south,east,north (degrees) and the zoom level."""

    bbox = forms.CharField(max_length=200, error_messages={"required": BBOX_MESSAGE, "max_length": BBOX_MESSAGE})
    zoom = forms.IntegerField(min_value=0, max_value=maps.MAX_ZOOM, error_messages=dict.fromkeys(
        ("required", "invalid", "min_value", "max_value"), ZOOM_MESSAGE))

    def clean_bbox(self) -> maps.BBox:
        try:
            values = [float(part) for part in self.cleaned_data["bbox"].split(",")]
        except ValueError:
            raise forms.ValidationError(BBOX_MESSAGE) from None
        if len(values) != 4 or not all(math.isfinite(value) for value in values):
            raise forms.ValidationError(BBOX_MESSAGE)
        west, south, east, north = values
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise forms.ValidationError(_(
                "West must be less than east and south less than north, with longitudes between -180 and 180 "
                "and latitudes between -90 and 90."))
        return maps.BBox(west=west, south=south, east=east, north=north)


def _bad_request_json(*forms_: forms.Form) -> JsonResponse:
    errors = {name: [str(message) for message in messages]
              for form in forms_ for name, messages in form.errors.items()}
    first = next(iter(errors.values()))[0]
    return JsonResponse({"detail": first, "errors": errors}, status=400)


@never_cache
@ratelimit.rate_limit(scope="report-map", rate="240/m", by="user", methods=("GET",))
def clusters(request: HttpRequest) -> JsonResponse:
    """The viewer's reports in the viewport, clustered in the database for the zoom level."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Sign in to see the map of reports.")}, status=401)
    if not _is_handler(request.user):
        return JsonResponse({"detail": _("This page is for the police and leaders of a unit.")}, status=403)
    viewport = ViewportForm(request.GET)
    filter_form = QueueFilterForm(request.GET)
    if not (viewport.is_valid() & filter_form.is_valid()):  # both, so every error is reported
        return _bad_request_json(viewport, filter_form)
    data = maps.report_clusters(viewer=request.user, filters=filter_form.filters(),
                                bbox=viewport.cleaned_data["bbox"], zoom=viewport.cleaned_data["zoom"])
    return JsonResponse(_map_json(data))


def _map_json(data: maps.MapData) -> dict:
    statuses, priorities = dict(Status.choices), dict(Priority.choices)
    categories = {category.pk: category for category in data.categories.values()}
    return {
        "zoom": data.zoom,
        "cell": data.cell,
        "bbox": data.bbox.as_list(),
        "total": data.total,
        "categories": {str(pk): {"code": category.code, "name": category.display_name, "icon": category.icon,
                                 "colour": category.colour} for pk, category in categories.items()},
        "clusters": [{
            "lat": round(cluster.lat, 6), "lon": round(cluster.lon, 6), "count": cluster.count,
            "dominant": cluster.dominant, "categories": {str(pk): n for pk, n in cluster.categories.items()},
            "bounds": cluster.bounds.as_list(),
        } for cluster in data.clusters],
        "reports": [{
            "id": point.id, "reference": point.reference, "lat": point.lat, "lon": point.lon,
            "category": point.category_id, "category_code": categories[point.category_id].code,
            "status": point.status, "status_label": str(statuses.get(point.status, point.status)),
            "priority": point.priority, "priority_label": str(priorities.get(point.priority, point.priority)),
        } for point in data.points],
    }


def _filters_bound(request: HttpRequest) -> bool:
    return any(name in request.GET for name in QueueFilterForm.base_fields)


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    """The map of reports for the police and leaders: the queue's filters, clusters, and a table of them."""
    _require_handler(request)
    # Without filters in the address the map opens, like the queue, on the reports still open.
    form = QueueFilterForm(request.GET if _filters_bound(request) else {"status": list(OPEN_STATUSES)})
    valid = form.is_valid()
    for name in MAP_HIDDEN_FILTERS:
        form.fields[name].widget = forms.HiddenInput()
    bounds = maps.initial_bounds(viewer=request.user)
    tile_url = settings.BINHAN_TILE_URL
    context = {
        "form": form,
        "categories": _legend_categories(request.user),
        "tile_url": tile_url,
        "tile_attribution": _tile_attribution(tile_url),
        "bounds": ",".join(f"{value:.6f}" for value in bounds.as_list()) if bounds else "",
        "report_url": _report_url_template(),
        "export_csv_url": _url_or_empty("reports_export:csv"),
        "export_xlsx_url": _url_or_empty("reports_export:xlsx"),
        "query": _encode(form.data),
        "statuses": Status.choices,
    }
    response = render(request, "reports/map.html", context, status=200 if valid else 400)
    policy = page_policy(settings.CONTENT_SECURITY_POLICY, tile_url)
    if policy:
        response["Content-Security-Policy"] = policy
    return response


def _legend_categories(user):
    """The categories used where the viewer works (national ones and their province's)."""
    membership = user.memberships.filter(role__in=HANDLER_ROLES).select_related("unit").order_by("id").first()
    return categories_for(unit=membership.unit if membership else None)


def _encode(data) -> str:
    """The filters as a query string, for the export links."""
    query = QueryDict(mutable=True)
    for key in QueueFilterForm.base_fields:
        values = data.getlist(key) if isinstance(data, QueryDict) else data.get(key)
        if values:
            query.setlist(key, values if isinstance(values, list | tuple) else [values])
    return query.urlencode()


def _url_or_empty(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _report_url_template() -> str:
    """The triage page of a report with "{id}" in place of its id, for the map's script."""
    marker = 987654321
    try:
        return reverse("reports:manage", args=[marker]).replace(str(marker), "{id}")
    except NoReverseMatch:
        return "/reports/{id}/manage/"


def _tile_attribution(tile_url: str) -> str:
    if not tile_url:
        return ""
    if "openstreetmap" in tile_url:
        return "© OpenStreetMap contributors"
    return getattr(settings, "BINHAN_TILE_ATTRIBUTION", "")


def tile_source(tile_url: str) -> str:
    """The CSP source of a tile URL template: its scheme and host, "{s}" sub-domains as a wildcard."""
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = parts.netloc.rsplit("@", 1)[-1].replace("{s}", "*")
    return f"{parts.scheme}://{host}"


def page_policy(policy: str, tile_url: str) -> str:
    """The site's content-security policy, with the tile server allowed as an image source when needed.

    The site policy already allows any https: image; a tile server on plain http (a local
    one, say) must be named, or the browser would refuse its tiles.
    """
    source = tile_source(tile_url) if tile_url else ""
    if not policy or not source:
        return policy
    directives = [directive.strip() for directive in policy.split(";") if directive.strip()]
    for index, directive in enumerate(directives):
        name, *sources = directive.split()
        if name == "img-src":
            if source in sources or (source.startswith("https:") and "https:" in sources):
                return policy
            directives[index] = " ".join([name, *sources, source])
            return "; ".join(directives)
    return "; ".join([*directives, f"img-src 'self' {source}"])


# --- Exports -----------------------------------------------------------------------------------------


def _export_filters(request: HttpRequest) -> QueueFilters | HttpResponse:
    _require_handler(request)
    form = QueueFilterForm(request.GET)
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[name].label if name in form.fields else name}: {' '.join(messages)}"
                           for name, messages in form.errors.items())
        message = _("The filters are not valid: %(errors)s") % {"errors": errors}
        return render(request, "core/error.html", {"status": 400, "message": message}, status=400)
    return form.filters()


@never_cache
@login_required
@ratelimit.rate_limit(scope="report-export", rate="20/10m", by="user", methods=("GET",))
def export_csv(request: HttpRequest) -> HttpResponse:
    """The queue with its filters as CSV, streamed row by row: any number of reports in bounded memory."""
    filters = _export_filters(request)
    if isinstance(filters, HttpResponse):
        return filters
    reports = exports.export_queryset(viewer=request.user, filters=filters)
    exports.record_export(viewer=request.user, filters=filters, file_format="csv")
    chunks = exports.csv_chunks(exports.rows(reports))
    response = StreamingHttpResponse(_streamed(request, chunks), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename("csv")}"'
    return response


@never_cache
@login_required
@ratelimit.rate_limit(scope="report-export", rate="20/10m", by="user", methods=("GET",))
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """The queue with its filters as an XLSX workbook, written to a temporary file and streamed back."""
    filters = _export_filters(request)
    if isinstance(filters, HttpResponse):
        return filters
    reports = exports.export_queryset(viewer=request.user, filters=filters)
    target, count = exports.xlsx_file(exports.rows(reports, limit=exports.XLSX_MAX_ROWS))
    exports.record_export(viewer=request.user, filters=filters, file_format="xlsx", rows_written=count)
    response = FileResponse(target, as_attachment=True, filename=exports.filename("xlsx"), content_type=XLSX_TYPE)
    if isinstance(request, ASGIRequest):
        response.streaming_content = _streamed(request, _file_blocks(target))
    return response


def _file_blocks(target: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    while block := target.read(size):
        yield block


def _streamed(request: HttpRequest, chunks: Iterator[bytes]):
    """Under ASGI, an asynchronous iterator: Django would otherwise read a synchronous one whole
    into memory before sending the first byte. Under WSGI the iterator as it is."""
    if isinstance(request, ASGIRequest):
        return _async_chunks(chunks)
    return chunks


async def _async_chunks(chunks: Iterator[bytes], batch: int = 16) -> AsyncIterator[bytes]:
    # Thread-sensitive: the database cursor behind `chunks` belongs to the request's thread.
    take = sync_to_async(lambda: b"".join(itertools.islice(chunks, batch)), thread_sensitive=True)
    try:
        while part := await take():
            yield part
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            await sync_to_async(close, thread_sensitive=True)()
