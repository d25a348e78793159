from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")

    _raw_delete = delete


class AuditEvent(models.Model):
    """One thing someone did, or read, in the system. Never changed, never deleted."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    # Kept as text so the log still reads correctly if the user is renamed.
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=255, blank=True)
    unit_path = models.CharField(_("unit path"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=500, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()
    scope_path_field = "unit_path"

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit_path"], name="core_audit_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["object_type", "object_id"], name="core_audit_object"),
            models.Index(fields=["actor", "created_at"], name="core_audit_actor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")


class OutboxEvent(models.Model):
    """A domain event, written in the same transaction as the change it describes.

    Server processes tail this table to feed live pages; its id is the SSE event id, so a
    reconnecting client resumes exactly where it stopped.
    """

    name = models.CharField(max_length=80, db_index=True)
    unit_path = models.CharField(max_length=255, blank=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.name}"


class RateCounter(models.Model):
    """How many attempts one key made in one window of a rate limit (core.ratelimit).

    In the database rather than the cache so that all server processes count together, with
    one upsert a hit; Redis takes over when REDIS_URL is set. Rows past `expires_at` are
    deleted by a periodic task.
    """

    key = models.CharField(max_length=255, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)  # Unix time: compared with time.time(), no zones

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
