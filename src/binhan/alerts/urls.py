from django.urls import path

from binhan.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("new/", views.alert_new, name="new"),
    path("<int:pk>/", views.alert_detail, name="detail"),
    path("<int:pk>/edit/", views.alert_edit, name="edit"),
    path("<int:pk>/tally/", views.alert_tally, name="tally"),
    path("<int:pk>/replies/", views.alert_replies, name="replies"),
    path("<int:pk>/groups/", views.alert_groups, name="groups"),
    path("<int:pk>/do/<str:action>/", views.alert_action, name="action"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/live/", views.inbox_live, name="inbox_live"),
    path("inbox/badge/", views.inbox_badge, name="inbox_badge"),
    path("inbox/<int:pk>/", views.inbox_alert, name="inbox_alert"),
    path("inbox/<int:pk>/acknowledge/", views.inbox_acknowledge, name="acknowledge"),
    path("inbox/<int:pk>/vote/", views.inbox_vote, name="vote"),
    path("subscription/", views.subscription, name="subscription"),
    path("subscription/push/", views.push_subscribe, name="push_subscribe"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("public/<int:pk>/", views.public_alert, name="public"),
    path("cap/<int:pk>.xml", views.cap_document, name="cap"),
    path("feed.atom", views.atom_feed, name="feed"),
    path("library/", views.library, name="library"),
    path("library/new/", views.article_edit, name="article_new"),
    path("library/<int:pk>/", views.article, name="article"),
    path("library/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("library/<int:pk>.pdf", views.article_pdf, name="article_pdf"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_edit, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
]
