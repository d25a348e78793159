"""Pages of the security teams register: the list, a team's page, members, roster and ratings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.accounts.forms import PurposeForm, take_account
from binhan.community import forms, rules
from binhan.community.models import DutyShift
from binhan.community.roles import MANAGER_ROLES
from binhan.community.selectors import commendations as commendation_selectors
from binhan.community.selectors import teams as selectors
from binhan.community.services import duty as duty_services
from binhan.community.services import teams as services
from binhan.community.services._common import can_manage
from binhan.community.views._common import (
    attach_error,
    page_of,
    query_without_page,
    render_form,
    require_staff,
)
from binhan.core import scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.geo import selectors as geo_selectors


def filters_from(form: forms.TeamFilterForm) -> selectors.TeamFilters:
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    unit = data.get("unit")
    return selectors.TeamFilters(query=(data.get("q") or "").strip(), unit_path=unit.path if unit else "",
                                 size=data.get("size") or "")


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    """Teams with their population, members and expected size; under- and over-sized ones stand out."""
    require_staff(request)
    form = forms.TeamFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render_form(request, "community/team_list.html", {"form": form, "page": None}, form)
    teams = selectors.team_list(viewer=request.user, filters=filters_from(form))
    return render_form(request, "community/team_list.html", {
        "form": form, "page": page_of(request, teams), "querystring": query_without_page(request),
        "can_create": scoping.scope_paths(request.user, roles=MANAGER_ROLES) != [],
    })


@login_required
def team_create(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    form = forms.TeamCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = services.team_create(actor=request.user, unit=data["unit"], name=data["name"],
                                        established_on=data["established_on"], extra_units=data["extra_units"],
                                        decision_number=data["decision_number"], decision_date=data["decision_date"])
        except ServiceError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("The team was set up. Add its leader and members next."))
            return redirect("community:team_detail", pk=team.pk)
    return render_form(request, "community/team_form.html", {"form": form}, form)


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The team's page: areas, members, roster, recent patrols (live), ratings, commendations, assigned reports."""
    require_staff(request)
    team = selectors.team_get(viewer=request.user, pk=pk)
    context = {
        "team": team, "areas": selectors.team_areas(team=team), "members": list(selectors.team_members(team=team)),
        "shifts": list(selectors.team_shifts(team=team)),
        "patrols": list(selectors.team_patrols(team=team)[:10]),
        "ratings": list(selectors.team_ratings(team=team)),
        "commendations": list(commendation_selectors.commendation_list(viewer=request.user).filter(team=team)),
        "reports": list(selectors.team_assigned_reports(viewer=request.user, team=team)),
        "can_manage": can_manage(request.user, team.unit_path),
        "can_keep_roster": duty_services.can_keep_roster(request.user, team),
        "breadcrumb": geo_selectors.unit_breadcrumb(team.unit),
    }
    return render_form(request, "community/team_detail.html", context)


def _team_for_manager(request: HttpRequest, pk: int):
    require_staff(request)
    team = selectors.team_get(viewer=request.user, pk=pk)
    if not can_manage(request.user, team.unit_path):
        raise PermissionDenied(_("Only the police and leaders of this commune or province may change this team."))
    return team


@login_required
def member_create(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_for_manager(request, pk)
    form = forms.MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        found, user = take_account(form, data)
        if found:
            try:
                member = services.member_add(actor=request.user, team=team, user=user, **data)
            except ServiceError as error:
                attach_error(form, error)
            else:
                messages.success(request, _("%(name)s joined the team.") % {"name": member.full_name})
                return redirect("community:team_detail", pk=team.pk)
    rule = rules.rule_for(team.unit_path)
    return render_form(request, "community/member_form.html", {"form": form, "team": team, "rule": rule}, form)


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's record; date of birth, phone and address appear only after a reason is given (audited)."""
    require_staff(request)
    member = selectors.member_get(viewer=request.user, pk=pk)
    manager = can_manage(request.user, member.unit_path)
    purpose_form = PurposeForm(request.POST if "purpose" in request.POST else None)
    status_form = forms.MemberStatusForm(request.POST if "status" in request.POST else None)
    rate_form = forms.TeamRateForm(request.POST if "grade" in request.POST else None,
                                   initial={"year": rules.period_of(timezone.localdate()).year})
    revealed = False
    if request.method == "POST" and not manager:
        raise PermissionDenied(_("Your role does not allow this."))
    if purpose_form.is_bound and purpose_form.is_valid():
        services.member_read_personal(actor=request.user, member=member, purpose=purpose_form.cleaned_data["purpose"])
        revealed = True
    if status_form.is_bound and status_form.is_valid():
        try:
            services.member_set_status(actor=request.user, member=member, status=status_form.cleaned_data["status"],
                                       reason=status_form.cleaned_data["reason"])
        except ServiceError as error:
            attach_error(status_form, error)
        else:
            messages.success(request, _("The member's status was changed."))
            return redirect("community:member_detail", pk=member.pk)
    if rate_form.is_bound and rate_form.is_valid():
        try:
            services.member_rate(actor=request.user, member=member, **rate_form.cleaned_data)
        except ServiceError as error:
            attach_error(rate_form, error)
        else:
            messages.success(request, _("The rating was recorded."))
            return redirect("community:member_detail", pk=member.pk)
    return render_form(request, "community/member_detail.html", {
        "member": member, "revealed": revealed, "purpose_form": purpose_form, "status_form": status_form,
        "rate_form": rate_form, "ratings": list(member.ratings.all()),
        "can_manage": manager, "age": rules.age_on(member.date_of_birth, timezone.localdate()) if revealed else None,
        "commendations": list(member.commendations.all()),
        "patrols": list(member.patrols.select_related("team", "report").order_by("-started_at")[:10]),
    }, purpose_form, status_form, rate_form)


@login_required
def shift_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    team = selectors.team_get(viewer=request.user, pk=pk)
    if not duty_services.can_keep_roster(request.user, team):
        raise PermissionDenied(_("Only the team's leader or deputy, or the commune police, may change the roster."))
    form = forms.ShiftForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            duty_services.shift_create(actor=request.user, team=team, **data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("The shift is on the roster."))
            return redirect("community:team_detail", pk=team.pk)
    return render_form(request, "community/shift_form.html", {"form": form, "team": team}, form)


@login_required
def shift_swap(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    shift = scoping.get_visible_or_404(DutyShift.objects.select_related("team", "member"), request.user, pk=pk)
    form = forms.SwapForm(request.POST or None, team=shift.team)
    if request.method == "POST" and form.is_valid():
        try:
            duty_services.shift_swap(actor=request.user, shift=shift, **form.cleaned_data)
        except PermissionDeniedError as error:
            raise PermissionDenied(error.message) from None
        except ServiceError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("The shift was swapped."))
            return redirect("community:team_detail", pk=shift.team_id)
    return render_form(request, "community/shift_swap.html", {"form": form, "shift": shift}, form)


@login_required
def team_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The yearly rating, with the figures of the period shown before the grade is chosen."""
    team = _team_for_manager(request, pk)
    year = rules.period_of(timezone.localdate()).year
    form = forms.TeamRateForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        try:
            services.team_rate(actor=request.user, team=team, **form.cleaned_data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("The rating was recorded."))
            return redirect("community:team_detail", pk=team.pk)
    chosen = form.cleaned_data.get("year", year) if form.is_bound and hasattr(form, "cleaned_data") else year
    period = rules.period(chosen)
    return render_form(request, "community/team_rate.html", {
        "form": form, "team": team, "period": period,
        "figures": selectors.team_period_figures(team=team, rating_period=period),
    }, form)

