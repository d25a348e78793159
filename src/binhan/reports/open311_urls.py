"""/open311/: GeoReport v2 under v2/ (format by extension), and the keys page for province staff."""

from django.urls import path, re_path

from binhan.reports.open311 import pages, views

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^v2/discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^v2/services" + FMT, views.service_list, name="services"),
    re_path(r"^v2/services/(?P<service_code>[^/]+)" + FMT, views.service_definition, name="service"),
    re_path(r"^v2/requests" + FMT, views.requests, name="requests"),
    re_path(r"^v2/requests/(?P<service_request_id>[^/]+)" + FMT, views.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[^/]+)" + FMT, views.token, name="token"),
    re_path(r"^v2/servicerequestupdates" + FMT, views.request_updates, name="updates"),
    re_path(r"^v2/(?P<path>.*?)" + FMT, views.not_found),
    path("keys/", pages.key_list, name="keys"),
    path("keys/<int:pk>/revoke/", pages.key_revoke, name="key_revoke"),
]
