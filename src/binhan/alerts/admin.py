from django.contrib import admin

from binhan.alerts.models import Alert
from binhan.core.admin_site import ScopedAdmin


@admin.register(Alert)
class AlertAdmin(ScopedAdmin):
    """Read-only: alerts are written, sent and cancelled through their services, which audit them."""

    list_display = ["__str__", "unit", "status", "severity", "category", "sent_at", "recipient_count"]
    list_filter = ["status", "severity", "category"]
    list_select_related = ["unit"]
    readonly_fields = ["unit_path", "fanout_cursor", "fanout_done_at", "recipient_count"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
