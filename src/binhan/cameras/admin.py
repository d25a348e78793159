from django.contrib import admin

from binhan.cameras.models import Camera, Footage, FootageRequest
from binhan.core.admin_site import ScopedAdmin


class _ReadOnly(ScopedAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # through the services, which audit

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Camera)
class CameraAdmin(_ReadOnly):
    list_display = ["name", "unit", "owner_kind", "status", "sharing"]
    list_filter = ["status", "sharing", "owner_kind"]
    search_fields = ["name"]
    list_select_related = ["unit"]
    exclude = ["stream_url_encrypted", "stream_credentials_encrypted", "contact_email"]


@admin.register(FootageRequest)
class FootageRequestAdmin(_ReadOnly):
    list_display = ["case_reference", "camera", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["camera"]


@admin.register(Footage)
class FootageAdmin(_ReadOnly):
    list_display = ["__str__", "camera", "sha256", "uploaded_at", "deleted_at"]
    list_select_related = ["camera"]
