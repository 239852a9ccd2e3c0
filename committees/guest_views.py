"""Pages of invited guests (issue 15): the chair and secretary's page of one agenda case's
guests (search, invite, remove, presence), and the guest's own invitation page with its
charter. Thin views: selectors to read (404 for what the user may not see), one service per
write, French messages."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from cases.exceptions import CaseError
from rmm.forms import strict_id

from . import selectors
from .conditions import agenda_is_open
from .models import AgendaItem, SessionGuest
from .permissions import can_manage_guests, invitations_visible_to
from .services import guests as guest_services
from .views import SessionMixin, visible_session


class GuestsView(SessionMixin, View):
    """One agenda case's invited professionals, for the session's chair and secretary."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            session = visible_session(request.user, kwargs["pk"])
            if not can_manage_guests(request.user, session):
                raise Http404
            self.item = get_object_or_404(
                AgendaItem.objects.select_related("case"),
                session_id=session.pk,
                pk=kwargs["item_pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def url(self) -> str:
        return reverse("committees:guests", args=[self.session.pk, self.item.pk])

    def get(self, request, pk, item_pk):
        query = " ".join(request.GET.get("q", "").split())[:200]
        searched = bool(query)
        candidates = (
            guest_services.guest_candidates(session=self.session, query=query) if searched else []
        )
        return render(
            request,
            "committees/guests.html",
            {
                "session": self.session,
                "item": self.item,
                "case": self.item.case,
                "guests": selectors.guests_of_case(session=self.session, case_id=self.item.case_id),
                "query": query,
                "searched": searched,
                "too_short": searched and len(query) < guest_services.SEARCH_MIN_LENGTH,
                "candidates": candidates,
                "may_invite": agenda_is_open(self.session),
                "may_record_presence": guest_services.guest_presence_refusal(self.session) is None,
                "may_revoke": guest_services.guest_revoke_refusal(self.session) is None,
                "presences": SessionGuest.Presence.choices,
            },
        )

    def post(self, request, pk, item_pk):
        action = request.POST.get("action", "")
        try:
            if action == "invite":
                done = self.invite(request)
            elif action in ("revoke", "presence"):
                guest = self.guest(request)
                if action == "revoke":
                    guest_services.guest_revoke(guest=guest, by=request.user)
                    done = _("Invitation retirée : ce professionnel n'a plus accès au cas.")
                else:
                    guest_services.guest_presence_record(
                        guest=guest, by=request.user, presence=request.POST.get("presence", "")
                    )
                    done = _("Présence de l'invité enregistrée.")
            else:
                raise Http404
        except CaseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
        return redirect(self.url())

    def guest(self, request) -> SessionGuest:
        guest_id = strict_id(request.POST.get("guest", ""))
        if guest_id is None:
            raise Http404
        return get_object_or_404(
            SessionGuest.objects.select_related("session"),
            pk=guest_id,
            session_id=self.session.pk,
            case_id=self.item.case_id,
        )

    def invite(self, request) -> str:
        guest = guest_services.guest_invite_from_search(
            session=self.session,
            case=self.item.case,
            query=request.POST.get("q", ""),
            user_id=strict_id(request.POST.get("user", "")),
            function=request.POST.get("function", ""),
            by=request.user,
        )
        return _(
            "%(name)s est invité(e) pour le cas %(code)s : il ou elle est prévenu(e) et "
            "acceptera la charte avant de voir le cas."
        ) % {"name": guest.user.full_name, "code": self.item.case.code}


def live_invitation(user, pk) -> SessionGuest:
    return get_object_or_404(
        invitations_visible_to(user).select_related("session__committee", "case"), pk=pk
    )


class InvitationView(LoginRequiredMixin, View):
    """The guest's page: the session (date, place), the case code and the two pages it opens,
    once the charter is signed for this invitation."""

    def get(self, request, pk):
        guest = live_invitation(request.user, pk)
        if guest.charter_accepted_at is None:
            return redirect("committees:invitation_charter", pk=guest.pk)
        return render(
            request,
            "committees/invitation.html",
            {"guest": guest, "session": guest.session, "case": guest.case},
        )


class InvitationCharterView(LoginRequiredMixin, View):
    """The committee's confidentiality charter, signed for this invitation."""

    def get(self, request, pk):
        guest = live_invitation(request.user, pk)
        return render(
            request,
            "committees/charter.html",
            {
                "committee": guest.session.committee,
                "next": "",
                "must_accept": guest.charter_accepted_at is None,
                "guest": guest,
            },
        )

    def post(self, request, pk):
        guest = live_invitation(request.user, pk)
        try:
            guest_services.guest_accept_charter(guest=guest, by=request.user)
        except CaseError as error:
            messages.error(request, error.message)
            return redirect("home")
        messages.success(request, _("Charte de confidentialité acceptée."))
        return redirect("committees:invitation", pk=guest.pk)
