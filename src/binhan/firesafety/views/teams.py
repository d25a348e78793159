"""Teams: the list, setting one up, its page (households, equipment, findings, drills, fire reports)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhan.core.exceptions import ServiceError
from binhan.firesafety import forms, rules
from binhan.firesafety.selectors import drills as drill_selectors
from binhan.firesafety.selectors import equipment as equipment_selectors
from binhan.firesafety.selectors import maps as map_selectors
from binhan.firesafety.selectors import points as point_selectors
from binhan.firesafety.selectors import readiness as readiness_selectors
from binhan.firesafety.selectors import reports as report_selectors
from binhan.firesafety.selectors import teams as team_selectors
from binhan.firesafety.services import teams as team_services
from binhan.firesafety.views._common import (
    attach_error,
    can_keep,
    kept_units,
    page_of,
    posted,
    query_without_page,
    refused,
    render_form,
    require_keeper,
    require_staff,
)
from binhan.geo import selectors as geo_selectors
from binhan.geo.models import Household


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    form = forms.TeamFilterForm(request.GET or None)
    context = {"form": form, "page": None, "can_create": kept_units(request).exists()}
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        unit = geo_selectors.unit_get(viewer=request.user, pk=data["unit"]) if data.get("unit") else None
        teams = team_selectors.team_list(viewer=request.user,
                                         filters=team_selectors.TeamFilters(unit=unit, query=data.get("q", "")))
        page = page_of(request, teams)
        scores = readiness_selectors.team_readiness(team_ids=[t.pk for t in page.object_list])
        for team in page.object_list:
            team.readiness = scores[team.pk]
            team.size_warning = rules.team_size_warning(team.household_count)
        context.update({"page": page, "querystring": query_without_page(request), "unit": unit})
    return render_form(request, "firesafety/team_list.html", context, form)


@login_required
def team_create(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    groups = kept_units(request)
    initial = {"unit": request.GET.get("unit")} if request.GET.get("unit", "").isdigit() else {}
    form = forms.TeamForm(posted(request), groups=groups, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = team_services.team_create(actor=request.user, **data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("The team is set up. Now add its households."))
            return redirect("firesafety:team_detail", pk=team.pk)
    return render_form(request, "firesafety/form.html", {
        "form": form, "title": _("Set up a fire-safety team"), "submit": _("Set up the team")}, form)


@login_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    team = team_selectors.team_get(viewer=request.user, pk=pk)
    require_keeper(request, team.unit_path)
    fields = ("name", "leader_name", "deputy_name", "alarm", "established_on")
    form = forms.TeamForm(posted(request), editing=True, initial={f: getattr(team, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            team_services.team_update(actor=request.user, team=team, **form.cleaned_data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            return redirect("firesafety:team_detail", pk=team.pk)
    return render_form(request, "firesafety/form.html", {
        "form": form, "title": _("Edit the team"), "submit": _("Save"), "team": team}, form)


def _with_state(members) -> list:
    members = list(members)
    for member in members:
        member.state = map_selectors.household_state(member)
    return members


def _detail_context(request: HttpRequest, team, add_form=None) -> dict:
    households = _with_state(team_selectors.team_households(team=team))
    points = point_selectors.team_points(viewer=request.user, team=team)
    keeper = can_keep(request, team.unit_path) and team.status == team.Status.ACTIVE
    fire_reports, reports_in_full = report_selectors.team_fire_reports(viewer=request.user, team=team)
    window = forms.ReportWindowForm(request.GET)
    map_reports = map_selectors.team_report_features(viewer=request.user, team=team, days=window.window)
    return {
        "team": team,
        "households": households,
        "unplaced": sum(1 for member in households if member.lat is None),
        "team_map": map_selectors.team_map(team=team, households=households, points=points, reports=map_reports),
        "window_form": window,
        "days": window.window,
        "sees_fire_reports": reports_in_full or report_selectors.leads(request.user, team),
        "tile_url": settings.BINHAN_TILE_URL,
        "size_warning": rules.team_size_warning(len(households)),
        "readiness": readiness_selectors.team_readiness(team_ids=[team.pk])[team.pk],
        "can_keep": keeper,
        "add_form": add_form or (forms.HouseholdPickForm(households=team_selectors.households_free(team=team))
                                 if keeper else None),
        "team_equipment": equipment_selectors.equipment_list(
            viewer=request.user, filters=equipment_selectors.EquipmentFilters(team=team)).filter(team=team),
        "points": points,
        "findings": equipment_selectors.finding_list(viewer=request.user, team=team)[:50],
        "drills": drill_selectors.drill_list(viewer=request.user, team=team)[:10],
        "reminders": equipment_selectors.live_reminders(team=team)[:20],
        "fire_reports": fire_reports,
        "reports_in_full": reports_in_full,
        "breadcrumb": geo_selectors.unit_breadcrumb(team.unit),
    }


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    team = team_selectors.team_get(viewer=request.user, pk=pk)
    context = _detail_context(request, team)
    return render_form(request, "firesafety/team_detail.html", context, context["window_form"])


@login_required
@require_POST
def team_household(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Add a household of the group to the team, or take one out."""
    require_staff(request)
    team = team_selectors.team_get(viewer=request.user, pk=pk)
    require_keeper(request, team.unit_path)
    if action == "add":
        form = forms.HouseholdPickForm(request.POST, households=team_selectors.households_free(team=team))
        if form.is_valid():
            try:
                team_services.team_add_household(actor=request.user, team=team, household=form.cleaned_data["household"])
            except ServiceError as error:
                attach_error(form, error)
            else:
                return redirect("firesafety:team_detail", pk=team.pk)
        return render_form(request, "firesafety/team_detail.html", _detail_context(request, team, form), form)
    if action != "remove" or not (request.POST.get("household") or "").isdigit():
        raise BadRequest(_("Choose a household."))
    household = get_object_or_404(Household, pk=int(request.POST["household"]), unit_id=team.unit_id)
    try:
        team_services.team_remove_household(actor=request.user, team=team, household=household)
    except ServiceError as error:
        return refused(request, error, reverse("firesafety:team_detail", args=[team.pk]))
    return redirect("firesafety:team_detail", pk=team.pk)


