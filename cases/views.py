"""Case pages. Thin: fetch through a selector (a case the user may not see is a 404), call one
service, turn its known errors into a French message."""

import secrets

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from accounts.permissions import may_declare_cases, organisations_where_user_may_declare
from rmm.forms import strict_id
from rmm.querysets import ReadByKey

from . import selectors
from .anonymisation import finding_key
from .clinical import DECLARATION_STEPS, REVIEW_STEP, STEPS_BY_SLUG, step_of_field
from .clinical.derivation import declaration_missing_fields
from .conditions import review_texts
from .detection import KIND_LABELS, SIGNAL_LABELS, case_findings, second_signal
from .exceptions import CaseError, WouldErase
from .forms import (
    CareEventForm,
    CaseFilterForm,
    ClinicalFactsForm,
    ContributionForm,
    IdentityForm,
    SummaryForm,
    TransitionForm,
)
from .list_html import case_rows_html, filter_fields_html
from .models import CareEvent, Case, IdentityVault
from .panels import case_panels
from .permissions import (
    can_add_care_event,
    can_change_care_event,
    can_delete_draft,
    can_document_case,
    can_edit_case,
    can_manage_contributions,
    can_read_care_event,
    can_read_case_texts,
    can_view_case,
    can_view_identity,
)
from .services import anonymisation as anonymisation_services
from .services import cases as case_services
from .services import contributions as contribution_services
from .services import parents as parents_services
from .services.transitions import case_transition, transitions_for
from .status import CaseStatus

# The case row with its organisation and parents' contact, compiled once per process.
CASE_BY_KEY = ReadByKey(Case, "organisation", "parents_contact")


def visible_case(user, pk) -> Case:
    """The case, or a 404 for whoever may not see it (as for a case that does not exist).

    Read by its key and asked to the predicate, the rule itself (its queryset twin,
    `cases_visible_to`, is tested to agree for every role): building that queryset's
    conditions cost more than the page's own queries."""
    case = CASE_BY_KEY.get(pk)
    if case is None or not can_view_case(user, case):
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
        parts = selectors.case_list_parts(user=request.user, filters=filters)
        page = selectors.case_page(parts=parts, cursor=request.GET.get("apres", ""))
        query = request.GET.copy()
        query.pop("apres", None)
        return render(
            request,
            "cases/case_list.html",
            {
                "form": form,
                "filters_html": filter_fields_html(form.widgets()),
                "page": page,
                "rows_html": case_rows_html(page.cases),
                "query": query.urlencode(),
                "may_declare": may_declare_cases(request.user),
            },
        )


# --- The declaration in steps ----------------------------------------------------------------
# Each step is saved as it goes (the first one creates the draft); "verifier" lists what is
# still missing and offers "Déclarer", which goes through the `declare` transition and its guard.


def _step_or_404(slug: str | None):
    if slug is None:
        return DECLARATION_STEPS[0]
    if slug == REVIEW_STEP:
        return None
    try:
        return STEPS_BY_SLUG[slug]
    except KeyError:
        raise Http404 from None


def _next_slug(step) -> str | None:
    slugs = [s.slug for s in DECLARATION_STEPS]
    index = slugs.index(step.slug)
    return slugs[index + 1] if index + 1 < len(slugs) else None


def _previous_slug(step) -> str | None:
    slugs = [s.slug for s in DECLARATION_STEPS] + [REVIEW_STEP]
    index = slugs.index(step.slug if step is not None else REVIEW_STEP)
    return slugs[index - 1] if index > 0 else None


def _step_url(case: Case, slug: str) -> str:
    return reverse("cases:edit_step", args=[case.pk, slug])


def _missing(case: Case, vault) -> list[dict]:
    """What the draft still lacks before "Déclarer", each with a link to where it is entered."""
    rows = []
    for name, label in declaration_missing_fields(
        case,
        born_at=vault.born_at if vault is not None else None,
        died_at=vault.died_at if vault is not None else None,
    ):
        url = f"{_step_url(case, step_of_field(name).slug)}#id_{name}" if case.pk else ""
        rows.append({"name": name, "label": label, "url": url})
    return rows


