"""Who may do what in committees, sessions and reviews; each predicate with its queryset.

Rights come from committee membership (chair, secretary, member, external expert), never from a
global permission. Nothing of a case is shown to a member before they accepted the committee's
confidentiality charter. Chairs and secretaries see the cases their committee covers once ready
for review (to build agendas); members and external experts see the cases on the agendas of
their committee's sessions. A professional invited for one case of one session (a guest, issue
15) reads that case's pseudonymised pages for that session only, once they signed the charter
for this invitation, until the minutes are first validated (reopening them for correction gives
nothing back), the session cancelled, the invitation removed or the case taken off the agenda
(put back, it needs a new invitation).
"""

from collections import defaultdict

import rules
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.lookups import In

from accounts.models import Organisation
from accounts.permissions import organisations_managed_by
from accounts.scope import covered_for, with_covered_organisations
from cases.committee_scope import COMMITTEE_STAGES
from rmm.querysets import KeyedQuery

from .models import (
    CHARTER_VERSION,
    AgendaItem,
    CharterAcceptance,
    Committee,
    CommitteeMember,
    CommitteeRole,
    MinutesVersion,
    Session,
    SessionGuest,
    SessionStatus,
)

R = CommitteeRole
PLANNERS = (R.CHAIR, R.SECRETARY)
ALL_ROLES = tuple(R.values)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


# Read on every page (the navigation asks them): statements compiled once (KeyedQuery).
SEATS = KeyedQuery(
    lambda key: CommitteeMember.objects.filter(
        user_id=key, is_active=True, committee__is_active=True
    ).values_list("committee_id", "role", "committee__organisation_id")
)
CHARTERS = KeyedQuery(
    lambda key: CharterAcceptance.objects.filter(user_id=key, version=CHARTER_VERSION).values_list(
        "committee_id", flat=True
    )
)


def committee_roles(user) -> dict[int, frozenset[str]]:
    """{committee id: roles} of the user's active memberships of active committees (cached)."""
    if not _active(user):
        return {}
    cached = user.__dict__.get("_rmm_committee_roles")
    if cached is None:
        roles: dict[int, set[str]] = defaultdict(set)
        organisations: dict[int, int] = {}
        for committee_id, role, organisation_id in SEATS.rows(user.pk):
            roles[committee_id].add(role)
            organisations[committee_id] = organisation_id
        cached = {key: frozenset(value) for key, value in roles.items()}
        user.__dict__["_rmm_committee_roles"] = cached
        # Read with the seats: the committees' organisations cost no query of their own.
        user.__dict__["_rmm_committee_organisations"] = organisations
    return cached


def charter_accepted_committees(user) -> set[int]:
    if not _active(user):
        return set()
    cached = user.__dict__.get("_rmm_charters")
    if cached is None:
        cached = set(CHARTERS.rows(user.pk))
        user.__dict__["_rmm_charters"] = cached
    return cached


def committee_ids(user, *roles: str, charter: bool = False) -> set[int]:
    wanted = set(roles or ALL_ROLES)
    ids = {cid for cid, held in committee_roles(user).items() if held & wanted}
    return ids & charter_accepted_committees(user) if charter else ids


def covered_by_committees(user, *roles: str) -> frozenset[int]:
    """Organisations covered by the committees where the user holds `roles` (charter signed)."""
    ids = committee_ids(user, *roles, charter=True)
    if not ids:
        return frozenset()
    organisations = user.__dict__["_rmm_committee_organisations"]
    # Remembered by organisations, not by roles: a chair's planning and chairing rights cover
    # the same territory, descended once per request.
    return covered_for(user, {organisations[committee_id] for committee_id in ids})


def forget(user) -> None:
    for key in (
        "_rmm_committee_roles",
        "_rmm_committee_organisations",
        "_rmm_charters",
        "_rmm_territory_cache",
        "_rmm_signed_invitations",
    ):
        user.__dict__.pop(key, None)


# --- Committees -----------------------------------------------------------------------------
@rules.predicate
def can_view_committee(user, committee: Committee) -> bool:
    """Its members, and the administrators who manage its organisation."""
    return committee.pk in committee_ids(user) or (
        _active(user)
        and organisations_managed_by(user).filter(pk=committee.organisation_id).exists()
    )


def committees_visible_to(user) -> QuerySet[Committee]:
    if not _active(user):
        return Committee.objects.none()
    return Committee.objects.filter(
        Q(pk__in=committee_ids(user)) | Q(organisation__in=organisations_managed_by(user))
    )


@rules.predicate
def can_plan_sessions(user, committee: Committee) -> bool:
    """Chair and secretary plan sessions, agendas, attendance and minutes."""
    return committee.pk in committee_ids(user, *PLANNERS, charter=True)


