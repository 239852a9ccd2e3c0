"""Committee pages: sessions, agenda, attendance, charter, review screen, minutes. Thin views:
selectors to read (404 for what the user may not see), one service to write, French messages."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from cases.clinical.summary import clinical_summary
from cases.exceptions import CaseError
from cases.models import Case
from cases.selectors import chronology
from cases.services.parents import parents_contact_of
from rmm import workflow
from rmm.forms import strict_id

from . import minutes_pdf, minutes_sections, review_panels, selectors
from .conditions import (
    agenda_is_open,
    agenda_notice_is_short,
    attendance_is_open,
    has_begun,
    minutes_can_be_drafted,
    review_correction_refusal,
    reviews_can_be_corrected_in,
    reviews_can_be_recorded_in,
)
from .forms import (
    AgendaAddForm,
    AgendaMoveForm,
    AgendaRemoveForm,
    AttendanceForm,
    PostedTextsForm,
    PresenterForm,
    ReviewForm,
    SessionForm,
    SessionMoveForm,
    SessionTransitionForm,
    refusal_message,
)
from .ics import session_ics
from .models import AgendaItem, MinutesVersion, Session, SessionStatus
from .permissions import (
    can_chair_session,
    can_plan_session,
    can_review_case_in_session,
    can_view_session,
    committees_planned_by,
    committees_visible_to,
    guest_invitation_in,
    guest_reads_in_session,
    must_accept_charter,
)
from .review_facts import facts_html
from .services import reviews as review_services
from .services import sessions as session_services

# The session transitions a planner posts from the session page (validating and reopening the
# minutes go through the minutes page, which writes a version first).
SESSION_TRANSITIONS = ("send_agenda", "hold", "cancel")


def visible_session(user, pk) -> Session:
    """The session with its committee, read by its key; a 404 unless one of the user's
    committees' (`can_view_session`, the predicate twin of `sessions_visible_to`)."""
    session = selectors.session_with_committee(pk=pk)
    if session is None or not can_view_session(user, session):
        raise Http404
    return session


