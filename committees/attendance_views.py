"""The named attendance sheet (chair and secretary) and the participation certificates (the
professional themself; the chair and secretary for their committee). Thin views: scoped
querysets (404 for what the user may not see), reads from committees.certificates."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views import View

from . import certificates
from .permissions import (
    attendance_sheets_visible_to,
    certificate_seats_visible_to,
    committees_planned_by,
)
from .views import SessionMixin


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Names of professionals: not kept by shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


class AttendanceSheetMixin(SessionMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and (
            not attendance_sheets_visible_to(request.user).filter(pk=kwargs["pk"]).exists()
        ):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class AttendanceSheetView(AttendanceSheetMixin, View):
    def get(self, request, pk):
        return render(
            request,
            "committees/attendance_sheet.html",
            certificates.attendance_sheet(session=self.session),
        )


class AttendanceSheetPdfView(AttendanceSheetMixin, View):
    def get(self, request, pk):
        return _pdf(
            certificates.attendance_sheet_pdf(session=self.session),
            f"emargement-rmm-{self.session.pk}.pdf",
        )


class MyCertificatesView(LoginRequiredMixin, View):
    """'Mes attestations': the years where the user attended at least one counted session."""

    def get(self, request):
        return render(
            request,
            "committees/my_certificates.html",
            {"years": certificates.certificate_years_of(user=request.user)},
        )


class CertificatePdfView(LoginRequiredMixin, View):
    def get(self, request, seat_pk, year):
        seat = get_object_or_404(
            certificate_seats_visible_to(request.user).select_related("user", "committee"),
            pk=seat_pk,
        )
        content = certificates.certificate_pdf(seat=seat, year=year)
        return _pdf(content, certificates.certificate_filename(seat, year))


class CommitteeCertificatesView(LoginRequiredMixin, View):
    """The chair's and secretary's list of their committee's certificates for one year."""

    def get(self, request, pk, year=None):
        committee = get_object_or_404(committees_planned_by(request.user), pk=pk)
        year = certificates.current_year() if year is None else year
        return render(
            request,
            "committees/committee_certificates.html",
            {
                "committee": committee,
                "year": year,
                "years": certificates.years_choice(),
                "rows": certificates.committee_certificates(committee=committee, year=year),
            },
        )