def committees_planned_by(user) -> QuerySet[Committee]:
    return Committee.objects.filter(pk__in=committee_ids(user, *PLANNERS, charter=True))


def must_accept_charter(user, committee: Committee) -> bool:
    return committee.pk in committee_ids(user) and committee.pk not in charter_accepted_committees(
        user
    )


# --- Sessions -------------------------------------------------------------------------------
@rules.predicate
def can_view_session(user, session: Session) -> bool:
    return session.committee_id in committee_ids(user)


def sessions_visible_to(user) -> QuerySet[Session]:
    return Session.objects.filter(committee_id__in=committee_ids(user))


@rules.predicate
def can_plan_session(user, session: Session) -> bool:
    return session.committee_id in committee_ids(user, *PLANNERS, charter=True)


def sessions_planned_by(user) -> QuerySet[Session]:
    return Session.objects.filter(committee_id__in=committee_ids(user, *PLANNERS, charter=True))


@rules.predicate
def can_chair_session(user, session: Session) -> bool:
    """Validating minutes is the chair's."""
    return session.committee_id in committee_ids(user, R.CHAIR, charter=True)


def sessions_chaired_by(user) -> QuerySet[Session]:
    return Session.objects.filter(committee_id__in=committee_ids(user, R.CHAIR, charter=True))


# --- Attendance sheet and participation certificates ----------------------------------------
@rules.predicate
def can_view_attendance_sheet(user, session: Session) -> bool:
    """The named attendance sheet is the committee's own record: its chair and secretary
    only (members read the session page; the anonymous minutes give counts). A cancelled
    session has none (never held: a blank sheet would be a false record)."""
    return session.status != SessionStatus.CANCELLED and session.committee_id in committee_ids(
        user, *PLANNERS, charter=True
    )


def attendance_sheets_visible_to(user) -> QuerySet[Session]:
    return Session.objects.filter(
        committee_id__in=committee_ids(user, *PLANNERS, charter=True)
    ).exclude(status=SessionStatus.CANCELLED)


@rules.predicate
def can_download_certificate(user, seat: CommitteeMember) -> bool:
    """A participation certificate: the professional themself (even after leaving the seat),
    or the chair and secretary of that seat's committee. Nobody else, administrators and
    quality teams included."""
    if not _active(user):
        return False
    return seat.user_id == user.pk or seat.committee_id in committee_ids(
        user, *PLANNERS, charter=True
    )


def certificate_seats_visible_to(user) -> QuerySet[CommitteeMember]:
    if not _active(user):
        return CommitteeMember.objects.none()
    return CommitteeMember.objects.filter(
        Q(user_id=user.pk) | Q(committee_id__in=committee_ids(user, *PLANNERS, charter=True))
    )


rules.add_rule("committees.view_committee", can_view_committee)
rules.add_rule("committees.plan_sessions", can_plan_sessions)
rules.add_rule("committees.view_session", can_view_session)
rules.add_rule("committees.plan_session", can_plan_session)
rules.add_rule("committees.chair_session", can_chair_session)
rules.add_rule("committees.view_attendance_sheet", can_view_attendance_sheet)
rules.add_rule("committees.download_certificate", can_download_certificate)

PAIRED_SCOPES = {
    "committees.view_committee": committees_visible_to,
    "committees.plan_sessions": committees_planned_by,
    "committees.view_session": sessions_visible_to,
    "committees.plan_session": sessions_planned_by,
    "committees.chair_session": sessions_chaired_by,
    "committees.view_attendance_sheet": attendance_sheets_visible_to,
    "committees.download_certificate": certificate_seats_visible_to,
}


# --- Invited guests (one case of one session) -----------------------------------------------
# A guest reads while the session is still open: its minutes validated or the session
# cancelled, the invitation gives nothing any more (404).
GUEST_SESSION_STATUSES = (SessionStatus.PLANNED, SessionStatus.AGENDA_SENT, SessionStatus.HELD)


def _invitation_is_live() -> list:
    """Conditions on a SessionGuest row (also inside an outer EXISTS) for an invitation that
    still opens something: not removed; session planned, agenda sent or held; minutes never
    validated (a session reopened for correction is 'held' again, but the invitation ended at
    the first validation, for good); the very agenda entry it was made for still there (a case
    taken off the agenda and put back is a new entry, which needs a new invitation)."""
    return [
        Q(revoked_at__isnull=True, session__status__in=GUEST_SESSION_STATUSES),
        Exists(
            AgendaItem.objects.filter(
                pk=OuterRef("agenda_item_id"),
                session_id=OuterRef("session_id"),
                case_id=OuterRef("case_id"),
            )
        ),
        ~Exists(
            MinutesVersion.objects.filter(
                session_id=OuterRef("session_id"), validated_at__isnull=False
            )
        ),
    ]


