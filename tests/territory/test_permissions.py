"""Who sees what of the territorial diagnosis: each predicate against its queryset, for every
role; a network's people see nothing of another network; observers see aggregates, never rows."""

import pytest
from django.urls import reverse

from accounts.models import Role
from cases.models import Case
from territory import permissions
from territory.models import LiveBirths
from tests.factories import member

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("territory:dashboard")
ROWS = reverse("territory:export_rows")
AGGREGATES = reverse("territory:export_aggregates")
REPORT = reverse("territory:annual_report")


def counted(world, *names):
    return {world.cases[name].pk for name in names}


NORD_COUNTED = ("reviewed", "closed", "documenting")  # Maternité Nord, neither draft nor excluded
NETWORK_COUNTED = (*NORD_COUNTED, "est")


def expected_aggregates(world):
    return {
        Role.CLINICIAN: set(),
        Role.COORDINATOR: counted(world, *NORD_COUNTED),
        Role.COMMITTEE_MEMBER: set(),
        Role.COMMITTEE_CHAIR: counted(world, *NETWORK_COUNTED),
        Role.COMMITTEE_SECRETARY: counted(world, *NETWORK_COUNTED),
        Role.QUALITY_MANAGER: counted(world, *NORD_COUNTED),
        Role.ADMINISTRATOR: set(),
        Role.OBSERVER: counted(world, *NETWORK_COUNTED),
    }


def expected_rows(world):
    return {
        Role.COORDINATOR: counted(world, *NORD_COUNTED),
        # As the case list: a quality manager sees a case once it is anonymised.
        Role.QUALITY_MANAGER: counted(world, "reviewed", "closed"),
    }


def test_every_role_counts_the_cases_of_its_scope_and_the_predicate_agrees(world, every_role):
    aggregates, rows = expected_aggregates(world), expected_rows(world)
    all_cases = list(Case.objects.all())
    for role, user in every_role.items():
        assert (
            set(permissions.cases_counted_for(user).values_list("pk", flat=True))
            == (aggregates[role])
        ), role
        assert {case.pk for case in all_cases if permissions.counts_case(user, case)} == (
            aggregates[role]
        ), role
        exportable = set(permissions.case_rows_exportable_by(user).values_list("pk", flat=True))
        assert exportable == rows.get(role, set()), role
        assert {
            case.pk for case in all_cases if permissions.can_export_case_row(user, case)
        } == exportable, role
        assert permissions.may_see_territory(user) == bool(aggregates[role]), role
        assert permissions.may_export_rows(user) == (role in rows), role


def test_every_role_reaches_only_the_pages_it_may_open(client, world, every_role):
    aggregates, rows = expected_aggregates(world), expected_rows(world)
    for role, user in every_role.items():
        client.force_login(user)
        sees = 200 if aggregates[role] else 404
        assert client.get(DASHBOARD).status_code == sees, role
        assert client.get(AGGREGATES).status_code == sees, role
        assert client.get(ROWS).status_code == (200 if role in rows else 404), role
        nav = f'href="{DASHBOARD}"' in client.get(reverse("home")).content.decode()
        assert nav == bool(aggregates[role]), role


def test_the_observer_sees_aggregates_but_no_case_and_no_row(client, world, observer):
    client.force_login(observer)
    assert client.get(DASHBOARD).status_code == 200
    assert client.get(ROWS).status_code == 404
    for case in world.cases.values():
        assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:list")).status_code in (200, 404)
    page = client.get(reverse("cases:list")).content.decode()
    for case in world.cases.values():
        assert case.code not in page


def test_another_networks_people_see_nothing_of_this_one(client, world, other_maternity):
    other_network = other_maternity.parent
    people = [
        member(Role.QUALITY_MANAGER, other_maternity, email="qualite@sud.test"),
        member(Role.COORDINATOR, other_maternity, email="ref@sud.test"),
        member(Role.OBSERVER, other_network, email="obs@sud.test"),
    ]
    south = {world.cases["south"].pk}
    for user in people:
        assert set(permissions.cases_counted_for(user).values_list("pk", flat=True)) == south
        client.force_login(user)
        response = client.get(DASHBOARD)
        assert response.status_code == 200
        assert response.context["d"].total == 1
        names = {org.name for org in response.context["form"].fields["organisation"].queryset}
        assert "Maternité Nord" not in names and "Réseau Nord" not in names


def test_an_observer_of_the_ars_sees_the_networks_below_it(world, network, other_network):
    from tests.factories import OrganisationFactory

    ars = OrganisationFactory(name="ARS Île-de-France", kind="ars")
    network.parent = ars
    network.save()
    observer = member(Role.OBSERVER, ars, email="ars@ars.test")
    assert set(permissions.cases_counted_for(observer).values_list("pk", flat=True)) == (
        counted(world, *NETWORK_COUNTED)
    )


def test_a_chair_without_the_charter_sees_nothing(world, committee):
    from tests.conftest import committee_person

    chair = committee_person(
        committee, Role.COMMITTEE_CHAIR, "chair", charter=False, email="sanscharte@nord.test"
    )
    assert not permissions.may_see_territory(chair)


def test_live_births_are_managed_by_the_territorys_administrators(
    world, every_role, administrator, other_administrator, maternity
):
    births = LiveBirths.objects.get()
    for role, user in every_role.items():
        allowed = role == Role.ADMINISTRATOR
        assert permissions.can_manage_live_births(user, maternity) == allowed, role
        assert list(permissions.live_births_managed_by(user)) == ([births] if allowed else [])
    assert not permissions.can_manage_live_births(other_administrator, maternity)
    assert not permissions.live_births_managed_by(other_administrator).exists()
