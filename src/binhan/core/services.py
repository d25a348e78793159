"""Write helpers every domain's services share."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from binhan.core import audit
from binhan.core.exceptions import ServiceError


def apply_changes(*, actor, obj: models.Model, fields: dict[str, Any], allowed: set[str], action: str) -> dict:
    """Set `fields` on `obj`, validate, save only those columns and audit what really changed.

    Call it inside the service's transaction, after the permission check. Returns the changes
    ({field: [before, after]}), empty when nothing changed, so the caller knows whether to emit an event.
    """
    unknown = set(fields) - allowed
    if unknown:
        raise ServiceError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    before = audit.snapshot(obj, list(fields))
    for key, value in fields.items():
        setattr(obj, key, value)
    obj.full_clean()
    changes = audit.diff(before, fields)
    if changes:
        auto_now = [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
        obj.save(update_fields=[*changes, *auto_now])
        audit.record(actor=actor, action=action, obj=obj, changes=changes)
    return changes