def _live_invitations(user) -> QuerySet[SessionGuest]:
    """The user's invitations that still open something (see `_invitation_is_live`)."""
    if not _active(user):
        return SessionGuest.objects.none()
    return SessionGuest.objects.filter(*_invitation_is_live(), user=user)


@rules.predicate
def can_view_invitation(user, guest: SessionGuest) -> bool:
    """The invited professional's own page of an invitation (the charter is signed there)."""
    return _live_invitations(user).filter(pk=guest.pk).exists()


def invitations_visible_to(user) -> QuerySet[SessionGuest]:
    return _live_invitations(user)


def guest_invitation(user, session: Session, case) -> SessionGuest | None:
    """The user's live invitation to this case of this session, charter signed or not."""
    return _live_invitations(user).filter(session_id=session.pk, case_id=case.pk).first()


def guest_invitation_in(user, session_pk: int, case_pk: int) -> SessionGuest | None:
    """The user's live invitation to a case of a session, by ids (the review screen's door for
    a guest), with its session and committee."""
    return (
        _live_invitations(user)
        .filter(session_id=session_pk, case_id=case_pk)
        .select_related("session__committee")
        .first()
    )


def guest_reads_in_session(user, session: Session, case) -> bool:
    """The review screen of one case for its guest: invited to this very session, charter
    signed, the case in the committee's hands."""
    return (
        case.status in COMMITTEE_STAGES
        and _live_invitations(user)
        .filter(session_id=session.pk, case_id=case.pk, charter_accepted_at__isnull=False)
        .exists()
    )


SIGNED_INVITATION = KeyedQuery(
    lambda key: (
        SessionGuest.objects.filter(
            user_id=key, revoked_at__isnull=True, charter_accepted_at__isnull=False
        )
        .order_by()  # whether there is one: not the invitations' order, which joins two tables
        .values_list("pk", flat=True)[:1]
    )
)


def has_signed_invitations(user) -> bool:
    """Whether the user holds any unrevoked invitation with its charter signed (once per
    request): most users never do, and their lists then carry no guest EXISTS at all."""
    if not _active(user):
        return False
    cached = user.__dict__.get("_rmm_signed_invitations")
    if cached is None:
        cached = bool(SIGNED_INVITATION.rows(user.pk))
        user.__dict__["_rmm_signed_invitations"] = cached
    return cached


def _guest_exists(user, *, case_ref: str, status_ref: str | None) -> Q:
    """A live, signed invitation of the user to the outer case (or to a case of the outer
    organisation): one EXISTS, probed per row through the invitation's (user, case) index;
    an empty condition without a query for a user who holds no signed invitation."""
    if not has_signed_invitations(user):
        return Q(pk__in=[])
    if status_ref is not None:
        conditions = [In(OuterRef(status_ref), list(COMMITTEE_STAGES))]
        match = {"case_id": OuterRef(case_ref)}
    else:
        conditions = [Q(case__status__in=COMMITTEE_STAGES)]
        match = {"case__organisation_id": OuterRef(case_ref)}
    return Q(
        Exists(
            SessionGuest.objects.filter(
                *conditions,
                *_invitation_is_live(),
                user_id=user.pk,
                charter_accepted_at__isnull=False,
                **match,
            ).values("pk")
        )
    )


def can_manage_guests(user, session: Session) -> bool:
    """Inviting professionals, removing invitations and recording their presence: the
    session's chair and secretary."""
    return can_plan_session(user, session)


rules.add_rule("committees.view_invitation", can_view_invitation)
PAIRED_SCOPES["committees.view_invitation"] = invitations_visible_to


