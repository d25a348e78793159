"""Admin for fire safety: equipment types (the rules) are editable and audited; records are read-only
there, because they are written through the services, which check the rules and audit every change."""

from django.contrib import admin

from binhan.community.admin import ConfigurationAdmin, ReadOnlyScopedAdmin
from binhan.firesafety.models import Equipment, EquipmentType, FirePoint, FireTeam


@admin.register(EquipmentType)
class EquipmentTypeAdmin(ConfigurationAdmin):
    list_display = ["code", "name", "requirement", "interval_months", "has_capacity", "order", "is_active"]
    list_filter = ["requirement", "is_active"]
    search_fields = ["code", "name"]


@admin.register(FireTeam)
class FireTeamAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "unit", "leader_name", "status"]
    list_filter = ["status"]
    search_fields = ["name", "unit__code"]
    list_select_related = ["unit"]


@admin.register(FirePoint)
class FirePointAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "unit", "alley", "has_sign", "has_shelter"]
    search_fields = ["name", "alley"]
    list_select_related = ["unit"]


@admin.register(Equipment)
class EquipmentAdmin(ReadOnlyScopedAdmin):
    list_display = ["type", "quantity", "next_due_on", "condition", "retired_on"]
    list_filter = ["type", "condition"]
    list_select_related = ["type"]
