"""A resident asks their group's mediation team for help, and follows their requests (status only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from binhan.accounts.models import Membership
from binhan.accounts.roles import Role
from binhan.core.exceptions import ServiceError
from binhan.mediation import forms
from binhan.mediation.selectors import cases as case_selectors
from binhan.mediation.selectors import teams as team_selectors
from binhan.mediation.services import cases as services
from binhan.mediation.views._common import attach_error, render_form


def _resident_team(user):
    """The active team of the first group where the user is a resident (None when there is none)."""
    membership = (Membership.objects.filter(user=user, role=Role.RESIDENT).select_related("unit")
                  .order_by("id").first())
    return team_selectors.team_for_group(unit=membership.unit) if membership else None


@login_required
def request_mediation(request: HttpRequest) -> HttpResponse:
    team = _resident_team(request.user)
    if team is None:
        return render_form(request, "mediation/request.html", {"team": None, "form": None})
    form = forms.RequestForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_request(actor=request.user, team=team, **form.cleaned_data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            messages.success(request, _("Your request %(reference)s was sent to the mediation team. The team leader "
                                        "will contact you within a few days.") % {"reference": case.reference})
            return redirect("mediation:my_requests")
    return render_form(request, "mediation/request.html", {"team": team, "form": form}, form)


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    return render_form(request, "mediation/my_requests.html", {
        "cases": list(case_selectors.requests_of(resident=request.user)[:50]),
        "can_request": _resident_team(request.user) is not None,
    })