class SessionMixin(LoginRequiredMixin):
    """Loads the session (404 if not the user's committee) and sends a member who has not yet
    accepted the confidentiality charter to it first."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.session = self.visible_session(request.user, kwargs["pk"])
        if must_accept_charter(request.user, self.session.committee):
            url = reverse("committees:charter", args=[self.session.committee_id])
            return redirect(f"{url}?next={request.get_full_path()}")
        return super().dispatch(request, *args, **kwargs)

    def visible_session(self, user, pk) -> Session:
        return visible_session(user, pk)


class SessionListView(LoginRequiredMixin, View):
    def get(self, request):
        return render(
            request,
            "committees/session_list.html",
            {
                "sessions": selectors.session_list_for(user=request.user),
                "may_plan": committees_planned_by(request.user).exists(),
            },
        )


class SessionCreateView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.committees = committees_planned_by(request.user)
            if not self.committees.exists():
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(
            request,
            "committees/session_form.html",
            {"form": SessionForm(committees=self.committees)},
        )

    def post(self, request):
        form = SessionForm(request.POST, committees=self.committees)
        if not form.is_valid():
            messages.error(
                request, _("Le formulaire contient des erreurs : rien n'a été enregistré.")
            )
            return render(request, "committees/session_form.html", {"form": form}, status=400)
        data = dict(form.cleaned_data)
        committee = data.pop("committee")
        try:
            session = session_services.session_plan(committee=committee, by=request.user, **data)
        except CaseError as error:
            messages.error(request, error.message)
            return render(request, "committees/session_form.html", {"form": form}, status=400)
        messages.success(
            request, _("Séance planifiée. Ajoutez maintenant les cas à l'ordre du jour.")
        )
        return redirect("committees:session_detail", pk=session.pk)


class SessionMoveView(SessionMixin, View):
    """Move a session not yet held: date and time, duration, place or video link."""

    def get(self, request, pk):
        if not can_plan_session(request.user, self.session) or not agenda_is_open(self.session):
            raise Http404
        form = SessionMoveForm(
            instance=self.session,
            initial={
                "expected_status": self.session.status,
                "expected_revision": self.session.times_moved(),
            },
        )
        return self.render(form)

    def post(self, request, pk):
        if not can_plan_session(request.user, self.session):
            raise Http404
        form = SessionMoveForm(request.POST, instance=Session.objects.get(pk=self.session.pk))
        if not form.is_valid():
            messages.error(
                request, _("Le formulaire contient des erreurs : rien n'a été enregistré.")
            )
            return self.render(form, status=400)
        fields = {name: form.cleaned_data[name] for name in SessionMoveForm.Meta.fields}
        try:
            session_services.session_reschedule(
                session=self.session,
                by=request.user,
                expected_status=form.cleaned_data["expected_status"],
                expected_revision=form.cleaned_data["expected_revision"],
                **fields,
            )
        except CaseError as error:
            messages.error(request, error.message)
            return redirect("committees:session_detail", pk=self.session.pk)
        messages.success(request, _("Séance modifiée."))
        return redirect("committees:session_detail", pk=self.session.pk)

    def render(self, form, status=200):
        return render(
            self.request,
            "committees/session_move.html",
            {"form": form, "session": self.session},
            status=status,
        )


class SessionDetailView(SessionMixin, View):
    def get(self, request, pk):
        session = self.session
        planner = can_plan_session(request.user, session)
        attendance, present, quorum_ok = selectors.session_attendance(session=session)
        members = [(row.user_id, row.name) for row in attendance]
        code = request.GET.get("code", "").strip()[: selectors.CANDIDATE_SEARCH_MAX_LENGTH]
        candidates = (
            selectors.agenda_candidate_choices(session=session, user=request.user, code=code)
            if planner
            else []
        )
        agenda = selectors.agenda_page(
            session=session, number=_page_number(request.GET.get("page")), members=members
        )
        agenda_open, attendance_open = agenda_is_open(session), attendance_is_open(session)
        # The token's hidden input, built once for the page's forms (three on every agenda row).
        token_input = csrf_input(request)
        return render(
            request,
            "committees/session_detail.html",
            {
                "session": session,
                "agenda": agenda,
                "agenda_rows_html": selectors.agenda_rows_html(
                    agenda.rows,
                    planner=planner,
                    agenda_open=agenda_open,
                    csrf_input=token_input,
                    held=session.status == SessionStatus.HELD,
                ),
                # The token's hidden input, built once for the page's forms.
                "csrf_input": token_input,
                "attendance": attendance,
                "attendance_rows_html": selectors.attendance_rows_html(
                    attendance, editable=planner and attendance_open
                ),
                "present_count": present,
                "quorum_ok": quorum_ok,
                "is_planner": planner,
                "is_chair": can_chair_session(request.user, session),
                "candidates": candidates,
                "candidate_code": code,
                # A full select: more candidates than shown, found by their code.
                "candidates_cut": len(candidates) >= selectors.AGENDA_CANDIDATES_SHOWN,
                # Hundreds of ready cases on a large network: their options built once.
                "candidate_options": selectors.options_html(candidates),
                # The active members, read once with the attendance.
                "member_options": selectors.options_html(members),
                "transitions": _session_transitions(session, request.user),
                "agenda_open": agenda_open,
                "attendance_open": attendance_open,
                "agenda_notice_is_short": agenda_notice_is_short(session),
                "history": selectors.session_history(session=session),
                "sections": minutes_sections.session_sections(session=session),
            },
        )


def _page_number(value) -> int:
    """A page number from the query string: 1 when missing or not a number."""
    try:
        return min(max(int(value), 1), 10_000)
    except (TypeError, ValueError):
        return 1


def _session_transitions(session: Session, user):
    """The session's forward moves this user may make (cancelling has its own form)."""
    return [
        (transition.name, transition.label)
        for transition in workflow.available_transitions(session, user)
        if transition.name in SESSION_TRANSITIONS and not transition.needs_reason
    ]


class SessionChangeView(SessionMixin, View):
    """One action of the session page: its own form, one service, a French message, and back
    to the session. Refusals come from the services (role, open agenda, guards)."""

    form_class: type[forms.Form]

    def form_kwargs(self) -> dict:
        return {}

    def post(self, request, **kwargs):
        form = self.form_class(request.POST, **self.form_kwargs())
        if not form.is_valid():
            messages.error(request, refusal_message(form))
        else:
            try:
                done = self.perform(form)
            except CaseError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, done)
        return redirect("committees:session_detail", pk=self.session.pk)

    def perform(self, form) -> str:
        raise NotImplementedError


