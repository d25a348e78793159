"""Forms of the fire-safety pages. They parse and check shapes; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhan.firesafety import rules
from binhan.firesafety.models import Condition, Drill, EquipmentType, FireTeam
from binhan.firesafety.selectors.reports import MAP_DAYS, MAX_DAYS

DATE = forms.DateInput(attrs={"type": "date"})


class UnitFilterForm(forms.Form):
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class TeamFilterForm(forms.Form):
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class ReportWindowForm(forms.Form):
    """How far back the maps draw fire reports (`?days=`; 30 days when not given)."""

    days = forms.IntegerField(label=_("Days of fire reports on the map"), required=False, min_value=1,
                              max_value=MAX_DAYS, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def __init__(self, data=None, **kwargs):
        # Bound only when the viewer asked for a window, so that the page opens without an error.
        super().__init__(data if data is not None and "days" in data else None,
                         initial={"days": MAP_DAYS}, **kwargs)

    @property
    def window(self) -> int:
        return (self.cleaned_data.get("days") if self.is_bound and self.is_valid() else None) or MAP_DAYS

    @property
    def error(self) -> str:
        return self.errors["days"][0] if self.is_bound and "days" in self.errors else ""


class TeamForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Residential group"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=200)
    leader_name = forms.CharField(label=_("Leader"), max_length=150, required=False)
    deputy_name = forms.CharField(label=_("Deputy"), max_length=150, required=False)
    alarm = forms.CharField(label=_("Shared alarm"), max_length=300, required=False,
                            help_text=_("Linked bells and push-buttons: where they are and which houses they join."))
    established_on = forms.DateField(label=_("Established on"), required=False, widget=DATE)

    def __init__(self, *args, groups=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = groups


class HouseholdPickForm(forms.Form):
    household = forms.ModelChoiceField(label=_("Household"), queryset=None)

    def __init__(self, *args, households=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
        self.fields["household"].label_from_instance = lambda h: h.address


class HouseholdPlaceForm(forms.Form):
    """Where a team household stands: tapped on the map (which fills these), or typed."""

    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False,
                           widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180, required=False,
                           widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    clear = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("clear") and (data.get("lat") is None or data.get("lon") is None):
            raise forms.ValidationError(_("Tap the map where the house stands, or type its latitude and longitude."))
        return data


class EquipmentForm(forms.Form):
    type_code = forms.ChoiceField(label=_("Type"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=500, initial=1)
    capacity_kg = forms.DecimalField(label=_("Capacity (kg), for extinguishers"), required=False, min_value=0,
                                     max_value=500, decimal_places=1)
    bought_on = forms.DateField(label=_("Bought on"), required=False, widget=DATE)
    last_checked_on = forms.DateField(label=_("Last inspection or refill"), required=False, widget=DATE)
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices, initial=Condition.GOOD)
    serial = forms.CharField(label=_("Serial or code (type it or scan it)"), max_length=60, required=False,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text",
                                                           "data-scan": "1"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["serial"].widget.attrs.update({"data-scan-label": _("Scan the code"),
                                                   "data-stop-label": _("Stop scanning")})
        self.fields["type_code"].choices = [
            (t.code, t.display_name) for t in EquipmentType.objects.filter(is_active=True).order_by("order", "code")]


class CheckForm(forms.Form):
    on = forms.DateField(label=_("Inspected or refilled on"), required=False, widget=DATE)
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices, initial=Condition.GOOD)


RESULT_CHOICES = [("", _("Not checked")), ("ok", _("Passed")), ("fail", _("Failed"))]


class InspectionForm(forms.Form):
    inspected_on = forms.DateField(label=_("Inspected on"), required=False, widget=DATE)
    follow_up_on = forms.DateField(label=_("Follow-up date for failed items"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.ImageField(label=_("Photo"), required=False)

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items or rules.CHECKLIST)
        for code in self.items:
            self.fields[f"item_{code}"] = forms.ChoiceField(label=rules.CHECKLIST[code], choices=RESULT_CHOICES,
                                                            required=False, widget=forms.RadioSelect)
            self.fields[f"note_{code}"] = forms.CharField(label=_("What is wrong"), max_length=500, required=False)

    def results(self) -> dict[str, bool]:
        return {code: self.cleaned_data[f"item_{code}"] == "ok" for code in self.items
                if self.cleaned_data.get(f"item_{code}")}

    def notes(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"note_{code}", "") for code in self.items}

    def item_rows(self):
        return [(self[f"item_{code}"], self[f"note_{code}"]) for code in self.items]


class PointForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Residential group"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=120)
    alley = forms.CharField(label=_("Alley served"), max_length=200, required=False)
    alley_length_m = forms.IntegerField(label=_("Alley length (m)"), min_value=0, max_value=100_000, required=False)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180, required=False)
    has_sign = forms.BooleanField(label=_("Signposted"), required=False)
    has_shelter = forms.BooleanField(label=_("Sheltered"), required=False)
    responsible = forms.CharField(label=_("Responsible person"), max_length=150, required=False)

    def __init__(self, *args, groups=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = groups


class DrillForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    teams = forms.ModelMultipleChoiceField(label=_("Teams"), queryset=None, widget=forms.CheckboxSelectMultiple)
    kind = forms.ChoiceField(label=_("Kind"), choices=Drill.Kind.choices)
    held_on = forms.DateField(label=_("Held on"), widget=DATE, initial=timezone.localdate)
    scenario = forms.CharField(label=_("Scenario"), max_length=300)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, max_value=100_000, initial=0)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=0, max_value=1440, required=False)
    result = forms.ChoiceField(label=_("Result"), choices=Drill.Result.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.ImageField(label=_("Photo"), required=False)

    def __init__(self, *args, units=None, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["teams"].queryset = teams


class CompetitionForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Organising unit"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)
    name = forms.CharField(label=_("Name"), max_length=200)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ScoreForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=None)
    round = forms.CharField(label=_("Round"), max_length=80)
    points = forms.DecimalField(label=_("Points"), min_value=0, max_value=1000, decimal_places=2)

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams if teams is not None else FireTeam.objects.none()


class OverdueFilterForm(forms.Form):
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(label=_("Due"), required=False, choices=[
        ("overdue", _("Overdue")), ("due_soon", _("Due within two weeks")), ("unknown", _("No due date")),
        ("", _("All items"))])
    type_code = forms.ChoiceField(label=_("Type"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type_code"].choices = [("", _("All types"))] + [
            (t.code, t.display_name) for t in EquipmentType.objects.filter(is_active=True).order_by("order", "code")]
