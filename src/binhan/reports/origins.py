"""Where a report was started from: another domain's page (an alert, say), as "kind:id".

Reports do not know the other domains. A domain registers a kind with a function that, for a
signed-in person and an id, returns what to call it (a title) when that person may start a
report from it, and None otherwise; the report form then keeps the origin, and the domain finds
its reports with `Report.objects.filter(origin=...)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Describe = Callable[[object, int], str | None]
_kinds: dict[str, Describe] = {}
ORIGIN = re.compile(r"^([a-z]{1,20}):([0-9]{1,15})$")


def register(kind: str, describe: Describe) -> None:
    _kinds[kind] = describe


def origin_for(kind: str, pk: int) -> str:
    return f"{kind}:{pk}"


def checked(user, raw: str | None) -> tuple[str, str]:
    """(origin, its title) when `user` may report from it; ("", "") for anything else."""
    match = ORIGIN.match((raw or "").strip())
    if match is None or user is None or not user.is_authenticated or match.group(1) not in _kinds:
        return "", ""
    title = _kinds[match.group(1)](user, int(match.group(2)))
    return (match.group(0), title) if title else ("", "")