class AgendaAddView(SessionChangeView):
    form_class = AgendaAddForm

    def form_kwargs(self):
        return {"session": self.session}

    def perform(self, form):
        case = form.cleaned_data["case"]
        session_services.agenda_add(
            session=self.session,
            case=case,
            by=self.request.user,
            presenter=form.cleaned_data["presenter"],
        )
        return _("Cas %(code)s inscrit à l'ordre du jour.") % {"code": case.code}


class AgendaItemChangeView(SessionChangeView):
    """An action on one agenda item of the session (404 for an item of another session)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.session = visible_session(request.user, kwargs["pk"])
            self.item = get_object_or_404(
                AgendaItem.objects.select_related("case"),
                session_id=self.session.pk,
                pk=kwargs["item_pk"],
            )
        return super().dispatch(request, *args, **kwargs)


class AgendaRemoveView(AgendaItemChangeView):
    form_class = AgendaRemoveForm

    def perform(self, form):
        session_services.agenda_remove(
            session=self.session,
            item=self.item,
            by=self.request.user,
            comment=form.cleaned_data["comment"],
        )
        return _("Cas retiré de l'ordre du jour (reporté).")


class AgendaMoveView(AgendaItemChangeView):
    form_class = AgendaMoveForm

    def perform(self, form):
        session_services.agenda_move(
            session=self.session, item=self.item, by=self.request.user, offset=form.offset
        )
        return _("Ordre du jour modifié.")


class AgendaPresenterView(AgendaItemChangeView):
    form_class = PresenterForm

    def form_kwargs(self):
        return {"session": self.session, "case": self.item.case}

    def perform(self, form):
        session_services.agenda_set_presenter(
            session=self.session,
            item=self.item,
            by=self.request.user,
            presenter=form.cleaned_data["presenter"],
        )
        return _("Présentateur enregistré.")


class AttendanceView(SessionChangeView):
    form_class = AttendanceForm

    def form_kwargs(self):
        return {"session": self.session}

    def perform(self, form):
        session_services.attendance_record(
            session=self.session, by=self.request.user, statuses=form.statuses()
        )
        return _("Présences enregistrées.")


SHORT_NOTICE_WARNING = gettext_lazy(
    "L'ordre du jour part moins de 7 jours avant la séance : la méthode HAS demande de "
    "l'envoyer environ une semaine avant. Prévenez les membres et les présentateurs."
)


class SessionTransitionView(SessionChangeView):
    """send_agenda, hold or cancel (validating and reopening the minutes happen on the minutes
    page, which writes a version of the minutes first)."""

    form_class = SessionTransitionForm

    def dispatch(self, request, *args, **kwargs):
        if kwargs["name"] not in SESSION_TRANSITIONS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        short_notice = self.kwargs["name"] == "send_agenda" and agenda_notice_is_short(self.session)
        session = session_services.session_transition(
            session=self.session,
            name=self.kwargs["name"],
            by=self.request.user,
            expected_status=form.cleaned_data["expected_status"],
            reason=form.cleaned_data["reason"],
        )
        if short_notice:
            messages.warning(self.request, SHORT_NOTICE_WARNING)
        return _("Séance : %(status)s.") % {"status": session.get_status_display()}


class SessionIcsView(SessionMixin, View):
    def get(self, request, pk):
        codes = [item.case.code for item in selectors.agenda_of(session=self.session)]
        body = session_ics(session=self.session, case_codes=codes, domain=request.get_host())
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="seance-rmm-{self.session.pk}.ics"'
        return response


class CharterView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.committee = get_object_or_404(committees_visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return render(
            request,
            "committees/charter.html",
            {
                "committee": self.committee,
                "next": request.GET.get("next", ""),
                "must_accept": must_accept_charter(request.user, self.committee),
            },
        )

    def post(self, request, pk):
        try:
            session_services.charter_accept(committee=self.committee, by=request.user)
        except CaseError as error:
            messages.error(request, error.message)
            return redirect("home")
        messages.success(request, _("Charte de confidentialité acceptée."))
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return redirect(target)
        return redirect("committees:session_list")


class ReviewView(SessionMixin, View):
    """The committee's review screen: every pseudonymised clinical fact grouped as in the
    declaration, beside the summary and chronology (never the vault), earlier reviews, and
    the review form for the chair and secretary. Its query count does not depend on the case
    (facts read from the case row, reference rows once each, the review once). A professional
    invited for this case of this session (issue 15) reads it too, once they signed the
    charter for the invitation, and never records anything."""

    guest = None
    # The case's row on this session's agenda, read with the session (None if not on it).
    item = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            return super().dispatch(request, *args, **kwargs)
        except Http404:
            # Not a session of the user's committees: perhaps a guest of this very case.
            guest = guest_invitation_in(request.user, kwargs["pk"], kwargs["case_pk"])
            if guest is None:
                raise
        if guest.charter_accepted_at is None:
            return redirect("committees:invitation_charter", pk=guest.pk)
        self.session, self.guest = guest.session, guest
        return View.dispatch(self, request, *args, **kwargs)

    def visible_session(self, user, pk) -> Session:
        """The session and the case's agenda row in one query when both are there and the
        session is one of the user's committees' (its predicate, twin of the queryset the
        other session pages read). Otherwise the session pages' own reading, whose 404 (or
        the guest's way in) and charter redirect are then the same as theirs."""
        self.item = selectors.agenda_item_for_review(session_pk=pk, case_pk=self.kwargs["case_pk"])
        if self.item is None:
            return super().visible_session(user, pk)
        if can_view_session(user, self.item.session):
            return self.item.session
        return super().visible_session(user, pk)

    def get_case(self, case_pk) -> Case:
        # Read with the session (a guest's too: their invitation is for this very session).
        item = self.item or get_object_or_404(
            self.session.agenda.select_related("case__organisation", "case__parents_contact"),
            case_id=case_pk,
        )
        # The agenda item alone is not enough: the case must still be in the committee's hands.
        if self.guest is not None:
            if not guest_reads_in_session(self.request.user, self.session, item.case):
                raise Http404
        elif not can_review_case_in_session(
            self.request.user, self.session, item.case, on_agenda=True
        ):
            raise Http404
        return item.case

    def existing_review(self, case):
        """This session's review of the case (None if not recorded yet); the case's reviews in
        other sessions are read with it, for the page."""
        existing, self.earlier_reviews = selectors.reviews_of_case(case=case, session=self.session)
        return existing

    def can_record(self, existing) -> bool:
        """The chair and secretary record the review once the session has begun, and correct
        it until the minutes are validated (later through a new version of them)."""
        if not can_plan_session(self.request.user, self.session):
            return False
        if existing is None:
            return reviews_can_be_recorded_in(self.session)
        return reviews_can_be_corrected_in(self.session)

    def render(self, case, existing, form, status=200):
        planner = can_plan_session(self.request.user, self.session)
        return render(
            self.request,
            "committees/review.html",
            {
                "session": self.session,
                "case": case,
                "form": form,
                "facts_html": facts_html(clinical_summary(case)),
                "parents": parents_contact_of(case),
                "events": self.events(case),
                "earlier_reviews": self.earlier_reviews,
                "existing": existing,
                "can_record": self.can_record(existing),
                "guest": self.guest,
                "not_begun": planner and not has_begun(self.session),
                # Why the chair and secretary no longer see the form (minutes validated).
                "frozen_reason": (
                    review_correction_refusal(self.session)
                    if planner and existing is not None and has_begun(self.session)
                    else None
                ),
                "panels": review_panels.review_panels(
                    request=self.request, session=self.session, case=case, review=existing
                ),
            },
            status=status,
        )

    def events(self, case) -> list:
        # Each event names who added it (`CareEvent.author`, through this case: no query).
        return chronology(case)

    def form(self, case, existing, data=None) -> ReviewForm:
        return ReviewForm(data, instance=existing, case=case)

    def get(self, request, pk, case_pk):
        case = self.get_case(case_pk)
        existing = self.existing_review(case)
        # Members read the facts; only the chair and secretary get (and pay for) the form, and
        # only when the session allows recording (before it begins, a note says when).
        return self.render(
            case, existing, self.form(case, existing) if self.can_record(existing) else None
        )

    def post(self, request, pk, case_pk):
        try:
            case = self.get_case(case_pk)
        except Http404:
            if self.guest is None and can_plan_session(request.user, self.session):
                # Postponed (or sent back) while this review was being typed: say so, rather
                # than a bare "page not found" that loses the typed text without a word.
                messages.error(
                    request,
                    _(
                        "Ce cas n'est plus à l'ordre du jour de cette séance (reporté entre-temps)"
                        " : la revue n'a pas été enregistrée."
                    ),
                )
                return redirect("committees:session_detail", pk=self.session.pk)
            raise
        if self.guest is not None:
            raise PermissionDenied  # a guest reads the review; the committee records it
        existing = self.existing_review(case)
        form = self.form(case, existing, request.POST)
        if not form.is_valid():
            # The error summary at the top of the form names each field, beside which its
            # message stands.
            return self.render(case, existing, form, status=400)
        links = {
            "delays": form.cleaned_data["delays"],
            "pathway_breaks": form.cleaned_data["pathway_breaks"],
            "factors": form.factors(),
        }
        try:
            if existing is None:
                review_services.review_record(
                    session=self.session,
                    case=case,
                    by=request.user,
                    review=form.save(commit=False),
                    **links,
                )
                messages.success(
                    request, _("Revue du cas %(code)s enregistrée.") % {"code": case.code}
                )
            else:
                review_services.review_update(
                    review=form.save(commit=False), by=request.user, **links
                )
                messages.success(
                    request,
                    _(
                        "Revue du cas %(code)s corrigée. Régénérez le compte "
                        "rendu pour qu'il en tienne compte."
                    )
                    % {"code": case.code},
                )
        except CaseError as error:
            messages.error(request, error.message)
            return self.render(case, existing, form, status=400)
        return redirect("committees:session_detail", pk=self.session.pk)


