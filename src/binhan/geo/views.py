"""Pages for places: browse and search the tree, a unit's children, households and people."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from binhan.accounts import services as account_services
from binhan.accounts.forms import PurposeForm
from binhan.accounts.models import Membership
from binhan.core import ratelimit, scoping
from binhan.core.exceptions import ServiceError
from binhan.geo import selectors, services
from binhan.geo.forms import HouseholdForm
from binhan.geo.models import Level

PAGE_SIZE = 50


def _require_staff(request: HttpRequest) -> None:
    if not request.user.is_staff_member:
        raise PermissionDenied(_("This page is for staff of a unit."))


@login_required
def unit_browser(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    query = (request.GET.get("q") or "").strip()[:100]
    units = selectors.unit_list(viewer=request.user, query=query) if query else selectors.unit_roots(
        viewer=request.user)
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "geo/_unit_results.html" if request.headers.get("HX-Request") else "geo/unit_browser.html"
    return render(request, template, {"page": page, "query": query})


@ratelimit.rate_limit(scope="unit-pick", rate="120/m", methods=("GET",))
def unit_pick(request: HttpRequest) -> HttpResponse:
    """Residential groups by name, for the registration form (names only, no personal data)."""
    query = (request.GET.get("group_q") or request.GET.get("q") or "").strip()[:100]
    units = selectors.unit_search_public(query=query) if query else []
    return render(request, "geo/_pick_results.html", {"units": units, "group_query": query})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    unit = selectors.unit_get(viewer=request.user, pk=pk)
    context = {"unit": unit, "breadcrumb": selectors.unit_breadcrumb(unit)}
    if unit.level == Level.GROUP:
        households = selectors.household_list(viewer=request.user, unit=unit,
                                              query=(request.GET.get("q") or "").strip()[:100])
        context["households"] = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        children = selectors.unit_list(viewer=request.user, parent=unit)
        context["children"] = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page"))
    context["memberships"] = (
        scoping.visible(Membership.objects.filter(unit=unit), request.user)
        .select_related("user").order_by("role", "user__username")
    )
    context["can_grant"] = account_services.can_grant(actor=request.user, unit=unit)
    context["can_keep_households"] = services.can_keep_households(actor=request.user, unit_path=unit.path)
    return render(request, "geo/unit_detail.html", context)


@login_required
def household_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    unit = selectors.unit_get(viewer=request.user, pk=pk)
    if not services.can_keep_households(actor=request.user, unit_path=unit.path):
        raise PermissionDenied(_("Only the group leader, the police, commune or province leaders and administrators may add "
                               "households."))
    form = HouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(actor=request.user, unit=unit, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The household was added."))
            return redirect("geo:household_detail", pk=household.pk)
    return render(request, "geo/household_form.html", {"form": form, "unit": unit},
                  status=400 if form.errors else 200)


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Personal details stay hidden until the viewer gives a reason, which is audited."""
    _require_staff(request)
    household = selectors.household_get(viewer=request.user, pk=pk)
    can_reveal = services.can_keep_households(actor=request.user, unit_path=household.unit_path)
    form = PurposeForm(request.POST or None)
    revealed = False
    if request.method == "POST" and not can_reveal:
        raise PermissionDenied(_("Your role does not allow reading personal details."))
    if request.method == "POST" and form.is_valid():
        services.household_read_personal(actor=request.user, household=household,
                                         purpose=form.cleaned_data["purpose"])
        revealed = True
    return render(request, "geo/household_detail.html", {
        "household": household, "form": form, "revealed": revealed, "can_reveal": can_reveal,
        "breadcrumb": selectors.unit_breadcrumb(household.unit),
    }, status=400 if form.errors else 200)