# --- What committees may do with cases (registered into cases.committee_scope) --------------
class CommitteeMembershipScope:
    """Case rights of committee people, for the cases app."""

    def plans(self, user, case) -> bool:
        return case.organisation_id in covered_by_committees(user, *PLANNERS)

    def chairs(self, user, case) -> bool:
        return case.organisation_id in covered_by_committees(user, R.CHAIR)

    def reads(self, user, case) -> bool:
        if case.status not in COMMITTEE_STAGES:
            return False
        if self.plans(user, case):
            return True
        readers = committee_ids(user, charter=True)
        if (
            readers
            and AgendaItem.objects.filter(case_id=case.pk, session__committee_id__in=readers)
            .exclude(session__status=SessionStatus.CANCELLED)
            .exists()
        ):
            return True
        # A guest of one of its sessions (charter signed for that invitation).
        return (
            _active(user)
            and _live_invitations(user)
            .filter(case_id=case.pk, charter_accepted_at__isnull=False)
            .exists()
        )

    def standing(self, user) -> list:
        """Seats and signed charters (read once per request anyway): a key for what is cached
        per user, changed as soon as a seat or a charter is."""
        if not _active(user):
            return []
        seats = sorted((pk, sorted(roles)) for pk, roles in committee_roles(user).items())
        return [seats, sorted(charter_accepted_committees(user)), has_signed_invitations(user)]

    def reads_q(self, user) -> Q:
        readers = committee_ids(user, charter=True)
        # Guests: one more EXISTS on the same row, probed through the invitation's (user, case)
        # index, and only for a user holding a signed invitation (rare; one cheap query says).
        guest = _guest_exists(user, case_ref="pk", status_ref="status") if _active(user) else None
        if not readers:
            return guest if guest is not None else Q(pk__in=[])
        # A correlated EXISTS, probed per case through the agenda's case index, rather than
        # `pk IN (every agenda item of the committee)`: that set (tens of thousands of rows
        # for a network committee) was built on every request. A planner's covered
        # organisations come first in the OR, so their cases never reach the probe.
        #
        # The status test sits inside the EXISTS, on the outer row: the same condition, but a
        # subquery that refers to the outer row other than by `case_id = id` cannot be turned
        # by PostgreSQL into a hashed `id IN (all agenda items)`. Inside an OR it chose that
        # plan, and read the committee's whole agenda (96,000 rows) before page 1 of a
        # member's list; probed per case in the list's order, page 1 costs a few hundred
        # index lookups.
        on_agenda = Exists(
            AgendaItem.objects.filter(
                In(OuterRef("status"), list(COMMITTEE_STAGES)),
                case_id=OuterRef("pk"),
                session__committee_id__in=readers,
            )
            .exclude(session__status=SessionStatus.CANCELLED)
            .values("pk")
        )
        planned = covered_by_committees(user, *PLANNERS)
        condition = Q(on_agenda)
        if planned:
            condition = Q(status__in=COMMITTEE_STAGES, organisation_id__in=planned) | condition
        return condition | guest if guest is not None else condition

    def organisation_ids(self, user) -> set[int]:
        if not _active(user):
            return set()
        readers = committee_ids(user, charter=True)
        planned = set(covered_by_committees(user, *PLANNERS)) if readers else set()
        condition = _guest_exists(user, case_ref="pk", status_ref=None)
        if readers:
            condition |= Q(self._on_agenda(readers))
        others = Organisation.objects.exclude(pk__in=planned).filter(condition)
        return planned | set(others.values_list("pk", flat=True))

    def organisations_q(self, user) -> Q:
        """`organisation_ids` as a condition on organisations: the case list reads their
        labels in the same query, instead of reading the ids first."""
        if not _active(user):
            return Q(pk__in=[])
        guest = _guest_exists(user, case_ref="pk", status_ref=None)
        readers = committee_ids(user, charter=True)
        if not readers:
            return guest
        planned = covered_by_committees(user, *PLANNERS)
        return Q(pk__in=planned) | Q(self._on_agenda(readers)) | guest

    @staticmethod
    def _on_agenda(readers) -> Exists:
        # One EXISTS per organisation (a few dozen), instead of the distinct organisations of
        # every agenda item of the committee.
        return Exists(
            AgendaItem.objects.filter(
                case__organisation_id=OuterRef("pk"), session__committee_id__in=readers
            )
            .exclude(session__status=SessionStatus.CANCELLED)
            .values("pk")
        )


def can_review_case_in_session(user, session: Session, case, *, on_agenda: bool = False) -> bool:
    """The review screen of a case: the case is on this session's agenda, in the committee's
    hands (ready for review or later, never back in documentation), and the user reads it as
    a member of that committee who signed its charter. `on_agenda`: the caller has just read
    the case from this session's agenda (not asked again)."""
    if not (
        case.status in COMMITTEE_STAGES
        and session.committee_id in committee_ids(user, charter=True)
        and (
            on_agenda or AgendaItem.objects.filter(session_id=session.pk, case_id=case.pk).exists()
        )
    ):
        return False
    # On the agenda of a live session of a committee whose charter the user signed: exactly
    # what `reads` looks for among the agendas, so neither its territory descent nor its
    # agenda query is needed. A cancelled session's agenda grants nothing by itself.
    return session.status != SessionStatus.CANCELLED or CommitteeMembershipScope().reads(user, case)


def is_in_a_committee(user) -> bool:
    return bool(committee_roles(user))


def committee_covers(committee: Committee, case) -> bool:
    """The case was declared by an organisation this committee reviews."""
    return case.organisation_id in with_covered_organisations({committee.organisation_id})
