"""Forms of the stay pages: the guests of a declaration, lodgings, the book's filters, search, import, export."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from binhan.geo.models import AdministrativeUnit
from binhan.residence.models import Lodging, Stay

DATETIME_INPUT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
MAX_FORM_GUESTS = 20


class GuestForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    id_kind = forms.ChoiceField(label=_("Kind of document"), choices=Stay.IdKind.choices)
    id_number = forms.CharField(label=_("ID or passport number"), max_length=30,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    nationality = forms.CharField(label=_("Nationality (country code)"), max_length=2, initial="VN")
    reason = forms.CharField(label=_("Reason for the stay"), max_length=200)
    arrival_at = forms.DateTimeField(label=_("Arrival"), input_formats=DATETIME_INPUT,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    departs_on = forms.DateField(label=_("Planned departure"), widget=forms.DateInput(attrs={"type": "date"}))
    room = forms.CharField(label=_("Room"), max_length=20, required=False)
    relation = forms.ChoiceField(label=_("Relation to the host"), choices=Stay.Relation.choices)
    recurring = forms.BooleanField(label=_("A close relative who stays repeatedly: declare once for the period"),
                                   required=False)


GuestFormSet = forms.formset_factory(GuestForm, extra=0, min_num=1, validate_min=True, max_num=MAX_FORM_GUESTS,
                                     validate_max=True)


class LodgingForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Residential group"), queryset=AdministrativeUnit.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Lodging.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=160)
    address = forms.CharField(label=_("Address"), max_length=255)
    rooms = forms.IntegerField(label=_("Rooms"), min_value=0, max_value=5000, required=False)
    manager = forms.CharField(label=_("Manager (username or phone)"), max_length=150, required=False)

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = groups if groups is not None else AdministrativeUnit.objects.none()

    def clean_manager(self):
        value = self.cleaned_data["manager"].strip()
        if not value:
            return None
        user = get_user_model().objects.filter(Q(username=value) | Q(phone=value), is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No account has this username or phone."))
        return user


class BookFilterForm(forms.Form):
    day = forms.DateField(label=_("Arrival day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    lodging = forms.IntegerField(label=_("Lodging number"), required=False, min_value=1)
    late = forms.BooleanField(label=_("Late only"), required=False)
    foreigners = forms.BooleanField(label=_("Foreigners only"), required=False)
    present = forms.BooleanField(label=_("Still staying"), required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name, ID or passport number"), min_length=2, max_length=120)
    purpose = forms.CharField(label=_("Purpose of the search"), min_length=5, max_length=300,
                              help_text=_("Recorded in the audit log."))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file of guests"))


class ExportForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until"):
            if data["since"] > data["until"]:
                self.add_error("until", _("The end date must not be before the start date."))
            elif (data["until"] - data["since"]).days > 366:
                self.add_error("until", _("Export at most a year at a time."))
        return data