@login_required
def team_household_place(request: HttpRequest, pk: int, household_pk: int) -> HttpResponse:
    """Place a team household on the map from a phone (tap where the house stands), or clear its place."""
    require_staff(request)
    team = team_selectors.team_get(viewer=request.user, pk=pk)
    require_keeper(request, team.unit_path)
    member = get_object_or_404(team_selectors.team_households(team=team), household_id=household_pk)
    form = forms.HouseholdPlaceForm(posted(request), initial={"lat": member.lat, "lon": member.lon})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team_services.team_household_locate(actor=request.user, team=team, household=member.household,
                                                lat=None if data["clear"] else data["lat"],
                                                lon=None if data["clear"] else data["lon"])
        except ServiceError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("The house's place is removed.") if data["clear"]
                             else _("The house is placed on the team's map."))
            return redirect(f"{reverse('firesafety:team_detail', args=[team.pk])}#team-map")
    # The team's other houses and its points, to place this one among them.
    others = team_selectors.team_households(team=team).exclude(pk=member.pk)
    points = point_selectors.team_points(viewer=request.user, team=team)
    return render_form(request, "firesafety/household_place.html", {
        "team": team, "member": member, "form": form, "tile_url": settings.BINHAN_TILE_URL,
        "others": map_selectors.team_map(team=team, households=others, points=points),
        "breadcrumb": geo_selectors.unit_breadcrumb(team.unit)}, form)


@login_required
@require_POST
def team_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    """The team stops; its households may join another."""
    require_staff(request)
    team = team_selectors.team_get(viewer=request.user, pk=pk)
    require_keeper(request, team.unit_path)
    try:
        team_services.team_dissolve(actor=request.user, team=team)
    except ServiceError as error:
        return refused(request, error, reverse("firesafety:team_detail", args=[team.pk]))
    messages.success(request, _("The team is dissolved; its households may join another team."))
    return redirect("firesafety:team_list")
