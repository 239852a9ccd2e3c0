"""The letter to the parents, for the coordinators of the declaring organisation only (404 for
everyone else, the declarant and the committee included): the letter page (the team's details
to insert, optional) and the PDF. Thin: the services decide, each print is logged."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from cases.exceptions import CaseError, InvalidInput
from cases.permissions import can_write_to_parents, cases_parents_letter_printable_by
from cases.services.parents import parents_letter_refusal

from . import parents_letter
from .parents_letter_forms import ParentsLetterPlacesForm


@method_decorator(never_cache, name="dispatch")
class _ParentsLetterBase(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.case = get_object_or_404(
            cases_parents_letter_printable_by(request.user).select_related(
                "organisation", "parents_contact"
            ),
            pk=kwargs["case_pk"],
        )
        if not can_write_to_parents(request.user, self.case):  # the queryset already said yes
            raise Http404
        self.review = parents_letter.latest_review(self.case)
        if self.review is None:
            messages.error(request, _("Aucune revue du comité pour ce cas : pas de courrier."))
            return redirect("cases:detail", pk=self.case.pk)
        return super().dispatch(request, *args, **kwargs)

    def pdf(self, places=None):
        """The PDF (one access-log row), or the service's French reason as a message."""
        content = parents_letter.parents_letter_pdf(
            case=self.case, review=self.review, by=self.request.user, places=places
        )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="courrier-parents-{self.case.code}.pdf"'
        )
        return response


class ParentsLetterPdfView(_ParentsLetterBase):
    """The letter with every place of the team left "[à compléter]"."""

    def get(self, request, case_pk):
        try:
            return self.pdf()
        except CaseError as error:
            messages.error(request, error.message)
            return redirect("cases:detail", pk=self.case.pk)


class ParentsLetterView(_ParentsLetterBase):
    """The letter page: the team's details to insert (GET shows the form, POST prints)."""

    def get(self, request, case_pk):
        refusal = parents_letter_refusal(self.case)
        if refusal:
            messages.error(request, refusal)
            return redirect("cases:detail", pk=self.case.pk)
        return self.render(ParentsLetterPlacesForm())

    def post(self, request, case_pk):
        form = ParentsLetterPlacesForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            return self.pdf(places=form.cleaned_data)
        except InvalidInput as error:
            form.add_error(None, error.message)
            return self.render(form, status=400)
        except CaseError as error:
            messages.error(request, error.message)
            return redirect("cases:detail", pk=self.case.pk)

    def render(self, form, status=200):
        return render(
            self.request,
            "committees/parents_letter_form.html",
            {"case": self.case, "review": self.review, "form": form},
            status=status,
        )
