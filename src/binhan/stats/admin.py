"""Admin for the configuration of the statistics: the safe standard's criteria, the scoring sheet, the cut-offs.
Everything else changes through the services (audited) and is read-only here."""

from django.contrib import admin

from binhan.core.admin_site import ScopedAdmin, is_admin, save_audited
from binhan.stats.models import Assessment, Criterion, CutOffs, KeyArea, ManualEntry, MovementScore, ScoreItem


class ConfigurationAdmin(admin.ModelAdmin):
    """Administrators edit these rows; every change is audited; nothing is deleted (deactivate instead)."""

    def has_module_permission(self, request):
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_add_permission(self, request):
        return is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        save_audited(request, obj, form, change)


@admin.register(Criterion)
class CriterionAdmin(ConfigurationAdmin):
    list_display = ["subject", "code", "text", "prefill", "order", "is_active"]
    list_filter = ["subject", "is_active"]


@admin.register(ScoreItem)
class ScoreItemAdmin(ConfigurationAdmin):
    list_display = ["code", "text", "points", "order", "is_active"]


@admin.register(CutOffs)
class CutOffsAdmin(ConfigurationAdmin):
    list_display = ["province", "excellent", "good", "average"]


class ReadOnlyScopedAdmin(ScopedAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # through the services, which check the rules and audit

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ManualEntry)
class ManualEntryAdmin(ReadOnlyScopedAdmin):
    list_display = ["month", "unit", "indicator", "value", "status"]
    list_filter = ["status", "indicator"]
    list_select_related = ["unit"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyScopedAdmin):
    list_display = ["year", "unit", "subject", "subject_name", "status", "decision_number"]
    list_filter = ["status", "subject", "year"]
    list_select_related = ["unit"]


@admin.register(MovementScore)
class MovementScoreAdmin(ReadOnlyScopedAdmin):
    list_display = ["year", "unit", "total", "classification", "status"]
    list_filter = ["classification", "year"]
    list_select_related = ["unit"]


@admin.register(KeyArea)
class KeyAreaAdmin(ReadOnlyScopedAdmin):
    list_display = ["unit", "topic", "designated_on", "removed_on"]
    list_filter = ["topic"]
    list_select_related = ["unit"]
