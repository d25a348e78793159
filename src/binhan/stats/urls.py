from django.urls import path

from binhan.stats import views, views_assessments

app_name = "stats"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:pk>/", views.dashboard, name="dashboard"),
    path("units/<int:pk>/<str:table>.csv", views.table_csv, name="csv"),
    path("units/<int:pk>/report.<str:kind>", views.periodic_report, name="report"),
    path("compare/", views.compare, name="compare"),
    path("manual/", views.manual_list, name="manual"),
    path("manual/<int:pk>/review/", views.manual_review, name="manual_review"),
    path("public/<str:code>/", views.public, name="public"),
    path("assessments/", views_assessments.assessment_list, name="assessments"),
    path("assessments/<int:pk>/", views_assessments.assessment_detail, name="assessment"),
    path("movement/", views_assessments.movement, name="movement"),
    path("key-areas/", views_assessments.key_areas, name="key_areas"),
]
