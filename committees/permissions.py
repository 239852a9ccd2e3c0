"""Who may do what in committees, sessions and reviews; each predicate with its queryset.

Rights come from committee membership (chair, secretary, member, external expert), never from a
global permission. Nothing of a case is shown to a member before they accepted the committee's
confidentiality charter. Chairs and secretaries see the cases their committee covers once ready
for review (to build agendas); members and external experts see the cases on the agendas of
their committee's sessions.
"""

from collections import defaultdict

import rules
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.lookups import In

from accounts.models import Organisation
from accounts.permissions import organisations_managed_by
from accounts.scope import covered_for, with_covered_organisations
from cases.committee_scope import COMMITTEE_STAGES

from .models import (
    CHARTER_VERSION,
    AgendaItem,
    CharterAcceptance,
    Committee,
    CommitteeMember,
    CommitteeRole,
    Session,
    SessionStatus,
)

R = CommitteeRole
PLANNERS = (R.CHAIR, R.SECRETARY)
ALL_ROLES = tuple(R.values)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def committee_roles(user) -> dict[int, frozenset[str]]:
    """{committee id: roles} of the user's active memberships of active committees (cached)."""
    if not _active(user):
        return {}
    cached = user.__dict__.get("_rmm_committee_roles")
    if cached is None:
        roles: dict[int, set[str]] = defaultdict(set)
        organisations: dict[int, int] = {}
        for committee_id, role, organisation_id in CommitteeMember.objects.filter(
            user=user, is_active=True, committee__is_active=True
        ).values_list("committee_id", "role", "committee__organisation_id"):
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
        cached = set(
            CharterAcceptance.objects.filter(user=user, version=CHARTER_VERSION).values_list(
                "committee_id", flat=True
            )
        )
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
    only (members read the session page; the anonymous minutes give counts)."""
    return session.committee_id in committee_ids(user, *PLANNERS, charter=True)


def attendance_sheets_visible_to(user) -> QuerySet[Session]:
    return Session.objects.filter(committee_id__in=committee_ids(user, *PLANNERS, charter=True))


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
        return (
            bool(readers)
            and AgendaItem.objects.filter(case_id=case.pk, session__committee_id__in=readers)
            .exclude(session__status=SessionStatus.CANCELLED)
            .exists()
        )

    def reads_q(self, user) -> Q:
        readers = committee_ids(user, charter=True)
        if not readers:
            return Q(pk__in=[])
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
        if not planned:
            return Q(on_agenda)
        return Q(status__in=COMMITTEE_STAGES, organisation_id__in=planned) | Q(on_agenda)

    def organisation_ids(self, user) -> set[int]:
        readers = committee_ids(user, charter=True)
        if not readers:
            return set()
        planned = set(covered_by_committees(user, *PLANNERS))
        others = Organisation.objects.exclude(pk__in=planned).filter(self._on_agenda(readers))
        return planned | set(others.values_list("pk", flat=True))

    def organisations_q(self, user) -> Q:
        """`organisation_ids` as a condition on organisations: the case list reads their
        labels in the same query, instead of reading the ids first."""
        readers = committee_ids(user, charter=True)
        if not readers:
            return Q(pk__in=[])
        planned = covered_by_committees(user, *PLANNERS)
        return Q(pk__in=planned) | Q(self._on_agenda(readers))

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


def can_review_case_in_session(user, session: Session, case) -> bool:
    """The review screen of a case: the case is on this session's agenda, in the committee's
    hands (ready for review or later, never back in documentation), and the user reads it as
    a member of that committee who signed its charter."""
    return (
        case.status in COMMITTEE_STAGES
        and session.committee_id in committee_ids(user, charter=True)
        and AgendaItem.objects.filter(session_id=session.pk, case_id=case.pk).exists()
        and CommitteeMembershipScope().reads(user, case)
    )


def is_in_a_committee(user) -> bool:
    return bool(committee_roles(user))


def committee_covers(committee: Committee, case) -> bool:
    """The case was declared by an organisation this committee reviews."""
    return case.organisation_id in with_covered_organisations({committee.organisation_id})
