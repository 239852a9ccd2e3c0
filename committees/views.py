"""Committee pages: sessions, agenda, attendance, charter, review screen, minutes. Thin views:
selectors to read (404 for what the user may not see), one service to write, French messages."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import User
from cases.exceptions import CaseError
from cases.models import Case
from rmm import workflow
from rmm.forms import strict_id

from . import selectors
from .conditions import (
    agenda_is_open,
    reviews_can_be_corrected_in,
    reviews_can_be_recorded_in,
)
from .forms import CancelForm, PostedTextsForm, ReviewForm, SessionForm
from .ics import session_ics
from .models import CaseReview, MinutesVersion, Session
from .pdf import html_to_pdf
from .permissions import (
    can_chair_session,
    can_plan_session,
    can_review_case_in_session,
    committees_planned_by,
    committees_visible_to,
    must_accept_charter,
    sessions_visible_to,
)
from .services import reviews as review_services
from .services import sessions as session_services

# The session transitions a planner posts from the session page (validating and reopening the
# minutes go through the minutes page, which writes a version first).
SESSION_TRANSITIONS = ("send_agenda", "hold", "cancel")


def posted_id(data, key: str) -> int:
    """An id sent by a form; anything else (tampered or missing) is a 404, never a 500."""
    value = strict_id(data.get(key, ""))
    if value is None:  # "²" and "١٢" pass str.isdigit(): only ASCII digits make an id
        raise Http404
    return value


def visible_session(user, pk) -> Session:
    return get_object_or_404(sessions_visible_to(user).select_related("committee"), pk=pk)


class SessionMixin(LoginRequiredMixin):
    """Loads the session (404 if not the user's committee) and sends a member who has not yet
    accepted the confidentiality charter to it first."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.session = visible_session(request.user, kwargs["pk"])
        if must_accept_charter(request.user, self.session.committee):
            url = reverse("committees:charter", args=[self.session.committee_id])
            return redirect(f"{url}?next={request.get_full_path()}")
        return super().dispatch(request, *args, **kwargs)


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


class SessionDetailView(SessionMixin, View):
    def get(self, request, pk):
        session = self.session
        planner = can_plan_session(request.user, session)
        present, quorum_ok = session_services.quorum_reached(session)
        return render(
            request,
            "committees/session_detail.html",
            {
                "session": session,
                "agenda": selectors.agenda_of(session=session),
                "attendance": selectors.attendance_of(session=session),
                "present_count": present,
                "quorum_ok": quorum_ok,
                "is_planner": planner,
                "is_chair": can_chair_session(request.user, session),
                "candidates": selectors.agenda_candidates(session=session) if planner else [],
                "members": session.committee.members.filter(is_active=True).select_related("user"),
                "transitions": _session_transitions(session, request.user),
                "cancel_form": CancelForm(),
                "reviewed_case_ids": set(session.reviews.values_list("case_id", flat=True)),
                "agenda_open": agenda_is_open(session),
                "history": list(session.transitions.all()),
            },
        )


def _session_transitions(session: Session, user):
    """The session's forward moves this user may make (cancelling has its own form)."""
    return [
        (transition.name, transition.label)
        for transition in workflow.available_transitions(session, user)
        if transition.name in SESSION_TRANSITIONS and not transition.needs_reason
    ]


class SessionActionView(SessionMixin, View):
    """Every change a planner makes on the session page (one POST endpoint, one service each)."""

    def post(self, request, pk):
        session, action, post = self.session, request.POST.get("action", ""), request.POST
        texts = PostedTextsForm(post)
        if not texts.is_valid():
            messages.error(request, texts.error_message())
            return redirect("committees:session_detail", pk=session.pk)
        try:
            if action == "add_case":
                case = get_object_or_404(
                    selectors.agenda_candidates(session=session), pk=posted_id(post, "case")
                )
                presenter = self._presenter(post.get("presenter"))
                session_services.agenda_add(
                    session=session, case=case, by=request.user, presenter=presenter
                )
                messages.success(
                    request, _("Cas %(code)s inscrit à l'ordre du jour.") % {"code": case.code}
                )
            elif action in ("remove_case", "up", "down", "presenter"):
                item = get_object_or_404(session.agenda, pk=posted_id(post, "item"))
                if action == "remove_case":
                    session_services.agenda_remove(
                        session=session,
                        item=item,
                        by=request.user,
                        comment=texts.cleaned_data["comment"],
                    )
                    messages.success(request, _("Cas retiré de l'ordre du jour (reporté)."))
                elif action == "presenter":
                    session_services.agenda_set_presenter(
                        session=session,
                        item=item,
                        by=request.user,
                        presenter=self._presenter(post.get("presenter")),
                    )
                else:
                    session_services.agenda_move(
                        session=session,
                        item=item,
                        by=request.user,
                        offset=-1 if action == "up" else 1,
                    )
            elif action == "attendance":
                statuses = {
                    strict_id(key.removeprefix("member_")): value
                    for key, value in post.items()
                    if key.startswith("member_")
                    and value in ("present", "excused", "absent")
                    and strict_id(key.removeprefix("member_")) is not None
                }
                session_services.attendance_record(
                    session=session, by=request.user, statuses=statuses
                )
                messages.success(request, _("Présences enregistrées."))
            elif action in SESSION_TRANSITIONS:
                session_services.session_transition(
                    session=session,
                    name=action,
                    by=request.user,
                    expected_status=texts.cleaned_data["expected_status"],
                    reason=texts.cleaned_data["reason"],
                )
                messages.success(
                    request,
                    _("Séance : %(status)s.")
                    % {"status": Session.objects.get(pk=session.pk).get_status_display()},
                )
            else:
                messages.error(request, _("Action inconnue : rien n'a été changé."))
        except CaseError as error:
            messages.error(request, error.message)
        return redirect("committees:session_detail", pk=session.pk)

    def _presenter(self, value):
        if not value:
            return None
        presenter_id = strict_id(value)
        if presenter_id is None:
            raise Http404
        return get_object_or_404(
            User, pk=presenter_id, committee_memberships__committee=self.session.committee
        )


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
    """The committee's review screen: pseudonymised facts, chronology and summary (never the
    vault), earlier reviews, and the review form for the chair and secretary."""

    def get_case(self, case_pk) -> Case:
        item = get_object_or_404(
            self.session.agenda.select_related("case__organisation"), case_id=case_pk
        )
        # The agenda item alone is not enough: the case must still be in the committee's hands.
        if not can_review_case_in_session(self.request.user, self.session, item.case):
            raise Http404
        return item.case

    def existing_review(self, case):
        return self.session.reviews.filter(case=case).first()

    def render(self, case, form, status=200):
        earlier = (
            CaseReview.objects.filter(case=case)
            .exclude(session=self.session)
            .select_related("session", "icd_pm_group", "maternal_condition")
        )
        return render(
            self.request,
            "committees/review.html",
            {
                "session": self.session,
                "case": case,
                "form": form,
                "events": list(case.care_events.order_by("position", "pk")),
                "earlier_reviews": list(earlier),
                "existing": self.existing_review(case),
                "can_record": can_plan_session(self.request.user, self.session)
                and (
                    reviews_can_be_recorded_in(self.session)
                    if self.existing_review(case) is None
                    else reviews_can_be_corrected_in(self.session)
                ),
            },
            status=status,
        )

    def get(self, request, pk, case_pk):
        case = self.get_case(case_pk)
        return self.render(case, ReviewForm(instance=self.existing_review(case)))

    def post(self, request, pk, case_pk):
        case = self.get_case(case_pk)
        existing = self.existing_review(case)
        form = ReviewForm(request.POST, instance=existing)
        if not form.is_valid():
            messages.error(
                request, _("Le formulaire contient des erreurs : rien n'a été enregistré.")
            )
            return self.render(case, form, status=400)
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
            return self.render(case, form, status=400)
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
        html = render(
            request,
            "committees/minutes_print.html",
            {"session": self.session, "minutes": minutes, "for_pdf": True},
        ).content
        response = HttpResponse(html_to_pdf(html.decode()), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="compte-rendu-rmm-{self.session.pk}-v{minutes.version}.pdf"'
        )
        return response
