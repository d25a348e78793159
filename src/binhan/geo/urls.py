from django.urls import path

from binhan.geo import views

app_name = "geo"

urlpatterns = [
    path("", views.unit_browser, name="unit_browser"),
    path("pick/", views.unit_pick, name="unit_pick"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("<int:pk>/households/new/", views.household_create, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
]
