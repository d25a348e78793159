"""The fire panel on a report's police page: for a fire report, the nearest public points and the
households of the report's group that keep an in-date extinguisher."""

from __future__ import annotations

from binhan.firesafety.selectors import reports as report_selectors


def report_panel(request, report) -> dict | None:
    if report.category.code not in report_selectors.FIRE_CATEGORIES:
        return None
    return {
        "points": report_selectors.nearest_points(viewer=request.user, report=report),
        "households": report_selectors.households_with_extinguisher(viewer=request.user, report=report),
    }
