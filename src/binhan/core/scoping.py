"""The one door through which every staff read of domain data passes.

A user sees the rows under the units where they hold a staff role, nothing else. A model
says where its path lives with `scope_path_field`. Auditors see only the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model, QuerySet
from django.http import Http404

from binhan.accounts.roles import STAFF_ROLES, Role
from binhan.core import audit, paths

EVERYTHING = None  # the superuser's scope


def scope_paths(user, roles: Iterable[str] = STAFF_ROLES) -> list[str] | None:
    """The unit paths under which `user` may read, or None for everything (superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return EVERYTHING
    roles = frozenset(roles)
    cache = user.__dict__.setdefault("_scope_paths_cache", {})
    if roles not in cache:
        rows = user.memberships.filter(role__in=roles).values_list("unit_path", flat=True)
        cache[roles] = paths.minimal_prefixes(list(rows))
    return cache[roles]


def visible(queryset: QuerySet, user, *, roles: Iterable[str] = STAFF_ROLES) -> QuerySet:
    """Filter any queryset of a scoped model to what `user` may see."""
    field = _path_field(queryset.model)
    prefixes = scope_paths(user, roles)
    if prefixes is EVERYTHING:
        return queryset
    if not prefixes:
        return queryset.none()
    return queryset.filter(paths.under_any(field, prefixes))


def can_see_path(user, unit_path: str, *, roles: Iterable[str] = STAFF_ROLES) -> bool:
    prefixes = scope_paths(user, roles)
    return prefixes is EVERYTHING or paths.is_under(unit_path, prefixes)


def get_visible_or_404(queryset: QuerySet, user, *, roles: Iterable[str] = STAFF_ROLES, **lookup) -> Model:
    """Fetch one row the user may see. A row outside their scope is a 404, and the attempt is audited."""
    try:
        return visible(queryset, user, roles=roles).get(**lookup)
    except queryset.model.DoesNotExist:
        hidden = queryset.filter(**lookup).first()
        if hidden is not None:
            audit.record(actor=user, action="access.denied", obj=hidden)
        raise Http404 from None


def visible_audit(queryset: QuerySet, user) -> QuerySet:
    """The audit log is for auditors (under their units) and the superuser only."""
    return visible(queryset, user, roles={Role.AUDITOR})


def _path_field(model: type[Model]) -> str:
    field = getattr(model, "scope_path_field", None)
    if not field:
        raise TypeError(f"{model.__name__} has no scope_path_field; it cannot pass the scoping door.")
    return field
