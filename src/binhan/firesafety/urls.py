from django.urls import path, re_path

from binhan.firesafety.views import drills, equipment, inspections, overview, points, teams

app_name = "firesafety"

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("map/", overview.map_page, name="map"),
    path("map/data/", overview.map_data, name="map_data"),
    path("teams/", teams.team_list, name="team_list"),
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<int:pk>/", teams.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", teams.team_edit, name="team_edit"),
    path("teams/<int:pk>/dissolve/", teams.team_dissolve, name="team_dissolve"),
    re_path(r"^teams/(?P<pk>\d+)/households/(?P<action>add|remove)/$", teams.team_household, name="team_household"),
    path("teams/<int:pk>/households/<int:household_pk>/place/", teams.team_household_place,
         name="team_household_place"),
    path("households/<int:pk>/", equipment.household_equipment, name="household"),
    path("mine/", equipment.my_equipment, name="my_equipment"),
    re_path(r"^equipment/(?P<pk>\d+)/(?P<action>check|retire)/$", equipment.equipment_action,
            name="equipment_action"),
    path("overdue/", equipment.overdue, name="overdue"),
    re_path(r"^export/equipment\.(?P<file_format>csv|xlsx)$", equipment.export, name="export"),
    re_path(r"^inspect/(?P<kind>household|point)/(?P<pk>\d+)/$", inspections.inspect, name="inspect"),
    path("findings/<int:pk>/close/", inspections.finding_close, name="finding_close"),
    path("inspections/<int:pk>/photo/", inspections.inspection_photo, name="inspection_photo"),
    path("points/", points.point_list, name="point_list"),
    path("points/new/", points.point_create, name="point_create"),
    path("points/<int:pk>/", points.point_detail, name="point_detail"),
    path("points/<int:pk>/edit/", points.point_edit, name="point_edit"),
    path("drills/", drills.drill_list, name="drill_list"),
    path("drills/new/", drills.drill_create, name="drill_create"),
    path("drills/<int:pk>/photo/", drills.drill_photo, name="drill_photo"),
    path("competitions/", drills.competition_list, name="competition_list"),
    path("competitions/<int:pk>/", drills.competition_detail, name="competition_detail"),
]
