"""Case pages. Thin: fetch through a selector (a case the user may not see is a 404), call one
service, turn its known errors into a French message."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from accounts.permissions import organisations_where_user_may_declare

from . import selectors
from .anonymisation import finding_key
from .conditions import review_texts
from .detection import KIND_LABELS, SIGNAL_LABELS, case_findings, second_signal
from .exceptions import CaseError, WouldErase
from .forms import (
    CareEventForm,
    CaseFilterForm,
    ClinicalFactsForm,
    IdentityForm,
    SummaryForm,
    TransitionForm,
)
from .models import CareEvent, Case, IdentityVault
from .panels import case_panels
from .permissions import (
    can_document_case,
    can_edit_case,
    can_view_case,
    can_view_identity,
    cases_visible_to,
)
from .services import anonymisation as anonymisation_services
from .services import cases as case_services
from .services.transitions import case_transition, transitions_for


def visible_case(user, pk) -> Case:
    case = get_object_or_404(cases_visible_to(user).select_related("organisation"), pk=pk)
    if not can_view_case(user, case):  # belt and braces: the queryset already said yes
        raise Http404
    return case


def _facts(form: ClinicalFactsForm) -> dict:
    # Only the fields the form kept (on the edit page: those the POST carried).
    return {name: form.cleaned_data[name] for name in form.Meta.fields if name in form.fields}


def _identity(form: IdentityForm) -> dict:
    return dict(form.cleaned_data)


def _field_labels(names) -> list[tuple[str, str]]:
    """(name, French label) of case or vault fields, for the confirmation of an erasure."""
    labels = []
    for name in names:
        model = IdentityVault if name in IdentityVault.ENCRYPTED_FIELDS else Case
        labels.append((name, case_services.field_label(model, name)))
    return labels


class CaseListView(LoginRequiredMixin, View):
    def get(self, request):
        form = CaseFilterForm(
            request.GET or None,
            organisations=selectors.filter_organisations(user=request.user),
        )
        filters = form.filters()
        if rejected := form.rejected_filters():
            messages.warning(
                request,
                _("Filtre non appliqué (valeur invalide) : %(filters)s.")
                % {"filters": ", ".join(rejected)},
            )
        cases = selectors.case_list_visible_to(user=request.user, filters=filters)
        page = selectors.case_page(cases=cases, cursor=request.GET.get("apres", ""))
        query = request.GET.copy()
        query.pop("apres", None)
        return render(
            request,
            "cases/case_list.html",
            {
                "form": form,
                "filters": form.widgets(),
                "page": page,
                "query": query.urlencode(),
                "may_declare": organisations_where_user_may_declare(request.user).exists(),
            },
        )


@method_decorator(never_cache, name="dispatch")
class CaseDeclareView(LoginRequiredMixin, View):
    """A clinician's declaration: save a draft, or save and declare."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organisations = organisations_where_user_may_declare(request.user)
            if not self.organisations.exists():
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(ClinicalFactsForm(organisations=self.organisations), IdentityForm())

    def render(self, facts_form, identity_form, status=200):
        return render(
            request=self.request,
            template_name="cases/case_form.html",
            context={
                "facts_form": facts_form,
                "identity_form": identity_form,
                "creating": True,
                "forms_with_errors": [facts_form, identity_form],
            },
            status=status,
        )

    def post(self, request):
        facts_form = ClinicalFactsForm(request.POST, organisations=self.organisations)
        identity_form = IdentityForm(request.POST)
        if not (facts_form.is_valid() and identity_form.is_valid()):
            messages.error(
                request, _("Le formulaire contient des erreurs : rien n'a été enregistré.")
            )
            return self.render(facts_form, identity_form, status=400)
        facts = _facts(facts_form)
        try:
            case = case_services.case_create_draft(
                organisation=facts_form.cleaned_data["organisation"],
                by=request.user,
                facts=facts,
                identity=_identity(identity_form),
            )
        except CaseError as error:
            messages.error(request, error.message)
            return self.render(facts_form, identity_form, status=400)
        return _after_save(request, case)


