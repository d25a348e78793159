from django.contrib import admin

from binhan.core.admin_site import is_admin
from binhan.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only, for the superuser; auditors use the audit pages."""

    list_display = ["created_at", "actor_label", "action", "object_type", "object_id", "unit_path"]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_id", "action"]

    def has_module_permission(self, request):
        return request.user.is_superuser and is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
