"""Pages of hosts: a lodging's manager or a household declares guests from a phone, and checks them out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from binhan.community.views._common import attach_error, page_of, render_form
from binhan.core import ratelimit
from binhan.core.exceptions import ServiceError
from binhan.residence import forms, selectors
from binhan.residence.services import imports as import_services
from binhan.residence.services import stays as stay_services


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a host starts: their lodgings, their household's guests; the police's links."""
    user = request.user
    lodgings = list(selectors.managed_lodgings(user=user))
    stays = page_of(request, selectors.household_stays(user=user).select_related("lodging"), 20)
    return render(request, "residence/home.html", {
        "lodgings": lodgings, "page": stays, "has_household": user.household_id is not None,
        "is_police": selectors.is_police(user), "today": timezone.localdate(),
    })


def _host(request: HttpRequest, lodging_pk: int | None):
    if lodging_pk is not None:
        lodging = selectors.lodging_get(viewer=request.user, pk=lodging_pk)
        if not stay_services.can_declare_for_lodging(request.user, lodging):
            raise PermissionDenied(_("Only the lodging's manager or the commune police declare its guests."))
        return lodging, None
    if request.user.household_id is None:
        raise PermissionDenied(_("Your account is not linked to a household; ask your group leader."))
    return None, request.user.household


def _rows_from_post(request: HttpRequest, total: int) -> list[dict]:
    names = list(forms.GuestForm.base_fields)
    return [{name: request.POST.get(f"form-{i}-{name}", "") for name in names} for i in range(total)]


@login_required
@ratelimit.rate_limit(scope="stay-declare", rate="60/10m", by="user", methods=("POST",))
def declare(request: HttpRequest, lodging_pk: int | None = None) -> HttpResponse:
    """One or many guests in one go; the deadline is shown, a late declaration is accepted and marked."""
    lodging, household = _host(request, lodging_pk)
    context = {"lodging": lodging, "household": household, "max_guests": forms.MAX_FORM_GUESTS,
               "deadline_hour": stay_services.rules.deadline_hour(),
               "late_hour": stay_services.rules.late_arrival_hour()}
    if request.method == "POST" and "add_guest" in request.POST:
        try:
            total = min(int(request.POST.get("form-TOTAL_FORMS", "1")), forms.MAX_FORM_GUESTS - 1)
        except ValueError:
            total = 1
        formset = forms.GuestFormSet(initial=[*_rows_from_post(request, max(total, 0)), {}])
        return render(request, "residence/declare.html", {**context, "formset": formset})
    if request.method != "POST":
        return render(request, "residence/declare.html", {**context, "formset": forms.GuestFormSet()})
    formset = forms.GuestFormSet(request.POST)
    if formset.is_valid():
        try:
            declaration = stay_services.stays_declare(
                actor=request.user, lodging=lodging, household=household,
                guests=[form.cleaned_data for form in formset.forms])
        except stay_services.GuestErrors as error:
            for index, field, message in error.errors:
                form = formset.forms[index]
                form.add_error(field if field in form.fields else None, message)
        except ServiceError as error:
            formset._non_form_errors = formset.error_class([error.message])
        else:
            stays = list(declaration.stays.all())
            late = sum(stay.is_late for stay in stays)
            messages.success(request, ngettext("The commune police received %(count)s guest.",
                                               "The commune police received %(count)s guests.",
                                               len(stays)) % {"count": len(stays)})
            if late:
                messages.warning(request, ngettext(
                    "%(count)s guest was declared after the deadline and is marked late.",
                    "%(count)s guests were declared after the deadline and are marked late.", late) % {"count": late})
            return redirect(reverse("residence:lodging_detail", args=[lodging.pk]) if lodging
                            else reverse("residence:home"))
    response = render(request, "residence/declare.html", {**context, "formset": formset})
    response.status_code = 400
    return response


@login_required
def lodging_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A lodging's guests present now, for its manager or the police."""
    lodging = selectors.lodging_get(viewer=request.user, pk=pk)
    guests = page_of(request, selectors.guests_of(lodging=lodging), 50)
    return render(request, "residence/lodging_detail.html", {
        "lodging": lodging, "page": guests,
        "can_declare": stay_services.can_declare_for_lodging(request.user, lodging)})


@login_required
@require_POST
def check_out(request: HttpRequest, pk: int) -> HttpResponse:
    stay = selectors.stay_get(viewer=request.user, pk=pk)
    try:
        stay_services.stay_check_out(actor=request.user, stay=stay)
    except ServiceError as error:
        if isinstance(error, stay_services.PermissionDeniedError):
            raise PermissionDenied(error.message) from None
        messages.error(request, error.message)
        return render(request, "residence/message.html", {"title": _("Check-out")}, status=400)
    messages.success(request, _("The guest is checked out."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("residence:home")
    return redirect(target)


@login_required
@ratelimit.rate_limit(scope="stay-import", rate="20/10m", by="user", methods=("POST",))
def lodging_import(request: HttpRequest, pk: int) -> HttpResponse:
    """A file of guests: all lines imported, or none, with each wrong line named."""
    lodging, _household = _host(request, pk)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    line_errors: list = []
    if request.method == "POST" and form.is_valid():
        try:
            declaration = import_services.stays_import(actor=request.user, lodging=lodging,
                                                       upload=form.cleaned_data["file"])
        except import_services.LineErrors as error:
            line_errors = error.errors
            form.add_error(None, error.message)
        except ServiceError as error:
            attach_error(form, error)
        else:
            count = declaration.stays.count()
            messages.success(request, ngettext("The commune police received %(count)s guest.",
                                               "The commune police received %(count)s guests.",
                                               count) % {"count": count})
            return redirect("residence:lodging_detail", pk=lodging.pk)
    return render_form(request, "residence/import.html", {"lodging": lodging, "form": form,
                                                          "line_errors": line_errors}, form)
