"""Reads of the audit log, for auditors, through the scoping door."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from binhan.core import paths, scoping
from binhan.core.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    unit_path: str = ""
    since: datetime | None = None
    until: datetime | None = None


def audit_event_list(*, viewer, filters: AuditFilters) -> QuerySet[AuditEvent]:
    events = scoping.visible_audit(AuditEvent.objects.all(), viewer)
    if filters.actor:
        events = events.filter(actor_label__iexact=filters.actor)
    if filters.action:
        events = events.filter(action__startswith=filters.action)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    if filters.unit_path:
        events = events.filter(paths.under("unit_path", filters.unit_path))
    if filters.since:
        events = events.filter(created_at__gte=filters.since)
    if filters.until:
        events = events.filter(created_at__lt=filters.until)
    return events.order_by("-created_at", "-id")

