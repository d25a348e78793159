"""Commendations: the list with counts per year and level, and recording a new decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from binhan.community import forms
from binhan.community.models import Commendation, SecurityTeam, SelfManagementModel, TeamMember
from binhan.community.roles import MANAGER_ROLES
from binhan.community.selectors import commendations as selectors
from binhan.community.services import commendations as services
from binhan.community.views._common import (
    attach_error,
    page_of,
    query_without_page,
    render_form,
    require_staff,
)
from binhan.core import scoping
from binhan.core.exceptions import ServiceError
from binhan.geo.models import AdministrativeUnit, Household

Subject = Commendation.Subject
TARGETS = {Subject.TEAM: SecurityTeam, Subject.MODEL: SelfManagementModel, Subject.HOUSEHOLD: Household,
           Subject.MEMBER: TeamMember}


@login_required
def commendation_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    form = forms.CommendationFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render_form(request, "community/commendation_list.html", {"form": form, "page": None}, form)
    data = form.cleaned_data if form.is_bound else {}
    filters = selectors.CommendationFilters(unit_path=data["unit"].path if data.get("unit") else "",
                                            level=data.get("level") or "", subject=data.get("subject") or "",
                                            year=data.get("year"), query=(data.get("q") or "").strip())
    return render_form(request, "community/commendation_list.html", {
        "form": form, "page": page_of(request, selectors.commendation_list(viewer=request.user, filters=filters)),
        "counts": selectors.commendation_counts(viewer=request.user, unit_path=filters.unit_path),
        "querystring": query_without_page(request),
        "can_create": scoping.scope_paths(request.user, roles=MANAGER_ROLES) != [],
    })


def _target(request: HttpRequest, subject: str, value: str):
    """The commended unit or row, found through the scoping door (a number outside the area is not found)."""
    value = value.strip()
    if subject in (Subject.UNIT, Subject.PERSON):
        unit = AdministrativeUnit.objects.filter(code=value).first()
        return unit if unit is not None and scoping.can_see_path(request.user, unit.path) else None
    if not value.isdigit():
        return None
    return scoping.visible(TARGETS[subject].objects.all(), request.user).filter(pk=int(value)).first()


@login_required
def commendation_create(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    form = forms.CommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        target = _target(request, data["subject"], data.pop("target"))
        if target is None:
            form.add_error("target", _("Nothing of this kind with this code or number in your area."))
        else:
            key = {Subject.UNIT: "unit", Subject.TEAM: "team", Subject.MODEL: "model", Subject.HOUSEHOLD: "household",
                   Subject.MEMBER: "member", Subject.PERSON: "person_unit"}[data["subject"]]
            try:
                services.commendation_create(actor=request.user, **data, **{key: target})
            except ServiceError as error:
                attach_error(form, error)
            else:
                messages.success(request, _("The commendation was recorded."))
                return redirect("community:commendation_list")
    return render_form(request, "community/commendation_form.html", {"form": form}, form)
