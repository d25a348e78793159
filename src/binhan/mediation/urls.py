from django.urls import path

from binhan.mediation.views import books, cases, resident, teams

app_name = "mediation"

urlpatterns = [
    path("", cases.home, name="home"),
    path("request/", resident.request_mediation, name="request"),
    path("my-requests/", resident.my_requests, name="my_requests"),
    path("teams/", teams.team_list, name="team_list"),
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<int:pk>/", teams.team_detail, name="team_detail"),
    path("teams/<int:pk>/mediators/new/", teams.mediator_create, name="mediator_create"),
    path("teams/<int:pk>/log-book/", books.log_book, name="log_book"),
    path("teams/<int:pk>/log-book.pdf", books.log_book, {"file_format": "pdf"}, name="log_book_pdf"),
    path("teams/<int:pk>/log-book.xlsx", books.log_book, {"file_format": "xlsx"}, name="log_book_xlsx"),
    path("mediators/<int:pk>/", teams.mediator_detail, name="mediator_detail"),
    path("mediators/<int:pk>/<slug:action>/", teams.mediator_action, name="mediator_action"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/new/", cases.case_create, name="case_create"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/minutes.pdf", cases.minutes_pdf, name="minutes_pdf"),
    path("cases/<int:pk>/files/<int:document_id>/", cases.document_file, name="document_file"),
    path("cases/<int:pk>/<slug:action>/", cases.case_action, name="case_action"),
    path("summary/", books.summary, name="summary"),
]
