"""Grassroots mediation (Law 35/2013/QH13): teams, mediators, cases, parties, sessions.

Every row keeps its residential group's path (`unit_path`) so the scoping door can filter it.
A case's parties and content are personal: see `roles` and `selectors.cases` for who reads them.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhan.geo.models import AdministrativeUnit, Level

START_WITHIN_DAYS = 3  # mediation starts within 3 days of assignment (art. 20)


class MediationTeam(models.Model):
    """A mediation team (tổ hòa giải) of a residential group or village, set up by the commune chairman."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DISSOLVED = "dissolved", _("Dissolved")

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("residential group"), on_delete=models.PROTECT,
                             related_name="mediation_teams", limit_choices_to={"level": Level.GROUP})
    unit_path = models.CharField(max_length=255, editable=False)
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    name = models.CharField(_("name"), max_length=200)
    minority_area = models.BooleanField(_("area with many ethnic minority people"), default=False)
    established_on = models.DateField(_("established on"))
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("mediation team")
        verbose_name_plural = _("mediation teams")
        ordering = ["unit_path", "id"]
        indexes = [
            models.Index(fields=["unit_path"], name="med_team_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["unit_path", "id"], name="med_team_path_id"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=models.Q(status="active"),
                                    name="med_team_one_active_per_group"),
        ]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Mediator(models.Model):
    """A mediator (hòa giải viên) of a team; one of them leads it."""

    class Position(models.TextChoices):
        LEADER = "leader", _("Team leader")
        MEDIATOR = "mediator", _("Mediator")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        LEFT = "left", _("Left the team")

    team = models.ForeignKey(MediationTeam, on_delete=models.CASCADE, related_name="mediators")
    unit_path = models.CharField(max_length=255, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="mediator_roles")
    full_name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    is_minority = models.BooleanField(_("from an ethnic minority"), default=False)
    ethnicity = models.CharField(_("ethnicity"), max_length=60, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    position = models.CharField(_("position"), max_length=10, choices=Position.choices, default=Position.MEDIATOR)
    appointed_on = models.DateField(_("appointed on"))
    decision_number = models.CharField(_("appointment decision"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit_path"
    personal_fields = ("ethnicity", "date_of_birth", "phone", "address")

    class Meta:
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        ordering = ["team", "position", "full_name", "id"]
        indexes = [
            models.Index(fields=["unit_path"], name="med_mediator_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["team", "status"], name="med_mediator_team_status"),
        ]

    def __str__(self) -> str:
        return self.full_name


class Training(models.Model):
    """A training course a mediator attended."""

    mediator = models.ForeignKey(Mediator, on_delete=models.CASCADE, related_name="trainings")
    unit_path = models.CharField(max_length=255, editable=False)
    held_on = models.DateField(_("date"))
    course = models.CharField(_("course"), max_length=200)
    organiser = models.CharField(_("organised by"), max_length=200, blank=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-held_on", "id"]

    def __str__(self) -> str:
        return self.course


class DisputeType(models.TextChoices):
    NEIGHBOUR_LAND = "neighbour_land", _("Neighbours and land boundaries")
    FAMILY_MARRIAGE = "family_marriage", _("Family and marriage")
    PROPERTY_DEBT = "property_debt", _("Property and debts")
    NOISE_ENVIRONMENT = "noise_environment", _("Noise and environment")
    OTHER = "other", _("Other")


class Source(models.TextChoices):
    RESIDENT = "resident", _("A party's request")
    MEDIATOR = "mediator", _("A mediator witnessed or learned of it")
    LEADER = "leader", _("Assigned by the team leader")
    AGENCY = "agency", _("An agency's proposal")
    REPORT = "report", _("An incident report")


class Exclusion(models.TextChoices):
    """The law's exclusions (art. 3): such matters are referred, never mediated."""

    PUBLIC_INTEREST = "public_interest", _("It harms the interests of the State or the public")
    CRIMINAL = "criminal", _("It is a violation to be handled under criminal law")
    ADMINISTRATIVE = "administrative", _("It is a violation to be handled under administrative law")
    BARRED = "barred", _("A family or civil matter the law bars from mediation (e.g. a void marriage)")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Received, intake pending")
    REFERRED = "referred", _("Referred elsewhere")
    OPEN = "open", _("Open, awaiting assignment")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("Mediation under way")
    SUCCESSFUL = "successful", _("Successful")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")


PENDING_STATUSES = (CaseStatus.RECEIVED, CaseStatus.OPEN, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS)
CLOSED_STATUSES = (CaseStatus.SUCCESSFUL, CaseStatus.UNSUCCESSFUL)


class Guidance(models.TextChoices):
    COURT = "court", _("Bring the matter to the court")
    COMMUNE_COMMITTEE = "commune_committee", _("Ask the commune People's Committee")
    OTHER = "other", _("Another body")


class MediationCase(models.Model):
    """One matter brought to a team, from intake to outcome; one line of the team's case log book."""

    team = models.ForeignKey(MediationTeam, verbose_name=_("team"), on_delete=models.PROTECT, related_name="cases")
    unit_path = models.CharField(max_length=255, editable=False)
    source = models.CharField(_("how it came"), max_length=10, choices=Source.choices)
    report = models.ForeignKey("reports.Report", verbose_name=_("incident report"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="mediation_cases")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="mediation_requests")
    agency = models.CharField(_("proposing agency"), max_length=200, blank=True)
    preferred_mediator = models.ForeignKey(Mediator, verbose_name=_("mediator the parties chose"), null=True,
                                           blank=True, on_delete=models.SET_NULL, related_name="+")
    dispute_type = models.CharField(_("type of dispute"), max_length=20, choices=DisputeType.choices)
    description = models.TextField(_("what the dispute is about"), max_length=4000)
    documents = models.TextField(_("documents received"), max_length=2000, blank=True)
    received_on = models.DateField(_("date received"))
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    exclusions = models.JSONField(_("exclusions found"), default=list, blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    referral_reason = models.CharField(_("reason for referral"), max_length=500, blank=True)
    chosen_by_parties = models.BooleanField(_("mediators chosen by the parties"), default=False)
    assigned_on = models.DateField(_("assigned on"), null=True, blank=True)
    start_deadline = models.DateField(_("mediation must start by"), null=True, blank=True)
    started_on = models.DateField(_("mediation started on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    agreement = models.TextField(_("agreement and its terms"), max_length=4000, blank=True)
    follow_up_on = models.DateField(_("check the agreement is kept on"), null=True, blank=True)
    positions = models.TextField(_("each side's position"), max_length=4000, blank=True)
    guidance = models.CharField(_("where to go next"), max_length=20, choices=Guidance.choices, blank=True)
    minutes_requested = models.BooleanField(_("the parties asked for written minutes"), default=False)
    notes = models.CharField(_("notes"), max_length=1000, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit_path"
    personal_fields = ("description", "documents", "agreement", "positions", "notes")

    class Meta:
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["unit_path"], name="med_case_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["unit_path", "received_on"], name="med_case_path_received"),
            models.Index(fields=["team", "received_on"], name="med_case_team_received"),
            models.Index(fields=["status", "start_deadline"], name="med_case_status_deadline"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"HG-{self.received_on:%Y}-{self.pk:06d}" if self.pk and self.received_on else ""

    @property
    def exclusion_labels(self) -> list[str]:
        return [Exclusion(code).label for code in self.exclusions if code in Exclusion.values]

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def started_late(self) -> bool:
        """Mediation did not start within 3 days of assignment (or has not started and the day is past)."""
        if self.start_deadline is None:
            return False
        if self.started_on is not None:
            return self.started_on > self.start_deadline
        return self.status == CaseStatus.ASSIGNED and timezone.localdate() > self.start_deadline

    @staticmethod
    def deadline_for(assigned_on: date) -> date:
        return assigned_on + timedelta(days=START_WITHIN_DAYS)


class CaseDocument(models.Model):
    """A document (PDF) or photo handed in for a case; served only through a scoped, audited view."""

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="files")
    unit_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to="mediation/%Y/%m/")
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class Party(models.Model):
    """A party to a case (at least two): the law's log book keeps name, age and address."""

    class Role(models.TextChoices):
        REQUESTER = "requester", _("Asked for mediation")
        OTHER_SIDE = "other_side", _("Other side")
        RELATED = "related", _("Related person")

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="parties")
    unit_path = models.CharField(max_length=255, editable=False)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    full_name = models.CharField(_("full name"), max_length=150)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    contact = models.CharField(_("phone or contact"), max_length=100, blank=True)

    scope_path_field = "unit_path"
    personal_fields = ("full_name", "age", "address", "contact")

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.full_name


class Assignment(models.Model):
    """A mediator assigned to a case."""

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="assignments")
    mediator = models.ForeignKey(Mediator, on_delete=models.PROTECT, related_name="assignments")
    assigned_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "mediator"], name="med_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.mediator_id}"


class Interest(models.Model):
    """A mediator's declared interest in a case: they may not mediate it."""

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="interests")
    mediator = models.ForeignKey(Mediator, on_delete=models.PROTECT, related_name="interests")
    reason = models.CharField(_("reason"), max_length=500)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "mediator"], name="med_interest_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.mediator_id}"


class Session(models.Model):
    """A mediation session: who came, what each side asked, what was agreed."""

    case = models.ForeignKey(MediationCase, on_delete=models.CASCADE, related_name="sessions")
    unit_path = models.CharField(max_length=255, editable=False)
    held_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    mediators = models.ManyToManyField(Mediator, verbose_name=_("mediators present"), related_name="sessions")
    invitees = models.CharField(_("invitees present"), max_length=500, blank=True)
    requests = models.TextField(_("what each side asked"), max_length=4000, blank=True)
    agreed = models.TextField(_("what was agreed"), max_length=4000, blank=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["case", "held_at", "id"]
        indexes = [models.Index(fields=["unit_path", "held_at"], name="med_session_path_time")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.held_at:%Y-%m-%d}"
