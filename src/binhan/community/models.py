"""Community forces: self-management models (Guidance 22), grassroots security teams (Law 30/2023),
their duty rosters and patrol logs, yearly ratings, and commendations.

Every scoped row keeps a copy of its unit's path (`unit_path`) so that the scoping door can
filter it with one indexed prefix query, as `geo.Household` does.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from binhan.geo.models import AdministrativeUnit, Household


def _path_indexes(prefix: str) -> list[models.Index]:
    return [
        models.Index(fields=["unit_path"], name=f"{prefix}_path_like", opclasses=["varchar_pattern_ops"]),
        models.Index(fields=["unit_path", "id"], name=f"{prefix}_path_id"),
    ]


# --- configuration ---------------------------------------------------------------------------


class ModelType(models.Model):
    """A kind of self-management model. Data, not code: a province may add its own."""

    province = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("Empty: used in every province."),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    names = models.JSONField(_("names per language"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("model type")
        verbose_name_plural = _("model types")
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["province", "code"], name="community_type_unique_code"),
                       models.UniqueConstraint(fields=["code"], condition=models.Q(province__isnull=True),
                                               name="community_type_unique_global")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.names.get((get_language() or "vi")[:2]) or self.name


class ProvinceRule(models.Model):
    """What a province decides for its security teams (Law 30/2023 leaves these to each province).

    Size: `size_bands` is a list of [population up to, members]; above the last band either
    one more member per `extra_per` people (Ho Chi Minh City) or `size_above` members (Đắk Lắk).
    The row without a province is the default for every province without its own.
    """

    province = models.OneToOneField(AdministrativeUnit, verbose_name=_("province"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    size_bands = models.JSONField(_("team size by population"), default=list)
    size_above = models.PositiveSmallIntegerField(_("members above the last band"), default=4)
    extra_per = models.PositiveIntegerField(_("one more member per this many people above the last band"),
                                            null=True, blank=True)
    allowance_leader = models.PositiveIntegerField(_("monthly allowance of a leader (VND)"), default=1_800_000)
    allowance_deputy = models.PositiveIntegerField(_("monthly allowance of a deputy (VND)"), default=1_500_000)
    allowance_member = models.PositiveIntegerField(_("monthly allowance of a member (VND)"), default=1_200_000)
    excellent_cap_percent = models.PositiveSmallIntegerField(
        _("at most this share of teams rated excellent (%)"), default=20, validators=[MaxValueValidator(100)])
    excellent_min_percent = models.PositiveSmallIntegerField(
        _("excellent needs more than this share of tasks done (%)"), default=95, validators=[MaxValueValidator(100)])
    min_months_rated = models.PositiveSmallIntegerField(_("months of work before a team is rated"), default=9)

    class Meta:
        verbose_name = _("province rule for security teams")
        verbose_name_plural = _("province rules for security teams")

    def __str__(self) -> str:
        return str(self.province) if self.province_id else str(_("Default rule"))


# --- self-management models ------------------------------------------------------------------


class ModelStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    RUNNING = "running", _("Running")
    ENDED = "ended", _("Ended")


class Effectiveness(models.TextChoices):
    EFFECTIVE = "effective", _("Effective")
    NOT_EFFECTIVE = "not_effective", _("Not effective")


class RecognitionLevel(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    PROVINCE = "province", _("Province")
    NATIONAL = "national", _("National")


RECOGNITION_RANK = {"": 0, RecognitionLevel.COMMUNE: 1, RecognitionLevel.PROVINCE: 2, RecognitionLevel.NATIONAL: 3}


class SelfManagementModel(models.Model):
    """A self-management model (mô hình tự phòng, tự quản, tự bảo vệ) run by people of a unit.

    The last rating and the highest recognition are kept on the row so that the register's
    questions (which are recognised, which are no longer effective) are one indexed query.
    """

    type = models.ForeignKey(ModelType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="models")
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("owning unit"), on_delete=models.PROTECT,
                             related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    started_on = models.DateField(_("start date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ModelStatus.choices, default=ModelStatus.PROPOSED)
    last_rating = models.CharField(_("last rating"), max_length=14, choices=Effectiveness.choices, blank=True)
    last_rated_year = models.PositiveSmallIntegerField(_("year of the last rating"), null=True, blank=True)
    recognition_level = models.CharField(_("highest recognition"), max_length=10, choices=RecognitionLevel.choices,
                                         blank=True)
    replicated_from = models.ForeignKey("self", verbose_name=_("replicated from"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="replicas")
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("self-management model")
        verbose_name_plural = _("self-management models")
        ordering = ["unit_path", "name", "id"]
        indexes = [*_path_indexes("cm_model"),
                   models.Index(fields=["status", "last_rating"], name="cm_model_status_rating")]

    def __str__(self) -> str:
        return self.name


class ModelSite(models.Model):
    """A unit where a model runs (its own unit, or a residential group that replicated it)."""

    model = models.ForeignKey(SelfManagementModel, on_delete=models.CASCADE, related_name="sites")
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    since = models.DateField(_("since"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("model site")
        verbose_name_plural = _("model sites")
        ordering = ["unit_path", "id"]
        constraints = [models.UniqueConstraint(fields=["model", "unit"], name="community_site_unique")]
        indexes = _path_indexes("cm_site")

    def __str__(self) -> str:
        return f"{self.model} · {self.unit}"


class ModelTeam(models.Model):
    """A team that runs the model: a grassroots security team, or another named group of people."""

    model = models.ForeignKey(SelfManagementModel, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    security_team = models.ForeignKey("SecurityTeam", verbose_name=_("security team"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="model_links")
    member_count = models.PositiveSmallIntegerField(_("number of members"), default=0)

    class Meta:
        verbose_name = _("team running a model")
        verbose_name_plural = _("teams running models")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ModelMember(models.Model):
    """A person taking part in a model. Phone is personal data."""

    model = models.ForeignKey(SelfManagementModel, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role in the model"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")

    personal_fields = ("phone",)

    class Meta:
        verbose_name = _("model member")
        verbose_name_plural = _("model members")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.full_name


class FundingSource(models.TextChoices):
    STATE = "state", _("State budget")
    HOUSEHOLDS = "households", _("Households")
    DONORS = "donors", _("Donors and sponsors")
    ENTERPRISES = "enterprises", _("Enterprises")
    OTHER = "other", _("Other")


class ModelFunding(models.Model):
    model = models.ForeignKey(SelfManagementModel, on_delete=models.CASCADE, related_name="funding")
    source = models.CharField(_("source"), max_length=12, choices=FundingSource.choices)
    amount = models.PositiveBigIntegerField(_("amount (VND)"), validators=[MinValueValidator(1)])
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.year}: {self.amount}"


class ModelRating(models.Model):
    """The yearly rating of a model, with the evidence it rests on."""

    model = models.ForeignKey(SelfManagementModel, on_delete=models.CASCADE, related_name="ratings")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    result = models.CharField(_("result"), max_length=14, choices=Effectiveness.choices)
    evidence = models.TextField(_("evidence"), max_length=4000)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("model rating")
        verbose_name_plural = _("model ratings")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["model", "year"], name="community_rating_one_per_year")]

    def __str__(self) -> str:
        return f"{self.model} {self.year}: {self.get_result_display()}"


class ModelRecognition(models.Model):
    """A decision recognising the model at commune, province or national level."""

    model = models.ForeignKey(SelfManagementModel, on_delete=models.CASCADE, related_name="recognitions")
    level = models.CharField(_("level"), max_length=10, choices=RecognitionLevel.choices)
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("model recognition")
        verbose_name_plural = _("model recognitions")
        ordering = ["-decision_date", "-id"]

    def __str__(self) -> str:
        return f"{self.decision_number} ({self.get_level_display()})"


class ModelDocument(models.Model):
    """A document (PDF) or photo about a model, served only through a scoped, audited view."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        PHOTO = "photo", _("Photo")

    model = models.ForeignKey(SelfManagementModel, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to="community/%Y/%m/")
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("model document")
        verbose_name_plural = _("model documents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


# --- grassroots security teams ---------------------------------------------------------------


class SecurityTeam(models.Model):
    """A grassroots security team (tổ bảo vệ an ninh, trật tự ở cơ sở) of one or more residential groups.

    Scoped by its main group, so that the group's own staff see it; `areas` lists every group it covers.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DISSOLVED = "dissolved", _("Dissolved")

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("residential group"), on_delete=models.PROTECT,
                             related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    commune = models.ForeignKey(AdministrativeUnit, verbose_name=_("commune"), on_delete=models.PROTECT,
                                related_name="+")
    name = models.CharField(_("name"), max_length=200)
    established_on = models.DateField(_("established on"))
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("grassroots security team")
        verbose_name_plural = _("grassroots security teams")
        ordering = ["unit_path", "id"]
        indexes = _path_indexes("cm_team")

    def __str__(self) -> str:
        return self.name


class TeamArea(models.Model):
    """A residential group a team covers (its main group included)."""

    team = models.ForeignKey(SecurityTeam, on_delete=models.CASCADE, related_name="areas")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="security_team_areas")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit"], name="community_one_team_per_group")]

    def __str__(self) -> str:
        return f"{self.team} · {self.unit}"


class Position(models.TextChoices):
    LEADER = "leader", _("Leader")
    DEPUTY = "deputy", _("Deputy leader")
    MEMBER = "member", _("Member")


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary school")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")
    VOCATIONAL = "vocational", _("Vocational training")
    HIGHER = "higher", _("College or university")


EDUCATION_RANK = {Education.PRIMARY: 1, Education.LOWER_SECONDARY: 2, Education.UPPER_SECONDARY: 3,
                  Education.VOCATIONAL: 3, Education.HIGHER: 4}


class TeamMember(models.Model):
    """A member of a security team. Names are public (the commune publishes the decision);
    date of birth, phone and address are personal data, shown only with a recorded reason."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        LEFT = "left", _("Left")

    team = models.ForeignKey(SecurityTeam, verbose_name=_("team"), on_delete=models.PROTECT, related_name="members")
    unit_path = models.CharField(max_length=255, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="security_memberships")
    household = models.ForeignKey(Household, verbose_name=_("household"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    full_name = models.CharField(_("full name"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"))
    education = models.CharField(_("education level"), max_length=16, choices=Education.choices)
    remote_area = models.BooleanField(_("remote area (primary education is enough)"), default=False)
    resident_since = models.DateField(_("living here since"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    position = models.CharField(_("position"), max_length=8, choices=Position.choices, default=Position.MEMBER)
    chairman_consent = models.CharField(_("chairman's consent (over 70)"), max_length=200, blank=True,
                                        help_text=_("The number and date of the commune chairman's consent."))
    joined_on = models.DateField(_("joined on"))
    decision_number = models.CharField(_("appointment decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("appointment decision date"), null=True, blank=True)
    decided_by = models.CharField(_("appointed by"), max_length=150, blank=True)
    allowance = models.PositiveIntegerField(_("monthly allowance (VND)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit_path"
    personal_fields = ("date_of_birth", "phone", "address")

    class Meta:
        verbose_name = _("security team member")
        verbose_name_plural = _("security team members")
        ordering = ["team_id", "position", "full_name", "id"]
        indexes = [*_path_indexes("cm_member"), models.Index(fields=["team", "status"], name="cm_member_team")]

    def __str__(self) -> str:
        return self.full_name


class DutyKind(models.TextChoices):
    PATROL = "patrol", _("Patrol")
    DUTY = "duty", _("Duty at the post")


class DutyShift(models.Model):
    """A shift on the team's roster: who, when, where."""

    team = models.ForeignKey(SecurityTeam, on_delete=models.CASCADE, related_name="shifts")
    unit_path = models.CharField(max_length=255, editable=False)
    member = models.ForeignKey(TeamMember, verbose_name=_("member"), on_delete=models.PROTECT, related_name="shifts")
    kind = models.CharField(_("kind"), max_length=8, choices=DutyKind.choices, default=DutyKind.PATROL)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    swapped_from = models.ForeignKey(TeamMember, verbose_name=_("swapped from"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    swap_reason = models.CharField(_("reason for the swap"), max_length=300, blank=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["starts_at", "id"]
        indexes = [*_path_indexes("cm_shift"), models.Index(fields=["team", "starts_at"], name="cm_shift_team_time"),
                   models.Index(fields=["member", "starts_at"], name="cm_shift_member_time")]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="community_shift_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.member} {self.starts_at:%Y-%m-%d %H:%M}"


class PatrolLog(models.Model):
    """A patrol or duty actually done: started and ended on the phone, with an optional route and notes."""

    team = models.ForeignKey(SecurityTeam, on_delete=models.CASCADE, related_name="patrols")
    unit_path = models.CharField(max_length=255, editable=False)
    member = models.ForeignKey(TeamMember, verbose_name=_("member"), on_delete=models.PROTECT, related_name="patrols")
    shift = models.ForeignKey(DutyShift, null=True, blank=True, on_delete=models.SET_NULL, related_name="patrols")
    kind = models.CharField(_("kind"), max_length=8, choices=DutyKind.choices, default=DutyKind.PATROL)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # [[lat, lon], ...] as the phone reported them; optional.
    route = models.JSONField(_("route"), default=list, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    report = models.ForeignKey("reports.Report", verbose_name=_("incident report"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("patrol or duty log")
        verbose_name_plural = _("patrol and duty logs")
        ordering = ["-started_at", "-id"]
        indexes = [
            *_path_indexes("cm_patrol"), models.Index(fields=["team", "started_at"], name="cm_patrol_team_time"),
            # The log's order, newest first: a wide scope reads the index backwards instead of sorting.
            models.Index(fields=["-started_at", "-id"], name="cm_patrol_time"),
            # Patrols going on now are a handful among hundreds of thousands.
            models.Index(fields=["unit_path"], condition=models.Q(ended_at__isnull=True), name="cm_patrol_open"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class TeamGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    COMPLETED = "completed", _("Completed")
    NOT_COMPLETED = "not_completed", _("Not completed")


class TeamRating(models.Model):
    """The yearly rating of a team for the period 15 November (year - 1) to 14 November (year)."""

    team = models.ForeignKey(SecurityTeam, on_delete=models.CASCADE, related_name="ratings")
    unit_path = models.CharField(max_length=255, editable=False)
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year the period ends"),
                                            validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    grade = models.CharField(_("grade"), max_length=14, choices=TeamGrade.choices)
    tasks_assigned = models.PositiveIntegerField(_("tasks assigned"))
    tasks_done = models.PositiveIntegerField(_("tasks done"))
    patrols = models.PositiveIntegerField(_("patrols"))
    reports_handled = models.PositiveIntegerField(_("reports handled"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("team rating")
        verbose_name_plural = _("team ratings")
        ordering = ["-year", "unit_path"]
        constraints = [models.UniqueConstraint(fields=["team", "year"], name="community_team_rating_once")]
        indexes = [*_path_indexes("cm_trating"), models.Index(fields=["commune", "year", "grade"],
                                                              name="cm_trating_cap")]

    def __str__(self) -> str:
        return f"{self.team} {self.year}: {self.get_grade_display()}"


class MemberRating(models.Model):
    """The yearly rating of one member, for the same period as the teams'."""

    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="ratings")
    unit_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year the period ends"),
                                            validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    grade = models.CharField(_("grade"), max_length=14, choices=TeamGrade.choices)
    tasks_assigned = models.PositiveIntegerField(_("tasks assigned"))
    tasks_done = models.PositiveIntegerField(_("tasks done"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("member rating")
        verbose_name_plural = _("member ratings")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="community_member_rating_once")]
        indexes = _path_indexes("cm_mrating")

    def __str__(self) -> str:
        return f"{self.member} {self.year}: {self.get_grade_display()}"


# --- commendations ---------------------------------------------------------------------------


class CommendationLevel(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    PROVINCE = "province", _("Province")
    MINISTRY = "ministry", _("Ministry")


class Commendation(models.Model):
    """A commendation (khen thưởng) of a collective or an individual for a deed."""

    class Subject(models.TextChoices):
        UNIT = "unit", _("Unit")
        TEAM = "team", _("Security team")
        MODEL = "model", _("Self-management model")
        HOUSEHOLD = "household", _("Household")
        MEMBER = "member", _("Team member")
        PERSON = "person", _("Other person")

    subject = models.CharField(_("who is commended"), max_length=10, choices=Subject.choices)
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    team = models.ForeignKey(SecurityTeam, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="commendations")
    model = models.ForeignKey(SelfManagementModel, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="commendations")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(TeamMember, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="commendations")
    person_name = models.CharField(_("name of the person"), max_length=150, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=CommendationLevel.choices)
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    deed = models.CharField(_("deed"), max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-decision_date", "-id"]
        indexes = [*_path_indexes("cm_commend"), models.Index(fields=["level", "decision_date"],
                                                              name="cm_commend_level_date")]

    def __str__(self) -> str:
        return f"{self.decision_number}: {self.subject_label}"

    @property
    def subject_label(self) -> str:
        target = {self.Subject.TEAM: self.team, self.Subject.MODEL: self.model, self.Subject.HOUSEHOLD: self.household,
                  self.Subject.MEMBER: self.member, self.Subject.UNIT: self.unit}.get(self.subject)
        return str(target) if target is not None else self.person_name
