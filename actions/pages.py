"""Pages of a corrective action and "Mes actions". Thin: fetch through a selector (an action
the user may not see is a 404), call one service, turn its known errors into a French message."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from rmm import workflow
from rmm.errors import UserError

from . import selectors, services
from .forms import (
    ActionTransitionForm,
    EffectivenessForm,
    HandOverForm,
    ProgressNoteForm,
    refusal_message,
)
from .models import ActionStatus, CorrectiveAction


def visible_action(user, pk) -> CorrectiveAction:
    action = selectors.action_visible(user=user, pk=pk)
    if action is None:
        raise Http404
    return action


class ActionMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.action = visible_action(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


@method_decorator(never_cache, name="dispatch")
class ActionDetailView(ActionMixin, View):
    def get(self, request, pk):
        page = selectors.action_page(action=self.action, user=request.user)
        return render(
            request,
            "actions/action_detail.html",
            {
                "action": self.action,
                "page": page,
                "transitions": workflow.available_transitions(self.action, request.user),
                "note_form": (
                    ProgressNoteForm()
                    if page.may_follow and self.action.status not in services.NOTE_CLOSED_STATUSES
                    else None
                ),
                "effectiveness_form": (
                    EffectivenessForm(initial={"result": self.action.effectiveness_result})
                    if page.may_verify and self.action.status == ActionStatus.DONE
                    else None
                ),
                "hand_over_form": (
                    HandOverForm() if page.may_verify and self.action.may_be_handed_over else None
                ),
            },
        )


class ActionChangeView(ActionMixin, View):
    """One action of the action page: its own form, one service, a French message, and back
    to the action page. Refusals come from the services (role, status, guards)."""

    form_class: type
    with_files = False

    def post(self, request, **kwargs):
        if self.with_files:
            form = self.form_class(request.POST, request.FILES)
        else:
            form = self.form_class(request.POST)
        if not form.is_valid():
            messages.error(request, refusal_message(form))
        else:
            try:
                done = self.perform(form)
            except UserError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, done)
        if selectors.action_visible(user=request.user, pk=self.action.pk) is None:
            return redirect("actions:mine")
        return redirect("actions:detail", pk=self.action.pk)

    def perform(self, form) -> str:
        raise NotImplementedError


class ActionTransitionView(ActionChangeView):
    form_class = ActionTransitionForm

    def perform(self, form):
        action = services.action_transition(
            action_id=self.action.pk,
            name=self.kwargs["name"],
            by=self.request.user,
            expected_status=form.cleaned_data["expected_status"],
            comment=form.cleaned_data["comment"],
        )
        return _("Action A%(pk)s : %(status)s.") % {
            "pk": action.pk,
            "status": action.get_status_display(),
        }


class ProgressNoteAddView(ActionChangeView):
    form_class = ProgressNoteForm
    with_files = True

    def perform(self, form):
        services.progress_note_add(
            action=self.action,
            by=self.request.user,
            text=form.cleaned_data["text"],
            evidence=form.cleaned_data["evidence"],
            pseudonymised=form.cleaned_data["pseudonymised"],
        )
        return _("Note d'avancement enregistrée.")


class EffectivenessRecordView(ActionChangeView):
    form_class = EffectivenessForm

    def perform(self, form):
        services.effectiveness_record(
            action=self.action, by=self.request.user, result=form.cleaned_data["result"]
        )
        return _("Résultat de la mesure d'efficacité enregistré.")


class HandOverView(ActionChangeView):
    form_class = HandOverForm

    def perform(self, form):
        services.action_hand_over(
            action=self.action, by=self.request.user, reference=form.cleaned_data["reference"]
        )
        return _("Action confiée au programme qualité de l'établissement.")


@method_decorator(never_cache, name="dispatch")
class EvidenceDownloadView(ActionMixin, View):
    """A progress note's evidence, to those who follow or verify the action (and to the
    committee when it is marked pseudonymised); a 404 for anyone else."""

    def get(self, request, pk, note_pk):
        note = get_object_or_404(self.action.progress_notes, pk=note_pk)
        if not note.evidence or not selectors.may_see_evidence(
            user=request.user, note=note, action=self.action
        ):
            raise Http404
        storage = note.evidence.storage
        if not storage.exists(note.evidence.name):
            raise Http404
        return FileResponse(
            storage.open(note.evidence.name, "rb"),
            as_attachment=True,
            filename=note.evidence.name.rsplit("/", 1)[-1],
        )


@method_decorator(never_cache, name="dispatch")
class MyActionsView(LoginRequiredMixin, View):
    def get(self, request):
        from .dashboard import may_see_dashboard

        return render(
            request,
            "actions/my_actions.html",
            {
                "groups": selectors.my_actions(user=request.user),
                "may_see_dashboard": may_see_dashboard(request.user),
            },
        )


urlpatterns = [
    path("", MyActionsView.as_view(), name="mine"),
    path("<int:pk>/", ActionDetailView.as_view(), name="detail"),
    path("<int:pk>/transition/<slug:name>/", ActionTransitionView.as_view(), name="transition"),
    path("<int:pk>/avancement/", ProgressNoteAddView.as_view(), name="progress_note_add"),
    path("<int:pk>/efficacite/", EffectivenessRecordView.as_view(), name="effectiveness_record"),
    path("<int:pk>/paqss/", HandOverView.as_view(), name="hand_over"),
    path(
        "<int:pk>/avancement/<int:note_pk>/piece/",
        EvidenceDownloadView.as_view(),
        name="evidence",
    ),
]
