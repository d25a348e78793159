"""Forms of the community pages. They parse input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhan.community.models import (
    Commendation,
    CommendationLevel,
    DutyKind,
    Education,
    Effectiveness,
    FundingSource,
    ModelDocument,
    ModelStatus,
    ModelType,
    Position,
    RecognitionLevel,
    TeamGrade,
    TeamMember,
)
from binhan.geo.models import AdministrativeUnit

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class UnitCodeField(forms.CharField):
    """A unit typed by its code (the lists are far too long for a menu); checked in scope by the service."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("The code of the unit, e.g. 06652-001."))
        super().__init__(**kwargs)

    def clean(self, value):
        code = super().clean(value).strip()
        if not code:
            return None
        unit = AdministrativeUnit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No unit has the code %(code)s.") % {"code": code})
        return unit


class UnitCodesField(forms.CharField):
    def clean(self, value):
        codes = [code.strip() for code in (super().clean(value) or "").replace(";", ",").split(",") if code.strip()]
        units = list(AdministrativeUnit.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {unit.code for unit in units})
        if missing:
            raise forms.ValidationError(_("No unit has the code %(code)s.") % {"code": ", ".join(missing)})
        return units


class NotFutureDateField(forms.DateField):
    def clean(self, value):
        day = super().clean(value)
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


# --- self-management models ---


class ModelCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    model_type = forms.ModelChoiceField(label=_("Type"), queryset=ModelType.objects.filter(is_active=True),
                                        empty_label=None)
    unit = UnitCodeField(label=_("Owning unit"))
    started_on = NotFutureDateField(label=_("Start date"), required=False, widget=DATE)
    description = forms.CharField(label=_("Description"), max_length=4000, required=False, widget=TEXTAREA)


class ModelFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    type = forms.ModelChoiceField(label=_("Type"), queryset=ModelType.objects.filter(is_active=True), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *ModelStatus.choices])
    unit = UnitCodeField(label=_("Unit code"), required=False, help_text="")
    recognised = forms.BooleanField(label=_("Recognised only"), required=False)
    not_effective = forms.BooleanField(label=_("No longer effective (should end)"), required=False)


class ModelRateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    result = forms.ChoiceField(label=_("Result"), choices=Effectiveness.choices, widget=forms.RadioSelect)
    evidence = forms.CharField(label=_("Evidence"), max_length=4000, widget=TEXTAREA)


class ModelRecogniseForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=RecognitionLevel.choices)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decision_date = NotFutureDateField(label=_("Decision date"), widget=DATE)
    issued_by = forms.CharField(label=_("Issued by"), max_length=200, required=False)


class ModelReplicateForm(forms.Form):
    unit = UnitCodeField(label=_("Unit that copies the model"))
    name = forms.CharField(label=_("Name at the new place"), max_length=200, required=False)
    started_on = NotFutureDateField(label=_("Start date"), required=False, widget=DATE)


class ModelEndForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=TEXTAREA)
    ended_on = NotFutureDateField(label=_("End date"), required=False, widget=DATE)


class SiteForm(forms.Form):
    unit = UnitCodeField(label=_("Commune or residential group"))
    since = NotFutureDateField(label=_("Since"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ModelTeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=200, required=False)
    security_team = forms.IntegerField(label=_("Security team number"), required=False, min_value=1,
                                       help_text=_("Optional: the number of a security team of the area."))
    member_count = forms.IntegerField(label=_("Number of members"), required=False, min_value=0, max_value=1000)


class ModelMemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.CharField(label=_("Role in the model"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)


class FundingForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=FundingSource.choices)
    amount = forms.IntegerField(label=_("Amount (VND)"), min_value=1, max_value=10**13)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ModelDocument.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File (PDF, or a JPEG, PNG or WebP photo)"),
                           widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}))


# --- teams ---


class TeamCreateForm(forms.Form):
    unit = UnitCodeField(label=_("Residential group or village"))
    extra_units = UnitCodesField(label=_("Other groups it covers"), required=False, max_length=400,
                                 help_text=_("Codes separated by commas; leave empty for one group."))
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    established_on = NotFutureDateField(label=_("Established on"), widget=DATE)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    decision_date = NotFutureDateField(label=_("Decision date"), required=False, widget=DATE)


SIZE_CHOICES = [("", _("Any size")), ("under", _("Under the expected size")), ("over", _("Over the expected size")),
                ("ok", _("At the expected size"))]


class TeamFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    unit = UnitCodeField(label=_("Unit code"), required=False, help_text="")
    size = forms.ChoiceField(label=_("Size"), choices=SIZE_CHOICES, required=False)


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DATE)
    education = forms.ChoiceField(label=_("Education level"), choices=Education.choices)
    remote_area = forms.BooleanField(label=_("Remote area (primary education is enough)"), required=False)
    resident_since = forms.DateField(label=_("Living here since"), widget=DATE)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices, initial=Position.MEMBER)
    joined_on = NotFutureDateField(label=_("Joined on"), required=False, widget=DATE)
    chairman_consent = forms.CharField(label=_("Chairman's consent (over 70)"), max_length=200, required=False,
                                       help_text=_("The number and date of the commune chairman's consent."))
    decision_number = forms.CharField(label=_("Appointment decision number"), max_length=60, required=False)
    decision_date = NotFutureDateField(label=_("Appointment decision date"), required=False, widget=DATE)
    decided_by = forms.CharField(label=_("Appointed by"), max_length=150, required=False)
    allowance = forms.IntegerField(label=_("Monthly allowance (VND)"), required=False, min_value=0,
                                   max_value=100_000_000, help_text=_("Empty: the province's amount for the position."))
    username = forms.CharField(label=_("Account (username)"), max_length=150, required=False,
                               help_text=_("Optional: the member's account, so they can use the duty page."))


class MemberStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=TeamMember.Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ShiftForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=TeamMember.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=DutyKind.choices)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME)
    place = forms.CharField(label=_("Where"), max_length=200, required=False)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = team.members.filter(status=TeamMember.Status.ACTIVE).order_by("full_name")


class SwapForm(forms.Form):
    to_member = forms.ModelChoiceField(label=_("Member who takes the shift"), queryset=TeamMember.objects.none(),
                                       empty_label=None)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_member"].queryset = team.members.filter(status=TeamMember.Status.ACTIVE).order_by(
            "full_name")


class PatrolStartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DutyKind.choices, initial=DutyKind.PATROL,
                             widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Notes"), max_length=4000, required=False, widget=TEXTAREA)


class PatrolEndForm(forms.Form):
    notes = forms.CharField(label=_("What happened on the patrol?"), max_length=4000, required=False,
                            widget=TEXTAREA)
    route = forms.JSONField(required=False, widget=forms.HiddenInput(attrs={"data-patrol-route": ""}))


class PatrolAttachForm(forms.Form):
    reference = forms.CharField(label=_("Report reference"), max_length=40, help_text=_("For example R-2026-000123."))


class PatrolReportForm(forms.Form):
    category = forms.ModelChoiceField(label=_("What is it about?"), queryset=None, empty_label=None)
    description = forms.CharField(label=_("What happened?"), max_length=4000, widget=TEXTAREA)

    def __init__(self, *args, **kwargs):
        from binhan.reports.models import Category

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by("order", "code")


class TeamRateForm(forms.Form):
    year = forms.IntegerField(label=_("Year the period ends (15 November – 14 November)"), min_value=2000,
                              max_value=2100)
    grade = forms.ChoiceField(label=_("Grade"), choices=TeamGrade.choices, widget=forms.RadioSelect)
    tasks_assigned = forms.IntegerField(label=_("Tasks assigned"), required=False, min_value=0,
                                        help_text=_("Empty: the shifts on the roster in the period."))
    tasks_done = forms.IntegerField(label=_("Tasks done"), required=False, min_value=0,
                                    help_text=_("Empty: the shifts with a finished patrol or duty."))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class CommendationForm(forms.Form):
    subject = forms.ChoiceField(label=_("Who is commended"), choices=Commendation.Subject.choices)
    target = forms.CharField(
        label=_("Which one"), max_length=40,
        help_text=_("A unit's code; or the number of the team, model, household or team member; or, for another "
                    "person, the code of their residential group."))
    person_name = forms.CharField(label=_("Name of the person"), max_length=150, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=CommendationLevel.choices)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decision_date = NotFutureDateField(label=_("Decision date"), widget=DATE)
    deed = forms.CharField(label=_("Deed"), max_length=500, widget=TEXTAREA)


class CommendationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("Level"), choices=[("", _("Any")), *CommendationLevel.choices], required=False)
    subject = forms.ChoiceField(label=_("Who"), choices=[("", _("Anyone")), *Commendation.Subject.choices],
                                required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    unit = UnitCodeField(label=_("Unit code"), required=False, help_text="")


# --- edit pages ---


class ModelEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    model_type = forms.ModelChoiceField(label=_("Type"), queryset=ModelType.objects.filter(is_active=True),
                                        empty_label=None)
    started_on = NotFutureDateField(label=_("Start date"), required=False, widget=DATE)
    description = forms.CharField(label=_("Description"), max_length=4000, required=False, widget=TEXTAREA)


class TeamEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    established_on = NotFutureDateField(label=_("Established on"), widget=DATE)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    decision_date = NotFutureDateField(label=_("Decision date"), required=False, widget=DATE)


class TeamDissolveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=TEXTAREA)


# Personal data are never put in the edit form: these start empty and only a value typed in replaces the record's.
PERSONAL_FIELDS = ("date_of_birth", "phone", "address")
KEEP = _("Leave empty to keep the current value (it is not shown here).")


class MemberEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices)
    education = forms.ChoiceField(label=_("Education level"), choices=Education.choices)
    remote_area = forms.BooleanField(label=_("Remote area (primary education is enough)"), required=False)
    resident_since = forms.DateField(label=_("Living here since"), widget=DATE)
    joined_on = NotFutureDateField(label=_("Joined on"), widget=DATE)
    chairman_consent = forms.CharField(label=_("Chairman's consent (over 70)"), max_length=200, required=False,
                                       help_text=_("The number and date of the commune chairman's consent."))
    decision_number = forms.CharField(label=_("Appointment decision number"), max_length=60, required=False)
    decision_date = NotFutureDateField(label=_("Appointment decision date"), required=False, widget=DATE)
    decided_by = forms.CharField(label=_("Appointed by"), max_length=150, required=False)
    allowance = forms.IntegerField(label=_("Monthly allowance (VND)"), min_value=0, max_value=100_000_000)
    date_of_birth = forms.DateField(label=_("New date of birth"), required=False, widget=DATE, help_text=KEEP)
    phone = forms.CharField(label=_("New phone"), max_length=20, required=False, help_text=KEEP)
    address = forms.CharField(label=_("New address"), max_length=255, required=False, help_text=KEEP)

    def __init__(self, *args, member: TeamMember, **kwargs):
        initial = {name: getattr(member, name) for name in self.base_fields if name not in PERSONAL_FIELDS}
        super().__init__(*args, initial=initial, **kwargs)

    def changes(self) -> dict:
        """Only what was changed, so that an unchanged record is not checked or audited again."""
        return {name: self.cleaned_data[name] for name in self.changed_data
                if name not in PERSONAL_FIELDS or self.cleaned_data[name] not in ("", None)}
