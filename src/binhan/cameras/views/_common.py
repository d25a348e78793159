"""What the camera pages share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _

from binhan.cameras.roles import POLICE_ROLES
from binhan.core.exceptions import PermissionDeniedError, ServiceError

PAGE_SIZE = 50


def require_staff(request: HttpRequest) -> None:
    if not request.user.is_staff_member:
        raise PermissionDenied(_("This page is for staff of a unit."))


def require_police(request: HttpRequest) -> None:
    if not (request.user.is_superuser or request.user.roles() & POLICE_ROLES):
        raise PermissionDenied(_("This page is for the police."))


def page_of(request: HttpRequest, items, size: int = PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("page"))


def attach_error(form, error: ServiceError) -> int:
    """Show a service's refusal next to its field; the status to answer with."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
    return 403 if isinstance(error, PermissionDeniedError) else 400


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def with_purpose(request: HttpRequest, run, failed):
    """Run `run(purpose)` with the purpose posted; on bad input or a refusal, `failed(form, status)`.

    A clip that no longer matches its hash answers 409 (Conflict), a refusal 400 or 403.
    """
    from binhan.cameras import forms, services

    form = forms.PurposeForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            return run(form.cleaned_data["purpose"])
        except services.FootageIntegrityError as error:
            form.add_error(None, error.message)
            status = 409
        except ServiceError as error:
            status = attach_error(form, error)
    return failed(form, status)
