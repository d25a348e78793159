from django.urls import path

from binhan.handovers import views

app_name = "handovers"

urlpatterns = [
    path("", views.handover_list, name="list"),
    path("new/", views.handover_create, name="create"),
    path("<int:pk>/", views.handover_detail, name="detail"),
    path("<int:pk>/receipt.pdf", views.receipt_pdf, name="receipt"),
    path("<int:pk>/photos/", views.add_photos, name="add_photos"),
    path("photos/<int:pk>/", views.photo_file, name="photo"),
    path("items/<int:pk>/move/", views.item_move, name="item_move"),
    path("programmes/", views.programme_list, name="programmes"),
]
