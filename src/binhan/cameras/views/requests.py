"""Footage requests for the police: ask an owner, follow the answers, open clips (with a purpose), export."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from binhan.cameras import forms, selectors, services
from binhan.cameras.views._common import (
    attach_error,
    page_of,
    query_without_page,
    require_police,
    with_purpose,
)
from binhan.core.exceptions import ServiceError
from binhan.reports import selectors as report_selectors


def _report_of(request: HttpRequest):
    raw = request.GET.get("report") or request.POST.get("report") or ""
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return report_selectors.report_get(viewer=request.user, pk=int(raw))


@login_required
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_police(request)
    camera = selectors.camera_get(viewer=request.user, pk=pk)
    report = _report_of(request)
    now = timezone.localtime().replace(second=0, microsecond=0)
    when = timezone.localtime(report.created_at).replace(second=0, microsecond=0) if report else now
    initial = {"case_reference": report.reference if report else "",
               "window_start": when - timedelta(hours=1), "window_end": min(when + timedelta(hours=1), now),
               "deadline": now + timedelta(days=2)}
    form = forms.RequestForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                created = services.request_create(actor=request.user, camera=camera, report=report, **form.cleaned_data)
            except ServiceError as error:
                status = attach_error(form, error)
            else:
                messages.success(request, _("The request was sent to the camera's owner."))
                return redirect("cameras:request_detail", pk=created.pk)
    return render(request, "cameras/request_form.html", {"form": form, "camera": camera, "report": report},
                  status=status)


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    require_police(request)
    form = forms.RequestFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "cameras/request_list.html", {"form": form, "page": None}, status=400)
    status = form.cleaned_data.get("status", "") if form.is_bound else ""
    page = page_of(request, selectors.request_list(viewer=request.user, status=status))
    return render(request, "cameras/request_list.html", {"form": form, "page": page, "now": timezone.now(),
                                                          "querystring": query_without_page(request)})


def _detail(request: HttpRequest, footage_request, status: int = 200, **forms_) -> HttpResponse:
    return render(request, "cameras/request_detail.html", {
        "item": footage_request, "police_status": footage_request.police_status(),
        "footage": footage_request.footage.all(),
        "purpose_form": forms_.get("purpose_form") or forms.PurposeForm(),
    }, status=status)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_police(request)
    return _detail(request, selectors.request_get(viewer=request.user, pk=pk))


@login_required
@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    require_police(request)
    item = selectors.request_get(viewer=request.user, pk=pk)
    try:
        services.request_cancel(actor=request.user, request=item)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The request was cancelled."))
    return redirect("cameras:request_detail", pk=pk)


@never_cache
@login_required
@require_POST
def footage_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Play or download a clip: a purpose, a hash check against the one recorded on arrival, an audit row."""
    require_police(request)
    footage = selectors.footage_get(viewer=request.user, pk=pk)
    action = "download" if request.POST.get("action") == "download" else "view"

    def serve(purpose: str) -> HttpResponse:
        services.footage_open(actor=request.user, footage=footage, purpose=purpose, action=action)
        extension = footage.file.name.rsplit(".", 1)[-1]
        response = FileResponse(footage.file.open("rb"), content_type=footage.content_type,
                                as_attachment=action == "download", filename=f"{footage}.{extension}")
        response["X-Content-Type-Options"] = "nosniff"
        response["X-Footage-SHA256"] = footage.sha256
        response["Cache-Control"] = "private, no-store"
        return response

    return with_purpose(request, serve, lambda form, status: _detail(request, footage.request, status=status,
                                                                     purpose_form=form))


@never_cache
@login_required
@require_POST
def request_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The package for prosecutors: clips, SHA-256 sums and the custody log (PDF), in a ZIP."""
    require_police(request)
    item = selectors.request_get(viewer=request.user, pk=pk)

    def package(purpose: str) -> HttpResponse:
        response = HttpResponse(services.package_export(actor=request.user, request=item, purpose=purpose),
                                content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="footage-request-{item.pk}.zip"'
        return response

    return with_purpose(request, package, lambda form, status: _detail(request, item, status=status,
                                                                       purpose_form=form))
