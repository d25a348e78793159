from django.contrib import admin

from binhan.core.admin_site import ScopedAdmin
from binhan.geo.models import AdministrativeUnit, Household


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "kind", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["path", "depth", "parent", "code", "level"]
    list_select_related = ["parent"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # new units come from imports or the unit service (path and level stay consistent)


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["address", "unit", "member_count", "code"]
    search_fields = ["address", "code"]
    raw_id_fields = ["unit"]
    list_select_related = ["unit"]
    readonly_fields = ["unit_path"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # households are added through the group page, which audits it

    def has_change_permission(self, request, obj=None):
        return False  # read-only here: head-of-household data is personal and changes go through services
