"""Equipment: a household's page (staff), the resident's own page, adding from a phone, checks and
removals, the overdue register and its exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from binhan.core import ratelimit
from binhan.core.exceptions import ServiceError
from binhan.firesafety import exports, forms
from binhan.firesafety.models import Finding, Inspection
from binhan.firesafety.selectors import equipment as equipment_selectors
from binhan.firesafety.selectors import teams as team_selectors
from binhan.firesafety.services import equipment as equipment_services
from binhan.firesafety.views._common import (
    attach_error,
    can_keep,
    chosen_unit,
    page_of,
    posted,
    query_without_page,
    refused,
    render_form,
    require_staff,
)
from binhan.geo import selectors as geo_selectors
from binhan.geo.models import Household


def _household_context(request, household: Household, form=None) -> dict:
    return {
        "household": household,
        "team": team_selectors.team_of_household(household.pk),
        "items": equipment_selectors.household_equipment(household_id=household.pk),
        "form": form or forms.EquipmentForm(),
        "findings": Finding.objects.filter(inspection__household=household, status=Finding.Status.OPEN)
                    .order_by("follow_up_on", "id"),
        "inspections": Inspection.objects.filter(household=household).order_by("-inspected_on", "-id")[:5],
        "reminders": equipment_selectors.live_reminders(household=household)[:20],
        "today": timezone.localdate(),
    }


def _add(request, form, **owner):
    """Validate the equipment form and call the service; True when the item was saved."""
    if not form.is_valid():
        return False
    try:
        equipment_services.equipment_add(actor=request.user, source=owner.pop("source", ""), **owner,
                                         **form.cleaned_data)
    except ServiceError as error:
        attach_error(form, error)
        return False
    messages.success(request, _("The item is recorded."))
    return True


@login_required
def household_equipment(request: HttpRequest, pk: int) -> HttpResponse:
    """A household's equipment for staff (team leaders type or scan it here on a phone)."""
    require_staff(request)
    household = geo_selectors.household_get(viewer=request.user, pk=pk)
    form = forms.EquipmentForm(posted(request)) if request.method == "POST" else None
    if form is not None:
        if not can_keep(request, household.unit_path):
            raise PermissionDenied(_("Only the fire-team leader, the group leader or the police and leaders above "
                                     "may change this."))
        if _add(request, form, household=household, source="team"):
            return redirect("firesafety:household", pk=household.pk)
    context = _household_context(request, household, form)
    context["can_keep"] = can_keep(request, household.unit_path)
    return render_form(request, "firesafety/household.html", context, form)


@login_required
def my_equipment(request: HttpRequest) -> HttpResponse:
    """A resident's own household: its equipment, reminders and open findings; add an item from the phone."""
    household = request.user.household
    if household is None:
        return render(request, "firesafety/mine.html", {"household": None})
    form = forms.EquipmentForm(posted(request)) if request.method == "POST" else None
    if form is not None and _add(request, form, household=household, source="household"):
        return redirect("firesafety:my_equipment")
    context = _household_context(request, household, form)
    context["can_keep"] = True
    return render_form(request, "firesafety/mine.html", context, form)


def _item_for(request, pk: int):
    """An item the viewer may change: a keeper's (through the door) or the resident's own household's."""
    household_id = getattr(request.user, "household_id", None)
    if household_id:
        own = equipment_selectors.household_equipment(household_id=household_id).filter(pk=pk).first()
        if own is not None:
            return own
    require_staff(request)
    return equipment_selectors.equipment_get(viewer=request.user, pk=pk)


def _back(request, item) -> HttpResponse:
    if item.household_id and item.household_id == getattr(request.user, "household_id", None) \
            and not can_keep(request, item.unit_path):
        return redirect("firesafety:my_equipment")
    if item.household_id:
        return redirect("firesafety:household", pk=item.household_id)
    if item.point_id:
        return redirect("firesafety:point_detail", pk=item.point_id)
    return redirect("firesafety:team_detail", pk=item.team_id)


@login_required
@require_POST
def equipment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Mark an item inspected or refilled (its due date moves on), or remove it."""
    item = _item_for(request, pk)
    try:
        if action == "check":
            form = forms.CheckForm(request.POST)
            if not form.is_valid():
                raise ServiceError(_("Give a valid date and condition."), field="on")
            equipment_services.equipment_check(actor=request.user, equipment=item, on=form.cleaned_data["on"],
                                               condition=form.cleaned_data["condition"])
            messages.success(request, _("The inspection is recorded; the next due date has moved on."))
        else:
            equipment_services.equipment_retire(actor=request.user, equipment=item)
            messages.success(request, _("The item is removed from the list."))
    except ServiceError as error:
        return refused(request, error, _back(request, item).url)
    return _back(request, item)


def _owner_context(item) -> None:
    if item.household_id:
        item.owner_label, item.owner_url_name, item.owner_pk = item.household.address, "firesafety:household", \
            item.household_id
    elif item.point_id:
        item.owner_label, item.owner_url_name, item.owner_pk = item.point.name, "firesafety:point_detail", item.point_id
    else:
        item.owner_label, item.owner_url_name, item.owner_pk = item.team.name, "firesafety:team_detail", item.team_id


def _filters(request, form):
    data = form.cleaned_data if form.is_bound else {"status": "overdue"}
    unit = geo_selectors.unit_get(viewer=request.user, pk=data["unit"]) if data.get("unit") else None
    return equipment_selectors.EquipmentFilters(unit=unit, status=data.get("status", ""),
                                                type_code=data.get("type_code", ""))


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """The register of what is overdue (or due soon), with the counts per area and per team."""
    require_staff(request)
    form = forms.OverdueFilterForm(request.GET or None, initial={"status": "overdue"})
    context: dict = {"form": form, "page": None}
    if not form.is_bound or form.is_valid():
        filters = _filters(request, form)
        page = page_of(request, equipment_selectors.equipment_list(viewer=request.user, filters=filters))
        for item in page.object_list:
            _owner_context(item)
        area = filters.unit or chosen_unit(request)
        context.update({"page": page, "querystring": query_without_page(request), "today": timezone.localdate(),
                        "area": area, "findings": equipment_selectors.finding_list(viewer=request.user, unit=area)[:100],
                        "can_close": area is not None and can_keep(request, area.path)})
        if area is not None and filters.status == "overdue":
            context["by_area"] = equipment_selectors.overdue_by_area(viewer=request.user, unit=area)
            context["by_team"] = equipment_selectors.overdue_by_team(viewer=request.user, unit=area, limit=20)
    return render_form(request, "firesafety/overdue.html", context, form)


@never_cache
@login_required
@ratelimit.rate_limit(scope="firesafety-export", rate="20/10m", by="user", methods=("GET",))
def export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The register's list, with its filters, as CSV or XLSX; every export is audited."""
    require_staff(request)
    form = forms.OverdueFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render_form(request, "firesafety/overdue.html", {"form": form, "page": None}, form)
    filters = _filters(request, form)
    items = equipment_selectors.equipment_list(viewer=request.user, filters=filters)
    header, rows = exports.equipment_table(items)
    exports.record_export(viewer=request.user, file_format=file_format, filters={
        "unit": filters.unit.code if filters.unit else "", "status": filters.status, "type_code": filters.type_code})
    if file_format == "csv":
        response = StreamingHttpResponse(exports.csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{exports.filename("csv")}"'
        return response
    target, _count = exports.xlsx_file(header, rows, _("Fire-safety equipment"))
    return FileResponse(target, as_attachment=True, filename=exports.filename("xlsx"), content_type=exports.XLSX_TYPE)


