"""Committee seats: the one source of truth for committee roles.

A seat (`CommitteeMember`: chair, secretary, member or external expert, with a specialty) is what
administrators give. The organisation role that mirrors it (Président, Secrétaire, Membre de
comité in the committee's organisation, which the navigation and home pages read) is derived
here, in the same transaction, and nowhere else: `accounts.services.membership_save` refuses a
committee role that does not come from this module.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import Membership, Organisation, Role, User
from accounts.permissions import (
    SEAT_ROLES,
    can_manage_organisation,
    can_manage_user,
    is_platform_operator,
)

from ..models import CommitteeMember, CommitteeRole

# An external expert sits as a member: the organisation role only opens the case section.
ORGANISATION_ROLE_OF_SEAT = {
    CommitteeRole.CHAIR: Role.COMMITTEE_CHAIR,
    CommitteeRole.SECRETARY: Role.COMMITTEE_SECRETARY,
    CommitteeRole.MEMBER: Role.COMMITTEE_MEMBER,
    CommitteeRole.EXTERNAL_EXPERT: Role.COMMITTEE_MEMBER,
}

NotAllowed = account_services.NotAllowed


def _check(*, seat: CommitteeMember, by) -> None:
    if not can_manage_organisation(by, seat.committee.organisation):
        raise NotAllowed(_("Vous n'administrez pas ce comité."))
    if seat.user_id == getattr(by, "pk", None) and not is_platform_operator(by):
        raise NotAllowed(_("Personne ne se donne un siège de comité à soi-même."))
    # A brand-new invited account has no role yet: its seat is its first one.
    if seat.user.memberships.exists() and not can_manage_user(by, seat.user):
        raise NotAllowed(_("Vous ne gérez pas ce compte."))


@transaction.atomic
def committee_seat_save(*, seat: CommitteeMember, by) -> CommitteeMember:
    """Give or change a seat; the organisation roles that mirror seats follow at once."""
    _check(seat=seat, by=by)
    previous = None
    if seat.pk:
        previous = (
            CommitteeMember.objects.select_for_update()
            .filter(pk=seat.pk)
            .values_list("user_id", "committee__organisation_id")
            .first()
        )
    seat.full_clean()
    seat.save()
    seat_roles_sync(user=seat.user, organisation=seat.committee.organisation, by=by)
    if previous and previous != (seat.user_id, seat.committee.organisation_id):
        seat_roles_sync(
            user=User.objects.get(pk=previous[0]),
            organisation=Organisation.objects.get(pk=previous[1]),
            by=by,
        )
    return seat


@transaction.atomic
def committee_seat_delete(*, seat: CommitteeMember, by) -> None:
    """Take a seat away (at once); the mirrored organisation role goes with the last seat."""
    _check(seat=seat, by=by)
    user, organisation = seat.user, seat.committee.organisation
    seat.delete()
    seat_roles_sync(user=user, organisation=organisation, by=by)


def seat_roles_sync(*, user: User, organisation: Organisation, by) -> None:
    """Make `user`'s committee roles in `organisation` say exactly what their active seats on
    that organisation's active committees say (through the accounts services: logged)."""
    wanted = {
        ORGANISATION_ROLE_OF_SEAT[role]
        for role in CommitteeMember.objects.filter(
            user=user,
            committee__organisation=organisation,
            is_active=True,
            committee__is_active=True,
        ).values_list("role", flat=True)
    }
    held = {
        membership.role: membership
        for membership in Membership.objects.select_for_update().filter(
            user=user, organisation=organisation, role__in=SEAT_ROLES
        )
    }
    for role in sorted(SEAT_ROLES):
        membership = held.get(role)
        if role in wanted and (membership is None or not membership.is_active):
            membership = membership or Membership(user=user, organisation=organisation, role=role)
            membership.is_active = True
            account_services.membership_save(membership=membership, by=by, from_seat=True)
        elif role not in wanted and membership is not None:
            account_services.membership_delete(membership=membership, by=by, from_seat=True)


def seat_for_invitation(*, committee, role: str, specialty: str, by):
    """What an invitation gives in its transaction when it names a seat (see user_invite)."""

    def give(user: User) -> None:
        seat = CommitteeMember(committee=committee, user=user, role=role, specialty=specialty)
        committee_seat_save(seat=seat, by=by)

    return give
