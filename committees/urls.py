from django.urls import path

from . import parents_views, views

app_name = "committees"

urlpatterns = [
    path("", views.SessionListView.as_view(), name="session_list"),
    path("nouvelle/", views.SessionCreateView.as_view(), name="session_create"),
    path("<int:pk>/", views.SessionDetailView.as_view(), name="session_detail"),
    path(
        "<int:pk>/transition/<slug:name>/",
        views.SessionTransitionView.as_view(),
        name="session_transition",
    ),
    path("<int:pk>/ordre-du-jour/", views.AgendaAddView.as_view(), name="agenda_add"),
    path(
        "<int:pk>/ordre-du-jour/<int:item_pk>/retirer/",
        views.AgendaRemoveView.as_view(),
        name="agenda_remove",
    ),
    path(
        "<int:pk>/ordre-du-jour/<int:item_pk>/deplacer/",
        views.AgendaMoveView.as_view(),
        name="agenda_move",
    ),
    path(
        "<int:pk>/ordre-du-jour/<int:item_pk>/presentateur/",
        views.AgendaPresenterView.as_view(),
        name="agenda_presenter",
    ),
    path("<int:pk>/presences/", views.AttendanceView.as_view(), name="attendance"),
    path("<int:pk>/invitation.ics", views.SessionIcsView.as_view(), name="session_ics"),
    path("<int:pk>/cas/<int:case_pk>/", views.ReviewView.as_view(), name="review"),
    path("<int:pk>/compte-rendu/", views.MinutesView.as_view(), name="minutes"),
    path(
        "<int:pk>/compte-rendu/v<int:version>/", views.MinutesView.as_view(), name="minutes_version"
    ),
    path(
        "<int:pk>/compte-rendu/v<int:version>/impression/",
        views.MinutesPrintView.as_view(),
        name="minutes_print",
    ),
    path(
        "<int:pk>/compte-rendu/v<int:version>/pdf/",
        views.MinutesPdfView.as_view(),
        name="minutes_pdf",
    ),
    path(
        "cas/<int:case_pk>/courrier-parents.pdf",
        parents_views.ParentsLetterPdfView.as_view(),
        name="parents_letter",
    ),
    path("comites/<int:pk>/charte/", views.CharterView.as_view(), name="charter"),
]