def _steps(case: Case | None, vault, current: str, missing: list[dict], with_review: bool):
    """The step indicator: each step, whether something is entered there, what it lacks."""
    missing_names = {row["name"] for row in missing}
    rows = []
    for step in DECLARATION_STEPS:
        values = [getattr(case, name, None) for name in step.facts] if case else []
        if vault is not None:
            values += [getattr(vault, name, None) for name in step.identity]
        lacking = [name for name in step.fields if name in missing_names]
        rows.append(
            {
                "slug": step.slug,
                "title": step.title,
                "url": _step_url(case, step.slug) if case and case.pk else "",
                "current": step.slug == current,
                "lacking": len(lacking),
                "complete": bool(case and case.pk)
                and not lacking
                and any(v not in (None, "", False) for v in values),
            }
        )
    if with_review:
        rows.append(
            {
                "slug": REVIEW_STEP,
                "title": _("Vérifier et déclarer"),
                "url": _step_url(case, REVIEW_STEP) if case and case.pk else "",
                "current": current == REVIEW_STEP,
                "lacking": 0,
                "complete": False,
            }
        )
    return rows


def _rows(form, step, outcome) -> list:
    """The step's fields; after a refused POST also any other field it carried (nothing typed
    is lost)."""
    if form is None:
        return []
    names = [name for name in ("organisation", *step.fields) if name in form.fields] if step else []
    if form.is_bound:
        names += [name for name in form.fields if name not in names]
    return form.rows(names, outcome=outcome)


def _outcome(case, facts_form) -> str:
    """The event sent (after a refused POST) or else recorded: it makes its fields required."""
    if facts_form is not None and facts_form.is_bound and "outcome" in facts_form.data:
        return facts_form.data.get("outcome", "")
    return getattr(case, "outcome", "") or ""


def _nothing_entered_message() -> str:
    return _(
        "Rien n'a été enregistré : le formulaire est vide. Renseignez au moins l'événement "
        "déclaré pour créer le brouillon."
    )


def _render_step(request, *, case, step, facts_form, identity_form, vault, status=200, **extra):
    current = step.slug if step else REVIEW_STEP
    creating = case is None or case.pk is None
    missing = _missing(case, vault) if case is not None else []
    draft = creating or case.status == CaseStatus.DRAFT
    forms_shown = [f for f in (facts_form, identity_form) if f is not None]
    context = {
        "case": case if not creating else None,
        "creating": creating,
        "step": step,
        "current": current,
        "steps": _steps(case, vault, current, missing, with_review=draft),
        "missing": missing,
        "facts_rows": _rows(facts_form, step, _outcome(case, facts_form)),
        "identity_rows": _rows(identity_form, step, _outcome(case, facts_form)),
        "facts_form": facts_form,
        "identity_form": identity_form,
        "forms_with_errors": [f for f in forms_shown if f.errors],
        "previous_slug": _previous_slug(step) if not creating else None,
        "next_slug": _next_slug(step) if step else None,
        "draft": draft,
        "review_step": REVIEW_STEP,
        **extra,
    }
    return render(request, "cases/case_form.html", context, status=status)


