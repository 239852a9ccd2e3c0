"""The coordinator's "Parents" page: whether the parents were told of the review, by which
function and when, and their questions for the committee. Thin: one service, French messages."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from .exceptions import CaseError, TransitionConflict
from .parents_forms import ParentsContactForm
from .permissions import can_record_parents_contact
from .services.parents import parents_contact_of, parents_contact_save
from .views import visible_case


@method_decorator(never_cache, name="dispatch")
class ParentsContactView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.case = visible_case(request.user, kwargs["pk"])
            if not can_record_parents_contact(request.user, self.case):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        contact = parents_contact_of(self.case)
        form = ParentsContactForm(
            initial={
                "status": contact.status,
                "told_on": contact.told_on,
                "told_by_function": contact.told_by_function,
                "questions": contact.questions,
                "version": contact.version,
            }
        )
        return self.render(form)

    def render(self, form, status=200):
        return render(
            self.request,
            "cases/parents.html",
            {"case": self.case, "form": form},
            status=status,
        )

    def post(self, request, pk):
        form = ParentsContactForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        data = form.cleaned_data
        try:
            parents_contact_save(
                case=self.case,
                by=request.user,
                status=data["status"],
                told_on=data["told_on"],
                told_by_function=data["told_by_function"],
                questions=data["questions"],
                expected_version=data["version"],
            )
        except CaseError as error:
            form.add_error(None, error.message)
            return self.render(form, status=409 if isinstance(error, TransitionConflict) else 400)
        messages.success(request, _("Information des parents enregistrée."))
        return redirect("cases:detail", pk=self.case.pk)
