"""Indicators fed by incident reports (the reports app is untouched: its events carry `report_id`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from binhan.stats.registry import Contribution, Indicator, Source, local_day, minute_bucket, register


def _category_labels() -> dict[str, str]:
    from binhan.reports.models import Category

    return {category.code: category.display_name for category in Category.objects.filter(province__isnull=True)}


register(Indicator(
    code="reports.received", name=_("Reports received"), unit=_("reports"), domain="reports", order=10,
    definition=_("Incident reports made in the period, by the day they were made."),
    breakdown=_("category"), key_labels=_category_labels, public=True, higher_is_better=None,
))
register(Indicator(
    code="reports.resolved", name=_("Reports resolved"), unit=_("reports"), domain="reports", order=20,
    definition=_("Reports closed as resolved in the period, by the day they were closed."),
    breakdown=_("category"), key_labels=_category_labels, public=True, higher_is_better=True,
))
register(Indicator(
    code="reports.received_resolved", name=_("Reports received and since resolved"), unit=_("reports"),
    domain="reports", order=30, breakdown=_("category"), key_labels=_category_labels,
    definition=_("Reports made in the period that are resolved now."),
))
register(Indicator(
    code="reports.clearance_rate", name=_("Clearance rate"), unit="%", domain="reports", order=40,
    definition=_("Of the reports made in the period, the share resolved now."),
    aggregation="ratio", numerator="reports.received_resolved", denominator="reports.received",
    public=True, higher_is_better=True,
))
register(Indicator(
    code="reports.response_minutes", name=_("Median response time"), unit=_("minutes"), domain="reports",
    order=50, aggregation="median", higher_is_better=False,
    definition=_("Median time from a report to its acknowledgement by the police, for the reports made in the "
                 "period (from a histogram: exact to within its bucket)."),
))
register(Indicator(
    code="reports.open", name=_("Open reports"), unit=_("reports"), domain="reports", order=60,
    aggregation="stock", breakdown=_("category"), key_labels=_category_labels, higher_is_better=False,
    definition=_("Reports not yet closed at the end of the period."),
))
register(Indicator(
    code="reports.received_change", name=_("Change in reports received"), unit="%", domain="reports", order=70,
    aggregation="change", of="reports.received", higher_is_better=False,
    definition=_("Reports received, in percent against the previous period of the same length."),
))


class ReportSource(Source):
    name = "reports.report"
    events = ("report.created", "report.status_changed", "report.moved", "report.updated")
    payload_id = "report_id"
    batch_size = 5000

    def queryset(self):
        from binhan.reports.models import Report

        # Plain rows, not model instances: a rebuild reads a million of them.
        return Report.objects.values_list("id", "unit_path", "status", "created_at", "acknowledged_at", "closed_at",
                                          "category__code", named=True)

    def contributions(self, report):
        from binhan.reports.models import Status

        path, code, made = report.unit_path, report.category__code, local_day(report.created_at)
        yield Contribution("reports.received", path, made, code, 1)
        if report.status == Status.RESOLVED:
            yield Contribution("reports.received_resolved", path, made, code, 1)
            if report.closed_at:
                yield Contribution("reports.resolved", path, local_day(report.closed_at), code, 1)
        if report.acknowledged_at:
            minutes = max(0.0, (report.acknowledged_at - report.created_at).total_seconds() / 60)
            yield Contribution("reports.response_minutes", path, made, minute_bucket(minutes), 1)
        yield Contribution("reports.open", path, made, code, 1)
        if report.closed_at:
            yield Contribution("reports.open", path, local_day(report.closed_at), code, -1)


register(ReportSource())