@method_decorator(never_cache, name="dispatch")
class CaseDeclareView(LoginRequiredMixin, View):
    """The first step of a clinician's declaration: the essentials. Saving it creates the draft
    (nothing is created from an empty form, nor twice from one form sent twice)."""

    step = DECLARATION_STEPS[0]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organisations = organisations_where_user_may_declare(request.user)
            if not self.organisations.exists():
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(
            ClinicalFactsForm(organisations=self.organisations, step=self.step),
            IdentityForm(step=self.step),
            token=secrets.token_urlsafe(16),
        )

    def render(self, facts_form, identity_form, status=200, token=""):
        return _render_step(
            self.request,
            case=None,
            step=self.step,
            facts_form=facts_form,
            identity_form=identity_form,
            vault=None,
            status=status,
            token=token,
        )

    def _already_saved(self, case: Case):
        messages.info(
            self.request,
            _("Ce formulaire a déjà été enregistré : brouillon %(code)s.") % {"code": case.code},
        )
        return redirect("cases:detail", pk=case.pk)

    def post(self, request):
        token = request.POST.get("token", "")[:64]
        # The same form sent twice (a double click, a reload): the draft already exists.
        case = case_services.draft_of_token(by=request.user, token=token)
        if case is not None and can_view_case(request.user, case):
            return self._already_saved(case)
        facts_form = ClinicalFactsForm(
            request.POST, organisations=self.organisations, only_submitted=True
        )
        identity_form = IdentityForm(request.POST, only_submitted=True)
        if not (facts_form.is_valid() and identity_form.is_valid()):
            messages.error(
                request, _("Le formulaire contient des erreurs : rien n'a été enregistré.")
            )
            return self.render(facts_form, identity_form, status=400, token=token)
        if not (facts_form.has_entries() or identity_form.has_entries()):
            # In the focused error summary, not in a message the focus never reaches.
            facts_form.add_error(None, _nothing_entered_message())
            return self.render(facts_form, identity_form, status=400, token=token)
        try:
            case, created = case_services.case_create_draft_once(
                organisation=facts_form.cleaned_data["organisation"],
                by=request.user,
                facts=_facts(facts_form),
                identity=_identity(identity_form),
                token=token or None,
            )
        except CaseError as error:
            messages.error(request, error.message)
            return self.render(facts_form, identity_form, status=400, token=token)
        if not created:
            return self._already_saved(case)
        if "declare" in request.POST:
            return _after_save(request, case)
        messages.success(request, _("Brouillon %(code)s enregistré.") % {"code": case.code})
        return redirect(_step_url(case, _next_slug(self.step)))


# The check page after a refused "Déclarer": what is missing, as a focused error summary.
REFUSED = "refus"


def _after_save(request, case: Case) -> HttpResponseRedirect:
    if "declare" in request.POST:
        expected = request.POST.get("expected_status") or case.status
        try:
            case_transition(
                case_id=case.pk, name="declare", by=request.user, expected_status=expected
            )
        except CaseError as error:
            vault = IdentityVault.objects.filter(case=case).first()
            if case.status == CaseStatus.DRAFT and _missing(case, vault):
                # To the check page, whose error summary links each missing item to its field.
                messages.info(request, _("Brouillon %(code)s enregistré.") % {"code": case.code})
                return redirect(f"{_step_url(case, REVIEW_STEP)}?{REFUSED}=1")
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
    """Complete a draft step by step (its author), or correct a declared case (the
    coordinator), with the same steps; "verifier" lists what a draft still lacks."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.case = visible_case(request.user, kwargs["pk"])
            self.step = _step_or_404(kwargs.get("step"))
            if not can_edit_case(request.user, self.case):
                if request.method == "POST" and "declare" in request.POST:
                    # Sent twice, or declared meanwhile from another tab.
                    messages.info(
                        request,
                        _("Le cas %(code)s n'est plus un brouillon : %(status)s.")
                        % {"code": self.case.code, "status": self.case.get_status_display()},
                    )
                else:
                    messages.error(request, _("Ce cas n'est pas modifiable par vous à ce stade."))
                return redirect("cases:detail", pk=self.case.pk)
            if self.step is None and self.case.status != CaseStatus.DRAFT:
                return redirect("cases:edit", pk=self.case.pk)
            self.with_identity = can_view_identity(request.user, self.case)
        return super().dispatch(request, *args, **kwargs)

    def vault_for_display(self):
        if not self.with_identity:
            return None
        if (
            self.case.status == CaseStatus.DRAFT
            and self.case.declared_by_id == self.request.user.pk
        ):
            # The author's own unsent draft: what they typed, shown back to them (the access log
            # traces who else reads an identity; it would also make the draft undeletable).
            return case_services.identity_for_edit(case=self.case, by=self.request.user)
        return case_services.identity_for_display(case=self.case, by=self.request.user)

    def get(self, request, pk, step=None):
        vault = identity_form = None
        if self.with_identity and self.step is not None and self.step.identity:
            vault = self.vault_for_display()
            identity_form = IdentityForm(instance=vault, step=self.step)
        facts_form = ClinicalFactsForm(instance=self.case, step=self.step) if self.step else None
        return self.render(facts_form, identity_form, vault=vault)

    def render(
        self, facts_form, identity_form, status=200, erasing=None, vault=None, declare_refused=False
    ):
        if vault is None and self.with_identity:
            vault = IdentityVault.objects.filter(case=self.case).first()
        may_declare = any(
            t.name == "declare" for t in transitions_for(case=self.case, user=self.request.user)
        )
        if self.step is None:
            facts_form = identity_form = None
        return _render_step(
            self.request,
            case=self.case,
            step=self.step,
            facts_form=facts_form,
            identity_form=identity_form,
            vault=vault,
            status=status,
            may_declare=may_declare,
            erasing=erasing,
            declare_refused=declare_refused or REFUSED in self.request.GET,
        )

    def post(self, request, pk, step=None):
        if self.step is None:  # "Vérifier et déclarer": nothing to save, only the transition
            if "declare" in request.POST and self.case.status == CaseStatus.DRAFT:
                vault = IdentityVault.objects.filter(case=self.case).first()
                if _missing(self.case, vault):
                    # Stay on the check page: the error summary lists what is missing.
                    return self.render(None, None, status=400, declare_refused=True)
            return _after_save(request, self.case)
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
                expected_version=request.POST.get("case_version", "")[:64] or None,
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
        go = request.POST.get("go", "")
        if (go == REVIEW_STEP and case.status == CaseStatus.DRAFT) or go in STEPS_BY_SLUG:
            messages.success(request, _("Enregistré."))
            return redirect(_step_url(case, go))
        if "continue" in request.POST:
            following = _next_slug(self.step)
            if following is None and case.status == CaseStatus.DRAFT:
                following = REVIEW_STEP
            if following is not None:
                messages.success(
                    request, _("Étape « %(step)s » enregistrée.") % {"step": self.step.title}
                )
                return redirect(_step_url(case, following))
        messages.success(request, _("Modifications enregistrées."))
        return redirect("cases:detail", pk=case.pk)


@method_decorator(never_cache, name="dispatch")
class CaseDraftDeleteView(LoginRequiredMixin, View):
    """ "Supprimer le brouillon", after a confirmation page: drafts only, by their author or a
    coordinator of the organisation."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.case = visible_case(request.user, kwargs["pk"])
            if not can_delete_draft(request.user, self.case):
                messages.error(
                    request,
                    _(
                        "Seul un brouillon se supprime, par son auteur ou un référent de "
                        "l'organisation. Rien n'a été supprimé."
                    ),
                )
                return redirect("cases:detail", pk=self.case.pk)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return render(request, "cases/case_delete.html", {"case": self.case})

    def post(self, request, pk):
        try:
            code = case_services.case_draft_delete(case=self.case, by=request.user)
        except CaseError as error:
            messages.error(request, error.message)
            return redirect("cases:detail", pk=self.case.pk)
        messages.success(request, _("Brouillon %(code)s supprimé.") % {"code": code})
        return redirect("cases:list")


