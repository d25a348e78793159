"""The map of reports: include at "reports/map/" (before "reports/", whose patterns would not match anyway)."""

from django.urls import path

from binhan.reports import map_views

app_name = "reports_map"

urlpatterns = [
    path("", map_views.map_page, name="page"),
    path("clusters.json", map_views.clusters, name="clusters"),
]
