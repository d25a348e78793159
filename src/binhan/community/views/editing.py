"""Edit pages: a team member's record, a model's basic fields, a team's founding facts, dissolving a team.

Each page is for the managers of the record's area (others of the area get 403, outsiders 404) and
calls the service that checks, saves and audits; a refusal comes back as 400 next to the field.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhan.community import forms
from binhan.community.models import ModelStatus, SecurityTeam
from binhan.community.selectors import selfmanagement as model_selectors
from binhan.community.selectors import teams as selectors
from binhan.community.services import selfmanagement as model_services
from binhan.community.services import teams as services
from binhan.community.services._common import can_manage
from binhan.community.views._common import attach_error, render_form, require_staff
from binhan.community.views.teams import _team_for_manager
from binhan.core.exceptions import ServiceError

NOT_YOURS = gettext_lazy("Only the police and leaders of this commune or province may change this record.")


def _save(request: HttpRequest, form, save, fields: dict, done: str) -> bool:
    """Run the service with what changed; True when the page should redirect."""
    if not fields:
        messages.info(request, _("Nothing was changed."))
        return True
    try:
        save(**fields)
    except ServiceError as error:
        attach_error(form, error)
        return False
    messages.success(request, done)
    return True


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a member's record; personal details may be replaced but are never shown here."""
    require_staff(request)
    member = selectors.member_get(viewer=request.user, pk=pk)
    if not can_manage(request.user, member.unit_path):
        raise PermissionDenied(NOT_YOURS)
    form = forms.MemberEditForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        def save(**fields):
            services.member_update(actor=request.user, member=member, **fields)
        if _save(request, form, save, form.changes(), _("The member's record was saved.")):
            return redirect("community:member_detail", pk=member.pk)
    return render_form(request, "community/member_edit.html", {"form": form, "member": member}, form)


@login_required
def model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    model = model_selectors.model_get(viewer=request.user, pk=pk)
    if not can_manage(request.user, model.unit_path):
        raise PermissionDenied(NOT_YOURS)
    initial = {"name": model.name, "model_type": model.type, "started_on": model.started_on,
               "description": model.description}
    form = forms.ModelEditForm(request.POST or None, initial=initial)
    if model.status == ModelStatus.ENDED and request.method == "POST":
        form.is_valid()
        form.add_error(None, _("This model has ended; it cannot change any more."))
    elif request.method == "POST" and form.is_valid():
        def save(**fields):
            model_services.model_update(actor=request.user, model=model, **fields)
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if _save(request, form, save, changes, _("The model was saved.")):
            return redirect("community:model_detail", pk=model.pk)
    return render_form(request, "community/model_edit.html", {"form": form, "model": model}, form)


@login_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_for_manager(request, pk)
    initial = {"name": team.name, "established_on": team.established_on, "decision_number": team.decision_number,
               "decision_date": team.decision_date}
    form = forms.TeamEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        def save(**fields):
            services.team_update(actor=request.user, team=team, **fields)
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if _save(request, form, save, changes, _("The team was saved.")):
            return redirect("community:team_detail", pk=team.pk)
    return render_form(request, "community/team_edit.html", {"form": form, "team": team}, form)


@login_required
def team_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    team = _team_for_manager(request, pk)
    form = forms.TeamDissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_dissolve(actor=request.user, team=team, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("The team was dissolved. Its groups may get a new team."))
            return redirect("community:team_detail", pk=team.pk)
    return render_form(request, "community/team_dissolve.html", {
        "form": form, "team": team, "dissolved": team.status == SecurityTeam.Status.DISSOLVED}, form)
