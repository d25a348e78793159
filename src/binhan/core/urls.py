from django.urls import path

from binhan.core import live, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("scope/", views.scope, name="scope"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("live/", live.stream, name="live"),
    path("home/figures/", views.area_figures, name="area_figures"),
]
