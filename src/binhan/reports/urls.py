from django.urls import path

from binhan.reports import views

app_name = "reports"

urlpatterns = [
    path("new/", views.report_new, name="new"),
    path("new/questions/", views.category_questions, name="questions"),
    path("new/similar/", views.similar_reports, name="similar"),
    path("sent/<int:pk>/", views.report_sent, name="sent"),
    path("follow/<str:code>/", views.follow, name="follow"),
    path("follow/<str:code>/live/", views.follow_live, name="follow_live"),
    path("mine/", views.my_reports, name="mine"),
    path("mine/<int:pk>/", views.my_report, name="my_report"),
    path("queue/", views.queue, name="queue"),
    path("<int:pk>/manage/", views.manage, name="manage"),
    path("<int:pk>/manage/<str:action>/", views.manage_action, name="manage_action"),
    path("<int:pk>/media/<int:media_id>/", views.media_file, name="media"),
]
