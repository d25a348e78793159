"""Drills and trainings; competitions with their rounds, scores and rankings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from binhan.core import paths, scoping
from binhan.core.exceptions import ServiceError
from binhan.firesafety import forms
from binhan.firesafety.models import Drill, FireTeam
from binhan.firesafety.roles import KEEPER_ROLES, MANAGER_ROLES
from binhan.firesafety.selectors import drills as drill_selectors
from binhan.firesafety.services import drills as drill_services
from binhan.firesafety.views._common import (
    attach_error,
    chosen_unit,
    kept_units,
    managed_units,
    page_of,
    posted,
    render_form,
    require_staff,
)


def _kept_teams(request):
    return scoping.visible(FireTeam.objects.filter(status=FireTeam.Status.ACTIVE), request.user,
                           roles=KEEPER_ROLES).order_by("unit_path", "name")


@login_required
def drill_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    unit = chosen_unit(request)
    page = page_of(request, drill_selectors.drill_list(viewer=request.user, unit=unit))
    return render(request, "firesafety/drill_list.html", {"page": page, "unit": unit,
                                                           "can_create": kept_units(request).exists()})


@login_required
def drill_create(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    form = forms.DrillForm(posted(request), request.FILES if request.method == "POST" else None,
                           units=kept_units(request, level=None), teams=_kept_teams(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["teams"] = list(data["teams"])
        try:
            drill_services.drill_record(actor=request.user, **data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            return redirect("firesafety:drill_list")
    return render_form(request, "firesafety/form.html", {
        "form": form, "title": _("Record a drill or training"), "submit": _("Record"), "multipart": True}, form)


@login_required
def competition_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    form = forms.CompetitionForm(posted(request), units=managed_units(request))
    if request.method == "POST" and form.is_valid():
        try:
            competition = drill_services.competition_create(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            return redirect("firesafety:competition_detail", pk=competition.pk)
    return render_form(request, "firesafety/competition_list.html", {
        "page": page_of(request, drill_selectors.competition_list(viewer=request.user)),
        "form": form if managed_units(request).exists() else None}, form)


@login_required
def competition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    competition = drill_selectors.competition_get(viewer=request.user, pk=pk)
    teams = scoping.visible(FireTeam.objects.filter(paths.under("unit_path", competition.unit_path)), request.user)
    can_score = scoping.can_see_path(request.user, competition.unit_path, roles=MANAGER_ROLES)
    form = forms.ScoreForm(posted(request), teams=teams.order_by("unit_path", "name")) if can_score else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only the police and leaders of this commune or province may do this."))
        if form.is_valid():
            try:
                drill_services.score_record(actor=request.user, competition=competition, **form.cleaned_data)
            except ServiceError as error:
                attach_error(form, error)
            else:
                return redirect("firesafety:competition_detail", pk=competition.pk)
    return render_form(request, "firesafety/competition_detail.html", {
        "competition": competition, "ranking": drill_selectors.ranking(competition=competition), "form": form}, form)


@login_required
def drill_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A drill's photo, for staff of its unit only."""
    require_staff(request)
    drill = scoping.get_visible_or_404(Drill.objects.all(), request.user, pk=pk)
    if not drill.photo:
        raise Http404
    return FileResponse(drill.photo.open("rb"))
