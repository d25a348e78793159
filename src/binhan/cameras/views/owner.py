"""A camera owner's pages, on a phone: register a camera, change its choices, leave, answer requests."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhan.cameras import crypto, forms, selectors, services
from binhan.cameras.models import OwnerKind, RequestStatus
from binhan.cameras.views._common import attach_error
from binhan.core.exceptions import ServiceError


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "cameras/mine.html", {
        "cameras": selectors.owner_cameras(owner=request.user),
        "requests": selectors.owner_requests(owner=request.user)[:100],
        # Where the owner turns SMS and browser notifications on (cameras.notify follows those choices).
        "alert_settings_url": reverse("alerts:subscription") if apps.is_installed("binhan.alerts") else "",
    })


@login_required
def owner_camera_new(request: HttpRequest) -> HttpResponse:
    form = forms.OwnerCameraForm(request.POST or None, initial={"kind": OwnerKind.HOUSEHOLD})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.camera_register_private(
                    actor=request.user, business=form.cleaned_data["kind"] == OwnerKind.BUSINESS,
                    fields=form.camera_fields(), stream_url=form.cleaned_data["stream_url"],
                    stream_credentials=form.cleaned_data["stream_credentials"])
            except ServiceError as error:
                status = attach_error(form, error)
            else:
                messages.success(request, _("Your camera is registered. You can change your choices or leave at any "
                                            "time."))
                return redirect("cameras:mine")
    return render(request, "cameras/owner_camera_form.html", {"form": form, "title": _("Register my camera")},
                  status=status)


@login_required
def owner_camera_edit(request: HttpRequest, pk: int) -> HttpResponse:
    camera = selectors.owner_camera_get(owner=request.user, pk=pk)
    if camera.left_at:
        raise PermissionDenied(_("This camera has left the registry."))
    initial = {name: getattr(camera, name) for name in forms.OwnerCameraForm.OWNER_FIELDS}
    form = forms.OwnerCameraForm(request.POST or None, initial=initial, editing=True)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.camera_update(actor=request.user, camera=camera, fields=form.camera_fields(),
                                       stream_url=form.cleaned_data["stream_url"],
                                       stream_credentials=form.cleaned_data["stream_credentials"] or None)
            except ServiceError as error:
                status = attach_error(form, error)
            else:
                messages.success(request, _("Your choices were saved."))
                return redirect("cameras:mine")
    else:
        form.initial["stream_url"] = crypto.decrypt(camera.stream_url_encrypted) or ""
    return render(request, "cameras/owner_camera_form.html", {"form": form, "camera": camera,
                                                              "title": _("Change my camera")}, status=status)


@login_required
def owner_camera_leave(request: HttpRequest, pk: int) -> HttpResponse:
    camera = selectors.owner_camera_get(owner=request.user, pk=pk)
    if request.method == "POST":
        services.camera_leave(actor=request.user, camera=camera)
        messages.success(request, _("Your camera left the registry; its stream details were deleted."))
        return redirect("cameras:mine")
    return render(request, "cameras/owner_camera_leave.html", {"camera": camera})


def _owner_request_page(request, item, status=200, **forms_) -> HttpResponse:
    return render(request, "cameras/owner_request.html", {
        "item": item, "footage": item.footage.all(),
        "answer_form": forms_.get("answer_form") or forms.AnswerForm(),
        "upload_form": forms_.get("upload_form") or forms.UploadForm(),
        "can_answer": item.status == RequestStatus.PENDING,
        "can_upload": item.status in (RequestStatus.ACCEPTED, RequestStatus.FULFILLED),
    }, status=status)


@login_required
def owner_request(request: HttpRequest, pk: int) -> HttpResponse:
    return _owner_request_page(request, selectors.owner_request_get(owner=request.user, pk=pk))


@login_required
@require_POST
def owner_request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = selectors.owner_request_get(owner=request.user, pk=pk)
    try:
        if action in ("accept", "refuse"):
            form = forms.AnswerForm(request.POST)
            if not form.is_valid():
                return _owner_request_page(request, item, status=400, answer_form=form)
            services.request_answer(actor=request.user, request=item, accept=action == "accept",
                                    note=form.cleaned_data["note"])
            messages.success(request, _("Thank you. You accepted; send the clips below.") if action == "accept"
                             else _("You refused. Nothing more is asked of you."))
        elif action == "withdraw":
            services.request_withdraw(actor=request.user, request=item)
            messages.success(request, _("You withdrew your consent; no further clips are asked."))
        elif action == "upload":
            form = forms.UploadForm(request.POST, request.FILES)
            if not form.is_valid():
                return _owner_request_page(request, item, status=400, upload_form=form)
            try:
                services.footage_upload(actor=request.user, request=item, upload=form.cleaned_data["clip"])
            except ServiceError as error:
                form.add_error("clip", error.message)
                return _owner_request_page(request, item, status=400, upload_form=form)
            messages.success(request, _("The clip was received. Thank you."))
        else:
            raise PermissionDenied
    except ServiceError as error:
        messages.error(request, error.message)
        return _owner_request_page(request, selectors.owner_request_get(owner=request.user, pk=pk), status=400)
    return redirect("cameras:owner_request", pk=pk)
