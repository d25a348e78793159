"""Admin for the community register: configuration is editable (audited); records are read-only there,
because they are written through the services, which check the rules and audit every change."""

from django.contrib import admin

from binhan.community.models import (
    Commendation,
    ModelType,
    PatrolLog,
    ProvinceRule,
    SecurityTeam,
    SelfManagementModel,
    TeamMember,
)
from binhan.core.admin_site import ScopedAdmin, is_admin, save_audited


class ConfigurationAdmin(admin.ModelAdmin):
    """Configuration rows: administrators edit them; every change is audited; nothing is deleted."""

    def has_module_permission(self, request):
        return is_admin(request.user)

    has_view_permission = has_add_permission = has_change_permission = (
        lambda self, request, obj=None: is_admin(request.user))

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate a type instead: models keep their type

    def save_model(self, request, obj, form, change):
        save_audited(request, obj, form, change)


@admin.register(ModelType)
class ModelTypeAdmin(ConfigurationAdmin):
    list_display = ["code", "name", "province", "order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


@admin.register(ProvinceRule)
class ProvinceRuleAdmin(ConfigurationAdmin):
    list_display = ["__str__", "size_bands", "size_above", "extra_per", "allowance_leader", "allowance_deputy",
                    "allowance_member", "excellent_cap_percent"]


class ReadOnlyScopedAdmin(ScopedAdmin):
    show_full_result_count = False
    readonly_fields = ["unit_path"]

    def has_add_permission(self, request):
        return False  # added through the services, which check the rules and audit

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SelfManagementModel)
class SelfManagementModelAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "type", "unit", "status", "last_rating", "recognition_level"]
    list_filter = ["status", "last_rating", "recognition_level", "type"]
    search_fields = ["name"]
    list_select_related = ["type", "unit"]


@admin.register(SecurityTeam)
class SecurityTeamAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "unit", "commune", "established_on", "status"]
    list_filter = ["status"]
    search_fields = ["name", "unit__code"]
    list_select_related = ["unit", "commune"]


@admin.register(TeamMember)
class TeamMemberAdmin(ReadOnlyScopedAdmin):
    list_display = ["full_name", "team", "position", "status"]
    list_filter = ["position", "status"]
    search_fields = ["full_name"]
    list_select_related = ["team"]
    exclude = list(TeamMember.personal_fields)  # read with a reason on the member's page, never here


@admin.register(PatrolLog)
class PatrolLogAdmin(ReadOnlyScopedAdmin):
    list_display = ["started_at", "ended_at", "team", "member", "kind"]
    list_select_related = ["team", "member"]


@admin.register(Commendation)
class CommendationAdmin(ReadOnlyScopedAdmin):
    list_display = ["decision_number", "decision_date", "level", "subject", "unit"]
    list_filter = ["level", "subject"]
    list_select_related = ["unit"]
