"""Checks and helpers the community services share."""

from __future__ import annotations

from django.utils.translation import gettext as _

from binhan.community.roles import MANAGER_ROLES
from binhan.core import scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError

MAX_TEXT = 4000


def can_manage(actor, unit_path: str) -> bool:
    return scoping.can_see_path(actor, unit_path, roles=MANAGER_ROLES)


def check_manager(actor, unit_path: str) -> None:
    if not can_manage(actor, unit_path):
        raise PermissionDeniedError(
            _("Only the police and leaders of this commune or province may change the community register here."))


def clean_text(value: str | None, *, field: str, limit: int = MAX_TEXT, required: str = "") -> str:
    """Trimmed text without NUL bytes; `required` is the message when it must not be empty."""
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ServiceError(required, field=field)
    if len(value) > limit:
        raise ServiceError(_("Please keep it under %(limit)s characters.") % {"limit": limit}, field=field)
    return value
