"""The phone-friendly duty page of a team member (start patrol / end patrol) and the live patrol list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhan.community import forms
from binhan.community.models import PatrolLog, SecurityTeam
from binhan.community.selectors import teams as selectors
from binhan.community.services import duty as services
from binhan.community.views._common import attach_error, page_of, render_form, require_staff
from binhan.core import scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError


@login_required
def duty(request: HttpRequest) -> HttpResponse:
    """A member's own duty: the next shifts, and one big button to start or end a patrol."""
    return render(request, "community/duty.html", {
        "duties": selectors.my_duty(user=request.user), "start_form": forms.PatrolStartForm(),
        "end_form": forms.PatrolEndForm(),
    })


def _duty_error(request: HttpRequest, error: ServiceError, form) -> HttpResponse:
    attach_error(form, error)
    status = 403 if isinstance(error, PermissionDeniedError) else 400
    return render(request, "community/duty.html", {
        "duties": selectors.my_duty(user=request.user), "start_form": form if isinstance(
            form, forms.PatrolStartForm) else forms.PatrolStartForm(),
        "end_form": form if isinstance(form, forms.PatrolEndForm) else forms.PatrolEndForm(),
    }, status=status)


@require_POST
@login_required
def patrol_start(request: HttpRequest, team_pk: int) -> HttpResponse:
    team = scoping.get_visible_or_404(SecurityTeam.objects.all(), request.user, pk=team_pk)
    form = forms.PatrolStartForm(request.POST)
    if not form.is_valid():
        return render(request, "community/duty.html", {"duties": selectors.my_duty(user=request.user),
                                                       "start_form": form, "end_form": forms.PatrolEndForm()},
                      status=400)
    try:
        services.patrol_start(actor=request.user, team=team, **form.cleaned_data)
    except ServiceError as error:
        return _duty_error(request, error, form)
    messages.success(request, _("Patrol started. Stay safe; end it here when you are back."))
    return redirect("community:duty")


@require_POST
@login_required
def patrol_end(request: HttpRequest, pk: int) -> HttpResponse:
    patrol = scoping.get_visible_or_404(PatrolLog.objects.select_related("team"), request.user, pk=pk)
    form = forms.PatrolEndForm(request.POST)
    if not form.is_valid():
        return render(request, "community/duty.html", {"duties": selectors.my_duty(user=request.user),
                                                       "start_form": forms.PatrolStartForm(), "end_form": form},
                      status=400)
    try:
        services.patrol_end(actor=request.user, patrol=patrol, notes=form.cleaned_data["notes"],
                            route=form.cleaned_data["route"])
    except ServiceError as error:
        return _duty_error(request, error, form)
    messages.success(request, _("Patrol ended and logged. Thank you."))
    return redirect("community:duty")


@login_required
def patrol_list(request: HttpRequest) -> HttpResponse:
    """Patrols and duties under the viewer's units, newest first; those going on now on top (live)."""
    require_staff(request)
    on_now = list(selectors.patrol_list(viewer=request.user, filters=selectors.PatrolFilters(open_only=True))[:100])
    page = page_of(request, selectors.patrol_list(viewer=request.user))
    return render(request, "community/patrol_list.html", {"on_now": on_now, "page": page})


@login_required
def patrol_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One log entry; its member (or the police) may make an incident report from it, or attach one by reference."""
    require_staff(request)
    patrol = selectors.patrol_get(viewer=request.user, pk=pk)
    form = forms.PatrolAttachForm(request.POST if "reference" in request.POST else None)
    report_form = forms.PatrolReportForm(request.POST if "description" in request.POST else None)
    for bound in (form, report_form):
        if not (bound.is_bound and bound.is_valid()):
            continue
        try:
            if bound is form:
                services.patrol_attach_report(actor=request.user, patrol=patrol,
                                              reference=form.cleaned_data["reference"])
            else:
                services.patrol_report(actor=request.user, patrol=patrol, **report_form.cleaned_data)
        except PermissionDeniedError as error:
            raise PermissionDenied(error.message) from None
        except ServiceError as error:
            attach_error(bound, error)
        else:
            messages.success(request, _("The report is attached to the log."))
            return redirect("community:patrol_detail", pk=patrol.pk)
    return render_form(request, "community/patrol_detail.html", {
        "patrol": patrol, "form": form, "report_form": report_form,
        "can_change": services.can_change_patrol(request.user, patrol)}, form, report_form)
