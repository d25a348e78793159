from django.contrib import admin

from binhan.accounts.models import ApiToken, Membership, User
from binhan.accounts.roles import Role
from binhan.core import scoping
from binhan.core.admin_site import ScopedAdmin, is_admin, save_audited


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ["user", "role", "unit", "granted_by", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name", "unit__code"]
    list_select_related = ["user", "unit", "granted_by"]
    readonly_fields = ["user", "unit", "unit_path", "role", "granted_by", "created_at"]

    def has_add_permission(self, request):
        return False  # roles are granted on the unit page, through the audited service


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """People who hold a role somewhere under the administrator's units."""

    list_display = ["username", "first_name", "last_name", "phone", "email", "is_active"]
    search_fields = ["username", "first_name", "last_name", "phone", "email"]
    fields = ["username", "first_name", "last_name", "phone", "email", "is_active", "last_login", "date_joined"]
    readonly_fields = ["username", "phone", "email", "last_login", "date_joined"]

    def has_module_permission(self, request):
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_admin(request.user) and (obj is None or self.get_queryset(request).filter(pk=obj.pk).exists())

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        save_audited(request, obj, form, change)

    def get_queryset(self, request):
        memberships = scoping.visible(Membership.objects.all(), request.user, roles={Role.ADMIN})
        return super().get_queryset(request).filter(pk__in=memberships.values("user_id")).distinct()


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "key_id", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "key_id", "created_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
