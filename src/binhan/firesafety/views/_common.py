"""What the fire-safety pages share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from binhan.core import scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.firesafety.roles import KEEPER_ROLES, MANAGER_ROLES
from binhan.geo import selectors as geo_selectors
from binhan.geo.models import AdministrativeUnit, Level

PAGE_SIZE = 50


def require_staff(request: HttpRequest) -> None:
    if not request.user.is_staff_member:
        raise PermissionDenied(_("This page is for staff of a unit."))


def require_keeper(request: HttpRequest, unit_path: str) -> None:
    if not scoping.can_see_path(request.user, unit_path, roles=KEEPER_ROLES):
        raise PermissionDenied(_("Only the fire-team leader, the group leader or the police and leaders above may "
                                 "change this."))


def can_keep(request: HttpRequest, unit_path: str) -> bool:
    return scoping.can_see_path(request.user, unit_path, roles=KEEPER_ROLES)


def posted(request: HttpRequest):
    """The submitted data on a POST (even an empty one, which must fail validation), else None."""
    return request.POST if request.method == "POST" else None


def page_of(request: HttpRequest, items, size: int = PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def attach_error(form, error: ServiceError) -> None:
    """Show a service's refusal next to the field it concerns (or at the top of the form)."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def refused(request: HttpRequest, error: ServiceError, back: str) -> HttpResponse:
    """An action button the service refused: say why (400, or 403 for a permission), with the way back."""
    status = 403 if isinstance(error, PermissionDeniedError) else 400
    return render(request, "firesafety/refused.html", {"message": error.message, "back": back}, status=status)


def render_form(request: HttpRequest, template: str, context: dict, *forms) -> HttpResponse:
    """Render with 400 when a submitted form has errors, so programs and tests see the refusal."""
    failed = any(form is not None and form.is_bound and form.errors for form in forms)
    return render(request, template, context, status=400 if failed else 200)


def chosen_unit(request: HttpRequest) -> AdministrativeUnit | None:
    """The unit asked for (?unit=<pk>), or the viewer's widest unit."""
    raw = request.GET.get("unit", "")
    if raw.isdigit():
        return geo_selectors.unit_get(viewer=request.user, pk=int(raw))
    return geo_selectors.unit_roots(viewer=request.user).first()


def kept_units(request: HttpRequest, *, level: str | None = Level.GROUP, roles=KEEPER_ROLES):
    units = scoping.visible(AdministrativeUnit.objects.all(), request.user, roles=roles)
    if level:
        units = units.filter(level=level)
    return units.order_by("path")


def managed_units(request: HttpRequest):
    return kept_units(request, level=None, roles=MANAGER_ROLES).filter(level__in=[Level.COMMUNE, Level.PROVINCE])
