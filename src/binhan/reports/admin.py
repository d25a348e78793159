from django.contrib import admin

from binhan.core.admin_site import is_admin, save_audited
from binhan.reports.models import Category, Open311Client


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Categories are configuration: administrators edit them, every change is audited."""

    list_display = ["code", "name", "province", "default_priority", "team_type", "may_be_public", "is_active"]
    list_filter = ["may_be_public", "is_active", "team_type"]
    search_fields = ["code", "name"]

    def has_module_permission(self, request):
        return is_admin(request.user)

    has_view_permission = has_add_permission = has_change_permission = (
        lambda self, request, obj=None: is_admin(request.user))

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: reports keep their category

    def save_model(self, request, obj, form, change):
        save_audited(request, obj, form, change)


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "province", "key_id", "rate_per_second", "created_at", "revoked_at"]
    readonly_fields = ["name", "province", "key_id", "rate_per_second", "created_by", "created_at", "revoked_at"]
    exclude = ["key_hash"]

    def has_module_permission(self, request):
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_add_permission(self, request):
        return False  # keys are made on the Open311 keys page or with `binhan open311-key create`

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
