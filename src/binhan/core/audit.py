"""The audit log: every write, and every read of personal data, leaves an AuditEvent.

Services call `record` inside their transaction, so the change and its audit row commit
or roll back together.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.db import models

from binhan.core import rows
from binhan.core.models import AuditEvent

# Set per request by the middleware, so services need not pass the IP around.
current_ip: ContextVar[str | None] = ContextVar("binhan_current_ip", default=None)


def client_ip(request) -> str | None:
    # Only the direct peer: X-Forwarded-For is spoofable unless a proxy we trust sets it.
    return request.META.get("REMOTE_ADDR") or None


REDACTED = "[personal data]"


def _unit_path_of(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    field = getattr(obj, "scope_path_field", None)
    if field:
        return getattr(obj, field, "")
    if obj._meta.label_lower == "accounts.user":
        return user_unit_path(obj)
    return ""


def user_unit_path(user) -> str:
    """Where a person's own events belong, so the auditors of their unit see them: their widest unit."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    paths = sorted(user.memberships.values_list("unit_path", flat=True), key=len)
    return paths[0] if paths else ""


def _redact(obj: models.Model | None, changes: dict[str, Any]) -> dict[str, Any]:
    # The log is kept forever; personal data is not. Record that it changed, not its values.
    personal = set(getattr(obj, "personal_fields", ())) if obj is not None else set()
    return {key: [REDACTED, REDACTED] if key in personal else value for key, value in changes.items()}


def record(**fields: Any) -> AuditEvent:
    """Append one event. Takes the arguments of `event`; `changes` maps a field to [before, after].

    `record_ip=False` for acts of anonymous people: their address must never reach staff.
    """
    return rows.insert(event(**fields))


def event(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    unit_path: str | None = None,
    changes: dict[str, Any] | None = None,
    purpose: str = "",
    ip: str | None = None,
    record_ip: bool = True,
) -> AuditEvent:
    """The event `record` appends, not yet stored: for `rows.insert_all` with the row it is about."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    if unit_path is None:
        unit_path = _unit_path_of(obj) or user_unit_path(actor_obj)
    return AuditEvent(
        actor=actor_obj,
        actor_label=actor_obj.get_username() if actor_obj else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_label=str(obj)[:255] if obj is not None else "",
        unit_path=unit_path,
        ip=(ip or current_ip.get()) if record_ip else None,
        purpose=purpose[:500],
        changes=_jsonable(_redact(obj, changes or {})),
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value changed, as {field: [before, after]}."""
    return {key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)}


def snapshot(obj: models.Model, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)
