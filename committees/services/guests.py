"""Invited guests (issue 15): the chair or secretary invites a professional from outside the
committee for one case of a session; the guest signs the charter for that invitation; the
secretary records whether they came. Minutes count guests by function, never by name."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from accounts.scope import with_covered_organisations
from cases.committee_scope import COMMITTEE_STAGES
from cases.conditions import places_with_identifiers
from cases.exceptions import InvalidInput, NotAllowed, TransitionConflict
from cases.text import normalise_text

from ..conditions import agenda_is_open, attendance_refusal
from ..models import CHARTER_VERSION, Session, SessionGuest, SessionStatus
from ..permissions import can_manage_guests, guest_invitation

S = SessionStatus
# How many accounts a search offers: enough to pick a colleague, never a directory.
CANDIDATES_SHOWN = 10
SEARCH_MIN_LENGTH = 3

# Told of each new invitation, in its transaction (the notifications app registers itself
# here: committees never imports it).
_invited_hooks: list[Callable[[SessionGuest], None]] = []


def on_guest_invited(hook: Callable[[SessionGuest], None]) -> Callable[[SessionGuest], None]:
    if hook not in _invited_hooks:
        _invited_hooks.append(hook)
    return hook


def guest_candidates(*, session: Session, query: str) -> list[User]:
    """Accounts the chair or secretary may choose for an invitation, from what they typed (at
    least 3 characters): the active users of the organisations the committee covers whose name
    or e-mail contains it, and an active user of any organisation whose e-mail is exactly it.
    Nothing is listed before a search, and at most 10 accounts: the select never lays the
    whole user base before a committee."""
    query = " ".join(query.split())
    if len(query) < SEARCH_MIN_LENGTH:
        return []
    covered = with_covered_organisations({session.committee.organisation_id})
    in_territory = Membership.objects.filter(
        organisation_id__in=covered, is_active=True, organisation__is_active=True
    ).values("user_id")
    matching = Q(pk__in=in_territory) & (Q(full_name__icontains=query) | Q(email__icontains=query))
    exact = Q(email__iexact=query)
    return list(
        User.objects.filter(matching | exact, is_active=True).order_by("full_name", "pk")[
            :CANDIDATES_SHOWN
        ]
    )


def _left_agenda_refusal() -> str:
    return _(
        "Cette invitation a pris fin : le cas a quitté l'ordre du jour depuis (s'il y revient, "
        "invitez à nouveau)."
    )


def _refusal_for_session(session: Session) -> str | None:
    if session.status == S.CANCELLED:
        return _("La séance est annulée : on n'y invite plus personne.")
    if session.status == S.MINUTES_VALIDATED:
        return _("Le compte rendu de la séance est validé : on n'y invite plus personne.")
    if session.status == S.HELD:
        return _("La séance a eu lieu : on n'y invite plus personne.")
    return None


def guest_presence_refusal(session: Session) -> str | None:
    """Why guests' presence cannot be recorded in this session now (None if it can): once the
    session is held, until its minutes are validated (reopened for correction: again)."""
    if refusal := attendance_refusal(session.status):
        return refusal
    if session.status != S.HELD:
        return _(
            "La séance n'a pas encore eu lieu : la présence des invités s'enregistre une fois "
            "la séance tenue."
        )
    return None


def guest_revoke_refusal(session: Session) -> str | None:
    """Why an invitation of this session can no longer be removed (None if it can): only
    before the session is held. Afterwards the minutes count its guests; whoever did not come
    is recorded absent instead."""
    if session.status in (S.MINUTES_VALIDATED, S.CANCELLED):
        return _("La séance est « %(status)s » : l'invitation a déjà pris fin.") % {
            "status": session.get_status_display()
        }
    if not agenda_is_open(session):
        return _(
            "La séance a eu lieu : l'invitation ne se retire plus (le compte rendu compte ses "
            "invités). Enregistrez plutôt l'invité absent s'il n'est pas venu."
        )
    return None


def _locked_for_guests(session: Session, by) -> Session:
    session = Session.objects.select_for_update().select_related("committee").get(pk=session.pk)
    if not can_manage_guests(by, session):
        raise NotAllowed(
            _("Seuls le président et le secrétaire du comité invitent des professionnels.")
        )
    return session


def _clean_function(function: str, case) -> str:
    """The function as stored, or a French refusal. It is printed in the minutes beside the
    case: compared with the case's identity vault too (the mother's surname alone is a name
    the general rules cannot know). Normalised first (as the field stores it), then stripped:
    a function made only of invisible characters or no-break spaces is empty, not " "."""
    function = " ".join(normalise_text(function or "").split())
    if not function:
        raise InvalidInput(_("Indiquez la fonction du professionnel dans le parcours."))
    if len(function) > 100:
        raise InvalidInput(_("La fonction tient en 100 caractères au plus."))
    if places_with_identifiers(case, [("function", function)]):
        raise InvalidInput(
            _("La fonction contient un identifiant (nom, date, numéro…) : indiquez une fonction.")
        )
    return function


@transaction.atomic
def guest_invite(*, session: Session, case, user: User, function: str, by) -> SessionGuest:
    """Invite `user` to the review of `case` in `session`, for the case's present agenda entry
    (told in-app and by e-mail: case code, date, time and place only). Refused, with nothing
    written, when the case is not on this agenda, the session is held, cancelled or minuted,
    the account is inactive, the person already sits on the committee or is already invited
    for this agenda entry."""
    session = _locked_for_guests(session, by)
    if refusal := _refusal_for_session(session):
        raise TransitionConflict(refusal)
    item = session.agenda.filter(case_id=case.pk).first()
    if item is None:
        raise NotAllowed(_("Ce cas n'est pas à l'ordre du jour de cette séance."))
    if case.status not in COMMITTEE_STAGES:
        raise TransitionConflict(_("Ce cas n'est plus entre les mains du comité."))
    user = User.objects.get(pk=user.pk)
    if not user.is_active:
        raise NotAllowed(
            _("Ce compte est désactivé : demandez à l'administrateur de le réactiver.")
        )
    if session.committee.members.filter(user_id=user.pk, is_active=True).exists():
        raise NotAllowed(
            _("Ce professionnel est déjà membre du comité : il n'a pas besoin d'invitation.")
        )
    function = _clean_function(function, case)
    existing = (
        SessionGuest.objects.select_for_update()
        .filter(session=session, case_id=case.pk, user=user)
        .first()
    )
    now = timezone.now()
    if existing is not None and existing.revoked_at is None and existing.agenda_item_id == item.pk:
        raise TransitionConflict(_("Ce professionnel est déjà invité pour ce cas."))
    guest = existing or SessionGuest(session=session, case_id=case.pk, user=user)
    # Invited again after a removal, or after the case left the agenda and came back: a new
    # invitation, for this agenda entry, whose charter is signed again.
    guest.agenda_item = item
    guest.function = function
    guest.invited_by = by
    guest.invited_at = now
    guest.revoked_at = None
    guest.charter_accepted_at = None
    guest.charter_version = ""
    guest.presence = ""
    try:
        guest.full_clean(validate_unique=False)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error
    guest.save()
    guest.session = session
    for hook in _invited_hooks:
        hook(guest)
    return guest


def guest_invite_from_search(
    *, session: Session, case, query: str, user_id: int | None, function: str, by
) -> SessionGuest:
    """`guest_invite` for an account chosen in the search results: the account must be one the
    same search offers, so an id typed by hand never reaches an account outside the
    committee's territory (other than by its exact e-mail address)."""
    query = " ".join((query or "").split())[:200]
    offered = {user.pk: user for user in guest_candidates(session=session, query=query)}
    if user_id is None or user_id not in offered:
        raise InvalidInput(
            _("Choisissez un professionnel parmi les comptes trouvés : rien n'a été envoyé.")
        )
    return guest_invite(session=session, case=case, user=offered[user_id], function=function, by=by)


