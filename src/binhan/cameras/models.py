"""Security cameras: the registry (public and shared private cameras), footage requests with the
owner's consent, the footage received as evidence, and its retention.

No facial recognition or identification of people, ever: the registry knows where a camera looks,
not who it sees. Stream addresses and credentials are kept encrypted (`cameras.crypto`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhan.geo.models import AdministrativeUnit, Household, Level


class OwnerKind(models.TextChoices):
    PUBLIC = "public", _("Public (paid by a unit or a model)")
    HOUSEHOLD = "household", _("Private: a household")
    BUSINESS = "business", _("Private: a business")


class Sharing(models.TextChoices):
    REGISTER_ONLY = "register", _("Register only: the police may ask for footage")
    SHARED_VIEW = "shared", _("Shared view: the police may watch the live stream")


class CameraStatus(models.TextChoices):
    WORKING = "working", _("Working")
    FAULTY = "faulty", _("Faulty")
    REMOVED = "removed", _("Removed")


class Recording(models.TextChoices):
    CONTINUOUS = "continuous", _("Continuous")
    MOTION = "motion", _("On motion")


class Coverage(models.TextChoices):
    STREET = "street", _("Street")
    INTERSECTION = "intersection", _("Intersection")
    ALLEY = "alley", _("Alley")
    MARKET = "market", _("Market")
    SCHOOL_GATE = "school_gate", _("School gate")


class Camera(models.Model):
    """One camera: where it is, where it looks, how long its owner keeps footage, what they share."""

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("residential group"), on_delete=models.PROTECT,
                             related_name="+", limit_choices_to={"level": Level.GROUP})
    unit_path = models.CharField(max_length=255, editable=False)
    name = models.CharField(_("name"), max_length=120)
    owner_kind = models.CharField(_("owner"), max_length=10, choices=OwnerKind.choices)
    owner_name = models.CharField(_("owner's name"), max_length=160, blank=True,
                                  help_text=_("Public: the unit or model that paid. Business: its name."))
    household = models.ForeignKey(Household, verbose_name=_("household"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner's account"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="cameras")
    contact_email = models.EmailField(_("contact email"), blank=True)
    lat = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    direction = models.PositiveSmallIntegerField(_("view direction (degrees from north)"), default=0,
                                                 validators=[MaxValueValidator(359)])
    angle = models.PositiveSmallIntegerField(_("view angle (degrees)"), default=90,
                                             validators=[MinValueValidator(1), MaxValueValidator(360)])
    range_m = models.PositiveSmallIntegerField(_("range (m)"), default=30,
                                               validators=[MinValueValidator(1), MaxValueValidator(300)])
    mount_height_m = models.DecimalField(_("mount height (m)"), max_digits=4, decimal_places=1, default=3,
                                         validators=[MinValueValidator(0), MaxValueValidator(50)])
    outdoor = models.BooleanField(_("outdoor"), default=True)
    covers = models.JSONField(_("what it covers"), default=list, blank=True)
    recording = models.CharField(_("recording"), max_length=12, choices=Recording.choices,
                                 default=Recording.CONTINUOUS)
    retention_days = models.PositiveSmallIntegerField(_("days the owner keeps footage"), default=7,
                                                      validators=[MinValueValidator(1), MaxValueValidator(365)])
    notice_posted = models.BooleanField(_("notice sign posted"), default=False)
    installed_on = models.DateField(_("installation date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CameraStatus.choices,
                              default=CameraStatus.WORKING)
    sharing = models.CharField(_("sharing"), max_length=10, choices=Sharing.choices, default=Sharing.REGISTER_ONLY)
    # Fernet tokens (cameras.crypto); never shown in lists, the API or the admin.
    stream_url_encrypted = models.TextField(blank=True, editable=False)
    stream_credentials_encrypted = models.TextField(blank=True, editable=False)
    last_checked_at = models.DateTimeField(_("last health check"), null=True, blank=True)
    last_reachable_at = models.DateTimeField(_("last reachable"), null=True, blank=True)
    reachable = models.BooleanField(_("reachable at the last check"), null=True, blank=True)
    left_at = models.DateTimeField(_("owner left the registry"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit_path"
    personal_fields = ("contact_email", "stream_url_encrypted", "stream_credentials_encrypted")

    class Meta:
        verbose_name = _("security camera")
        verbose_name_plural = _("security cameras")
        ordering = ["unit_path", "name", "id"]
        indexes = [
            models.Index(fields=["unit_path"], name="cam_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["unit_path", "name", "id"], name="cam_path_name"),
            models.Index(fields=["lat", "lon"], name="cam_lat_lon"),
            models.Index(fields=["sharing", "status"], name="cam_sharing_status"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_private(self) -> bool:
        return self.owner_kind != OwnerKind.PUBLIC

    @property
    def has_stream(self) -> bool:
        return bool(self.stream_url_encrypted)

    def covers_display(self) -> list[str]:
        labels = dict(Coverage.choices)
        return [str(labels.get(code, code)) for code in self.covers]


class Funding(models.Model):
    """Who paid for a camera, and how much (VND)."""

    class Source(models.TextChoices):
        BUDGET = "budget", _("Public budget")
        HOUSEHOLDS = "households", _("Households")
        DONORS = "donors", _("Donors")

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="funding")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.amount}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the owner")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
    FULFILLED = "fulfilled", _("Footage received")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")
    CANCELLED = "cancelled", _("Cancelled by the police")


class FootageRequest(models.Model):
    """The police ask a camera's owner for the footage of a time window. The owner may refuse."""

    camera = models.ForeignKey(Camera, verbose_name=_("camera"), on_delete=models.PROTECT, related_name="requests")
    unit_path = models.CharField(max_length=255, editable=False)
    # SET_NULL: a report deleted by its own retention leaves the request (its reference is kept as text).
    report = models.ForeignKey("reports.Report", verbose_name=_("report"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    case_reference = models.CharField(_("case or report reference"), max_length=60)
    reason = models.CharField(_("reason"), max_length=500)
    investigator_contact = models.CharField(_("investigator's contact"), max_length=160)
    window_start = models.DateTimeField(_("footage from"))
    window_end = models.DateTimeField(_("footage until"))
    deadline = models.DateTimeField(_("answer by"))
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_note = models.CharField(_("owner's note"), max_length=500, blank=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("footage request")
        verbose_name_plural = _("footage requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit_path"], name="camreq_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["unit_path", "created_at"], name="camreq_path_time"),
            models.Index(fields=["status", "deadline"], name="camreq_status_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.case_reference} · {self.camera}"

    @property
    def is_open(self) -> bool:
        return self.status in (RequestStatus.PENDING, RequestStatus.ACCEPTED)

    def police_status(self, now=None) -> str:
        """What the police see: an ignored request past its deadline is only "no answer"."""
        now = now or timezone.now()
        if self.status == RequestStatus.PENDING and self.deadline < now:
            return str(_("No answer"))
        return self.get_status_display()


class Footage(models.Model):
    """A clip an owner uploaded for a request: evidence, with its SHA-256 from the moment it arrived.

    When retention deletes the file, the row stays: the registry keeps the record that it existed.
    """

    request = models.ForeignKey(FootageRequest, on_delete=models.PROTECT, related_name="footage")
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="footage")
    unit_path = models.CharField(max_length=255, editable=False)
    report = models.ForeignKey("reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to="cameras/footage/%Y/%m/", blank=True, max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deletion_reason = models.CharField(max_length=200, blank=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("footage clip")
        verbose_name_plural = _("footage clips")
        ordering = ["uploaded_at", "id"]
        indexes = [
            models.Index(fields=["unit_path"], name="camfoot_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["deleted_at", "uploaded_at"], name="camfoot_retention"),
        ]

    def __str__(self) -> str:
        return f"F-{self.pk:06d}" if self.pk else "F-new"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
