"""Mediation in the admin: read-only lists for administrators (writes go through the audited services)."""

from django.contrib import admin

from binhan.core.admin_site import ScopedAdmin
from binhan.mediation.models import MediationTeam, Mediator


class ReadOnlyAdmin(ScopedAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MediationTeam)
class MediationTeamAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "status", "established_on"]
    list_filter = ["status", "minority_area"]
    search_fields = ["name", "unit__code"]
    list_select_related = ["unit"]


@admin.register(Mediator)
class MediatorAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "team", "position", "status"]
    list_filter = ["position", "status", "gender"]
    search_fields = ["full_name"]
    list_select_related = ["team"]
    exclude = ["date_of_birth", "phone", "address", "ethnicity"]  # personal data: read through the service
