"""Materialised paths: "/VN/22/7090/" is a unit; everything under it starts with that prefix.

Codes never contain "/", so a prefix ending in "/" matches exactly the subtree.
"""

from django.db import connection
from django.db.models import Q

SEPARATOR = "/"


def child_path(parent_path: str, code: str) -> str:
    return f"{parent_path or SEPARATOR}{code}{SEPARATOR}"


def codes(path: str) -> list[str]:
    """"/VN/22/07090/" → ["VN", "22", "07090"]."""
    return [code for code in path.split(SEPARATOR) if code]


def ancestors(path: str) -> list[str]:
    """The path of every unit from the root down to this one, itself included."""
    parts = codes(path)
    return [SEPARATOR + SEPARATOR.join(parts[:i]) + SEPARATOR for i in range(1, len(parts) + 1)]


def truncate(path: str, depth: int) -> str:
    """The ancestor at `depth` (1 = nation, 2 = province, 3 = commune), or the path itself if shallower."""
    parts = codes(path)
    return SEPARATOR + SEPARATOR.join(parts[:depth]) + SEPARATOR if len(parts) >= depth else path


def under(field: str, prefix: str) -> Q:
    """Rows whose `field` lies at or under `prefix`, in a form each database answers from its index.

    PostgreSQL uses LIKE 'prefix%' on a varchar_pattern_ops index; SQLite's LIKE ignores the
    index, so there a half-open range does the same on the plain B-tree ('0' follows '/').
    """
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix[:-1] + "0"})
    return Q(**{f"{field}__startswith": prefix})


def under_any(field: str, prefixes: list[str]) -> Q:
    """Rows under any of the prefixes; an empty list matches nothing."""
    query = Q(pk__in=[])
    for prefix in minimal_prefixes(prefixes):
        query |= under(field, prefix)
    return query


def minimal_prefixes(prefixes: list[str]) -> list[str]:
    """Drop prefixes already covered by a shorter one, so queries stay small."""
    kept: list[str] = []
    for prefix in sorted(set(prefixes), key=len):
        if not any(prefix.startswith(k) for k in kept):
            kept.append(prefix)
    return kept


def is_under(path: str, prefixes: list[str]) -> bool:
    return any(path.startswith(prefix) for prefix in prefixes)
