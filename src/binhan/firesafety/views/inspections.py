"""Inspections on a phone: the checklist for a household or a point; findings closed when fixed; photos."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhan.core import scoping
from binhan.core.exceptions import ServiceError
from binhan.firesafety import forms, rules
from binhan.firesafety.models import Inspection
from binhan.firesafety.selectors import equipment as equipment_selectors
from binhan.firesafety.selectors import points as point_selectors
from binhan.firesafety.services import inspections as inspection_services
from binhan.firesafety.views._common import (
    attach_error,
    posted,
    refused,
    render_form,
    require_keeper,
    require_staff,
)
from binhan.geo import selectors as geo_selectors

HOUSEHOLD_ITEMS = [code for code in rules.CHECKLIST if code != "sign_shelter"]
POINT_ITEMS = ["extinguisher", "demolition", "sign_shelter"]


@login_required
def inspect(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Record an inspection of a household (`kind` "household") or a public point ("point")."""
    require_staff(request)
    if kind == "household":
        target = geo_selectors.household_get(viewer=request.user, pk=pk)
        items, title, back = HOUSEHOLD_ITEMS, target.address, ("firesafety:household", target.pk)
    else:
        target = point_selectors.point_get(viewer=request.user, pk=pk)
        items, title, back = POINT_ITEMS, target.name, ("firesafety:point_detail", target.pk)
    require_keeper(request, target.unit_path)
    form = forms.InspectionForm(posted(request), request.FILES if request.method == "POST" else None, items=items)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = inspection_services.inspection_record(
                actor=request.user, results=form.results(), notes=form.notes(), note=data["note"],
                inspected_on=data["inspected_on"], follow_up_on=data["follow_up_on"], photo=data["photo"],
                **{kind: target})
        except ServiceError as error:
            attach_error(form, error)
        else:
            failed = sum(1 for ok in inspection.items.values() if not ok)
            messages.success(request, _("The inspection is recorded.") if not failed else
                             _("The inspection is recorded; the failed items are now open findings."))
            return redirect(*back)
    return render_form(request, "firesafety/inspect.html", {"form": form, "target_name": title, "kind": kind,
                                                             "back": back}, form)


@login_required
@require_POST
def finding_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The fault is fixed. The household it was given to may close it from its own page."""
    household_id = getattr(request.user, "household_id", None)
    from binhan.firesafety.models import Finding

    finding = Finding.objects.select_related("inspection").filter(pk=pk, inspection__household_id=household_id).first() \
        if household_id else None
    if finding is None:
        require_staff(request)
        finding = equipment_selectors.finding_get(viewer=request.user, pk=pk)
    target = request.POST.get("next", "")
    target = target if target.startswith("/fire-safety/") else reverse("firesafety:overview")
    try:
        inspection_services.finding_close(actor=request.user, finding=finding)
    except ServiceError as error:
        return refused(request, error, target)
    messages.success(request, _("The finding is closed."))
    return redirect(target)


@login_required
def inspection_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """An inspection's photo, for staff of its unit only."""
    require_staff(request)
    inspection = scoping.get_visible_or_404(Inspection.objects.all(), request.user, pk=pk)
    if not inspection.photo:
        raise Http404
    return FileResponse(inspection.photo.open("rb"))