def _events(case: Case, user) -> list[CareEvent]:
    """The chronology, each event with who wrote it and whether the user may change it (one
    query; the contributing organisations are read once for the whole list)."""
    events = selectors.chronology(case)
    texts_readable = can_read_case_texts(user, case)
    for event in events:
        event.may_change = can_change_care_event(user, event, case)
        # Another organisation's text not yet validated: its time, place and author only.
        event.text_hidden = not can_read_care_event(
            user, event, case, texts_readable=texts_readable
        )
    return events


def _contributions_panel(case: Case, user, form=None) -> dict:
    """The "Organisations du parcours" panel: the named organisations with their role, and
    for the declaring coordinators the forms to add and remove them."""
    contributions = contribution_services.contributions_of(case)
    # Told once to the predicates asked about this case (no query per contribution).
    case._rmm_contributing_ids = {c.organisation_id for c in contributions}
    manage = can_manage_contributions(user, case)
    if manage and form is None:
        form = ContributionForm(
            offered=selectors.organisations_offered_for(
                case=case, named_ids=case._rmm_contributing_ids
            )
        )
    return {"contributions": contributions, "manage": manage, "form": form if manage else None}


class CaseDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        case = visible_case(request.user, pk)
        return render_case(request, case)


def render_case(request, case: Case, *, contribution_form=None, status=200):
    contributions = _contributions_panel(case, request.user, contribution_form)
    may_view_identity = can_view_identity(request.user, case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "events": _events(case, request.user),
            "history": selectors.case_history(case=case, show_names=may_view_identity),
            "transitions": transitions_for(case=case, user=request.user),
            "can_edit": can_edit_case(request.user, case),
            "can_document": can_document_case(request.user, case),
            "can_add_event": can_add_care_event(request.user, case),
            "can_view_identity": may_view_identity,
            "show_texts": can_read_case_texts(request.user, case),
            "contributions": contributions,
            "parents": parents_services.parents_panel(case=case, user=request.user),
            "panels": case_panels(case=case, user=request.user),
        },
        status=status,
    )


