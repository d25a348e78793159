"""Pages of the mediation teams register: the list with composition warnings, a team, its mediators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhan.accounts.forms import PurposeForm, take_account
from binhan.core import scoping
from binhan.core.exceptions import ServiceError
from binhan.geo import selectors as geo_selectors
from binhan.mediation import forms, rules
from binhan.mediation.roles import MANAGER_ROLES
from binhan.mediation.selectors import cases as case_selectors
from binhan.mediation.selectors import teams as selectors
from binhan.mediation.services import teams as services
from binhan.mediation.services._common import can_manage_teams, can_open_case
from binhan.mediation.views._common import (
    attach_error,
    page_of,
    query_without_page,
    render_form,
    require_staff,
)


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    """Every team under the viewer's units; teams that break the law's composition rules stand out."""
    require_staff(request)
    query = (request.GET.get("q") or "").strip()[:100]
    page = page_of(request, selectors.team_list(viewer=request.user, query=query))
    for team in page.object_list:
        team.warnings = selectors.team_warnings(team)
    return render_form(request, "mediation/team_list.html", {
        "page": page, "q": query, "querystring": query_without_page(request),
        "can_create": scoping.scope_paths(request.user, roles=MANAGER_ROLES) != [],
    })


@login_required
def team_create(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    form = forms.TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("The team was set up. Add its leader and mediators next."))
            return redirect("mediation:team_detail", pk=team.pk)
    return render_form(request, "mediation/team_form.html", {"form": form}, form)


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    team = selectors.team_get(viewer=request.user, pk=pk)
    mediators = selectors.team_mediators(team=team)
    return render_form(request, "mediation/team_detail.html", {
        "team": team, "mediators": mediators,
        "warnings": rules.composition_warnings(minority_area=team.minority_area, mediators=mediators),
        "can_manage": can_manage_teams(request.user, team.unit_path),
        "can_open_case": can_open_case(request.user, team),
        "can_read_log_book": case_selectors.can_read_log_book(request.user, team),
        "year": timezone.localdate().year,
        "breadcrumb": geo_selectors.unit_breadcrumb(team.unit),
    })


def _managed_team(request: HttpRequest, pk: int):
    require_staff(request)
    team = selectors.team_get(viewer=request.user, pk=pk)
    if not can_manage_teams(request.user, team.unit_path):
        raise PermissionDenied(_("Only the police and leaders of this commune or province may change this team."))
    return team


@login_required
def mediator_create(request: HttpRequest, pk: int) -> HttpResponse:
    team = _managed_team(request, pk)
    form = forms.MediatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        found, user = take_account(form, data)
        if found:
            try:
                mediator = services.mediator_add(actor=request.user, team=team, user=user, **data)
            except ServiceError as error:
                attach_error(form, error)
            else:
                messages.success(request, _("%(name)s was appointed.") % {"name": mediator.full_name})
                return redirect("mediation:team_detail", pk=team.pk)
    return render_form(request, "mediation/mediator_form.html", {"form": form, "team": team}, form)


@login_required
def mediator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A mediator's appointment and training; the personal data only after a reason is given (audited)."""
    require_staff(request)
    mediator = selectors.mediator_get(viewer=request.user, pk=pk)
    can_manage = can_manage_teams(request.user, mediator.unit_path)
    reveal_form = PurposeForm(request.POST or None) if request.method == "POST" else PurposeForm()
    revealed = False
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("Only the police and leaders of this commune or province may read these details."))
        if reveal_form.is_valid():
            try:
                services.mediator_read_personal(actor=request.user, mediator=mediator,
                                                purpose=reveal_form.cleaned_data["purpose"])
            except ServiceError as error:
                attach_error(reveal_form, error)
            else:
                revealed = True
    return render_form(request, "mediation/mediator_detail.html", {
        "mediator": mediator, "team": mediator.team, "trainings": list(mediator.trainings.all()),
        "can_manage": can_manage, "reveal_form": reveal_form, "revealed": revealed,
        "training_form": forms.TrainingForm(), "status_form": forms.MediatorStatusForm(
            initial={"status": mediator.status}),
    }, reveal_form)


@login_required
@require_POST
def mediator_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Add a training record, or change the mediator's status."""
    require_staff(request)
    mediator = selectors.mediator_get(viewer=request.user, pk=pk)
    if not can_manage_teams(request.user, mediator.unit_path):
        raise PermissionDenied(_("Only the police and leaders of this commune or province may change this team."))
    form_class = {"training": forms.TrainingForm, "status": forms.MediatorStatusForm}.get(action)
    if form_class is None:
        raise PermissionDenied(_("Unknown action."))
    form = form_class(request.POST)
    if form.is_valid():
        try:
            if action == "training":
                services.training_add(actor=request.user, mediator=mediator, **form.cleaned_data)
            else:
                services.mediator_set_status(actor=request.user, mediator=mediator, **form.cleaned_data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("mediation:mediator_detail", pk=mediator.pk)
    return render_form(request, "mediation/mediator_detail.html", {
        "mediator": mediator, "team": mediator.team, "trainings": list(mediator.trainings.all()),
        "can_manage": True, "reveal_form": PurposeForm(), "revealed": False,
        "training_form": form if action == "training" else forms.TrainingForm(),
        "status_form": form if action == "status" else forms.MediatorStatusForm(initial={"status": mediator.status}),
    }, form)
