"""Figures that live elsewhere, entered per unit and month and approved by the level above."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from binhan.stats.registry import Contribution, Indicator, Source, register

register(Indicator(
    code="manual.arrests", name=_("Arrests"), unit=_("persons"), domain="manual", manual=True, order=10,
    definition=_("Persons arrested in the month, as entered by the unit and approved by the level above."),
))
register(Indicator(
    code="manual.drug_administrative", name=_("Drug-related administrative records"), unit=_("records"),
    domain="manual", manual=True, order=20,
    definition=_("Administrative records on drug-related social evils in the month (a count only: no person-level "
                 "record is ever kept)."),
))
register(Indicator(
    code="manual.cases_prosecuted", name=_("Cases prosecuted"), unit=_("cases"), domain="manual", manual=True,
    order=30, definition=_("Criminal cases prosecuted in the month, as entered and approved."),
))
register(Indicator(
    code="manual.criminal_offences", name=_("Criminal offences"), unit=_("offences"), domain="manual", manual=True,
    order=40, higher_is_better=False,
    definition=_("Criminal offences recorded in the month, as entered and approved."),
))


class ManualSource(Source):
    name = "stats.manual"
    events = ("stats.manual.",)
    payload_id = "entry_id"

    def queryset(self):
        from binhan.stats.models import ManualEntry

        return ManualEntry.objects.only("id", "unit_path", "indicator", "month", "value", "status")

    def contributions(self, entry):
        from binhan.stats.models import ManualEntry

        if entry.status == ManualEntry.Status.APPROVED:
            yield Contribution(entry.indicator, entry.unit_path, entry.month, "", entry.value)


register(ManualSource())
