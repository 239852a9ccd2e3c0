import itertools
import logging

import pytest
import rules
from django.urls import reverse

from accounts.models import Role, User
from cases import permissions
from cases.models import Case, CaseContribution
from cases.status import CaseStatus
from tests.factories import MaternityFactory, canary_fragments, member

pytestmark = pytest.mark.django_db


def test_every_case_predicate_agrees_with_its_paired_queryset(
    case_factory, every_role, outsider, other_maternity, maternity
):
    colleague = member(Role.CLINICIAN, maternity)
    # An organisation of the pathway named on one case of each status (issue 15).
    birth = MaternityFactory(name="Maternité de naissance", parent=maternity.parent)
    contributors = [member(role, birth) for role in (Role.COORDINATOR, Role.QUALITY_MANAGER)]
    for status in CaseStatus.values:
        named = case_factory(status=status)
        CaseContribution.objects.create(
            case=named, organisation=birth, pathway_role="birth_maternity", added_by=colleague
        )
        case_factory(status=status, declared_by=colleague)
        case_factory(
            status=status,
            organisation=other_maternity,
            territory=other_maternity.parent,
            declared_by=outsider,
        )
    users = [*every_role.values(), outsider, colleague, *contributors]
    checked = 0
    cases = list(Case.objects.all())
    for (rule_name, scope), user in itertools.product(permissions.PAIRED_SCOPES.items(), users):
        # The queryset read once per rule and user (a query per case made this test a minute).
        fresh = User.objects.get(pk=user.pk)
        allowed = set(scope(fresh).values_list("pk", flat=True))
        for case in cases:
            assert rules.test_rule(rule_name, fresh, case) == (case.pk in allowed), (
                rule_name,
                user.email,
                case.status,
            )
            checked += 1
    assert checked > 900


def test_no_role_sees_another_networks_cases(case_factory, every_role, other_maternity, outsider):
    foreign = case_factory(
        status="ready",
        organisation=other_maternity,
        territory=other_maternity.parent,
        declared_by=outsider,
    )
    for role, user in every_role.items():
        assert not permissions.can_view_case(user, foreign), role
        assert not permissions.cases_visible_to(user).filter(pk=foreign.pk).exists(), role


def test_identity_never_reaches_the_logs(
    client, case_factory, clinician, coordinator, chair, caplog
):
    caplog.set_level(logging.DEBUG)
    case = case_factory(status="declared")
    client.force_login(coordinator)
    client.get(reverse("cases:identity", args=[case.pk]))
    client.post(
        reverse("cases:transition", args=[case.pk, "accept"]), {"expected_status": "declared"}
    )
    client.get(reverse("cases:anonymisation", args=[case.pk]))
    client.post(
        reverse("cases:anonymisation", args=[case.pk]),
        {"summary": "Mme Zanzibarova", "validate": "on"},
    )
    client.force_login(chair)
    client.get(reverse("cases:detail", args=[case.pk]))
    logged = caplog.text
    for fragment in canary_fragments():
        assert fragment not in logged, fragment


def test_the_case_list_read_by_parts_is_exactly_the_visible_cases_in_order(
    case_factory, every_role, outsider, other_maternity, maternity
):
    """The list reads the user's visibility in two parts (any status; the committee's stages),
    each through its own index, and merges them: every page, followed to the end, gives the
    cases of `cases_visible_to` in the list's order, a case in both parts once."""
    from cases.selectors import case_list_parts, case_list_visible_to, case_page

    quality_manager = every_role[Role.QUALITY_MANAGER]
    birth = MaternityFactory(name="Maternité de naissance", parent=maternity.parent)
    contributor = member(Role.COORDINATOR, birth)
    for status in CaseStatus.values:
        named = case_factory(status=status)
        CaseContribution.objects.create(
            case=named, organisation=birth, pathway_role="birth_maternity", added_by=contributor
        )
        # Declared by the quality manager: in both of their parts once it reaches the committee.
        case_factory(status=status, declared_by=quality_manager)
        case_factory(status=status, organisation=other_maternity, territory=other_maternity.parent)
    for user in [*every_role.values(), outsider, contributor]:
        fresh = User.objects.get(pk=user.pk)
        expected = list(case_list_visible_to(user=fresh).values_list("pk", flat=True))
        listed, cursor = [], ""
        while True:
            page = case_page(parts=case_list_parts(user=fresh), cursor=cursor)
            listed += [row.pk for row in page.cases]
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        assert listed == expected, user.email
    both = User.objects.get(pk=quality_manager.pk)
    assert len(case_list_parts(user=both)) == 2
