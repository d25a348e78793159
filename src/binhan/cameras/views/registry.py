"""The registry for staff: list with filters and exports, map with cones, camera pages, public cameras."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from binhan.cameras import exports, forms, selectors, services
from binhan.cameras.roles import POLICE_ROLES, REGISTRY_ROLES, STREAM_ROLES
from binhan.cameras.views._common import (
    attach_error,
    page_of,
    query_without_page,
    require_staff,
    with_purpose,
)
from binhan.core import ratelimit, scoping
from binhan.core.exceptions import ServiceError
from binhan.geo.models import AdministrativeUnit, Level


def _filters(request: HttpRequest):
    form = forms.FilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    return form, selectors.CameraFilters(**{key: data.get(key) or "" for key in ("status", "sharing", "owner_kind",
                                                                                 "covers", "q")})


@login_required
def camera_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    form, filters = _filters(request)
    if filters is None:
        return render(request, "cameras/camera_list.html", {"form": form, "page": None}, status=400)
    page = page_of(request, selectors.camera_list(viewer=request.user, filters=filters))
    can_register = request.user.is_superuser or bool(request.user.roles() & REGISTRY_ROLES)
    return render(request, "cameras/camera_list.html", {
        "form": form, "page": page, "querystring": query_without_page(request), "can_register": can_register})


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    return render(request, "cameras/map.html", {"tile_url": settings.BINHAN_TILE_URL, "form": forms.FilterForm()})


@login_required
def map_data(request: HttpRequest) -> JsonResponse:
    require_staff(request)
    form, filters = _filters(request)
    if filters is None:
        return JsonResponse({"detail": _("Check the filters."), "errors": form.errors}, status=400)
    return JsonResponse({"type": "FeatureCollection",
                         "features": selectors.map_features(viewer=request.user, filters=filters)})


def _detail_context(request: HttpRequest, camera, **extra) -> dict:
    police = scoping.can_see_path(request.user, camera.unit_path, roles=POLICE_ROLES)
    return {
        "camera": camera, "funding": camera.funding.all(),
        "requests": selectors.camera_requests(viewer=request.user, camera=camera)[:50] if police else None,
        "can_request": police and camera.left_at is None and camera.status != "removed",
        "can_see_stream": scoping.can_see_path(request.user, camera.unit_path, roles=STREAM_ROLES)
        and camera.sharing == "shared" and camera.has_stream,
        "can_edit": not camera.is_private and services.can_edit(request.user, camera),
        "purpose_form": extra.pop("purpose_form", None) or forms.PurposeForm(),
        **extra,
    }


@login_required
def camera_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    camera = selectors.camera_get(viewer=request.user, pk=pk)
    return render(request, "cameras/camera_detail.html", _detail_context(request, camera))


@never_cache
@login_required
@require_POST
def camera_stream(request: HttpRequest, pk: int) -> HttpResponse:
    """Reveal a shared camera's stream to the police, with a reason (audited)."""
    require_staff(request)
    camera = selectors.camera_get(viewer=request.user, pk=pk)

    def reveal(purpose: str) -> HttpResponse:
        url, credentials = services.camera_reveal_stream(actor=request.user, camera=camera, purpose=purpose)
        return render(request, "cameras/camera_detail.html",
                      _detail_context(request, camera, stream={"url": url, "credentials": credentials}))

    return with_purpose(request, reveal, lambda form, status: render(
        request, "cameras/camera_detail.html", _detail_context(request, camera, purpose_form=form), status=status))


def _unit_from_code(code: str):
    return AdministrativeUnit.objects.filter(code=code.strip(), level=Level.GROUP).first()


@login_required
def camera_create(request: HttpRequest) -> HttpResponse:
    """Register a public camera (paid by a unit, a model, households or donors)."""
    require_staff(request)
    form = forms.PublicCameraForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            unit = _unit_from_code(form.cleaned_data["unit"])
            if unit is None or not scoping.can_see_path(request.user, unit.path):
                form.add_error("unit", _("No residential group under your units has this code."))
            else:
                try:
                    camera = services.camera_register_public(
                        actor=request.user, unit=unit, fields=form.camera_fields(),
                        stream_url=form.cleaned_data["stream_url"],
                        stream_credentials=form.cleaned_data["stream_credentials"], funding=form.funding())
                except ServiceError as error:
                    status = attach_error(form, error)
                else:
                    messages.success(request, _("The camera is in the registry."))
                    return redirect("cameras:detail", pk=camera.pk)
    return render(request, "cameras/camera_form.html", {"form": form, "title": _("Register a public camera")},
                  status=status)


@login_required
def camera_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    camera = selectors.camera_get(viewer=request.user, pk=pk)
    if camera.is_private or not services.can_edit(request.user, camera):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Only the camera's owner may change it."))
    initial = {name: getattr(camera, name) for name in forms.CameraForm.OWNER_FIELDS}
    form = forms.PublicCameraEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.camera_update(actor=request.user, camera=camera, fields=form.camera_fields(),
                                       stream_url=form.cleaned_data["stream_url"] or None,
                                       stream_credentials=form.cleaned_data["stream_credentials"] or None)
            except ServiceError as error:
                status = attach_error(form, error)
            else:
                messages.success(request, _("The camera was updated."))
                return redirect("cameras:detail", pk=camera.pk)
    return render(request, "cameras/camera_form.html", {"form": form, "camera": camera,
                                                        "title": _("Change the camera")}, status=status)


@never_cache
@login_required
@ratelimit.rate_limit(scope="cameras-export", rate="20/10m", by="user", methods=("GET",))
def export(request: HttpRequest, file_format: str) -> HttpResponse:
    require_staff(request)
    form, filters = _filters(request)
    if filters is None:
        return render(request, "cameras/camera_list.html", {"form": form, "page": None}, status=400)
    header, rows = exports.camera_table(selectors.camera_list(viewer=request.user, filters=filters))
    exports.record_export(viewer=request.user, file_format=file_format, filters=filters)
    if file_format == "csv":
        response = StreamingHttpResponse(exports.csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{exports.filename("csv")}"'
        return response
    target, _count = exports.xlsx_file(header, rows, _("Security cameras"))
    return FileResponse(target, as_attachment=True, filename=exports.filename("xlsx"),
                        content_type=exports.XLSX_TYPE)
