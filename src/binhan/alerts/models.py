"""Alerts: what the police and leaders send, to whom, how it reached them, and what people answered.

An `Alert` has one text per language (Vietnamese required), targets (units, optionally narrowed
to a circle or polygon), an audience, and a life: draft -> (in review) -> scheduled/sent ->
cancelled or expired. Each recipient and channel gets one `Delivery` row; unique constraints
make a second fan-out of the same alert a no-op, so a worker that dies mid-way is simply run again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from binhan.geo.models import AdministrativeUnit, Household


class Severity(models.TextChoices):
    EXTREME = "extreme", _("Extreme")
    SEVERE = "severe", _("Severe")
    MODERATE = "moderate", _("Moderate")
    MINOR = "minor", _("Minor")


SEVERITY_RANK = {Severity.MINOR: 1, Severity.MODERATE: 2, Severity.SEVERE: 3, Severity.EXTREME: 4}


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate: act now")
    EXPECTED = "expected", _("Expected: within the hour")
    FUTURE = "future", _("Future: in the near future")
    PAST = "past", _("Past: no longer needed")
    UNKNOWN = "unknown", _("Unknown")


class Category(models.TextChoices):
    CRIME = "crime", _("Crime warning")
    FIRE = "fire", _("Fire")
    WEATHER = "weather", _("Weather or disaster")
    TRAFFIC = "traffic", _("Traffic")
    HEALTH = "health", _("Public health")
    LEGAL = "legal", _("Legal knowledge")
    COMMUNITY = "community", _("Community notice")


# CAP 1.2 category for each of ours.
CAP_CATEGORY = {
    Category.CRIME: "Security", Category.FIRE: "Fire", Category.WEATHER: "Met", Category.TRAFFIC: "Transport",
    Category.HEALTH: "Health", Category.LEGAL: "Other", Category.COMMUNITY: "Other",
}


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Waiting for approval")
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


EDITABLE_STATUSES = {Status.DRAFT, Status.REVIEW}


class Audience(models.TextChoices):
    HOUSEHOLDS = "households", _("All households")
    ROLES = "roles", _("People with certain roles")


class Channel(models.TextChoices):
    INAPP = "inapp", _("In the app")
    WEBPUSH = "webpush", _("Browser notification (Web Push)")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Failed")


class Article(models.Model):
    """A legal-knowledge or prevention article, or a printable leaflet, of the knowledge library."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        LEAFLET = "leaflet", _("Leaflet")

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("published by"), on_delete=models.PROTECT,
                             related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, default=Category.LEGAL)
    is_published = models.BooleanField(_("published"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("library article")
        verbose_name_plural = _("library articles")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["unit_path"], name="article_path_like", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        text = self.text()
        return text.title if text else f"#{self.pk}"

    def text(self, language: str | None = None) -> ArticleText | None:
        language = (language or get_language() or "vi")[:2]
        texts = {t.language: t for t in self.texts.all()}
        return texts.get(language) or texts.get("vi") or next(iter(texts.values()), None)


class ArticleText(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=160)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"), max_length=20000)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "language"], name="article_text_language")]

    def __str__(self) -> str:
        return self.title


class Campaign(models.Model):
    """A period of effort in an area (a peak period against crime, 19 August): its alerts and results."""

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["unit_path"], name="campaign_path_like", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    """A message from a unit's police or leaders to the households (or some roles) of an area."""

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("sending unit"), on_delete=models.PROTECT,
                             related_name="+")
    # The sending unit's path: staff under it manage the alert; its recipients may lie below.
    unit_path = models.CharField(max_length=255, editable=False)
    # Who wrote and approved it stays in the audit log; the alert outlives a deleted account.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MODERATE)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.EXPECTED)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, default=Category.COMMUNITY)
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices, default=Audience.HOUSEHOLDS)
    audience_roles = models.JSONField(_("roles"), default=list, blank=True)
    # {"lat": .., "lon": .., "radius_km": ..}; narrows the target units to groups whose centre lies inside.
    area_circle = models.JSONField(_("circle"), null=True, blank=True)
    # [[lat, lon], ...], closed (first == last).
    area_polygon = models.JSONField(_("polygon"), null=True, blank=True)
    is_public = models.BooleanField(_("public (CAP feed)"), default=True)
    attachment = models.FileField(_("image or attachment"), upload_to="alerts/%Y/%m/", blank=True)
    article = models.ForeignKey(Article, verbose_name=_("library article"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="alerts")
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="alerts")
    # A quick poll: {"kind": "yesno" | "choice", "options": ["…", …]} (choice labels as written), or null.
    poll = models.JSONField(_("quick poll"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    expires_at = models.DateTimeField(_("expires"))
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Fan-out progress: households up to this id have their in-app row; set when all is recorded.
    fanout_cursor = models.BigIntegerField(default=0, editable=False)
    fanout_done_at = models.DateTimeField(null=True, blank=True, editable=False)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit_path"], name="alert_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["status", "send_at"], name="alert_status_send"),
        ]

    def __str__(self) -> str:
        text = self.text()
        return text.title if text else f"#{self.pk}"

    def text(self, language: str | None = None) -> AlertText | None:
        """The text in `language` (the current one by default), else Vietnamese."""
        language = (language or get_language() or "vi")[:2]
        texts = {t.language: t for t in self.texts.all()}
        return texts.get(language) or texts.get("vi") or next(iter(texts.values()), None)

    @property
    def cap_identifier(self) -> str:
        return f"binhan-alert-{self.pk}"


