"""Statistics: additive facts per unit path and day, the ledger of what each object contributed,
the outbox cursor, and manual aggregate figures entered per unit and month."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from binhan.geo.models import AdministrativeUnit


class Fact(models.Model):
    """The sum of all contributions to one indicator, at one unit (any level), on one local day or in one month
    (grain "m", day = the first of the month), for one key."""

    DAY, MONTH = "d", "m"

    indicator = models.CharField(max_length=60)
    unit_path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    grain = models.CharField(max_length=1, default=DAY)
    day = models.DateField()
    key = models.CharField(max_length=60, blank=True, default="")
    value = models.BigIntegerField(default=0)

    scope_path_field = "unit_path"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["indicator", "unit_path", "grain", "day", "key"],
                                               name="stats_fact_key")]
        indexes = [
            # A unit's own figures: (indicator, unit_path, grain, day) is the unique key's prefix.
            # Child units: the rows one level down under a path.
            models.Index(fields=["indicator", "grain", "depth", "unit_path", "day"], name="stats_fact_children"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.unit_path} {self.day} {self.key}={self.value}"


class Contribution(models.Model):
    """The ledger: what one object (a report, an alert, …) last added to the facts, as
    [[indicator, leaf unit path, ISO day, key, value], …]."""

    source = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    rows = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "object_id"], name="stats_contribution_key")]

    def __str__(self) -> str:
        return f"{self.source}:{self.object_id}"


class Cursor(models.Model):
    """How far the follower has read the outbox (one row), and the ids it skipped and still waits for."""

    name = models.CharField(max_length=20, unique=True, default="outbox")
    last_id = models.BigIntegerField(default=0)
    gaps = models.JSONField(default=dict)  # {id: unix time after which it counts as rolled back}
    # Which main database these statistics were made from (engine.origin_of_main_database): on SQLite
    # they are a file of their own, which a deleted or restored main database would leave behind.
    origin = models.CharField(max_length=64, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}@{self.last_id}"


class ManualEntry(models.Model):
    """A monthly aggregate figure kept elsewhere (arrests, drug-related administrative records, …),
    entered by a unit and approved by the level above. Never person-level."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for correction")

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    indicator = models.CharField(_("indicator"), max_length=60)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    value = models.PositiveIntegerField(_("value"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    review_note = models.CharField(_("reviewer's note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("manual figure")
        verbose_name_plural = _("manual figures")
        ordering = ["-month", "unit_path", "indicator"]
        constraints = [models.UniqueConstraint(fields=["unit", "indicator", "month"], name="stats_manual_once")]
        indexes = [models.Index(fields=["unit_path"], name="stats_manual_path", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.indicator} {self.unit_path} {self.month:%Y-%m}"


# --- "safe in terms of security and order" assessments, the movement's scoring, key areas -----------------


class Subject(models.TextChoices):
    RESIDENTIAL_AREA = "area", _("Residential area")
    COMMUNE = "commune", _("Commune")
    AGENCY = "agency", _("Agency")
    ENTERPRISE = "enterprise", _("Enterprise")
    SCHOOL = "school", _("School")


class Criterion(models.Model):
    """One line of the configurable checklist of the safe standard, for one kind of subject."""

    subject = models.CharField(_("for"), max_length=10, choices=Subject.choices)
    code = models.SlugField(_("code"), max_length=40)
    text = models.CharField(_("criterion"), max_length=300)
    texts = models.JSONField(_("text per language"), default=dict, blank=True)
    # Pre-filled from the statistics: "not_above_last_year:<indicator>" (e.g. crime held down).
    prefill = models.CharField(_("pre-filled from"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["subject", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["subject", "code"], name="stats_criterion_code")]

    def __str__(self) -> str:
        return self.display_text

    @property
    def display_text(self) -> str:
        from django.utils.translation import get_language

        return self.texts.get((get_language() or "vi")[:2]) or self.text


class Assessment(models.Model):
    """A unit's (or an agency's, enterprise's or school's) assessment for one assessment year (1 Nov – 31 Oct)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Self-assessment in progress")
        SUBMITTED = "submitted", _("Waiting for recognition")
        RECOGNISED = "recognised", _("Recognised as safe")
        NOT_RECOGNISED = "refused", _("Not recognised")

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    subject = models.CharField(_("subject"), max_length=10, choices=Subject.choices)
    subject_name = models.CharField(_("name of the agency, enterprise or school"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("assessment year (ending 31 October)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("safety assessment")
        verbose_name_plural = _("safety assessments")
        ordering = ["-year", "unit_path", "subject_name", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "subject", "subject_name", "year"],
                                               name="stats_assessment_once")]
        indexes = [models.Index(fields=["unit_path"], name="stats_assess_path", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.unit_path} {self.subject} {self.year}"


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField(_("met"), null=True)
    evidence = models.CharField(_("evidence"), max_length=1000, blank=True)
    prefilled = models.BooleanField(default=False)

    class Meta:
        ordering = ["criterion__order", "id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="stats_answer_once")]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.criterion_id}"


class ScoreItem(models.Model):
    """One item of the movement's 100-point scoring sheet (configurable)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    text = models.CharField(_("item"), max_length=300)
    texts = models.JSONField(_("text per language"), default=dict, blank=True)
    points = models.PositiveSmallIntegerField(_("points"))
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.code

    @property
    def display_text(self) -> str:
        from django.utils.translation import get_language

        return self.texts.get((get_language() or "vi")[:2]) or self.text


class Classification(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    AVERAGE = "average", _("Average")
    WEAK = "weak", _("Weak")


class MovementScore(models.Model):
    """A unit's scoring for the movement in one year: its own scores, then the level above's."""

    class Status(models.TextChoices):
        SELF = "self", _("Self-scored")
        REVIEWED = "reviewed", _("Reviewed")

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    self_scores = models.JSONField(default=dict)
    reviewed_scores = models.JSONField(default=dict, blank=True)
    total = models.PositiveSmallIntegerField(_("total"), default=0)
    classification = models.CharField(_("classification"), max_length=10, choices=Classification.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SELF)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit_path"

    class Meta:
        ordering = ["-year", "unit_path"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="stats_movement_once")]
        indexes = [models.Index(fields=["unit_path"], name="stats_movement_path", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.unit_path} {self.year} {self.total}"


class CutOffs(models.Model):
    """Classification cut-offs (points), per province or everywhere (province empty)."""

    province = models.OneToOneField(AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    excellent = models.PositiveSmallIntegerField(default=90)
    good = models.PositiveSmallIntegerField(default=75)
    average = models.PositiveSmallIntegerField(default=50)

    def __str__(self) -> str:
        return f"{self.excellent}/{self.good}/{self.average}"


class Topic(models.TextChoices):
    SECURITY = "security", _("Security and order")
    DRUGS = "drugs", _("Drug-related social evils")
    CRIME = "crime", _("Crime")
    TRAFFIC = "traffic", _("Traffic order")


class KeyArea(models.Model):
    """A unit designated as a key and complex area for a topic, until it is transformed out of the list."""

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    topic = models.CharField(_("topic"), max_length=10, choices=Topic.choices)
    reason = models.CharField(_("reason"), max_length=1000)
    designated_on = models.DateField(_("designated on"))
    measures = models.TextField(_("measures"), max_length=4000, blank=True)
    removed_on = models.DateField(_("transformed out on"), null=True, blank=True)
    removal_reason = models.CharField(_("why it left the list"), max_length=1000, blank=True)
    designated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("key area")
        verbose_name_plural = _("key areas")
        ordering = ["removed_on", "unit_path", "topic"]
        indexes = [models.Index(fields=["unit_path"], name="stats_keyarea_path", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.unit_path} {self.topic}"
