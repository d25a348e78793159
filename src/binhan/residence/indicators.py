"""Temporary-stay indicators for the statistics (docs/statistics.md, docs/residence.md#indicators).

Counts only. The source reads `StayDayCount` (per residential group and local day of arrival), never
the stays: stays hold personal data and retention deletes them, and an object that disappears takes
its numbers with it in the statistics. The daily counts stay, so a year's figures are the same
before and after retention, and a rebuild finds them too.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from binhan.residence.models import StayDayCount
from binhan.stats.registry import Contribution, Indicator, Source, register


def _origins() -> dict[str, str]:
    return {"domestic": str(_("Vietnamese guests")), "foreign": str(_("Foreign guests"))}


register(Indicator(
    code="residence.stays", name=_("Temporary stays declared"), unit=_("guests"), domain="residence", order=10,
    breakdown=_("nationality"), key_labels=_origins, public=True,
    definition=_("Guests declared by households and lodgings, on the day they arrived, Vietnamese or foreign."),
))
register(Indicator(
    code="residence.late", name=_("Stays declared late"), unit=_("guests"), domain="residence", order=20,
    higher_is_better=False,
    definition=_("Guests declared after the deadline (23:00 on the day of arrival, or 08:00 the next morning for "
                 "a late arrival), on the day they arrived."),
))
register(Indicator(
    code="residence.on_time", name=_("Stays declared on time"), unit=_("guests"), domain="residence", order=30,
    higher_is_better=True, definition=_("Guests declared by the deadline, on the day they arrived."),
))
register(Indicator(
    code="residence.on_time_share", name=_("Stays declared on time (%)"), unit="%", domain="residence", order=40,
    aggregation="ratio", numerator="residence.on_time", denominator="residence.stays", higher_is_better=True,
    definition=_("Guests declared by the deadline among the guests declared."),
))


class DayCountSource(Source):
    """A group's count of one day: `residence.count.changed` names it after every declaration."""

    name = "residence.day_count"
    events = ("residence.count.",)
    payload_id = "count_id"

    def queryset(self):
        return StayDayCount.objects.values_list("id", "unit_path", "day", "total", "late", "foreigners", named=True)

    def contributions(self, count):
        yield Contribution("residence.stays", count.unit_path, count.day, "domestic", count.total - count.foreigners)
        yield Contribution("residence.stays", count.unit_path, count.day, "foreign", count.foreigners)
        yield Contribution("residence.late", count.unit_path, count.day, "", count.late)
        yield Contribution("residence.on_time", count.unit_path, count.day, "", count.total - count.late)


register(DayCountSource())
