"""The mediation panel on a report's page for the police: the cases opened from the report, and
"open a mediation case" for a dispute or noise report, to those who may open one for its group's team.
"""

from __future__ import annotations

from binhan.mediation.selectors import cases as case_selectors
from binhan.mediation.selectors import teams as team_selectors
from binhan.mediation.services._common import can_open_case
from binhan.mediation.services.cases import REPORT_CATEGORY


def report_panel(request, report) -> dict | None:
    cases = case_selectors.cases_for_report(viewer=request.user, report=report)
    if not cases and report.category.code != REPORT_CATEGORY:
        return None
    team = team_selectors.team_for_group(unit=report.unit) if report.category.code == REPORT_CATEGORY else None
    return {"cases": cases, "team": team,
            "can_open": team is not None and can_open_case(request.user, team)}


def register() -> None:
    from binhan.reports import panels

    panels.register("mediation", template="mediation/_report_panel.html", context=report_panel, order=50)
