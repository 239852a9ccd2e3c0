from django.urls import path, register_converter

from . import attendance_views, certificates, guest_views, parents_views, views


class CertificateYearConverter:
    """A certificate's year: canonical digits within 2000..this year ("0", "02026" or a future
    year do not match: 404). Reversing writes any integer, so a link to a bad year still 404s."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        return certificates.year_from_url(value)

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(CertificateYearConverter, "certificate_year")

app_name = "committees"

urlpatterns = [
    path("", views.SessionListView.as_view(), name="session_list"),
    path("nouvelle/", views.SessionCreateView.as_view(), name="session_create"),
    path("<int:pk>/", views.SessionDetailView.as_view(), name="session_detail"),
    path("<int:pk>/modifier/", views.SessionMoveView.as_view(), name="session_move"),
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
    path(
        "cas/<int:case_pk>/courrier-parents/",
        parents_views.ParentsLetterView.as_view(),
        name="parents_letter_page",
    ),
    path("comites/<int:pk>/charte/", views.CharterView.as_view(), name="charter"),
    # Attendance sheet and participation certificates (committees/attendance_views.py).
    path(
        "<int:pk>/emargement/",
        attendance_views.AttendanceSheetView.as_view(),
        name="attendance_sheet",
    ),
    path(
        "<int:pk>/emargement/pdf/",
        attendance_views.AttendanceSheetPdfView.as_view(),
        name="attendance_sheet_pdf",
    ),
    path(
        "mes-attestations/",
        attendance_views.MyCertificatesView.as_view(),
        name="my_certificates",
    ),
    path(
        "attestations/<int:seat_pk>/<certificate_year:year>/pdf/",
        attendance_views.CertificatePdfView.as_view(),
        name="certificate_pdf",
    ),
    path(
        "comites/<int:pk>/attestations/",
        attendance_views.CommitteeCertificatesView.as_view(),
        name="committee_certificates",
    ),
    path(
        "comites/<int:pk>/attestations/<certificate_year:year>/",
        attendance_views.CommitteeCertificatesView.as_view(),
        name="committee_certificates_year",
    ),
    path(
        "<int:pk>/ordre-du-jour/<int:item_pk>/invites/",
        guest_views.GuestsView.as_view(),
        name="guests",
    ),
    path("invitations/<int:pk>/", guest_views.InvitationView.as_view(), name="invitation"),
    path(
        "invitations/<int:pk>/charte/",
        guest_views.InvitationCharterView.as_view(),
        name="invitation_charter",
    ),
]
