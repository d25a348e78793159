"""Voluntary handovers of weapons, explosives and support tools (Law 42/2024/QH15), their receipts,
exchange programmes, and the chain of custody from the commune to the province store or destruction."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from binhan.geo.models import AdministrativeUnit, Household


class Category(models.TextChoices):
    """DOMAIN.md's categories, each counted in its own unit (MEASURE)."""

    GUN_MILITARY = "gun_military", _("Military guns")
    GUN_HUNTING = "gun_hunting", _("Hunting guns")
    GUN_HOMEMADE = "gun_homemade", _("Home-made guns")
    GUN_AIR = "gun_air", _("Air and gas guns")
    AMMUNITION = "ammunition", _("Ammunition")
    GRENADE = "grenade", _("Grenades, bombs and mines")
    EXPLOSIVE = "explosive", _("Explosives")
    DETONATOR = "detonator", _("Detonators")
    FUSE = "fuse", _("Fuse")
    SUPPORT_TOOL = "support_tool", _("Support tools")
    RUDIMENTARY = "rudimentary", _("Rudimentary weapons")
    PART = "part", _("Weapon parts")
    FIREWORKS_KG = "fireworks_kg", _("Fireworks by weight")
    FIREWORKS_PIECES = "fireworks_pieces", _("Fireworks by the piece")


class Measure(models.TextChoices):
    PIECE = "piece", _("pieces")
    ROUND = "round", _("rounds")
    KG = "kg", _("kg")
    METRE = "metre", _("metres")


MEASURE = {
    Category.AMMUNITION: Measure.ROUND, Category.EXPLOSIVE: Measure.KG, Category.FUSE: Measure.METRE,
    Category.FIREWORKS_KG: Measure.KG,
}
# Measures counted whole: a gun or a round is never a fraction.
WHOLE = {Measure.PIECE, Measure.ROUND}
GUNS = (Category.GUN_MILITARY, Category.GUN_HUNTING, Category.GUN_HOMEMADE, Category.GUN_AIR)


def measure_of(category: str) -> str:
    return MEASURE.get(category, Measure.PIECE)


class Handover(models.Model):
    """One voluntary handover received by the commune police, with its receipt number."""

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    number = models.CharField(_("receipt number"), max_length=40, unique=True)
    received_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    donor_name = models.CharField(_("handed over by"), max_length=120, blank=True)
    donor_id_number = models.CharField(_("ID number"), max_length=20, blank=True)
    donor_address = models.CharField(_("address"), max_length=255, blank=True)
    household = models.ForeignKey(Household, verbose_name=_("household"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("receiving officer"),
                                on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "unit_path"
    personal_fields = ("donor_name", "donor_id_number", "donor_address")

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["unit_path"], name="hand_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["unit_path", "received_on"], name="hand_path_day"),
        ]

    def __str__(self) -> str:
        return self.number


class Item(models.Model):
    class Condition(models.TextChoices):
        USABLE = "usable", _("Usable")
        DAMAGED = "damaged", _("Damaged")
        UNUSABLE = "unusable", _("Unusable")

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    unit_path = models.CharField(max_length=255, editable=False)
    received_on = models.DateField()  # the handover's, copied for the totals
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    measure = models.CharField(_("unit"), max_length=8, choices=Measure.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices, default=Condition.USABLE)
    description = models.CharField(_("description"), max_length=200, blank=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("handed-over item")
        verbose_name_plural = _("handed-over items")
        indexes = [
            models.Index(fields=["unit_path"], name="hand_item_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["unit_path", "received_on", "category"], name="hand_item_totals"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} × {self.quantity}"


class Photo(models.Model):
    """A photo of what was handed over, checked by content and stripped of its metadata on arrival."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="photos")
    unit_path = models.CharField(max_length=255, editable=False)
    file = models.FileField(upload_to="handovers/photos/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file.name


class Place(models.TextChoices):
    COMMUNE = "commune", _("Commune police")
    PROVINCE_STORE = "province_store", _("Province store")
    DESTROYED = "destroyed", _("Destroyed")


class Movement(models.Model):
    """One step of the chain of custody: a quantity of an item moved on, or destroyed."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="movements")
    unit_path = models.CharField(max_length=255, editable=False)
    from_place = models.CharField(_("from"), max_length=16, choices=Place.choices)
    to_place = models.CharField(_("to"), max_length=16, choices=Place.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    moved_on = models.DateField(_("date"))
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("custody movement")
        verbose_name_plural = _("custody movements")
        ordering = ["moved_on", "id"]
        indexes = [
            models.Index(fields=["unit_path"], name="hand_move_path_like", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.from_place} → {self.to_place}: {self.quantity}"


class Programme(models.Model):
    """An exchange programme: weapons handed over earn something in return (e.g. a fire extinguisher)."""

    class Reward(models.TextChoices):
        FIRE_EXTINGUISHER = "fire_extinguisher", _("Fire extinguisher")
        OTHER = "other", _("Other")

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    name = models.CharField(_("name"), max_length=160)
    reward = models.CharField(_("reward"), max_length=20, choices=Reward.choices)
    reward_description = models.CharField(_("reward description"), max_length=200, blank=True)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("exchange programme")
        verbose_name_plural = _("exchange programmes")
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return self.name


class Exchange(models.Model):
    """What a handover earned under a programme; `credited` once added to the household's equipment."""

    handover = models.OneToOneField(Handover, on_delete=models.CASCADE, related_name="exchange")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="exchanges")
    unit_path = models.CharField(max_length=255, editable=False)
    reward = models.CharField(max_length=20, choices=Programme.Reward.choices)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    credited = models.BooleanField(_("credited to the household's equipment"), default=False)

    scope_path_field = "unit_path"

    def __str__(self) -> str:
        return f"{self.reward} × {self.quantity}"


class ReceiptCounter(models.Model):
    """The last receipt number of a commune in a year (locked while a number is taken)."""

    unit_path = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit_path", "year"], name="hand_counter_unique")]

    def __str__(self) -> str:
        return f"{self.unit_path} {self.year}: {self.last}"