def _after_save(request, case: Case) -> HttpResponseRedirect:
    if "declare" in request.POST:
        try:
            case_transition(
                case_id=case.pk, name="declare", by=request.user, expected_status=case.status
            )
        except CaseError as error:
            messages.warning(
                request,
                _("Brouillon enregistré, mais non déclaré. %(reason)s") % {"reason": error.message},
            )
        else:
            messages.success(
                request,
                _("Cas %(code)s déclaré : il attend sa prise en charge par un référent RMM.")
                % {"code": case.code},
            )
    else:
        messages.success(request, _("Brouillon %(code)s enregistré.") % {"code": case.code})
    return redirect("cases:detail", pk=case.pk)


@method_decorator(never_cache, name="dispatch")
class CaseEditView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.case = visible_case(request.user, kwargs["pk"])
            if not can_edit_case(request.user, self.case):
                messages.error(request, _("Ce cas n'est pas modifiable par vous à ce stade."))
                return redirect("cases:detail", pk=self.case.pk)
            self.with_identity = can_view_identity(request.user, self.case)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        identity_form = None
        if self.with_identity:
            vault = case_services.identity_for_display(case=self.case, by=request.user)
            identity_form = IdentityForm(instance=vault)
        return self.render(ClinicalFactsForm(instance=self.case), identity_form)

    def render(self, facts_form, identity_form, status=200, erasing=None):
        return render(
            self.request,
            "cases/case_form.html",
            {
                "facts_form": facts_form,
                "identity_form": identity_form,
                "case": self.case,
                "may_declare": any(
                    t.name == "declare"
                    for t in transitions_for(case=self.case, user=self.request.user)
                ),
                "forms_with_errors": [f for f in (facts_form, identity_form) if f is not None],
                "erasing": erasing,
            },
            status=status,
        )

    def post(self, request, pk):
        # A field the POST does not carry keeps its recorded value: absent is not empty.
        facts_form = ClinicalFactsForm(
            request.POST, instance=Case.objects.get(pk=self.case.pk), only_submitted=True
        )
        identity_form = None
        if self.with_identity:
            identity_form = IdentityForm(
                request.POST,
                instance=case_services.identity_for_edit(case=self.case, by=request.user),
                only_submitted=True,
            )
        forms_valid = facts_form.is_valid() and (identity_form is None or identity_form.is_valid())
        if not forms_valid:
            messages.error(
                request, _("Le formulaire contient des erreurs : rien n'a été enregistré.")
            )
            return self.render(facts_form, identity_form, status=400)
        try:
            case = case_services.case_update(
                case=self.case,
                by=request.user,
                facts=_facts(facts_form),
                identity=_identity(identity_form) if identity_form else None,
                clear=frozenset(request.POST.getlist("clear")),
            )
        except WouldErase as error:
            messages.error(request, error.message)
            erasing = _field_labels(error.fields) if error.confirmable else []
            return self.render(facts_form, identity_form, status=400, erasing=erasing)
        except CaseError as error:
            messages.error(request, error.message)
            return self.render(facts_form, identity_form, status=400)
        if "declare" in request.POST:
            return _after_save(request, case)
        messages.success(request, _("Modifications enregistrées."))
        return redirect("cases:detail", pk=case.pk)


class CaseDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        case = visible_case(request.user, pk)
        return render(
            request,
            "cases/case_detail.html",
            {
                "case": case,
                "events": list(case.care_events.order_by("position", "pk")),
                "history": list(selectors.case_history(case=case)),
                "transitions": transitions_for(case=case, user=request.user),
                "can_edit": can_edit_case(request.user, case),
                "can_document": can_document_case(request.user, case),
                "can_view_identity": can_view_identity(request.user, case),
                "panels": case_panels(case=case, user=request.user),
            },
        )


@method_decorator(never_cache, name="dispatch")
class CaseIdentityView(LoginRequiredMixin, View):
    def get(self, request, pk):
        case = visible_case(request.user, pk)
        if not can_view_identity(request.user, case):
            raise Http404
        vault = case_services.identity_for_display(case=case, by=request.user)
        return render(request, "cases/case_identity.html", {"case": case, "vault": vault})


