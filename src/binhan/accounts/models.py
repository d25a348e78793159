import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binhan.accounts.roles import STAFF_ROLES, TWO_FACTOR_ROLES, Role
from binhan.geo.models import AdministrativeUnit, Household


class User(AbstractUser):
    """A person who signs in. Residents sign in with a phone number or an email address."""

    phone = models.CharField(_("phone"), max_length=20, unique=True, null=True, blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, blank=True)
    household = models.ForeignKey(
        Household, verbose_name=_("household"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Demo users exist only in demo databases; `binhan check --deploy` refuses them.
    is_demo = models.BooleanField(default=False, editable=False)

    personal_fields = ("first_name", "last_name", "phone", "email")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def roles(self) -> set[str]:
        if not hasattr(self, "_roles_cache"):
            self._roles_cache = set(self.memberships.values_list("role", flat=True))
        return self._roles_cache

    @property
    def is_staff_member(self) -> bool:
        return bool(self.roles() & STAFF_ROLES) or self.is_superuser

    @property
    def is_auditor(self) -> bool:
        return Role.AUDITOR in self.roles()

    @property
    def needs_two_factor(self) -> bool:
        return self.is_superuser or bool(self.roles() & TWO_FACTOR_ROLES)


class Membership(models.Model):
    """A role a user holds at a unit; the user sees data under that unit, as the role allows."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    unit_path = models.CharField(max_length=255, editable=False)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_by = models.ForeignKey(
        User, verbose_name=_("granted by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role")]
        indexes = [models.Index(fields=["unit_path"], name="acc_membership_path")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A token a program uses instead of a password. Only its hash is kept."""

    PREFIX = "bha_"

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"

    @staticmethod
    def hash_secret(secret: str) -> str:
        # The secret is 32 random bytes, so a fast hash is enough (no dictionary to attack).
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> tuple[str, str, str]:
        """Return (full token, key id, hash of the secret)."""
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        return f"{cls.PREFIX}{key_id}_{secret}", key_id, cls.hash_secret(secret)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def mark_used(self) -> None:
        ApiToken.objects.filter(pk=self.pk).update(last_used_at=timezone.now())
