from django.urls import path, re_path

from binhan.residence.views import hosts, police

app_name = "residence"

urlpatterns = [
    path("", hosts.home, name="home"),
    path("declare/", hosts.declare, name="declare_household"),
    path("lodgings/<int:lodging_pk>/declare/", hosts.declare, name="declare_lodging"),
    path("lodgings/<int:pk>/", hosts.lodging_detail, name="lodging_detail"),
    path("lodgings/<int:pk>/import/", hosts.lodging_import, name="lodging_import"),
    path("lodgings/", police.lodging_list, name="lodging_list"),
    path("lodgings/new/", police.lodging_create, name="lodging_create"),
    path("book/", police.book, name="book"),
    path("search/", police.search, name="search"),
    path("<int:pk>/", police.stay_detail, name="stay_detail"),
    path("<int:pk>/check-out/", hosts.check_out, name="check_out"),
    re_path(r"^export\.(?P<file_format>csv|xlsx)$", police.export, name="export"),
]
