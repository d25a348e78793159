from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhan.geo.models import AdministrativeUnit


class UnitAndDatesFilterMixin(forms.Form):
    """Filters shared by lists: a unit by its code, and a range of local dates."""

    unit = forms.CharField(label=_("Unit code"), required=False, max_length=40)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_unit(self):
        code = self.cleaned_data["unit"].strip()
        if not code:
            return None
        unit = AdministrativeUnit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No unit has the code %(code)s.") % {"code": code})
        return unit

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end date must not be before the start date."))
        return data

    def date_bounds(self) -> tuple[datetime | None, datetime | None]:
        """The dates as a half-open range of aware datetimes in the local zone (the until day included)."""
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        since = datetime.combine(data["since"], time.min, tzinfo=zone) if data.get("since") else None
        until = (datetime.combine(data["until"] + timedelta(days=1), time.min, tzinfo=zone)
                 if data.get("until") else None)
        return since, until

    @property
    def unit_path(self) -> str:
        unit = self.cleaned_data.get("unit")
        return unit.path if unit else ""


class AuditFilterForm(UnitAndDatesFilterMixin):
    actor = forms.CharField(label=_("Actor (username)"), required=False, max_length=150)
    action = forms.CharField(label=_("Action"), required=False, max_length=80)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=80)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)

    field_order = ["actor", "action", "object_type", "object_id", "unit", "since", "until"]
