from django.urls import path, re_path

from binhan.community.views import commendations, duty, editing, exports, models, overview, teams

app_name = "community"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("map/", overview.map_page, name="map"),
    path("map/data/", overview.map_data, name="map_data"),
    path("models/", models.model_list, name="model_list"),
    path("models/new/", models.model_create, name="model_create"),
    path("models/<int:pk>/", models.model_detail, name="model_detail"),
    path("models/<int:pk>/edit/", editing.model_edit, name="model_edit"),
    path("models/<int:pk>/documents/<int:document_id>/", models.document_file, name="model_document"),
    path("models/<int:pk>/<slug:action>/", models.model_action, name="model_action"),
    path("teams/", teams.team_list, name="team_list"),
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<int:pk>/", teams.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", editing.team_edit, name="team_edit"),
    path("teams/<int:pk>/dissolve/", editing.team_dissolve, name="team_dissolve"),
    path("teams/<int:pk>/members/new/", teams.member_create, name="member_create"),
    path("teams/<int:pk>/shifts/new/", teams.shift_create, name="shift_create"),
    path("teams/<int:pk>/rate/", teams.team_rate, name="team_rate"),
    path("members/<int:pk>/", teams.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", editing.member_edit, name="member_edit"),
    path("shifts/<int:pk>/swap/", teams.shift_swap, name="shift_swap"),
    path("duty/", duty.duty, name="duty"),
    path("duty/start/<int:team_pk>/", duty.patrol_start, name="patrol_start"),
    path("duty/end/<int:pk>/", duty.patrol_end, name="patrol_end"),
    path("patrols/", duty.patrol_list, name="patrol_list"),
    path("patrols/<int:pk>/", duty.patrol_detail, name="patrol_detail"),
    path("commendations/", commendations.commendation_list, name="commendation_list"),
    path("commendations/new/", commendations.commendation_create, name="commendation_create"),
    re_path(r"^export/(?P<what>models|teams)\.(?P<file_format>csv|xlsx)$", exports.export, name="export"),
]
