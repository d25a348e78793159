"""Indicators of the assessments: residential areas recognised as safe against all residential areas, and
communes classified weak in the movement."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from binhan.stats.registry import Contribution, Indicator, Source, register

register(Indicator(
    code="assessments.areas", name=_("Residential areas"), unit=_("areas"), domain="assessments", order=10,
    aggregation="stock", public=True,
    definition=_("Residential groups and villages in the hierarchy at the end of the period."),
))
register(Indicator(
    code="assessments.areas_recognised", name=_("Residential areas recognised as safe"), unit=_("areas"),
    domain="assessments", order=20, public=True, higher_is_better=True,
    definition=_("Residential areas recognised as safe in terms of security and order, counted on 31 October of "
                 "their assessment year."),
))
register(Indicator(
    code="assessments.areas_recognised_share", name=_("Share of residential areas recognised as safe"), unit="%",
    domain="assessments", order=30, aggregation="ratio", numerator="assessments.areas_recognised",
    denominator="assessments.areas", public=True, higher_is_better=True,
    definition=_("Residential areas recognised in the period among all residential areas (use the assessment "
                 "year as the period)."),
))
register(Indicator(
    code="assessments.weak", name=_("Units classified weak in the movement"), unit=_("units"), domain="assessments",
    order=40, higher_is_better=False,
    definition=_("Residential areas and communes whose movement score is under the “average” cut-off, counted on "
                 "31 December of the year scored."),
))


class GroupSource(Source):
    name = "geo.group"
    events = ("unit.created", "unit.updated")
    payload_id = "unit_id"

    def queryset(self):
        from binhan.geo.models import AdministrativeUnit, Level

        return AdministrativeUnit.objects.filter(level=Level.GROUP).values_list("id", "path", "created_at",
                                                                                 named=True)

    def contributions(self, unit):
        # Units carry no founding date: an area counts from 2000 on (see docs/statistics.md).
        yield Contribution("assessments.areas", unit.path, dt.date(2000, 1, 1), "", 1)


class AssessmentSource(Source):
    name = "stats.assessment"
    events = ("stats.assessment.",)
    payload_id = "assessment_id"

    def queryset(self):
        from binhan.stats.models import Assessment

        return Assessment.objects.values_list("id", "unit_path", "subject", "year", "status", named=True)

    def contributions(self, assessment):
        if assessment.subject == "area" and assessment.status == "recognised":
            yield Contribution("assessments.areas_recognised", assessment.unit_path, dt.date(assessment.year, 10, 31),
                               "", 1)


class MovementSource(Source):
    name = "stats.movement"
    events = ("stats.movement.",)
    payload_id = "score_id"

    def queryset(self):
        from binhan.stats.models import MovementScore

        return MovementScore.objects.values_list("id", "unit_path", "year", "classification", named=True)

    def contributions(self, score):
        if score.classification == "weak":
            yield Contribution("assessments.weak", score.unit_path, dt.date(score.year, 12, 31), "", 1)


register(GroupSource())
register(AssessmentSource())
register(MovementSource())
