"""Other domains' panels on a report's page for the police (mediation, fire safety, cameras).

Reports do not know the other domains. A domain registers a panel: a template and a function
that, for the request and the report, returns the template's context, or None when the panel
has nothing to show for this report (a fire panel on a theft, say). The page renders the panels
in `order`, between the possible duplicates and the history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Context = Callable[[object, object], dict | None]


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Context
    order: int = 100


_panels: dict[str, Panel] = {}


def register(name: str, *, template: str, context: Context, order: int = 100) -> None:
    """Register (or replace) the panel `name`; the template receives `report` and the context."""
    _panels[name] = Panel(name=name, template=template, context=context, order=order)


def for_report(request, report) -> list[tuple[str, dict]]:
    """(template, context) of each panel that has something to show for `report`, in order."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.name)):
        context = panel.context(request, report)
        if context is not None:
            shown.append((panel.template, {"report": report, **context}))
    return shown
