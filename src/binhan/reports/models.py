"""Incident reports: categories (data, per province), reports, their media and their updates."""

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from binhan.geo.models import AdministrativeUnit


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}

# Default response-time targets in minutes; a category may set its own.
DEFAULT_TARGET_MINUTES = {Priority.URGENT: 30, Priority.HIGH: 4 * 60, Priority.NORMAL: 24 * 60, Priority.LOW: 72 * 60}


class TeamType(models.TextChoices):
    POLICE = "police", _("Commune police")
    SECURITY = "security", _("Grassroots security team")
    FIRE = "fire", _("Inter-family fire-safety team")
    MEDIATION = "mediation", _("Mediation team")


class QuestionType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


def question_label(item: dict) -> str:
    """A question's or choice's label in the current language (then Vietnamese, English, the code)."""
    labels = item.get("label") or {}
    return labels.get((get_language() or "vi")[:2]) or labels.get("vi") or labels.get("en") or item.get("code", "")


class Category(models.Model):
    """What a report is about. Data, not code: each province may keep its own list.

    `questions` is a list of {"code", "type", "required", "label": {lang: text},
    "choices": [{"code", "label": {lang: text}}]} asked on top of the description.
    """

    province = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="report_categories", help_text=_("Empty: used in every province."),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    names = models.JSONField(_("names per language"), default=dict, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    default_priority = models.CharField(_("default priority"), max_length=10, choices=Priority.choices,
                                        default=Priority.NORMAL)
    questions = models.JSONField(_("extra questions"), default=list, blank=True)
    team_type = models.CharField(_("usually handled by"), max_length=12, choices=TeamType.choices,
                                 default=TeamType.POLICE)
    may_be_public = models.BooleanField(
        _("may be shown publicly"), default=True,
        help_text=_("Crime tips, drugs, domestic violence and suspicious persons are never public."),
    )
    target_minutes = models.JSONField(_("response-time targets (minutes per priority)"), default=dict, blank=True)
    duplicate_radius_m = models.PositiveIntegerField(_("duplicate radius (m)"), default=200)
    duplicate_window_hours = models.PositiveIntegerField(_("duplicate window (hours)"), default=48)
    icon = models.CharField(_("icon"), max_length=8, blank=True)
    colour = models.CharField(_("colour"), max_length=7, default="#0b5c7a")
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("report category")
        verbose_name_plural = _("report categories")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="report_category_unique_code"),
            models.UniqueConstraint(fields=["code"], condition=models.Q(province__isnull=True),
                                    name="report_category_unique_global_code"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.names.get((get_language() or "vi")[:2]) or self.name

    def target_for(self, priority: str) -> int:
        return int(self.target_minutes.get(priority) or DEFAULT_TARGET_MINUTES[Priority(priority)])


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    REFERRED = "referred", _("Referred")
    DUPLICATE = "duplicate", _("Closed as duplicate")
    REJECTED = "rejected", _("Rejected")


OPEN_STATUSES = (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
CLOSED_STATUSES = (Status.RESOLVED, Status.REFERRED, Status.DUPLICATE, Status.REJECTED)


class Source(models.TextChoices):
    WEB = "web", _("Web page")
    OPEN311 = "open311", _("Open311")
    API = "api", _("API")
    STAFF = "staff", _("Entered by staff")


class Report(models.Model):
    """One incident told to the police. Its unit decides who sees it."""

    # Indexed by rep_category_time, which leads with it.
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="reports", db_index=False)
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("residential group"), on_delete=models.PROTECT,
                             related_name="reports")
    unit_path = models.CharField(max_length=255, editable=False)
    description = models.TextField(_("what happened"), max_length=4000)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True,
                            validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(_("longitude"), null=True, blank=True,
                            validators=[MinValueValidator(-180), MaxValueValidator(180)])
    address = models.CharField(_("address or place"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.WEB)
    created_at = models.DateTimeField(_("reported at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The three links that are empty for most reports are indexed where they are set (Meta.indexes).
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned officer"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="assigned_reports",
                                    db_index=False)
    assigned_team = models.CharField(_("assigned team"), max_length=12, choices=TeamType.choices, blank=True)
    duplicate_of = models.ForeignKey("self", verbose_name=_("duplicate of"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="duplicates", db_index=False)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    close_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # The reporter. Anonymous reports keep none of these; the follow-up code is kept only as a hash.
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reporter"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="reports", db_index=False)
    reporter_name = models.CharField(_("reporter's name"), max_length=150, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("reporter's email"), blank=True)
    followup_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    open311_client = models.ForeignKey("reports.Open311Client", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="reports")
    # What the resident was reading when they reported, as "kind:id" (e.g. "alert:12"); see reports.origins.
    origin = models.CharField(_("reported from"), max_length=40, blank=True, default="", db_default="", db_index=True)

    scope_path_field = "unit_path"
    personal_fields = ("reporter_name", "reporter_phone", "reporter_email")

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit_path"], name="rep_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["unit_path", "status", "created_at"], name="rep_path_status_time"),
            models.Index(fields=["category", "created_at"], name="rep_category_time"),
            models.Index(fields=["status", "due_at"], name="rep_status_due"),
            models.Index(fields=["updated_at"], name="rep_updated"),
            # Partial: each report written costs one index page less each (docs/performance.md, intake).
            models.Index(fields=["assigned_to"], name="rep_assigned", condition=Q(assigned_to__isnull=False)),
            models.Index(fields=["duplicate_of"], name="rep_duplicate_of", condition=Q(duplicate_of__isnull=False)),
            models.Index(fields=["reporter"], name="rep_reporter", condition=Q(reporter__isnull=False)),
            # The map's default view (open reports in a viewport) answers from this index alone.
            models.Index(fields=["status", "lat", "lon", "category", "unit_path", "priority", "created_at"],
                         name="rep_map_status"),
            # Any filter at street level, and the single reports the tally's clusters name (reports.maps).
            models.Index(fields=["lat", "lon", "category", "unit_path", "status", "priority", "created_at"],
                         name="rep_map_place"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        # The local year: a report made at 01:00 on 1 January in Vietnam belongs to the new year.
        return format_reference(self.pk, timezone.localtime(self.created_at).year) if self.pk and self.created_at else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_public(self) -> bool:
        return self.category.may_be_public

    @staticmethod
    def new_followup_code() -> tuple[str, str]:
        """A long random code for the reporter, and the hash we keep."""
        code = secrets.token_urlsafe(24)
        return code, followup_hash(code)


def followup_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def format_reference(pk: int, year: int) -> str:
    # The id is global and never reused, so the reference is unique without a counter to lock.
    return f"R-{year}-{pk:06d}"


def parse_reference(reference: str) -> int | None:
    parts = reference.strip().upper().split("-")
    if len(parts) == 3 and parts[0] == "R" and parts[1].isdigit() and parts[2].isdigit():
        return int(parts[2])
    return None


class Media(models.Model):
    """A photo (metadata stripped) or a short video attached by the reporter."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    file = models.FileField(upload_to="reports/%Y/%m/")
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class Update(models.Model):
    """Something that happened to a report: a public update, an internal note, a message."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status change")
        PUBLIC = "public", _("Update for the reporter")
        INTERNAL = "internal", _("Internal note")
        REPORTER = "reporter", _("Message from the reporter")
        SYSTEM = "system", _("System")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    text = models.TextField(max_length=4000, blank=True)
    status_from = models.CharField(max_length=16, choices=Status.choices, blank=True)
    status_to = models.CharField(max_length=16, choices=Status.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} {self.kind}"

    @property
    def is_public(self) -> bool:
        return self.kind in (self.Kind.STATUS, self.Kind.PUBLIC, self.Kind.REPORTER)


class Open311Client(models.Model):
    """An application allowed to post reports through Open311. Only the key's hash is kept."""

    name = models.CharField(_("name"), max_length=120)
    province = models.ForeignKey(AdministrativeUnit, verbose_name=_("province"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    rate_per_second = models.PositiveIntegerField(_("requests per second"), default=10)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ReportTally(models.Model):
    """The located reports of one commune and category in one grid cell of one level: how many of
    each status, and the sums of their coordinates. Database triggers on the reports' table keep
    it (reports.tally), whatever writes the reports, so the map at low zoom reads a few rows per
    cell in view instead of every report (docs/performance.md, "Map of reports").

    Each level is the map's grid at that zoom (8, 10, 12, 14: reports.tally.LEVELS), anchored at 0°
    like the map's own: a map cell at a zoom up to the level's is an exact block of the level's
    cells, so counts built from the tally equal counts built from the reports."""

    level = models.PositiveSmallIntegerField()
    unit_path = models.CharField(max_length=255)  # the commune's (the province's for a report placed there)
    category = models.ForeignKey(Category, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    cell_y = models.IntegerField()
    cell_x = models.IntegerField()
    total = models.IntegerField(default=0)
    lat_sum = models.FloatField(default=0)
    lon_sum = models.FloatField(default=0)
    n_new = models.IntegerField(default=0)
    n_acknowledged = models.IntegerField(default=0)
    n_in_progress = models.IntegerField(default=0)
    n_resolved = models.IntegerField(default=0)
    n_referred = models.IntegerField(default=0)
    n_rejected = models.IntegerField(default=0)
    n_duplicate = models.IntegerField(default=0)

    scope_path_field = "unit_path"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "unit_path", "category", "cell_y", "cell_x"],
                                               name="rep_tally_key")]
        indexes = [models.Index(fields=["unit_path"], name="rep_tally_path_like", opclasses=["varchar_pattern_ops"]),
                   models.Index(fields=["level", "cell_y", "cell_x"], name="rep_tally_cell")]

    def __str__(self) -> str:
        return f"{self.level} · {self.unit_path} · {self.category_id} · ({self.cell_y}, {self.cell_x}): {self.total}"