@transaction.atomic
def guest_revoke(*, guest: SessionGuest, by) -> SessionGuest:
    """Remove an invitation before the session is held: the guest loses access at once (the
    row stays, dated). Once held, the minutes count the session's guests: the presence field
    says who did not come."""
    session = _locked_for_guests(guest.session, by)
    guest = SessionGuest.objects.select_for_update().get(pk=guest.pk, session=session)
    if guest.revoked_at is not None:
        raise TransitionConflict(_("Cette invitation a déjà été retirée."))
    if refusal := guest_revoke_refusal(session):
        raise TransitionConflict(refusal)
    if guest.left_agenda:
        raise TransitionConflict(_left_agenda_refusal())
    guest.revoked_at = timezone.now()
    guest.save(update_fields=["revoked_at"])
    return guest


@transaction.atomic
def guest_accept_charter(*, guest: SessionGuest, by) -> SessionGuest:
    """The guest signs the committee's confidentiality charter for this invitation, before
    anything of the case is shown to them (once; recorded and dated)."""
    if by.pk != guest.user_id or guest_invitation(by, guest.session, guest.case) is None:
        raise NotAllowed(_("Cette invitation n'est pas la vôtre ou a pris fin."))
    guest = SessionGuest.objects.select_for_update().get(pk=guest.pk)
    if guest.charter_accepted_at is None:
        guest.charter_accepted_at = timezone.now()
        guest.charter_version = CHARTER_VERSION
        guest.save(update_fields=["charter_accepted_at", "charter_version"])
    return guest


@transaction.atomic
def guest_presence_record(*, guest: SessionGuest, by, presence: str) -> SessionGuest:
    """The secretary records whether a guest came (present or absent): once the session is
    held, for an invitation still standing whose charter the guest signed."""
    session = _locked_for_guests(guest.session, by)
    if refusal := guest_presence_refusal(session):
        raise TransitionConflict(refusal)
    guest = SessionGuest.objects.select_for_update().get(pk=guest.pk, session=session)
    if guest.revoked_at is not None:
        raise TransitionConflict(_("Cette invitation a été retirée."))
    if guest.left_agenda:
        raise TransitionConflict(_left_agenda_refusal())
    if guest.charter_accepted_at is None:
        raise TransitionConflict(
            _(
                "Cet invité n'a pas accepté la charte de confidentialité : sa présence ne "
                "s'enregistre pas."
            )
        )
    if presence not in SessionGuest.Presence.values:
        raise InvalidInput(_("Présence inconnue : choisissez présent ou absent."))
    guest.presence = presence
    guest.save(update_fields=["presence"])
    return guest
