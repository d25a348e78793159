"""Forms for reports: the resident's report, the police queue's filters, and triage actions."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhan.core.forms import UnitAndDatesFilterMixin
from binhan.geo.models import AdministrativeUnit, Level
from binhan.reports.models import Category, Priority, Status, TeamType
from binhan.reports.selectors import SORTS, QueueFilters


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp",
                                                             "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ReportForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("What is it about?"), queryset=Category.objects.filter(is_active=True), widget=forms.RadioSelect,
        empty_label=None, error_messages={"required": _("Choose what the report is about.")},
    )
    description = forms.CharField(
        label=_("What happened?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Where, when, who or what you saw. Do not put your own name here if you report anonymously."),
        error_messages={"required": _("Please describe what happened."),
                        "max_length": _("Please keep it under 4,000 characters.")},
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    group = forms.ModelChoiceField(
        label=_("Residential group or village"), queryset=AdministrativeUnit.objects.filter(level=Level.GROUP),
        required=False, widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose your residential group from the list.")},
    )
    address = forms.CharField(label=_("Address or place (optional)"), max_length=255, required=False)
    photos = MultipleFileField(label=_("Photos (up to 5)"), required=False)
    video = forms.FileField(label=_("A short video (optional, up to 25 MB)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "video/*"}))
    anonymous = forms.BooleanField(label=_("Report anonymously"), required=False,
                                   help_text=_("The police will not know who you are. You get a code to follow "
                                               "the report and talk with them."))
    reporter_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    reporter_phone = forms.CharField(label=_("Your phone number"), max_length=20, required=False,
                                     widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    reporter_email = forms.EmailField(label=_("Email for news of the report (optional)"), required=False)


class QueueFilterForm(UnitAndDatesFilterMixin):
    status = forms.MultipleChoiceField(label=_("Status"), choices=Status.choices, required=False)
    category = forms.ModelMultipleChoiceField(label=_("Category"), queryset=Category.objects.all(), required=False)
    priority = forms.MultipleChoiceField(label=_("Priority"), choices=Priority.choices, required=False)
    assigned = forms.ChoiceField(label=_("Assigned"), required=False, choices=[
        ("", _("Anyone")), ("me", _("To me")), ("none", _("Not assigned")), ("any", _("Assigned"))])
    overdue = forms.BooleanField(label=_("Past its target only"), required=False)
    age = forms.ChoiceField(label=_("Reported"), required=False, choices=[
        ("", _("Any time")), ("1", _("Last 24 hours")), ("7", _("Last 7 days")), ("30", _("Last 30 days")),
        ("365", _("Last year"))])
    q = forms.CharField(label=_("Reference or words"), max_length=100, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("newest", _("Newest first")), ("oldest", _("Oldest first")), ("due", _("Response due")),
        ("updated", _("Recently updated"))])

    field_order = ["status", "category", "priority", "unit", "assigned", "overdue", "age", "since", "until", "q",
                   "sort"]

    def filters(self) -> QueueFilters:
        """The validated filters; call after is_valid()."""
        data = self.cleaned_data
        since, until = self.date_bounds()
        if data.get("age"):
            since = max(filter(None, [since, timezone.now() - timedelta(days=int(data["age"]))]))
        sort = data.get("sort") or "newest"
        return QueueFilters(
            statuses=tuple(data.get("status") or ()), categories=tuple(c.pk for c in data.get("category") or ()),
            priorities=tuple(data.get("priority") or ()), unit_path=self.unit_path,
            assigned=data.get("assigned") or "", overdue=bool(data.get("overdue")), since=since, until=until,
            query=(data.get("q") or "").strip(), sort=sort if sort in SORTS else "newest",
        )


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    note = forms.CharField(label=_("Note for the reporter (optional)"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason (for a rejection)"), max_length=500, required=False)
    referred_to = forms.CharField(label=_("Referred to (unit or agency)"), max_length=200, required=False)


class AssignForm(forms.Form):
    officer = forms.IntegerField(label=_("Officer"), required=False, widget=forms.Select)
    team = forms.ChoiceField(label=_("Team"), choices=[("", "—"), *TeamType.choices], required=False)


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class UpdateForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    public = forms.BooleanField(label=_("Visible to the reporter"), required=False)


class MoveForm(forms.Form):
    unit = forms.CharField(label=_("Code of the residential group"), max_length=40)


class MergeForm(forms.Form):
    original = forms.CharField(label=_("Reference of the original report"), max_length=30)


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Your message to the police"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))