@method_decorator(never_cache, name="dispatch")
class ContributionsView(LoginRequiredMixin, View):
    """Add or remove an organisation of the pathway (the declaring coordinators)."""

    def get(self, request, pk):
        # Reached by a reload after a refused form, or the language switch: the panel lives on
        # the case page (a bare 405 was a blank page).
        case = visible_case(request.user, pk)
        return redirect(reverse("cases:detail", args=[case.pk]) + "#contributions-title")

    def post(self, request, pk):
        case = visible_case(request.user, pk)
        if not can_manage_contributions(request.user, case):
            raise PermissionDenied
        if request.POST.get("action") == "remove":
            try:
                name = contribution_services.contribution_remove(
                    case=case,
                    by=request.user,
                    contribution_id=strict_id(request.POST.get("contribution")) or 0,
                )
            except CaseError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("%(organisation)s retirée des organisations du parcours.")
                    % {"organisation": name},
                )
            return redirect(reverse("cases:detail", args=[case.pk]) + "#contributions-title")
        form = ContributionForm(
            request.POST, offered=selectors.organisations_offered_for(case=case)
        )
        if not form.is_valid():
            messages.error(
                request, _("Le formulaire contient des erreurs : rien n'a été enregistré.")
            )
            return render_case(request, case, contribution_form=form, status=400)
        try:
            contribution = contribution_services.contribution_add(
                case=case,
                by=request.user,
                organisation=form.cleaned_data["organisation"],
                pathway_role=form.cleaned_data["pathway_role"],
                role_label=form.cleaned_data["role_label"],
            )
        except CaseError as error:
            messages.error(request, error.message)
            return render_case(request, case, contribution_form=form, status=400)
        messages.success(
            request,
            _("%(organisation)s ajoutée aux organisations du parcours (%(role)s).")
            % {"organisation": contribution.organisation.name, "role": contribution.role_display},
        )
        return redirect(reverse("cases:detail", args=[case.pk]) + "#contributions-title")


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
    """The chronology editor: the declaring coordinator adds, edits, reorders and deletes
    events; a contributing organisation's coordinator adds events and edits or deletes their
    own organisation's."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.case = visible_case(request.user, kwargs["pk"])
            if not can_add_care_event(request.user, self.case):
                if request.method == "POST" and self.case.status != CaseStatus.DOCUMENTING:
                    # A page opened before the case moved on (sent for review meanwhile).
                    messages.error(
                        request,
                        _(
                            "La chronologie n'est plus modifiable : le cas %(code)s est "
                            "« %(status)s ». Rien n'a été enregistré."
                        )
                        % {"code": self.case.code, "status": self.case.get_status_display()},
                    )
                    return redirect("cases:detail", pk=self.case.pk)
                raise Http404
            event_pk = kwargs.get("event_pk")
            if (
                request.method == "POST"
                and event_pk is not None
                and not CareEvent.objects.filter(pk=event_pk, case=self.case).exists()
            ):
                messages.error(
                    request,
                    _("Cet événement a été supprimé entre-temps : rien n'a été enregistré."),
                )
                return redirect("cases:chronology", pk=self.case.pk)
        return super().dispatch(request, *args, **kwargs)

    def event(self):
        event_pk = self.kwargs.get("event_pk")
        if event_pk is None:
            return None
        event = get_object_or_404(CareEvent, pk=event_pk, case=self.case)
        if not can_change_care_event(self.request.user, event, self.case):
            raise Http404  # another organisation's event: not theirs to open
        return event

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
                "events": _events(self.case, self.request.user),
                "can_reorder": can_document_case(self.request.user, self.case),
            },
            status=status,
        )

    def post(self, request, pk, event_pk=None):
        event = self.event()
        action = request.POST.get("action", "save")
        try:
            with transaction.atomic():
                if action in ("up", "down") and event is not None:
                    # Reordering is the declaring coordinator's (the service says so).
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
