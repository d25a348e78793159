from django.urls import path, re_path

from binhan.cameras.views import owner, registry, requests

app_name = "cameras"

urlpatterns = [
    path("", registry.camera_list, name="list"),
    path("map/", registry.map_page, name="map"),
    path("map/data/", registry.map_data, name="map_data"),
    path("new/", registry.camera_create, name="create"),
    path("<int:pk>/", registry.camera_detail, name="detail"),
    path("<int:pk>/edit/", registry.camera_edit, name="edit"),
    path("<int:pk>/stream/", registry.camera_stream, name="stream"),
    path("<int:pk>/request/", requests.request_create, name="request_create"),
    path("requests/", requests.request_list, name="request_list"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/cancel/", requests.request_cancel, name="request_cancel"),
    path("requests/<int:pk>/export/", requests.request_export, name="request_export"),
    path("footage/<int:pk>/", requests.footage_open, name="footage_open"),
    path("mine/", owner.mine, name="mine"),
    path("mine/new/", owner.owner_camera_new, name="owner_camera_new"),
    path("mine/<int:pk>/", owner.owner_camera_edit, name="owner_camera_edit"),
    path("mine/<int:pk>/leave/", owner.owner_camera_leave, name="owner_camera_leave"),
    path("mine/requests/<int:pk>/", owner.owner_request, name="owner_request"),
    path("mine/requests/<int:pk>/<slug:action>/", owner.owner_request_action, name="owner_request_action"),
    re_path(r"^export\.(?P<file_format>csv|xlsx)$", registry.export, name="export"),
]
