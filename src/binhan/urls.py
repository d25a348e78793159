from django.contrib import admin
from django.urls import include, path

from binhan.api import api
from binhan.core import views as core_views

# Open311 first: its posts are the busiest path (report intake), and the resolver tries the
# patterns in order; no other prefix overlaps it.
urlpatterns = [
    path("open311/", include("binhan.reports.open311_urls")),
    path("", include("binhan.core.urls")),
    path("accounts/", include("binhan.accounts.urls")),
    path("units/", include("binhan.geo.urls")),
    path("reports/map/", include("binhan.reports.map_urls")),
    path("reports/export/", include("binhan.reports.export_urls")),
    path("reports/", include("binhan.reports.urls")),
    path("alerts/", include("binhan.alerts.urls")),
    path("community/", include("binhan.community.urls")),
    path("mediation/", include("binhan.mediation.urls")),
    path("fire-safety/", include("binhan.firesafety.urls")),
    path("cameras/", include("binhan.cameras.urls")),
    path("stays/", include("binhan.residence.urls")),
    path("handovers/", include("binhan.handovers.urls")),
    path("stats/", include("binhan.stats.urls")),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "binhan.core.views.bad_request"
handler403 = "binhan.core.views.permission_denied"
handler404 = "binhan.core.views.page_not_found"
handler500 = "binhan.core.views.server_error"
