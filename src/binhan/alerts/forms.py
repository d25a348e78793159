"""Forms for composing alerts, answering them and choosing how to be reached."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhan.accounts.roles import Role
from binhan.alerts.models import Article, Audience, Campaign, Category, Severity, Urgency
from binhan.alerts.services import AUDIENCE_ROLES, MAX_BODY, MAX_INSTRUCTION, MAX_REPLY, MAX_TITLE, AlertInput
from binhan.core import scoping
from binhan.geo.models import AdministrativeUnit, Level

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# A province has thousands of groups: staff above the commune pick communes (or the province).
MAX_GROUP_CHOICES = 300


class UnitChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.code})"


class AlertForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MODERATE)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.EXPECTED)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.COMMUNITY)
    targets = UnitChoices(label=_("Send to"), queryset=AdministrativeUnit.objects.none(),
                          widget=forms.SelectMultiple(attrs={"size": 8}),
                          help_text=_("Everything under each chosen unit receives the alert."))
    audience = forms.ChoiceField(label=_("Who receives it"), choices=Audience.choices, initial=Audience.HOUSEHOLDS,
                                 widget=forms.RadioSelect)
    audience_roles = forms.MultipleChoiceField(
        label=_("Roles"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(str(role), Role(role).label) for role in AUDIENCE_ROLES])
    circle_lat = forms.FloatField(label=_("Circle: centre latitude"), required=False, min_value=-90, max_value=90)
    circle_lon = forms.FloatField(label=_("Circle: centre longitude"), required=False, min_value=-180,
                                  max_value=180)
    circle_radius_km = forms.FloatField(label=_("Circle: radius (km)"), required=False, min_value=0.01,
                                        max_value=100)
    polygon = forms.CharField(
        label=_("Polygon"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: one point per line, as latitude,longitude. Only groups whose centre lies inside "
                    "receive the alert."))
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    expires_at = forms.DateTimeField(label=_("Expires"), widget=DATETIME)
    send_at = forms.DateTimeField(label=_("Send later, at"), required=False, widget=DATETIME)
    is_public = forms.BooleanField(label=_("Public: also in the CAP feed for other systems"), required=False,
                                   initial=True)
    attachment = forms.FileField(label=_("Image or attachment (JPEG, PNG, WebP or PDF)"), required=False)
    article = forms.ModelChoiceField(label=_("Read more: a library article"), required=False,
                                     queryset=Article.objects.none())
    campaign = forms.ModelChoiceField(label=_("Campaign"), required=False, queryset=Campaign.objects.none())
    poll_kind = forms.ChoiceField(label=_("Quick poll"), required=False, choices=[
        ("", _("No question")), ("yesno", _("A yes/no question")), ("choice", _("A choice of answers"))],
        help_text=_("Ask the question in the text; residents answer with one tap."))
    poll_options = forms.CharField(label=_("Answers to choose from"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text=_("For a choice of answers: one per line, 2 to 6."))

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        from binhan.alerts.library import linkable

        articles, campaigns = linkable(viewer=viewer)
        self.fields["article"].queryset = Article.objects.filter(pk__in=[a.pk for a in articles]).prefetch_related(
            "texts")
        self.fields["campaign"].queryset = campaigns
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["starts_at"].initial = now
        self.fields["expires_at"].initial = now + timedelta(days=1)
        units = scoping.visible(AdministrativeUnit.objects.exclude(level=Level.NATION), viewer).order_by("path")
        if units.filter(level=Level.GROUP).count() > MAX_GROUP_CHOICES:
            units = units.exclude(level=Level.GROUP)
        self.fields["targets"].queryset = units
        for code, name in reversed(settings.LANGUAGES):
            required = code == "vi"
            extra = {} if required else {"required": False}
            self.fields = {
                f"title_{code}": forms.CharField(label=_("Title (%(language)s)") % {"language": name},
                                                 max_length=MAX_TITLE, **extra),
                f"body_{code}": forms.CharField(label=_("Text (%(language)s)") % {"language": name},
                                                max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 4}),
                                                **extra),
                f"instruction_{code}": forms.CharField(
                    label=_("What to do (%(language)s)") % {"language": name}, max_length=MAX_INSTRUCTION,
                    required=False),
                **self.fields,
            }

    def clean_polygon(self):
        raw = self.cleaned_data["polygon"].strip()
        if not raw:
            return None
        points = []
        for line in raw.splitlines():
            if not line.strip():
                continue
            try:
                lat, lon = (float(part) for part in line.replace(";", ",").split(","))
            except ValueError:
                raise forms.ValidationError(_("Write one point per line as latitude,longitude.")) from None
            points.append([lat, lon])
        return points

    def clean(self):
        data = super().clean()
        circle = [data.get("circle_lat"), data.get("circle_lon"), data.get("circle_radius_km")]
        if any(v is not None for v in circle) and not all(v is not None for v in circle):
            self.add_error("circle_radius_km", _("A circle needs a latitude, a longitude and a radius."))
        return data

    def to_input(self) -> AlertInput:
        data = self.cleaned_data
        texts = {code: {"title": data.get(f"title_{code}", ""), "body": data.get(f"body_{code}", ""),
                        "instruction": data.get(f"instruction_{code}", "")} for code, _name in settings.LANGUAGES}
        circle = None
        if data.get("circle_lat") is not None:
            circle = {"lat": data["circle_lat"], "lon": data["circle_lon"], "radius_km": data["circle_radius_km"]}
        return AlertInput(
            texts=texts, targets=list(data["targets"]), starts_at=data["starts_at"], expires_at=data["expires_at"],
            severity=data["severity"], urgency=data["urgency"], category=data["category"],
            audience=data["audience"], audience_roles=list(data.get("audience_roles") or []), circle=circle,
            polygon=data.get("polygon"), send_at=data.get("send_at"), is_public=data.get("is_public", False),
            attachment=data.get("attachment"), article=data.get("article"), campaign=data.get("campaign"),
            poll_kind=data.get("poll_kind") or "",
            poll_options=[line for line in (data.get("poll_options") or "").splitlines() if line.strip()],
        )

    @classmethod
    def initial_from(cls, alert) -> dict:
        initial = {
            "severity": alert.severity, "urgency": alert.urgency, "category": alert.category,
            "targets": [t.unit_id for t in alert.targets.all()], "audience": alert.audience,
            "audience_roles": alert.audience_roles, "starts_at": timezone.localtime(alert.starts_at),
            "expires_at": timezone.localtime(alert.expires_at), "is_public": alert.is_public,
            "send_at": timezone.localtime(alert.send_at) if alert.send_at else None,
            "article": alert.article_id, "campaign": alert.campaign_id,
            "poll_kind": (alert.poll or {}).get("kind", ""),
            "poll_options": "\n".join((alert.poll or {}).get("options", [])),
            "polygon": "\n".join(f"{lat},{lon}" for lat, lon in (alert.area_polygon or [])[:-1]),
        }
        if alert.area_circle:
            initial.update(circle_lat=alert.area_circle["lat"], circle_lon=alert.area_circle["lon"],
                           circle_radius_km=alert.area_circle["radius_km"])
        for text in alert.texts.all():
            initial.update({f"title_{text.language}": text.title, f"body_{text.language}": text.body,
                            f"instruction_{text.language}": text.instruction})
        return initial


class VoteForm(forms.Form):
    option = forms.CharField(max_length=12)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=MAX_REPLY, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    body = forms.CharField(label=_("Answer"), max_length=MAX_REPLY, widget=forms.Textarea(attrs={"rows": 3}))
    in_reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    public = forms.BooleanField(label=_("Everyone who received the alert sees this answer"), required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class SubscriptionForm(forms.Form):
    inapp = forms.BooleanField(label=_("Live in the app, with a badge"), required=False)
    webpush = forms.BooleanField(label=_("Browser notifications"), required=False)
    email = forms.BooleanField(label=_("Email"), required=False)
    sms = forms.BooleanField(label=_("SMS"), required=False)
    min_severity = forms.ChoiceField(label=_("Only alerts at least this severe"), choices=list(reversed(
        Severity.choices)))
    quiet_start = forms.TimeField(label=_("Quiet hours from"), required=False,
                                  widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                  help_text=_("Nothing but extreme alerts is sent to your phone or email then."))
    quiet_end = forms.TimeField(label=_("Quiet hours until"), required=False,
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    topics = forms.MultipleChoiceField(label=_("Topics"), required=False, choices=Category.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text=_("None chosen: every topic. Extreme alerts always come."))



class ArticleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Article.Kind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.LEGAL)
    unit = forms.ModelChoiceField(label=_("Published by"), queryset=AdministrativeUnit.objects.none())
    is_published = forms.BooleanField(label=_("Published: everyone can read it"), required=False)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoping.visible(AdministrativeUnit.objects.exclude(level=Level.GROUP),
                                                       viewer).order_by("path")
        for code, name in reversed(settings.LANGUAGES):
            extra = {} if code == "vi" else {"required": False}
            self.fields = {
                f"title_{code}": forms.CharField(label=_("Title (%(language)s)") % {"language": name},
                                                 max_length=160, **extra),
                f"summary_{code}": forms.CharField(label=_("Summary (%(language)s)") % {"language": name},
                                                   max_length=300, required=False),
                f"body_{code}": forms.CharField(label=_("Text (%(language)s)") % {"language": name}, max_length=20000,
                                                widget=forms.Textarea(attrs={"rows": 8}), **extra),
                **self.fields,
            }

    def texts(self) -> dict:
        data = self.cleaned_data
        return {code: {"title": data.get(f"title_{code}", ""), "summary": data.get(f"summary_{code}", ""),
                       "body": data.get(f"body_{code}", "")} for code, _name in settings.LANGUAGES}

    @staticmethod
    def initial_from(article) -> dict:
        initial = {"kind": article.kind, "category": article.category, "unit": article.unit_id,
                   "is_published": article.is_published}
        for text in article.texts.all():
            initial.update({f"title_{text.language}": text.title, f"summary_{text.language}": text.summary,
                            f"body_{text.language}": text.body})
        return initial


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=AdministrativeUnit.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoping.visible(AdministrativeUnit.objects.exclude(level=Level.GROUP),
                                                       viewer).order_by("path")
