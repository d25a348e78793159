from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from binhan.core import paths

CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9_.-]+$", _("A code may contain only letters, digits, dots, dashes and underscores.")
)


class Level(models.TextChoices):
    NATION = "nation", _("Nation")
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune or ward")
    GROUP = "group", _("Residential group or village")


LEVEL_ORDER = [Level.NATION, Level.PROVINCE, Level.COMMUNE, Level.GROUP]


def child_level(level: str) -> str | None:
    index = LEVEL_ORDER.index(Level(level))
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


class AdministrativeUnit(models.Model):
    """A place in the tree nation > province > commune > group; households hang below groups."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("name"), max_length=200)
    # Names in other languages where known: {"en": "...", "fr": "..."}.
    names = models.JSONField(_("names per language"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=60, blank=True, help_text=_("e.g. ward, commune, special zone"))
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("path"), max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    centre_lat = models.FloatField(
        _("centre latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    centre_lon = models.FloatField(
        _("centre longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "path"

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="geo_unit_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "name"], name="geo_unit_parent_name"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        language = (get_language() or "vi")[:2]
        return self.names.get(language) or self.name

    @property
    def ancestor_codes(self) -> list[str]:
        return paths.codes(self.path)


class Household(models.Model):
    """A household of a residential group. Head-of-household name and phone are personal data."""

    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("residential group"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": Level.GROUP},
    )
    unit_path = models.CharField(max_length=255, editable=False)
    code = models.CharField(_("code"), max_length=60, blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=255)
    member_count = models.PositiveSmallIntegerField(
        _("number of members"), default=1, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    head_name = models.CharField(_("head of household"), max_length=120, blank=True)
    head_phone = models.CharField(_("phone of the head of household"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "unit_path"
    personal_fields = ("head_name", "head_phone")

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["unit_path", "address", "id"]
        indexes = [
            models.Index(fields=["unit_path"], name="geo_household_path_like", opclasses=["varchar_pattern_ops"]),
            # Matches the list ordering, so a page of households needs no sort.
            models.Index(fields=["unit_path", "address", "id"], name="geo_household_path_addr"),
        ]

    def __str__(self) -> str:
        return self.address
