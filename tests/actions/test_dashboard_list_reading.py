"""The dashboard's list reads a page either by walking the actions in list order and probing
each one's visibility, or by building the visible set first (when the user sees few actions):
both readings give exactly the permission's actions, in the same order, in the same number of
queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from actions import selectors
from actions.permissions import actions_visible_to
from cases.models import CaseContribution
from tests.actions.test_dashboard import URL, bulk_actions, make_action
from tests.factories import CaseFactory, member

pytestmark = pytest.mark.django_db

NO_FILTER = selectors.ActionFilters()


@pytest.fixture
def mixed(session, ready_case, chair, other_maternity, every_role):
    """Actions of the network's maternity, one owned by name, others of another maternity
    (one of a case the first maternity contributed to, reviewed, one of a case still ready)."""
    for days in range(-3, 4):
        make_action(session, ready_case, chair, days=days)
    make_action(session, ready_case, chair, owner_person=every_role[Role.CLINICIAN])
    reviewed = CaseFactory(organisation=other_maternity, status="reviewed")
    ready = CaseFactory(organisation=other_maternity, status="ready")
    for case in (reviewed, ready):
        CaseContribution.objects.create(
            case=case,
            organisation=ready_case.organisation,
            pathway_role="birth_maternity",
            added_by=chair,
        )
        make_action(session, case, chair, owner_organisation=other_maternity, days=5)
    make_action(session, ready, chair, owner_organisation=other_maternity, days=6)
    return reviewed


def users(every_role, outsider, other_maternity, django_user_model, ready_case):
    inactive = django_user_model.objects.create_user(email="parti@rmm.test", password=None)
    inactive.is_active = False
    return [
        *every_role.values(),
        outsider,
        inactive,
        member(Role.COORDINATOR, other_maternity, email="ref@sud.test"),
        member(Role.QUALITY_MANAGER, other_maternity, email="qualite@sud.test"),
    ]


def test_the_probed_condition_is_exactly_the_permission_for_every_role(
    mixed, every_role, outsider, other_maternity, django_user_model, ready_case
):
    seen_somewhere = False
    for user in users(every_role, outsider, other_maternity, django_user_model, ready_case):
        expected = set(actions_visible_to(user).values_list("pk", flat=True))
        probed = selectors.dashboard_actions_probed(user=user, filters=NO_FILTER)
        assert set(probed.values_list("pk", flat=True)) == expected, user.email
        seen_somewhere |= bool(expected)
    assert seen_somewhere


@pytest.mark.parametrize("offset", [0, 3, 9])
def test_both_readings_give_the_same_page(
    mixed, every_role, outsider, other_maternity, django_user_model, ready_case, offset
):
    for user in users(every_role, outsider, other_maternity, django_user_model, ready_case):
        walked = selectors.dashboard_page(user=user, filters=NO_FILTER, offset=offset, limit=4)
        built = selectors.dashboard_page(
            user=user, filters=NO_FILTER, offset=offset, limit=4, visible=1, candidates=10**6
        )
        everything = list(
            actions_visible_to(user).order_by("due_date", "pk").values_list("pk", flat=True)
        )
        assert [row.id for row in walked] == everything[offset : offset + 4], user.email
        assert [row.id for row in built] == [row.id for row in walked], user.email


def test_the_reading_follows_the_share_of_visible_actions(monkeypatch):
    chosen = []
    monkeypatch.setattr(
        selectors, "dashboard_actions_probed", lambda **kw: chosen.append("walk") or _Empty()
    )
    monkeypatch.setattr(
        selectors, "dashboard_actions", lambda **kw: chosen.append("set") or _Empty()
    )
    monkeypatch.setattr(selectors, "dashboard_rows", lambda **kw: [])
    page = {"user": None, "filters": NO_FILTER, "limit": 51}
    selectors.dashboard_page(**page, offset=0)  # no figures yet: walk
    selectors.dashboard_page(**page, offset=0, visible=30_000, candidates=200_000)
    selectors.dashboard_page(**page, offset=0, visible=200, candidates=200_000)
    selectors.dashboard_page(**page, offset=0, visible=0, candidates=200_000)
    selectors.dashboard_page(**page, offset=50_000, visible=30_000, candidates=200_000)
    assert chosen == ["walk", "walk", "set", "set", "set"]


class _Empty:
    pass


def test_the_list_keeps_its_query_count_whichever_reading(
    client, quality_manager, session, ready_case, chair, monkeypatch
):
    """A quality manager seeing every action walks; one seeing a sliver builds the set: the
    page asks the same number of queries."""
    bulk_actions(session, ready_case, chair, 120)
    client.force_login(quality_manager)
    client.get(URL)

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get(URL, {"status": "done"})
        assert response.status_code == 200
        return len(context.captured_queries), [row.id for row in response.context["rows"]]

    walking = count()
    monkeypatch.setattr(selectors, "WALK_MAX_ROWS", 0)
    building = count()
    assert walking == building
    assert len(walking[1]) == 30


def test_a_deep_page_is_read_like_the_first(client, quality_manager, session, ready_case, chair):
    bulk_actions(session, ready_case, chair, 130)
    client.force_login(quality_manager)
    third = client.get(URL, {"page": 3}).context["rows"]
    expected = list(
        selectors.CorrectiveAction.objects.order_by("due_date", "pk").values_list("pk", flat=True)
    )
    assert [row.id for row in third] == expected[100:130]


def test_the_export_lists_every_case_of_an_action_across_batches(
    client, quality_manager, session, ready_case, chair, monkeypatch
):
    """One query brings the rows and their cases' codes (a line per action and case, gathered
    back into one row), whatever the batch size."""
    from actions import dashboard
    from tests.actions.test_dashboard import EXPORT, read_csv

    monkeypatch.setattr(dashboard, "EXPORT_BATCH", 3)
    second = CaseFactory(organisation=ready_case.organisation, status="reviewed")
    first = make_action(session, ready_case, chair, days=1)
    both = make_action(session, ready_case, chair, days=2)
    both.cases.add(second)
    last = make_action(session, second, chair, days=3)
    client.force_login(quality_manager)
    rows = read_csv(client.get(EXPORT))[1:]
    codes = sorted([ready_case.code, second.code])
    assert [(int(row[0]), row[9]) for row in rows] == [
        (first.pk, ready_case.code),
        (both.pk, ", ".join(codes)),
        (last.pk, second.code),
    ]
