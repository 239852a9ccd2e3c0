"""Committee seats are the one source of truth for committee roles: the organisation role that
mirrors a seat (Président, Secrétaire, Membre de comité) is written by the seat service only,
follows every change of the seat, and cannot be typed by hand."""

import pytest
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Membership, Role
from committees.models import CommitteeMember
from committees.services import seats
from tests.factories import member

pytestmark = pytest.mark.django_db


def seat_roles(user, organisation):
    return set(
        Membership.objects.filter(
            user=user, organisation=organisation, is_active=True, role__in=seats.SEAT_ROLES
        ).values_list("role", flat=True)
    )


def test_a_seat_brings_its_role_and_takes_it_away(administrator, committee, quality_manager):
    network = committee.organisation
    seat = seats.committee_seat_save(
        seat=CommitteeMember(committee=committee, user=quality_manager, role="chair"),
        by=administrator,
    )
    assert seat_roles(quality_manager, network) == {Role.COMMITTEE_CHAIR}
    seat.role = "secretary"
    seats.committee_seat_save(seat=seat, by=administrator)
    assert seat_roles(quality_manager, network) == {Role.COMMITTEE_SECRETARY}
    seat.role = "external_expert"
    seats.committee_seat_save(seat=seat, by=administrator)
    assert seat_roles(quality_manager, network) == {Role.COMMITTEE_MEMBER}
    seat.is_active = False
    seats.committee_seat_save(seat=seat, by=administrator)
    assert seat_roles(quality_manager, network) == set()
    seat.is_active = True
    seats.committee_seat_save(seat=seat, by=administrator)
    seats.committee_seat_delete(seat=seat, by=administrator)
    assert seat_roles(quality_manager, network) == set()
    assert not CommitteeMember.objects.filter(user=quality_manager).exists()


def test_a_committee_role_cannot_be_given_or_removed_by_hand(
    administrator, quality_manager, network, chair
):
    with pytest.raises(account_services.NotAllowed, match="siège au comité"):
        account_services.membership_save(
            membership=Membership(
                user=quality_manager, organisation=network, role=Role.COMMITTEE_CHAIR
            ),
            by=administrator,
        )
    mirrored = Membership.objects.get(user=chair, role=Role.COMMITTEE_CHAIR)
    with pytest.raises(account_services.NotAllowed):
        account_services.membership_delete(membership=mirrored, by=administrator)
    mirrored.role = Role.QUALITY_MANAGER  # nor turned into another role
    with pytest.raises(account_services.NotAllowed):
        account_services.membership_save(membership=mirrored, by=administrator)


def test_the_admin_offers_no_committee_role_and_keeps_mirrored_rows_read_only(
    client, administrator, quality_manager, network, chair
):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": quality_manager.pk,
            "organisation": network.pk,
            "role": Role.COMMITTEE_CHAIR,
            "is_active": "on",
        },
    )
    assert response.status_code == 200  # the form again: not a choice
    assert not Membership.objects.filter(user=quality_manager, organisation=network).exists()
    mirrored = Membership.objects.get(user=chair, role=Role.COMMITTEE_CHAIR)
    change = client.post(
        reverse("admin:accounts_membership_change", args=[mirrored.pk]),
        {"user": chair.pk, "organisation": network.pk, "role": Role.QUALITY_MANAGER},
    )
    assert change.status_code in (200, 302, 403)
    mirrored.refresh_from_db()
    assert mirrored.role == Role.COMMITTEE_CHAIR


def test_the_committee_page_writes_seats_through_the_service(
    client, administrator, committee, quality_manager
):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:committees_committeemember_add"),
        {
            "committee": committee.pk,
            "user": quality_manager.pk,
            "role": "member",
            "specialty": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert seat_roles(quality_manager, committee.organisation) == {Role.COMMITTEE_MEMBER}
    seat = CommitteeMember.objects.get(user=quality_manager)
    client.post(reverse("admin:committees_committeemember_delete", args=[seat.pk]), {"post": "yes"})
    assert seat_roles(quality_manager, committee.organisation) == set()


@pytest.mark.parametrize(
    "role",
    [
        Role.CLINICIAN,
        Role.COORDINATOR,
        Role.COMMITTEE_MEMBER,
        Role.COMMITTEE_CHAIR,
        Role.COMMITTEE_SECRETARY,
        Role.QUALITY_MANAGER,
    ],
)
def test_only_administrators_of_the_committee_give_seats(every_role, committee, role):
    newcomer = member(Role.QUALITY_MANAGER, committee.organisation, email="nouveau@nord.test")
    with pytest.raises(account_services.NotAllowed):
        seats.committee_seat_save(
            seat=CommitteeMember(committee=committee, user=newcomer, role="member"),
            by=every_role[role],
        )
    assert not CommitteeMember.objects.filter(user=newcomer).exists()


def test_another_networks_administrator_gives_no_seat(other_administrator, committee):
    newcomer = member(Role.QUALITY_MANAGER, committee.organisation, email="nouveau@nord.test")
    with pytest.raises(account_services.NotAllowed):
        seats.committee_seat_save(
            seat=CommitteeMember(committee=committee, user=newcomer, role="chair"),
            by=other_administrator,
        )


def test_nobody_gives_themselves_a_seat(administrator, committee):
    with pytest.raises(account_services.NotAllowed, match="à soi-même"):
        seats.committee_seat_save(
            seat=CommitteeMember(committee=committee, user=administrator, role="chair"),
            by=administrator,
        )
