"""Forms of the camera pages; the services do the checking that matters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from binhan.cameras.models import CameraStatus, Coverage, OwnerKind, Recording, RequestStatus, Sharing

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class CameraForm(forms.Form):
    name = forms.CharField(label=_("Name (the place it watches)"), max_length=120)
    owner_name = forms.CharField(label=_("Owner's name"), max_length=160, required=False,
                                 help_text=_("Public: the unit or model that paid. Business: its name."))
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    direction = forms.IntegerField(label=_("View direction (degrees from north)"), min_value=0, max_value=359,
                                   initial=0)
    angle = forms.IntegerField(label=_("View angle (degrees)"), min_value=1, max_value=360, initial=90)
    range_m = forms.IntegerField(label=_("Range (m)"), min_value=1, max_value=300, initial=30)
    mount_height_m = forms.DecimalField(label=_("Mount height (m)"), min_value=0, max_value=50, decimal_places=1,
                                        initial=3)
    outdoor = forms.BooleanField(label=_("Outdoor"), required=False, initial=True)
    covers = forms.MultipleChoiceField(label=_("What it covers"), choices=Coverage.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    recording = forms.ChoiceField(label=_("Recording"), choices=Recording.choices)
    retention_days = forms.IntegerField(label=_("Days footage is kept"), min_value=1, max_value=365, initial=7)
    notice_posted = forms.BooleanField(label=_("A notice sign is posted"), required=False)
    installed_on = forms.DateField(label=_("Installation date"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("Status"), choices=CameraStatus.choices)
    sharing = forms.ChoiceField(label=_("What the owner shares"), choices=Sharing.choices,
                                widget=forms.RadioSelect)
    stream_url = forms.CharField(label=_("Stream address (shared view only)"), max_length=500, required=False,
                                 help_text=_("Kept encrypted; only the police of the area can open it, and each "
                                             "opening is recorded."))
    stream_credentials = forms.CharField(label=_("Stream user and password"), max_length=300, required=False,
                                         widget=forms.PasswordInput(render_value=False),
                                         help_text=_("Leave empty to keep what is stored."))

    OWNER_FIELDS = ("name", "owner_name", "lat", "lon", "direction", "angle", "range_m", "mount_height_m", "outdoor",
                    "covers", "recording", "retention_days", "notice_posted", "installed_on", "status", "sharing")

    def camera_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.OWNER_FIELDS if name in self.cleaned_data}
        if "mount_height_m" in data and data["mount_height_m"] is None:
            data.pop("mount_height_m")
        return data


class PublicCameraForm(CameraForm):
    unit = forms.CharField(label=_("Residential group code"), max_length=60)
    funding_budget = forms.IntegerField(label=_("Paid from the budget (VND)"), min_value=0, required=False)
    funding_households = forms.IntegerField(label=_("Paid by households (VND)"), min_value=0, required=False)
    funding_donors = forms.IntegerField(label=_("Paid by donors (VND)"), min_value=0, required=False)

    field_order = ["unit"]

    def funding(self) -> list[tuple[str, int, str]]:
        return [(source, self.cleaned_data[f"funding_{source}"], "")
                for source in ("budget", "households", "donors") if self.cleaned_data.get(f"funding_{source}")]


class PublicCameraEditForm(CameraForm):
    pass


class OwnerCameraForm(CameraForm):
    kind = forms.ChoiceField(label=_("Whose camera is it?"), widget=forms.RadioSelect,
                             choices=[(OwnerKind.HOUSEHOLD, _("My household's")), (OwnerKind.BUSINESS, _("My business's"))])
    contact_email = forms.EmailField(label=_("Email for footage requests"), required=False)

    field_order = ["kind"]
    OWNER_FIELDS = (*CameraForm.OWNER_FIELDS, "contact_email")

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("installed_on")
        if editing:
            self.fields.pop("kind")
        self.fields["owner_name"].label = _("Business name (businesses only)")
        self.fields["owner_name"].help_text = ""


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any"))] + CameraStatus.choices)
    sharing = forms.ChoiceField(label=_("Sharing"), required=False, choices=[("", _("Any"))] + Sharing.choices)
    owner_kind = forms.ChoiceField(label=_("Owner"), required=False, choices=[("", _("Any"))] + OwnerKind.choices)
    covers = forms.ChoiceField(label=_("Covers"), required=False, choices=[("", _("Any"))] + Coverage.choices)


class RequestForm(forms.Form):
    case_reference = forms.CharField(label=_("Case or report reference"), max_length=60, required=False)
    reason = forms.CharField(label=_("Why the footage is needed"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    investigator_contact = forms.CharField(label=_("Investigator's name and phone"), max_length=160)
    window_start = forms.DateTimeField(label=_("Footage from"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    window_end = forms.DateTimeField(label=_("Footage to"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    deadline = forms.DateTimeField(label=_("Please answer by"), widget=DATETIME, input_formats=DATETIME_FORMATS)


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any"))] + RequestStatus.choices)


class AnswerForm(forms.Form):
    note = forms.CharField(label=_("A note for the police (optional)"), max_length=500, required=False)


class UploadForm(forms.Form):
    clip = forms.FileField(label=_("Video clip"), allow_empty_file=False)


class PurposeForm(forms.Form):
    purpose = forms.CharField(label=_("Why you open it (kept in the custody log)"), max_length=500)
