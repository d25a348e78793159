"""Forms of the mediation pages. They parse input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhan.community.forms import DATE, DATETIME, TEXTAREA, NotFutureDateField, UnitCodeField
from binhan.mediation.models import (
    CaseStatus,
    DisputeType,
    Exclusion,
    Gender,
    Guidance,
    MediationTeam,
    Mediator,
    Party,
    Source,
)
from binhan.mediation.services.cases import PartyIn


class TeamForm(forms.Form):
    unit = UnitCodeField(label=_("Residential group or village"))
    name = forms.CharField(label=_("Name"), max_length=200, required=False,
                           help_text=_("Leave empty for “Mediation team of …”."))
    established_on = NotFutureDateField(label=_("Established on"), widget=DATE)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    minority_area = forms.BooleanField(label=_("Area with many ethnic minority people"), required=False)


class MediatorForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    position = forms.ChoiceField(label=_("Position"), choices=Mediator.Position.choices,
                                 initial=Mediator.Position.MEDIATOR)
    is_minority = forms.BooleanField(label=_("From an ethnic minority"), required=False)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=60, required=False)
    date_of_birth = NotFutureDateField(label=_("Date of birth"), required=False, widget=DATE)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    appointed_on = NotFutureDateField(label=_("Appointed on"), widget=DATE)
    decision_number = forms.CharField(label=_("Appointment decision"), max_length=60, required=False)
    username = forms.CharField(label=_("Account (username)"), max_length=150, required=False,
                               help_text=_("The mediator's account, so they see their cases. Optional."))


class TrainingForm(forms.Form):
    held_on = NotFutureDateField(label=_("Date"), widget=DATE)
    course = forms.CharField(label=_("Course"), max_length=200)
    organiser = forms.CharField(label=_("Organised by"), max_length=200, required=False)


class MediatorStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Mediator.Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500)


def _team_mediators(team: MediationTeam):
    return team.mediators.filter(status=Mediator.Status.ACTIVE).order_by("full_name")


class RequestForm(forms.Form):
    """A resident's request: one decision per screen, the other side named."""

    dispute_type = forms.ChoiceField(label=_("What is the dispute about?"), choices=DisputeType.choices,
                                     widget=forms.RadioSelect)
    description = forms.CharField(label=_("Tell the team what happened and what you would like"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    other_party = forms.CharField(label=_("The other side's name"), max_length=150)
    other_party_address = forms.CharField(label=_("The other side's address"), max_length=255, required=False)
    contact = forms.CharField(label=_("How the team can reach you (phone)"), max_length=100, required=False)
    preferred_mediator = forms.ModelChoiceField(label=_("A mediator you would like"),
                                                queryset=Mediator.objects.none(), required=False)

    def __init__(self, *args, team: MediationTeam, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_mediator"].queryset = _team_mediators(team)


class IntakeFields(forms.Form):
    exclusions = forms.MultipleChoiceField(
        label=_("The law's exclusions: tick any that applies"), choices=Exclusion.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A matter that meets one of these is not mediated but referred, with the reason."))
    referred_to = forms.CharField(label=_("Referred to"), max_length=200, required=False,
                                  help_text=_("For example the commune police."))
    referral_reason = forms.CharField(label=_("Reason for referral"), max_length=500, required=False)


PARTY_ROWS = ((1, Party.Role.REQUESTER, True), (2, Party.Role.OTHER_SIDE, True), (3, Party.Role.RELATED, False))


class CaseForm(IntakeFields):
    source = forms.ChoiceField(label=_("How it came"),
                               choices=[c for c in Source.choices if c[0] != Source.RESIDENT])
    agency = forms.CharField(label=_("Proposing agency"), max_length=200, required=False)
    dispute_type = forms.ChoiceField(label=_("Type of dispute"), choices=DisputeType.choices)
    description = forms.CharField(label=_("What the dispute is about"), max_length=4000, widget=TEXTAREA)
    documents = forms.CharField(label=_("Documents received"), max_length=2000, required=False, widget=TEXTAREA)
    received_on = NotFutureDateField(label=_("Date received"), widget=DATE)
    preferred_mediator = forms.ModelChoiceField(label=_("Mediator the parties chose"),
                                                queryset=Mediator.objects.none(), required=False)

    def __init__(self, *args, team: MediationTeam, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_mediator"].queryset = _team_mediators(team)
        self.fields["received_on"].initial = timezone.localdate()
        for number, role, required in PARTY_ROWS:
            label = Party.Role(role).label
            self.fields[f"party{number}_name"] = forms.CharField(
                label=_("%(role)s: full name") % {"role": label}, max_length=150, required=required)
            self.fields[f"party{number}_age"] = forms.IntegerField(
                label=_("%(role)s: age") % {"role": label}, min_value=0, max_value=130, required=False)
            self.fields[f"party{number}_address"] = forms.CharField(
                label=_("%(role)s: address") % {"role": label}, max_length=255, required=False)
            self.fields[f"party{number}_contact"] = forms.CharField(
                label=_("%(role)s: phone or contact") % {"role": label}, max_length=100, required=False)

    def dispute_fields(self):
        return [self[name] for name in ("source", "agency", "dispute_type", "description", "documents",
                                        "received_on", "preferred_mediator")]

    def party_rows(self):
        return [[self[f"party{number}_{part}"] for part in ("name", "age", "address", "contact")]
                for number, _role, _required in PARTY_ROWS]

    def parties(self) -> list[PartyIn]:
        data = self.cleaned_data
        return [PartyIn(role=role, full_name=data[f"party{number}_name"], age=data[f"party{number}_age"],
                        address=data[f"party{number}_address"], contact=data[f"party{number}_contact"])
                for number, role, _required in PARTY_ROWS if data.get(f"party{number}_name")]


class AssignForm(forms.Form):
    mediators = forms.ModelMultipleChoiceField(label=_("Mediators"), queryset=Mediator.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)
    chosen_by_parties = forms.BooleanField(label=_("The parties chose these mediators"), required=False)

    def __init__(self, *args, team: MediationTeam, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediators"].queryset = _team_mediators(team)


class InterestForm(forms.Form):
    mediator = forms.ModelChoiceField(label=_("Mediator"), queryset=Mediator.objects.none())
    reason = forms.CharField(label=_("The interest (e.g. a relative of a party)"), max_length=500)

    def __init__(self, *args, team: MediationTeam, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = _team_mediators(team)


class SessionForm(forms.Form):
    held_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME,
                                  input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("Place"), max_length=200)
    mediators = forms.ModelMultipleChoiceField(label=_("Mediators present"), queryset=Mediator.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)
    invitees = forms.CharField(label=_("Invitees present"), max_length=500, required=False)
    requests = forms.CharField(label=_("What each side asked"), max_length=4000, required=False, widget=TEXTAREA)
    agreed = forms.CharField(label=_("What was agreed"), max_length=4000, required=False, widget=TEXTAREA)

    def __init__(self, *args, team: MediationTeam, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediators"].queryset = _team_mediators(team)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect, choices=[
        (CaseStatus.SUCCESSFUL, CaseStatus.SUCCESSFUL.label), (CaseStatus.UNSUCCESSFUL, CaseStatus.UNSUCCESSFUL.label)])
    agreement = forms.CharField(label=_("If successful: the agreement and its terms"), max_length=4000,
                                required=False, widget=TEXTAREA)
    follow_up_on = forms.DateField(label=_("Check the agreement is kept on"), required=False, widget=DATE)
    positions = forms.CharField(label=_("If unsuccessful: each side's position"), max_length=4000, required=False,
                                widget=TEXTAREA)
    guidance = forms.ChoiceField(label=_("If unsuccessful: where the parties may go next"),
                                 choices=[("", "—"), *Guidance.choices], required=False)
    minutes_requested = forms.BooleanField(label=_("The parties asked for written minutes"), required=False)
    notes = forms.CharField(label=_("Notes"), max_length=1000, required=False)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File (PDF or photo, at most 10 MB)"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("How was the agreement broken?"), max_length=500)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start of the period must come before its end."))
        if data.get("start") and data.get("end") and (data["end"] - data["start"]).days > 3660:
            raise forms.ValidationError(_("Choose a period of at most ten years."))
        return data


class SummaryForm(forms.Form):
    unit = UnitCodeField(label=_("Unit"), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2014, max_value=2100, required=False)


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), ("pending", _("Pending")), *CaseStatus.choices])
    year = forms.IntegerField(label=_("Year received"), min_value=2014, max_value=2100, required=False)
    late = forms.BooleanField(label=_("Late start only"), required=False)
