"""Checks and helpers the fire-safety services share."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.core import events, scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.firesafety.roles import KEEPER_ROLES, MANAGER_ROLES


def can_keep(actor, unit_path: str) -> bool:
    return scoping.can_see_path(actor, unit_path, roles=KEEPER_ROLES)


def check_keeper(actor, unit_path: str) -> None:
    if not can_keep(actor, unit_path):
        raise PermissionDeniedError(
            _("Only the fire-team leader, the group leader or the police and leaders above may change this."))


def check_manager(actor, unit_path: str) -> None:
    if not scoping.can_see_path(actor, unit_path, roles=MANAGER_ROLES):
        raise PermissionDeniedError(_("Only the police and leaders of this commune or province may do this."))


def clean_text(value: str | None, *, field: str, limit: int, required: str = "") -> str:
    """Trimmed text without NUL bytes; `required` is the message when it must not be empty."""
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ServiceError(required, field=field)
    if len(value) > limit:
        raise ServiceError(_("Please keep it under %(limit)s characters.") % {"limit": limit}, field=field)
    return value


def check_past(day: date | None, *, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field=field)


def publish(name: str, *, unit_path: str, **ids) -> None:
    """Events carry ids and the unit path only: `firesafety.<entity>.<action>`."""
    events.publish(f"firesafety.{name}", unit_path=unit_path, **ids)
