"""Forms of the handover pages."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhan.geo.models import AdministrativeUnit
from binhan.handovers.models import Category, Item, Place, Programme


class HandoverForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Commune"), queryset=AdministrativeUnit.objects.none())
    received_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200)
    anonymous = forms.BooleanField(label=_("Anonymous handover"), required=False)
    donor_name = forms.CharField(label=_("Handed over by"), max_length=120, required=False)
    donor_id_number = forms.CharField(label=_("ID number"), max_length=20, required=False)
    donor_address = forms.CharField(label=_("Address"), max_length=255, required=False)
    household = forms.IntegerField(label=_("Household number (for an exchange)"), required=False, min_value=1)
    programme = forms.ModelChoiceField(label=_("Exchange programme"), queryset=Programme.objects.none(),
                                       required=False)
    reward_quantity = forms.IntegerField(label=_("Given in return (quantity)"), min_value=1, max_value=20,
                                         initial=1, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           max_length=2000)

    def __init__(self, *args, communes=None, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = communes if communes is not None else AdministrativeUnit.objects.none()
        self.fields["programme"].queryset = programmes if programmes is not None else Programme.objects.none()
        self.fields["received_on"].initial = timezone.localdate()


class ItemForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    quantity = forms.DecimalField(label=_("Quantity (pieces, rounds, kg or metres)"), max_digits=12,
                                  decimal_places=3, min_value=0)
    condition = forms.ChoiceField(label=_("Condition"), choices=Item.Condition.choices)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


ItemFormSet = forms.formset_factory(ItemForm, extra=0, min_num=1, validate_min=True, max_num=20, validate_max=True)


class MoveForm(forms.Form):
    route = forms.ChoiceField(label=_("Movement"), choices=[
        (f"{Place.COMMUNE}:{Place.PROVINCE_STORE}", _("Commune → province store")),
        (f"{Place.COMMUNE}:{Place.DESTROYED}", _("Destroyed at the commune")),
        (f"{Place.PROVINCE_STORE}:{Place.DESTROYED}", _("Destroyed from the province store")),
    ])
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=3, min_value=0)
    moved_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    document_number = forms.CharField(label=_("Document number"), max_length=60, required=False)


class ProgrammeForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Commune or province"), queryset=AdministrativeUnit.objects.none())
    name = forms.CharField(label=_("Name"), max_length=160)
    reward = forms.ChoiceField(label=_("Reward"), choices=Programme.Reward.choices)
    reward_description = forms.CharField(label=_("Reward description"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else AdministrativeUnit.objects.none()


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
