"""What the community pages share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from binhan.core.exceptions import ServiceError

PAGE_SIZE = 50


def require_staff(request: HttpRequest) -> None:
    if not request.user.is_staff_member:
        raise PermissionDenied(_("This page is for staff of a unit."))


def page_of(request: HttpRequest, items, size: int = PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("page"))


def attach_error(form, error: ServiceError) -> None:
    """Show a service's refusal next to the field it concerns (or at the top of the form)."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def render_form(request: HttpRequest, template: str, context: dict, *forms) -> HttpResponse:
    """Render with 400 when a submitted form has errors, so programs and tests see the refusal."""
    failed = any(form is not None and form.is_bound and form.errors for form in forms)
    return render(request, template, context, status=400 if failed else 200)


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
