"""Django admin for administrators only, and scoped like every other staff read."""

from django.contrib import admin
from django.db import transaction

from binhan.accounts.roles import Role
from binhan.core import audit, scoping


def is_admin(user) -> bool:
    return bool(user.is_active and (user.is_superuser or (user.is_staff and Role.ADMIN in user.roles())))


class ScopedAdmin(admin.ModelAdmin):
    """Lists and edits only rows under the administrator's units; only administrators get in."""

    def has_module_permission(self, request):
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_admin(request.user) and (obj is None or self._in_scope(request, obj))

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return is_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # deletions go through services, which audit them

    def get_queryset(self, request):
        return scoping.visible(super().get_queryset(request), request.user, roles={Role.ADMIN})

    def save_model(self, request, obj, form, change):
        save_audited(request, obj, form, change)

    def _in_scope(self, request, obj) -> bool:
        field = type(obj).scope_path_field
        return scoping.can_see_path(request.user, getattr(obj, field), roles={Role.ADMIN})


def admin_only(request) -> bool:
    return is_admin(request.user)


admin.site.has_permission = admin_only
admin.site.site_header = "Bình An"


def save_audited(request, obj, form, change) -> None:
    """Admin edits leave an audit event like every other write."""
    with transaction.atomic():
        before = {name: form.initial.get(name) for name in form.changed_data}
        obj.save()
        after = {name: form.cleaned_data.get(name) for name in form.changed_data}
        action = f"{obj._meta.model_name}.admin_{'change' if change else 'add'}"
        audit.record(actor=request.user, action=action, obj=obj, changes=audit.diff(before, after))
