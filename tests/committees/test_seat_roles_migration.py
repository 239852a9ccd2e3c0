"""The data migration that reconciles old installations with "committee seats are the single
source of committee roles": seats win; a role no seat explains is deactivated, never turned into
a seat; each change is in the security log; a second run changes nothing."""

import importlib

import pytest
from django.apps import apps

from accounts.models import Membership, Role, SecurityEvent
from committees.models import Committee, CommitteeMember
from tests.factories import MembershipFactory, UserFactory, member

pytestmark = pytest.mark.django_db

migration = importlib.import_module("committees.migrations.0012_seat_roles_reconcile")


def roles(user, organisation):
    return dict(
        Membership.objects.filter(user=user, organisation=organisation).values_list(
            "role", "is_active"
        )
    )


def test_old_seat_and_role_data_are_reconciled_in_the_seats_direction(network, maternity):
    committee = Committee.objects.create(name="Comité du réseau", organisation=network)
    closed = Committee.objects.create(name="Ancien comité", organisation=network, is_active=False)
    seated_without_role = UserFactory(full_name="Sam Siège")
    CommitteeMember.objects.create(committee=committee, user=seated_without_role, role="member")
    role_without_seat = member(Role.COMMITTEE_CHAIR, network, full_name="Rita Rôle")
    consistent = member(Role.COMMITTEE_SECRETARY, network)
    CommitteeMember.objects.create(committee=committee, user=consistent, role="secretary")
    on_closed_committee = member(Role.COMMITTEE_MEMBER, network)
    CommitteeMember.objects.create(committee=closed, user=on_closed_committee, role="member")
    expert_inactive_role = UserFactory()
    MembershipFactory(
        user=expert_inactive_role, organisation=network, role=Role.COMMITTEE_MEMBER, is_active=False
    )
    CommitteeMember.objects.create(
        committee=committee, user=expert_inactive_role, role="external_expert"
    )
    clinician = member(Role.CLINICIAN, maternity)
    seats_before = CommitteeMember.objects.count()

    counts = migration.seat_roles_reconcile(apps)

    assert counts == {"granted": 2, "deactivated": 2}
    assert roles(seated_without_role, network) == {Role.COMMITTEE_MEMBER: True}
    assert roles(expert_inactive_role, network) == {Role.COMMITTEE_MEMBER: True}
    # Kept for the administrator to see, but it opens nothing any more; no seat was invented.
    assert roles(role_without_seat, network) == {Role.COMMITTEE_CHAIR: False}
    assert roles(on_closed_committee, network) == {Role.COMMITTEE_MEMBER: False}
    assert CommitteeMember.objects.count() == seats_before
    assert not CommitteeMember.objects.filter(user=role_without_seat).exists()
    # Untouched: a consistent seat and role, and roles that are not committee roles.
    assert roles(consistent, network) == {Role.COMMITTEE_SECRETARY: True}
    assert roles(clinician, maternity) == {Role.CLINICIAN: True}

    logged = SecurityEvent.objects.filter(actor_name=migration.ACTOR_NAME)
    assert set(logged.values_list("kind", "target__full_name", "role")) == {
        ("role_granted", "Sam Siège", Role.COMMITTEE_MEMBER),
        ("role_granted", expert_inactive_role.full_name, Role.COMMITTEE_MEMBER),
        ("role_revoked", "Rita Rôle", Role.COMMITTEE_CHAIR),
        ("role_revoked", on_closed_committee.full_name, Role.COMMITTEE_MEMBER),
    }

    assert migration.seat_roles_reconcile(apps) == {"granted": 0, "deactivated": 0}
    assert logged.count() == 4