class CaseTransitionView(LoginRequiredMixin, View):
    def post(self, request, pk, name):
        case = visible_case(request.user, pk)
        form = TransitionForm(request.POST)
        if not form.is_valid():
            errors = " ".join(str(error) for errors in form.errors.values() for error in errors)
            messages.error(
                request, _("Action refusée : %(errors)s Rien n'a été changé.") % {"errors": errors}
            )
            return redirect("cases:detail", pk=case.pk)
        try:
            case = case_transition(
                case_id=case.pk,
                name=name,
                by=request.user,
                expected_status=form.cleaned_data["expected_status"],
                comment=form.cleaned_data["comment"],
            )
        except CaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Cas %(code)s : %(status)s.")
                % {"code": case.code, "status": case.get_status_display()},
            )
        if can_view_case(request.user, case):
            return redirect("cases:detail", pk=case.pk)
        return redirect("cases:list")


class ChronologyView(LoginRequiredMixin, View):
    """The coordinator's chronology editor: add, edit, reorder, delete events."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.case = visible_case(request.user, kwargs["pk"])
            if not can_document_case(request.user, self.case):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def event(self):
        event_pk = self.kwargs.get("event_pk")
        if event_pk is None:
            return None
        return get_object_or_404(CareEvent, pk=event_pk, case=self.case)

    def get(self, request, pk, event_pk=None):
        return self.render(CareEventForm(instance=self.event()))

    def render(self, form, status=200):
        return render(
            self.request,
            "cases/chronology.html",
            {
                "case": self.case,
                "form": form,
                "editing": self.event(),
                "events": list(self.case.care_events.order_by("position", "pk")),
            },
            status=status,
        )

    def post(self, request, pk, event_pk=None):
        event = self.event()
        action = request.POST.get("action", "save")
        try:
            with transaction.atomic():
                if action in ("up", "down") and event is not None:
                    case_services.care_event_move(
                        case=self.case,
                        by=request.user,
                        event=event,
                        offset=-1 if action == "up" else 1,
                    )
                elif action == "delete" and event is not None:
                    case_services.care_event_delete(case=self.case, by=request.user, event=event)
                    messages.success(request, _("Événement supprimé."))
                else:
                    form = CareEventForm(request.POST, instance=event)
                    if not form.is_valid():
                        messages.error(
                            request,
                            _("L'événement contient des erreurs : rien n'a été enregistré."),
                        )
                        return self.render(form, status=400)
                    case_services.care_event_save(
                        case=self.case, by=request.user, event=form.instance
                    )
                    messages.success(request, _("Chronologie enregistrée."))
        except CaseError as error:
            messages.error(request, error.message)
        return redirect("cases:chronology", pk=self.case.pk)


def _highlighted(text: str, findings) -> list[dict]:
    """The text cut into plain and found pieces, for the template to mark (escaped there)."""
    pieces, cursor = [], 0
    for f in findings:
        if f.start < cursor:
            continue
        if f.start > cursor:
            pieces.append({"text": text[cursor : f.start]})
        pieces.append(
            {
                "text": f.text,
                "kind": f.kind,
                "label": KIND_LABELS[f.kind],
                "signal": f.signal,
                "signal_label": SIGNAL_LABELS[f.signal],
            }
        )
        cursor = f.end
    if cursor < len(text):
        pieces.append({"text": text[cursor:]})
    return pieces


def _distinct_findings(results) -> list[dict]:
    """One row per (kind, value) over every text, with where it occurs and how often."""
    rows: dict[tuple[str, str], dict] = {}
    for result in results:
        for f in result.findings:
            row = rows.setdefault(
                (f.kind, finding_key(f.text)),
                {
                    "value": f.text,
                    "kind": f.kind,
                    "label": KIND_LABELS[f.kind],
                    "signals": set(),
                    "places": [],
                    "count": 0,
                    "rejectable": True,
                },
            )
            row["count"] += 1
            row["signals"].add(str(SIGNAL_LABELS[f.signal]))
            if f.signal == "known":
                row["rejectable"] = False
            if result.where not in row["places"]:
                row["places"].append(result.where)
    return list(rows.values())


@method_decorator(never_cache, name="dispatch")
class AnonymisationView(LoginRequiredMixin, View):
    """Original narrative and scrubbed proposal side by side; every finding of both signals
    highlighted in the texts the committee will read, each accepted (replaced by its
    placeholder) or rejected (kept, remembered for the case); edit, check, then validate."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.case = visible_case(request.user, kwargs["pk"])
            if not can_document_case(request.user, self.case):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        original, proposal = case_services.suggested_summary(case=self.case, by=request.user)
        initial = self.case.summary or proposal
        return self.render(SummaryForm(initial={"summary": initial}), original, proposal)

    def render(self, form, original, proposal, status=200, draft=None):
        """`draft`: a summary typed but not saved (checked or refused), shown in place of the
        saved one."""
        texts = review_texts(self.case)
        if draft is not None:
            texts = [
                (where, draft if index == 0 else text) for index, (where, text) in enumerate(texts)
            ]
        results = case_findings(self.case, texts)
        summary_where = texts[0][0]
        summary_text = texts[0][1]
        summary_result = next((r for r in results if r.where == summary_where), None)
        return render(
            self.request,
            "cases/anonymisation.html",
            {
                "case": self.case,
                "form": form,
                "original": original,
                "proposal": proposal,
                "second_signal": second_signal() is not None,
                "summary_text": summary_text,
                "summary_pieces": _highlighted(
                    summary_text, summary_result.findings if summary_result else ()
                ),
                "other_results": [
                    {
                        "where": r.where,
                        "too_long": r.too_long,
                        "pieces": _highlighted(r.text, r.findings),
                    }
                    for r in results
                    if r.where != summary_where
                ],
                "summary_too_long": bool(summary_result and summary_result.too_long),
                "findings": _distinct_findings(results),
                "rejections": list(self.case.rejected_findings.all()),
                "kind_labels": KIND_LABELS,
                "draft": draft is not None,
            },
            status=status,
        )

    def post(self, request, pk):
        action = request.POST.get("action", "save")
        if action in ("reject", "replace", "restore"):
            return self.decide(request, action)
        form = SummaryForm(request.POST)
        if not form.is_valid():
            original, proposal = case_services.suggested_summary(case=self.case, by=request.user)
            return self.render(form, original, proposal, status=400)
        if action == "check":
            # Detection on the coordinator's own edits, nothing saved.
            original, proposal = case_services.suggested_summary(case=self.case, by=request.user)
            return self.render(form, original, proposal, draft=form.cleaned_data["summary"])
        try:
            self.case = case_services.summary_save(
                case=self.case,
                by=request.user,
                summary=form.cleaned_data["summary"],
                validate=form.cleaned_data["validate"],
            )
        except CaseError as error:
            messages.error(request, error.message)
            original, proposal = case_services.suggested_summary(case=self.case, by=request.user)
            return self.render(
                form, original, proposal, status=400, draft=form.cleaned_data["summary"]
            )
        if form.cleaned_data["validate"]:
            messages.success(request, _("Résumé anonymisé enregistré et validé."))
            return redirect("cases:detail", pk=self.case.pk)
        messages.success(request, _("Résumé enregistré (non validé)."))
        return redirect(reverse("cases:anonymisation", args=[self.case.pk]))

    def decide(self, request, action):
        """Accept (replace in the summary), reject (keep, remembered) or restore a finding."""
        try:
            with transaction.atomic():
                if action == "restore":
                    anonymisation_services.finding_restore(
                        case=self.case,
                        by=request.user,
                        rejection_id=int(request.POST.get("rejection") or 0),
                    )
                    messages.success(request, _("La valeur est de nouveau signalée."))
                elif action == "reject":
                    anonymisation_services.finding_reject(
                        case=self.case,
                        by=request.user,
                        kind=request.POST.get("kind", ""),
                        value=request.POST.get("value", ""),
                    )
                    messages.success(
                        request,
                        _("Valeur conservée : elle ne sera plus signalée dans ce cas."),
                    )
                else:
                    anonymisation_services.summary_replace_finding(
                        case=self.case,
                        by=request.user,
                        kind=request.POST.get("kind", ""),
                        value=request.POST.get("value", ""),
                    )
                    messages.success(request, _("Remplacé dans le résumé (non validé)."))
        except ValueError:
            messages.error(request, _("Détection inconnue : rien n'a été enregistré."))
        except CaseError as error:
            messages.error(request, error.message)
        return redirect(reverse("cases:anonymisation", args=[self.case.pk]))
