"""The demo obeys "committee seats are the single source of committee roles": every seat has
its organisation role and every committee role has a seat (the reconciliation finds nothing)."""

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Membership, Role, User
from accounts.permissions import SEAT_ROLES
from committees import certificates
from committees.models import CommitteeMember
from committees.services.seats import ORGANISATION_ROLE_OF_SEAT

pytestmark = pytest.mark.django_db

migration = importlib.import_module("committees.migrations.0012_seat_roles_reconcile")


def test_every_demo_seat_has_its_role_and_every_committee_role_a_seat(settings):
    settings.RMM_DEMO_ALLOWED = True
    call_command("load_demo")
    seats = {
        (seat.user_id, seat.committee.organisation_id, ORGANISATION_ROLE_OF_SEAT[seat.role])
        for seat in CommitteeMember.objects.filter(is_active=True).select_related("committee")
    }
    roles = set(
        Membership.objects.filter(role__in=SEAT_ROLES, is_active=True).values_list(
            "user_id", "organisation_id", "role"
        )
    )
    assert seats and seats == roles
    referent = Membership.objects.filter(user__email="referent@rmm-demo.fr")
    assert set(referent.values_list("role", flat=True)) == {Role.COORDINATOR, Role.COMMITTEE_MEMBER}
    assert migration.seat_roles_reconcile(apps) == {"granted": 0, "deactivated": 0}
    # The same demo (loaded once: it is slow) gives its member this year's participation
    # certificate (issue 15): the held session is never before 1 January.
    year = timezone.localdate().year
    member = User.objects.get(email="membre@rmm-demo.fr")
    rows = certificates.certificate_years_of(user=member)
    assert [(row.year, row.attended) for row in rows if row.year == year] == [(year, 1)]
    assert certificates.certificate_of(
        seat=CommitteeMember.objects.get(pk=rows[0].seat_id), year=year
    )