class MinutesView(SessionMixin, View):
    def get(self, request, pk, version=None):
        versions = list(self.session.minutes.select_related("validated_by").order_by("-version"))
        shown = (
            next((v for v in versions if v.version == version), None)
            if version
            else (versions[0] if versions else None)
        )
        if version and shown is None:
            raise Http404
        return render(
            request,
            "committees/minutes.html",
            {
                "session": self.session,
                "versions": versions,
                "minutes": shown,
                "is_planner": can_plan_session(request.user, self.session),
                "is_chair": can_chair_session(request.user, self.session),
                "may_draft": minutes_can_be_drafted(self.session),
            },
        )

    def post(self, request, pk, version=None):
        action = request.POST.get("action")
        texts = PostedTextsForm(request.POST)
        if not texts.is_valid():
            messages.error(request, texts.error_message())
            return redirect("committees:minutes", pk=self.session.pk)
        try:
            if action == "draft":
                minutes = review_services.minutes_draft(
                    session=self.session,
                    by=request.user,
                    correction_reason=texts.cleaned_data["correction_reason"],
                )
                messages.success(
                    request, _("Compte rendu (version %(v)s) généré.") % {"v": minutes.version}
                )
            elif action == "validate":
                number = strict_id(request.POST.get("version", ""))
                if number is None:
                    raise Http404
                review_services.minutes_validate(
                    session=self.session, by=request.user, version=number
                )
                messages.success(request, _("Compte rendu validé : il est désormais figé."))
            else:
                messages.error(request, _("Action inconnue : rien n'a été changé."))
        except MinutesVersion.DoesNotExist as exc:
            raise Http404 from exc
        except CaseError as error:
            messages.error(request, error.message)
        return redirect("committees:minutes", pk=self.session.pk)


class MinutesPrintView(SessionMixin, View):
    def get_minutes(self, version) -> MinutesVersion:
        return get_object_or_404(self.session.minutes, version=version)

    def get(self, request, pk, version):
        return render(
            request,
            "committees/minutes_print.html",
            {"session": self.session, "minutes": self.get_minutes(version)},
        )


class MinutesPdfView(MinutesPrintView):
    def get(self, request, pk, version):
        minutes = self.get_minutes(version)
        minutes.session = self.session
        if minutes.is_frozen:
            content = minutes_pdf.minutes_pdf_stored(minutes)  # rendered once, then read back
        else:
            content = minutes_pdf.minutes_pdf_render(minutes)  # a draft still changes
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="compte-rendu-rmm-{self.session.pk}-v{minutes.version}.pdf"'
        )
        return response
