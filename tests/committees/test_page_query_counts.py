"""The case and committee pages run as many queries with many rows as with few (issue 13, DESIGN
§10): the case list of each committee role, the case page, the review screen and the agenda
page with its candidates (ready and reopened cases)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import CareEvent, CaseTransition
from committees.models import AgendaItem, CaseReview, Session
from committees.selectors import agenda_candidate_choices, agenda_candidates
from tests.committees.conftest import days_from_now, full_review
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def queries(client, url, params=None) -> int:
    client.get(url, params or {})  # a fresh login may write its session once
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def cases(maternity, clinician, n, status="ready"):
    return [
        CaseFactory(
            organisation=maternity, territory=maternity.parent, declared_by=clinician, status=status
        )
        for _ in range(n)
    ]


def on_agenda(session, maternity, clinician, n, by):
    for case in cases(maternity, clinician, n, status="scheduled"):
        AgendaItem.objects.create(session=session, case=case, presenter=by)


def reviewed(earlier, maternity, clinician, n, by, reopened=True):
    """Cases reviewed in an earlier session; the chair reopened them since when `reopened`."""
    made = cases(maternity, clinician, n, status="reviewed")
    for case in made:
        AgendaItem.objects.create(session=earlier, case=case)
        review = full_review()
        review.case, review.session, review.recorded_by = case, earlier, by
        review.save()
        if reopened:
            CaseTransition.objects.create(
                case=case,
                transition="reopen",
                source="closed",
                target="reviewed",
                actor=by,
                actor_name="Pia Pres",
            )
    return made


def events_and_history(case, n, by):
    for position in range(n):
        CareEvent.objects.create(
            case=case,
            position=position,
            period="postnatal",
            day_of_life=position,
            place_type="nicu",
            description="Intubation.",
        )
        CaseTransition.objects.create(
            case=case, transition="accept", source="declared", target="documenting", actor=by
        )


@pytest.fixture
def earlier(committee, secretary):
    return Session.objects.create(
        committee=committee,
        starts_at=days_from_now(-60),
        place="Salle",
        created_by=secretary,
        status="minutes_validated",
    )


@pytest.fixture
def coming(committee, secretary):
    return Session.objects.create(
        committee=committee, starts_at=days_from_now(20), place="Salle", created_by=secretary
    )


def test_members_case_list_query_count_is_constant(
    client, committee_member, session, maternity, clinician, secretary
):
    client.force_login(committee_member)
    url = reverse("cases:list")
    on_agenda(session, maternity, clinician, 3, secretary)
    few = queries(client, url)
    filtered_few = queries(client, url, {"status": "scheduled", "kind": "early_neonatal"})
    on_agenda(session, maternity, clinician, 40, secretary)
    cases(maternity, clinician, 40)  # not on an agenda: not the member's
    assert queries(client, url) == few
    assert queries(client, url, {"status": "scheduled", "kind": "early_neonatal"}) == filtered_few


def test_chairs_filtered_and_deep_case_list_query_count_is_constant(
    client, chair, maternity, clinician
):
    client.force_login(chair)
    url = reverse("cases:list")
    cases(maternity, clinician, 30)
    first = client.get(url).context["page"]
    deep = {"apres": first.next_cursor}
    filtered = {"status": "ready", "period_start": "01/01/2020"}
    few, deep_few, filtered_few = queries(client, url), queries(client, url, deep), None
    filtered_few = queries(client, url, filtered)
    cases(maternity, clinician, 120)
    assert queries(client, url) == few
    assert queries(client, url, deep) == deep_few
    assert queries(client, url, filtered) == filtered_few


@pytest.mark.parametrize("role", ["coordinator", "chair"])
def test_case_page_query_count_is_constant(
    request, client, role, earlier, maternity, clinician, secretary
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    (case,) = reviewed(earlier, maternity, clinician, 1, secretary, reopened=False)
    url = reverse("cases:detail", args=[case.pk])
    events_and_history(case, 2, secretary)
    few = queries(client, url)
    events_and_history(case, 25, secretary)
    reviewed(earlier, maternity, clinician, 10, secretary)
    assert queries(client, url) == few


@pytest.mark.parametrize("role", ["secretary", "committee_member"])
def test_review_screen_query_count_is_constant(
    request, client, role, session, earlier, maternity, clinician, secretary
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    (case,) = reviewed(earlier, maternity, clinician, 1, secretary)
    AgendaItem.objects.create(session=session, case=case, presenter=secretary)
    url = reverse("committees:review", args=[session.pk, case.pk])
    events_and_history(case, 2, secretary)
    few = queries(client, url)
    events_and_history(case, 25, secretary)
    on_agenda(session, maternity, clinician, 20, secretary)
    reviewed(earlier, maternity, clinician, 10, secretary)
    assert queries(client, url) == few


@pytest.mark.parametrize("role", ["secretary", "committee_member"])
def test_open_agenda_query_count_is_constant_with_ready_and_reopened_candidates(
    request, client, role, coming, earlier, maternity, clinician, secretary
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = reverse("committees:session_detail", args=[coming.pk])
    on_agenda(coming, maternity, clinician, 2, secretary)
    cases(maternity, clinician, 2)
    reviewed(earlier, maternity, clinician, 1, secretary)
    few = queries(client, url)
    on_agenda(coming, maternity, clinician, 20, secretary)
    cases(maternity, clinician, 30)
    reviewed(earlier, maternity, clinician, 10, secretary)
    reviewed(earlier, maternity, clinician, 10, secretary, reopened=False)
    assert queries(client, url) == few


def test_agenda_candidates_are_ready_and_reopened_cases_of_the_committee_only(
    coming, earlier, maternity, other_maternity, clinician, secretary, chair
):
    ready = cases(maternity, clinician, 2)
    elsewhere = CaseFactory(
        organisation=other_maternity,
        territory=other_maternity.parent,
        declared_by=clinician,
        status="ready",
    )
    (reopened,) = reviewed(earlier, maternity, clinician, 1, secretary)
    (not_reopened,) = reviewed(earlier, maternity, clinician, 1, secretary, reopened=False)
    (reviewed_again,) = reviewed(earlier, maternity, clinician, 1, secretary)
    # Reviewed again after its reopening: nothing left to review.
    CaseReview.objects.filter(case=reviewed_again).update(
        recorded_at=CaseTransition.objects.get(case=reviewed_again, transition="reopen").at
        + timedelta(minutes=1)
    )
    AgendaItem.objects.create(session=coming, case=ready[1])

    candidates = list(agenda_candidates(session=coming))
    assert set(candidates) == {ready[0], reopened}
    assert elsewhere not in candidates and not_reopened not in candidates
    choices = dict(agenda_candidate_choices(session=coming))
    assert set(choices) == {ready[0].pk, reopened.pk}
    assert choices[reopened.pk].startswith(f"{reopened.code} — ")


def test_held_session_lists_no_candidates(client, session, maternity, clinician, secretary):
    session_id = session.pk
    Session.objects.filter(pk=session_id).update(status="held")
    cases(maternity, clinician, 3)
    client.force_login(secretary)
    response = client.get(reverse("committees:session_detail", args=[session_id]))
    assert response.context["candidates"] == []
