"""Fire safety: inter-family fire-safety teams (tổ liên gia an toàn PCCC), equipment and its due dates,
inspections with their findings, public firefighting points, drills and competitions, reminders.

Every scoped row keeps a copy of its unit's path (`unit_path`) so that the scoping door filters it
with one indexed prefix query, as `geo.Household` does. Equipment types and their intervals are
data (a province may add its own); the due date of each item is computed by the service from its
type's rule and stored, so that "what is overdue" is one indexed query.
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


class Requirement(models.TextChoices):
    """What each household of a team must keep (one in-date item of each)."""

    EXTINGUISHER = "extinguisher", _("Extinguisher")
    DEMOLITION = "demolition", _("Demolition tool")
    ALARM = "alarm", _("Alarm or detector")


REQUIRED = (Requirement.EXTINGUISHER, Requirement.DEMOLITION, Requirement.ALARM)


class EquipmentType(models.Model):
    """A kind of equipment and its rule: inspect or refill every `interval_months`."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    names = models.JSONField(_("names per language"), default=dict, blank=True)
    requirement = models.CharField(_("counts as"), max_length=14, choices=Requirement.choices, blank=True)
    interval_months = models.PositiveSmallIntegerField(
        _("inspection or refill every (months)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(120)])
    has_capacity = models.BooleanField(_("has a capacity (kg)"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("equipment type")
        verbose_name_plural = _("equipment types")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.names.get((get_language() or "vi")[:2]) or self.name


class FireTeam(models.Model):
    """An inter-family fire-safety team: 5–15 adjacent households of one residential group."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DISSOLVED = "dissolved", _("Dissolved")

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("residential group"), on_delete=models.PROTECT,
                             related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    name = models.CharField(_("name"), max_length=200)
    leader_name = models.CharField(_("leader"), max_length=150, blank=True)
    deputy_name = models.CharField(_("deputy"), max_length=150, blank=True)
    leader_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("leader's account"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    alarm = models.CharField(_("shared alarm"), max_length=300, blank=True,
                             help_text=_("Linked bells and push-buttons: where they are and which houses they join."))
    established_on = models.DateField(_("established on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("fire-safety team")
        verbose_name_plural = _("fire-safety teams")
        ordering = ["unit_path", "name", "id"]
        indexes = _path_indexes("fs_team")

    def __str__(self) -> str:
        return self.name


class TeamHousehold(models.Model):
    """A household's time in a team; `left_on` empty while it belongs. One team at a time."""

    team = models.ForeignKey(FireTeam, on_delete=models.CASCADE, related_name="memberships")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # Where the house stands, for the team's map and the distance from a fire. Kept here and not on
    # geo.Household (a million rows at a province's scale; only team households need a place).
    lat = models.FloatField(_("latitude"), null=True, blank=True,
                            validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(_("longitude"), null=True, blank=True,
                            validators=[MinValueValidator(-180), MaxValueValidator(180)])

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("team household")
        verbose_name_plural = _("team households")
        ordering = ["team", "household__address", "id"]
        constraints = [models.UniqueConstraint(fields=["household"], condition=models.Q(left_on__isnull=True),
                                               name="fs_one_active_team")]
        indexes = [*_path_indexes("fs_member"), models.Index(fields=["team", "left_on"], name="fs_member_team")]

    def __str__(self) -> str:
        return f"{self.team_id} · {self.household_id}"


class FirePoint(models.Model):
    """A public firefighting point serving an alley fire engines cannot enter (50 m or more)."""

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("residential group"), on_delete=models.PROTECT,
                             related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    name = models.CharField(_("name"), max_length=120)
    alley = models.CharField(_("alley served"), max_length=200, blank=True)
    alley_length_m = models.PositiveIntegerField(_("alley length (m)"), null=True, blank=True,
                                                 validators=[MaxValueValidator(100_000)])
    lat = models.FloatField(_("latitude"), null=True, blank=True,
                            validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(_("longitude"), null=True, blank=True,
                            validators=[MinValueValidator(-180), MaxValueValidator(180)])
    has_sign = models.BooleanField(_("signposted"), default=False)
    has_shelter = models.BooleanField(_("sheltered"), default=False)
    team = models.ForeignKey(FireTeam, verbose_name=_("responsible team"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="points")
    responsible = models.CharField(_("responsible person"), max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("public firefighting point")
        verbose_name_plural = _("public firefighting points")
        ordering = ["unit_path", "name", "id"]
        indexes = _path_indexes("fs_point")

    def __str__(self) -> str:
        return self.name


class Condition(models.TextChoices):
    GOOD = "good", _("Good")
    NEEDS_REPAIR = "needs_repair", _("Needs repair")
    BROKEN = "broken", _("Broken")


class Equipment(models.Model):
    """Equipment kept by a household, a team or a public point (exactly one of them)."""

    type = models.ForeignKey(EquipmentType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(FireTeam, null=True, blank=True, on_delete=models.CASCADE, related_name="equipment")
    point = models.ForeignKey(FirePoint, null=True, blank=True, on_delete=models.CASCADE, related_name="equipment")
    unit_path = models.CharField(max_length=255, editable=False)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1,
                                                validators=[MinValueValidator(1), MaxValueValidator(500)])
    capacity_kg = models.DecimalField(_("capacity (kg)"), max_digits=5, decimal_places=1, null=True, blank=True,
                                      validators=[MinValueValidator(0), MaxValueValidator(500)])
    bought_on = models.DateField(_("bought on"), null=True, blank=True)
    last_checked_on = models.DateField(_("last inspection or refill"), null=True, blank=True)
    next_due_on = models.DateField(_("next due"), null=True, blank=True)
    condition = models.CharField(_("condition"), max_length=14, choices=Condition.choices, default=Condition.GOOD)
    source = models.CharField(_("source"), max_length=40, blank=True)
    serial = models.CharField(_("serial or code"), max_length=60, blank=True)
    retired_on = models.DateField(_("removed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ["unit_path", "id"]
        constraints = [models.CheckConstraint(
            condition=(models.Q(household__isnull=False, team__isnull=True, point__isnull=True)
                       | models.Q(household__isnull=True, team__isnull=False, point__isnull=True)
                       | models.Q(household__isnull=True, team__isnull=True, point__isnull=False)),
            name="fs_equipment_one_owner")]
        # The owner's index ends with the due date: "has it an in-date item?" (readiness, the map,
        # a point's state) then takes it rather than fs_equip_due, which SQLite otherwise prefers
        # and walks every in-date item of the province for each household (bench/firesafety.py).
        indexes = [*_path_indexes("fs_equip"),
                   models.Index(fields=["retired_on", "next_due_on"], name="fs_equip_due"),
                   models.Index(fields=["household", "retired_on", "next_due_on"], name="fs_equip_household_due"),
                   models.Index(fields=["point", "retired_on", "next_due_on"], name="fs_equip_point_due")]

    def __str__(self) -> str:
        return f"{self.type} × {self.quantity}"


class Inspection(models.Model):
    """A check of a household or a public point against the checklist."""

    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    point = models.ForeignKey(FirePoint, null=True, blank=True, on_delete=models.CASCADE, related_name="inspections")
    team = models.ForeignKey(FireTeam, null=True, blank=True, on_delete=models.SET_NULL, related_name="inspections")
    unit_path = models.CharField(max_length=255, editable=False)
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    items = models.JSONField(_("checklist"), default=dict)
    passed = models.BooleanField(_("passed"), default=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    photo = models.ImageField(_("photo"), upload_to="firesafety/%Y/%m/", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-id"]
        indexes = _path_indexes("fs_insp")

    def __str__(self) -> str:
        return f"{self.inspected_on} #{self.pk}"


class Finding(models.Model):
    """A failed checklist item: a task for the household or the team leader, closed when fixed."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Fixed")

    class Assignee(models.TextChoices):
        HOUSEHOLD = "household", _("Household")
        LEADER = "leader", _("Team leader")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    team = models.ForeignKey(FireTeam, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings")
    unit_path = models.CharField(max_length=255, editable=False)
    item = models.CharField(_("checklist item"), max_length=40)
    note = models.CharField(_("what is wrong"), max_length=500, blank=True)
    assignee = models.CharField(_("to be fixed by"), max_length=10, choices=Assignee.choices,
                                default=Assignee.HOUSEHOLD)
    follow_up_on = models.DateField(_("follow-up date"))
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("fixed on"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["follow_up_on", "id"]
        indexes = [*_path_indexes("fs_find"), models.Index(fields=["team", "status"], name="fs_find_team")]

    def __str__(self) -> str:
        return self.item

    @property
    def label(self) -> str:
        from binhan.firesafety.rules import CHECKLIST

        return str(CHECKLIST.get(self.item, self.item))


class Drill(models.Model):
    """A drill or a training held by one or more teams of a unit."""

    class Kind(models.TextChoices):
        DRILL = "drill", _("Drill")
        TRAINING = "training", _("Training")

    class Result(models.TextChoices):
        GOOD = "good", _("Good")
        FAIR = "fair", _("Fair")
        POOR = "poor", _("Needs improvement")

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DRILL)
    held_on = models.DateField(_("held on"))
    teams = models.ManyToManyField(FireTeam, verbose_name=_("teams"), related_name="drills")
    participants = models.PositiveIntegerField(_("participants"), default=0, validators=[MaxValueValidator(100_000)])
    scenario = models.CharField(_("scenario"), max_length=300)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True,
                                                   validators=[MaxValueValidator(24 * 60)])
    result = models.CharField(_("result"), max_length=6, choices=Result.choices, default=Result.GOOD)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    photo = models.ImageField(_("photo"), upload_to="firesafety/%Y/%m/", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("drill or training")
        verbose_name_plural = _("drills and trainings")
        ordering = ["-held_on", "-id"]
        indexes = _path_indexes("fs_drill")

    def __str__(self) -> str:
        return f"{self.held_on} {self.scenario}"


class Competition(models.Model):
    """A yearly competition between teams, held by a commune or the province."""

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("organising unit"), on_delete=models.PROTECT,
                             related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-year", "unit_path", "id"]
        indexes = _path_indexes("fs_comp")

    def __str__(self) -> str:
        return self.name


class Score(models.Model):
    """A team's score in one round of a competition."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="scores")
    team = models.ForeignKey(FireTeam, on_delete=models.CASCADE, related_name="scores")
    round = models.CharField(_("round"), max_length=80)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2,
                                 validators=[MinValueValidator(0), MaxValueValidator(1000)])

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["competition", "round", "-points"]
        constraints = [models.UniqueConstraint(fields=["competition", "team", "round"], name="fs_score_unique")]

    def __str__(self) -> str:
        return f"{self.round}: {self.points}"


class Reminder(models.Model):
    """An in-app reminder that an item falls due (or is overdue); one per item, due date and kind."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    equipment = models.ForeignKey(Equipment, on_delete=models.CASCADE, related_name="reminders")
    team = models.ForeignKey(FireTeam, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders")
    unit_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    due_on = models.DateField(_("due on"))
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["equipment", "due_on", "kind"], name="fs_reminder_once")]
        indexes = _path_indexes("fs_remind")

    def __str__(self) -> str:
        return f"{self.kind} {self.due_on}"
