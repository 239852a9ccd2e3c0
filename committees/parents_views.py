"""The letter to the parents, for the coordinators of the declaring organisation only (404 for
everyone else, the declarant and the committee included)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from cases.exceptions import CaseError
from cases.permissions import can_write_to_parents, cases_parents_letter_printable_by

from . import parents_letter


@method_decorator(never_cache, name="dispatch")
class ParentsLetterPdfView(LoginRequiredMixin, View):
    def get(self, request, case_pk):
        case = get_object_or_404(
            cases_parents_letter_printable_by(request.user).select_related(
                "organisation", "parents_contact"
            ),
            pk=case_pk,
        )
        if not can_write_to_parents(request.user, case):  # the queryset already said yes
            raise Http404
        review = parents_letter.latest_review(case)
        if review is None:
            messages.error(request, _("Aucune revue du comité pour ce cas : pas de courrier."))
            return redirect("cases:detail", pk=case.pk)
        try:
            content = parents_letter.parents_letter_pdf(case=case, review=review, by=request.user)
        except CaseError as error:
            messages.error(request, error.message)
            return redirect("cases:detail", pk=case.pk)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="courrier-parents-{case.code}.pdf"'
        return response
