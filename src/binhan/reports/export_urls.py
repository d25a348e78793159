"""Exports of the reports queue: include at "reports/export/"."""

from django.urls import path

from binhan.reports import map_views

app_name = "reports_export"

urlpatterns = [
    path("csv/", map_views.export_csv, name="csv"),
    path("xlsx/", map_views.export_xlsx, name="xlsx"),
]
