"""Temporary-stay notifications (Law on Residence 2020, art. 30): lodgings, declarations, stays, counts.

A declaration is one notification by a host (a household, or a lodging through its manager) for
one or many guests; each guest is a `Stay`. Stays hold personal data and are deleted after the
retention period; `StayCount` (per residential group and month, for the app's pages) and
`StayDayCount` (per group and day of arrival, for the statistics) keep only counts, so the
figures survive the deletion.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from binhan.geo.models import AdministrativeUnit, Household


class Lodging(models.Model):
    """A boarding house, hotel, hostel or hospital registered by the commune police, with its manager."""

    class Kind(models.TextChoices):
        BOARDING_HOUSE = "boarding_house", _("Boarding house")
        HOTEL = "hotel", _("Hotel")
        HOSTEL = "hostel", _("Hostel")
        HOSPITAL = "hospital", _("Hospital")
        OTHER = "other", _("Other lodging")

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("residential group"), on_delete=models.PROTECT,
                             related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=160)
    address = models.CharField(_("address"), max_length=255)
    rooms = models.PositiveSmallIntegerField(_("rooms"), default=0)
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("manager"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="managed_lodgings")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("lodging")
        verbose_name_plural = _("lodgings")
        ordering = ["unit_path", "name", "id"]
        indexes = [
            models.Index(fields=["unit_path"], name="res_lodging_path_like", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("Software (API)")
    IMPORT = "import", _("File import")
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")


class Declaration(models.Model):
    """One notification of one or many guests by a host, as the stay-receipt book records it."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    lodging = models.ForeignKey(Lodging, null=True, blank=True, on_delete=models.PROTECT, related_name="declarations")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.WEB)
    declared_at = models.DateTimeField(_("declared at"))

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("stay declaration")
        verbose_name_plural = _("stay declarations")
        indexes = [
            models.Index(fields=["unit_path"], name="res_decl_path_like", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Stay(models.Model):
    """One guest's temporary stay: under 30 days, away from their permanent or temporary residence."""

    class IdKind(models.TextChoices):
        CITIZEN_ID = "citizen_id", _("Citizen ID (12 digits)")
        PASSPORT = "passport", _("Passport")

    class Relation(models.TextChoices):
        CLOSE_RELATIVE = "close_relative", _("Close relative")
        RELATIVE = "relative", _("Other relative")
        FRIEND = "friend", _("Friend or acquaintance")
        CUSTOMER = "customer", _("Customer or patient")
        OTHER = "other", _("Other")

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="stays")
    unit_path = models.CharField(max_length=255, editable=False)
    lodging = models.ForeignKey(Lodging, null=True, blank=True, on_delete=models.PROTECT, related_name="stays")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(_("full name"), max_length=120)
    id_kind = models.CharField(_("kind of document"), max_length=12, choices=IdKind.choices)
    id_number = models.CharField(_("ID or passport number"), max_length=20)
    nationality = models.CharField(_("nationality"), max_length=2, default="VN")
    reason = models.CharField(_("reason"), max_length=200)
    arrival_at = models.DateTimeField(_("arrival"))
    departs_on = models.DateField(_("planned departure"))
    room = models.CharField(_("room"), max_length=20, blank=True)
    relation = models.CharField(_("relation to the host"), max_length=20, choices=Relation.choices)
    recurring = models.BooleanField(_("repeated stays of a close relative"), default=False)
    deadline_at = models.DateTimeField(_("deadline"))
    declared_at = models.DateTimeField(_("declared at"))
    is_late = models.BooleanField(_("late"), default=False)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)

    scope_path_field = "unit_path"
    personal_fields = ("full_name", "id_number")

    class Meta:
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        ordering = ["-arrival_at", "-id"]
        indexes = [
            models.Index(fields=["unit_path"], name="res_stay_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["unit_path", "arrival_at"], name="res_stay_path_arrival"),
            models.Index(fields=["departs_on"], name="res_stay_departs"),
            models.Index(fields=["id_number"], name="res_stay_id_number"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_foreigner(self) -> bool:
        return self.nationality != "VN"

    @property
    def masked_id(self) -> str:
        return "•" * max(len(self.id_number) - 4, 0) + self.id_number[-4:]


class _Counts(models.Model):
    """What a stay count counts, per residential group: all stays, late ones, foreigners', in lodgings."""

    unit_path = models.CharField(max_length=255)
    total = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    foreigners = models.PositiveIntegerField(default=0)
    in_lodgings = models.PositiveIntegerField(default=0)

    scope_path_field = "unit_path"

    class Meta:
        abstract = True


class StayCount(_Counts):
    """Monthly counts of stays per residential group, kept after the stays themselves are deleted."""

    month = models.DateField()  # the first day of the month of arrival (local time)

    class Meta:
        verbose_name = _("stay count")
        verbose_name_plural = _("stay counts")
        constraints = [models.UniqueConstraint(fields=["unit_path", "month"], name="res_count_unique")]
        indexes = [
            models.Index(fields=["unit_path"], name="res_count_path_like", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.unit_path} {self.month:%Y-%m}: {self.total}"


class StayDayCount(_Counts):
    """Daily counts of stays per residential group (by the local day of arrival), kept after the stays are
    deleted: the statistics read these, never the stays, so a count outlives the personal data it came from."""

    day = models.DateField()  # the local day of arrival

    class Meta:
        verbose_name = _("daily stay count")
        verbose_name_plural = _("daily stay counts")
        constraints = [models.UniqueConstraint(fields=["unit_path", "day"], name="res_daycount_unique")]

    def __str__(self) -> str:
        return f"{self.unit_path} {self.day}: {self.total}"
