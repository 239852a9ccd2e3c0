import itertools

import pytest
import rules
from django.contrib.auth.models import Permission

from accounts import permissions
from accounts.models import Membership, Organisation, Role, User
from tests.factories import MaternityFactory, MembershipFactory, member

pytestmark = pytest.mark.django_db


def test_members_see_their_organisation_and_its_territory_never_another_network(
    every_role, maternity, network, other_maternity, other_network
):
    for role, user in every_role.items():
        visible = set(permissions.organisations_visible_to(user))
        assert other_maternity not in visible, role
        assert other_network not in visible, role
        assert not permissions.can_view_organisation(user, other_maternity), role
    # Network-level roles see the network and the maternities it covers.
    for role in (Role.COMMITTEE_CHAIR, Role.ADMINISTRATOR, Role.COMMITTEE_MEMBER):
        assert set(permissions.organisations_visible_to(every_role[role])) == {network, maternity}
    # A maternity's clinician sees the maternity only, not the network above it.
    assert set(permissions.organisations_visible_to(every_role[Role.CLINICIAN])) == {maternity}


def test_only_administrators_manage_and_only_within_their_territory(
    every_role, maternity, network, other_maternity, other_administrator
):
    for role, user in every_role.items():
        expected = role == Role.ADMINISTRATOR
        assert permissions.can_manage_organisation(user, maternity) is expected, role
        assert permissions.can_manage_organisation(user, other_maternity) is False, role
        assert permissions.can_open_administration(user) is expected, role
    assert not permissions.can_manage_organisation(other_administrator, maternity)
    assert permissions.can_manage_organisation(other_administrator, other_maternity)


def test_declaring_is_for_clinicians_and_coordinators_of_the_organisation(
    every_role, maternity, other_maternity
):
    for role, user in every_role.items():
        expected = role in (Role.CLINICIAN, Role.COORDINATOR)
        assert permissions.can_declare_case_for(user, maternity) is expected, role
        assert permissions.can_declare_case_for(user, other_maternity) is False, role
        fresh = User.objects.get(pk=user.pk)
        assert permissions.may_declare_cases(fresh) is expected, role
        assert permissions.organisations_where_user_may_declare(fresh).exists() is expected, role


def test_no_declaring_for_a_clinician_of_a_closed_maternity(clinician, maternity):
    Organisation.objects.filter(pk=maternity.pk).update(is_active=False)
    fresh = User.objects.get(pk=clinician.pk)
    assert not permissions.may_declare_cases(fresh)
    assert not permissions.organisations_where_user_may_declare(fresh).exists()


def test_network_administrator_cannot_manage_a_user_who_also_works_elsewhere(
    administrator, maternity, other_maternity, clinician
):
    assert permissions.can_manage_user(administrator, clinician)
    MembershipFactory(user=clinician, organisation=other_maternity, role=Role.CLINICIAN)
    assert not permissions.can_manage_user(administrator, clinician)
    assert clinician not in permissions.users_managed_by(administrator)


def test_inactive_membership_user_or_organisation_grants_nothing(administrator, maternity):
    membership = administrator.memberships.get()
    membership.is_active = False
    membership.save()
    fresh = User.objects.get(pk=administrator.pk)
    assert not permissions.can_manage_organisation(fresh, maternity)
    assert not permissions.organisations_visible_to(fresh).exists()

    clinician = member(Role.CLINICIAN, maternity)
    maternity.is_active = False
    maternity.save()
    assert not permissions.can_view_organisation(User.objects.get(pk=clinician.pk), maternity)


def test_global_django_permissions_never_open_another_organisation(outsider, maternity):
    outsider.user_permissions.set(Permission.objects.all())
    fresh = User.objects.get(pk=outsider.pk)
    assert fresh.has_perm("accounts.change_organisation")  # Django would say yes...
    assert not permissions.can_view_organisation(fresh, maternity)  # ...RMM says no.
    assert not permissions.can_manage_organisation(fresh, maternity)
    assert not permissions.can_open_administration(fresh)
    assert maternity not in permissions.organisations_visible_to(fresh)


def test_platform_operator_manages_structure(maternity, other_maternity):
    operator = User.objects.create_superuser(email="ops@rmm.test", full_name="Ops", password="x")
    assert permissions.can_manage_organisation(operator, other_maternity)
    assert permissions.can_open_administration(operator)


def test_anonymous_user_gets_nothing(maternity):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not permissions.can_view_organisation(anonymous, maternity)
    assert not permissions.organisations_visible_to(anonymous).exists()
    assert not permissions.can_open_administration(anonymous)


def test_every_predicate_agrees_with_its_paired_queryset(
    every_role, outsider, other_administrator, maternity, other_maternity
):
    """For every user and object, 'may X on obj' <=> 'obj in X's queryset for the user'."""
    MaternityFactory(name="Maternité orpheline")  # in no territory at all
    users = [*every_role.values(), outsider, other_administrator]
    objects_by_model = {
        Organisation: list(Organisation.objects.all()),
        Membership: list(Membership.objects.all()),
        User: list(User.objects.all()),
    }
    checked = 0
    for rule_name, scope in permissions.PAIRED_SCOPES.items():
        model = scope(users[0]).model
        for user, obj in itertools.product(users, objects_by_model[model]):
            fresh_user = User.objects.get(pk=user.pk)
            allowed = rules.test_rule(rule_name, fresh_user, obj)
            listed = scope(fresh_user).filter(pk=obj.pk).exists()
            assert allowed == listed, (rule_name, user.email, obj)
            checked += 1
    assert checked > 200


def test_scope_is_computed_once_per_user_object(clinician, maternity, django_assert_num_queries):
    fresh = User.objects.get(pk=clinician.pk)
    with django_assert_num_queries(2):  # memberships, then one territory descent step
        for _ in range(50):
            permissions.can_view_organisation(fresh, maternity)