class AlertText(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("text"), max_length=4000)
    instruction = models.CharField(_("what to do"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("alert text")
        verbose_name_plural = _("alert texts")
        constraints = [models.UniqueConstraint(fields=["alert", "language"], name="alert_text_language")]

    def __str__(self) -> str:
        return self.title


class AlertTarget(models.Model):
    """One unit an alert goes to (with everything under it)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)

    scope_path_field = "unit_path"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "unit"], name="alert_target_unique")]
        indexes = [models.Index(fields=["unit_path"], name="alert_target_path")]

    def __str__(self) -> str:
        return self.unit_path


class Delivery(models.Model):
    """One alert to one recipient on one channel: a household's in-app inbox, or a person's phone or email.

    Kept narrow: a province-wide alert writes a million of these.
    """

    # No single-column indexes: the unique keys below serve the lookups, and every index slows the
    # fan-out. No database-level foreign keys either, for the same reason; households are never deleted.
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries", db_index=False,
                              db_constraint=False)
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+",
                                  db_index=False, db_constraint=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                             related_name="+", db_index=False, db_constraint=False)
    # The recipient's residential group, for figures per group and scoping.
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.DO_NOTHING, related_name="+", db_index=False,
                             db_constraint=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("reason"), max_length=255, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("queued at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    scope_path_field = "unit__path"

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            # The idempotency keys: one row per household inbox, one per person and channel.
            models.UniqueConstraint(fields=["household", "alert", "channel"], condition=Q(user__isnull=True),
                                    name="delivery_household_once"),
            models.UniqueConstraint(fields=["user", "alert", "channel"], condition=Q(user__isnull=False),
                                    name="delivery_user_once"),
        ]
        indexes = [
            models.Index(fields=["alert", "status"], name="delivery_alert_status"),
            models.Index(fields=["next_attempt_at"], condition=Q(status__in=["queued", "sending"]),
                         name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id}:{self.channel}:{self.household_id or self.user_id}"


class Acknowledgement(models.Model):
    """"I have read this": once per household (or per person, for alerts to roles)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="acknowledgements")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    created_at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "household"], condition=Q(household__isnull=False),
                                    name="ack_household_once"),
            models.UniqueConstraint(fields=["alert", "user"], condition=Q(household__isnull=True),
                                    name="ack_user_once"),
        ]
        indexes = [models.Index(fields=["alert", "unit_path"], name="ack_alert_path")]

    def __str__(self) -> str:
        return f"{self.alert_id}:{self.household_id or self.user_id}"


class PollVote(models.Model):
    """A household's (or, for alerts to roles, a person's) answer to an alert's quick poll."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="votes")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    option = models.CharField(_("answer"), max_length=12)
    created_at = models.DateTimeField(_("answered at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("poll answer")
        verbose_name_plural = _("poll answers")
        constraints = [
            models.UniqueConstraint(fields=["alert", "household"], condition=Q(household__isnull=False),
                                    name="vote_household_once"),
            models.UniqueConstraint(fields=["alert", "user"], condition=Q(household__isnull=True),
                                    name="vote_user_once"),
        ]
        indexes = [models.Index(fields=["alert", "unit_path"], name="vote_alert_path")]

    def __str__(self) -> str:
        return f"{self.alert_id}:{self.option}"


class Reply(models.Model):
    """A resident's answer to an alert, or staff's answer to all recipients (public) or to one resident."""

    class Visibility(models.TextChoices):
        STAFF = "staff", _("Only the sending unit's staff")  # a resident's reply
        PUBLIC = "public", _("Everyone who received the alert")
        PRIVATE = "private", _("Only the resident answered")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="replies")
    # Kept when the account goes: the reply still belongs to its household and group.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Where the reply belongs: the resident's group, or for staff answers the alert's unit.
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    in_reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="answers")
    is_staff = models.BooleanField(default=False)
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.STAFF)
    body = models.TextField(_("text"), max_length=2000)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["alert", "unit_path"], name="reply_alert_path")]

    def __str__(self) -> str:
        return self.body[:60]


class Subscription(models.Model):
    """How one household member wants to be reached. In-app delivery to the household always happens."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscription")
    inapp = models.BooleanField(_("in the app (live and badge)"), default=True)
    webpush = models.BooleanField(_("browser notifications"), default=False)
    email = models.BooleanField(_("email"), default=False)
    sms = models.BooleanField(_("SMS"), default=False)
    min_severity = models.CharField(_("only alerts at least this severe"), max_length=10, choices=Severity.choices,
                                    default=Severity.MINOR)
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    # Categories of interest; empty means all. Extreme alerts always come through.
    topics = models.JSONField(_("topics"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("alert subscription")
        verbose_name_plural = _("alert subscriptions")

    def __str__(self) -> str:
        return str(self.user_id)

    def channels(self) -> list[str]:
        return [code for code in (Channel.WEBPUSH, Channel.EMAIL, Channel.SMS) if getattr(self, code)]


class PushSubscription(models.Model):
    """A browser's Web Push endpoint (with its keys), as the browser's PushManager gave it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.URLField(max_length=500, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.endpoint[:60]
