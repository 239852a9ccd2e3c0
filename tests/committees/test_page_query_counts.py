"""The case and committee pages run as many queries with many rows as with few (issue 13, DESIGN
§10): the case list of each committee role, the case page, the review screen and the agenda
page with its candidates (ready and reopened cases)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import CorrectiveAction
from actions.proposal import FOLLOW_UP_SHOWN
from cases.models import CareEvent, Case, CaseTransition
from committees.models import AgendaItem, CaseReview, Session
from committees.selectors import AGENDA_PAGE_SIZE, agenda_candidate_choices, agenda_candidates
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
    assert few <= REVIEW_SCREEN_QUERIES[role], few
    events_and_history(case, 25, secretary)
    on_agenda(session, maternity, clinician, 20, secretary)
    reviewed(earlier, maternity, clinician, 10, secretary)
    assert queries(client, url) == few


# The review screen's cost, whatever the case and the reference data: its facts come from the
# case row, each taxonomy is read once (the ALARM grid included), the review once with its
# links, the session with the case's agenda row; the form only when the chair or secretary can
# record (here the session has not begun), the actions' adoption guards only for them; the
# case's actions with its no-action decision in one statement.
REVIEW_SCREEN_QUERIES = {"secretary": 11, "committee_member": 10, "chair": 24}


def test_review_correction_screen_query_count_is_constant(
    client, chair, secretary, session, maternity, clinician
):
    """A recorded review, corrected by the chair: factors, delays and actions do not add queries
    per row (nor do more ALARM items or ICD-PM groups)."""
    from actions.models import CorrectiveAction
    from committees.models import AlarmItem, ContributingFactor, Delay, PathwayStage

    Session.objects.filter(pk=session.pk).update(status="agenda_sent")
    (case,) = cases(maternity, clinician, 1, status="reviewed")
    AgendaItem.objects.create(session=session, case=case, presenter=secretary)
    review = full_review()
    review.case, review.session, review.recorded_by = case, session, chair
    review.save()

    def link(n):
        items = AlarmItem.objects.exclude(contributingfactor__review=review)[:n]
        ContributingFactor.objects.bulk_create(
            ContributingFactor(review=review, item=item, comment="Retard.") for item in items
        )
        review.delays.add(*Delay.objects.all()[:n])
        review.pathway_breaks.add(*PathwayStage.objects.all()[:n])

    def actions(n):
        for _ in range(n):
            action = CorrectiveAction.objects.create(
                session=session,
                what_changes="Protocole de transfert revu.",
                owner_function="Cadre de santé",
                owner_organisation=maternity,
                due_date=days_from_now(30).date(),
                barrier="prevention",
                nature="protocol",
                indicator="Audit de 20 dossiers",
                indicator_check_date=days_from_now(90).date(),
                created_by=chair,
            )
            action.cases.add(case)

    client.force_login(chair)
    url = reverse("committees:review", args=[session.pk, case.pk])
    link(1)
    actions(1)
    few = queries(client, url)
    assert few <= REVIEW_SCREEN_QUERIES["chair"], few
    link(3)
    actions(8)
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


def decided_actions(session, case, n, by, due_from_days=-200):
    """`n` approved actions decided in `session` for `case`, the first the longest overdue."""
    today = timezone.localdate()
    actions = CorrectiveAction.objects.bulk_create(
        CorrectiveAction(
            what_changes=f"Changement de système n° {number}",
            barrier="prevention",
            nature="protocol",
            owner_organisation=case.organisation,
            owner_function="Cadre de la salle de naissance",
            due_date=today + timedelta(days=due_from_days + number),
            indicator="Audit de 20 dossiers",
            indicator_check_date=today + timedelta(days=90),
            session=session,
            status="approved",
            created_by=by,
        )
        for number in range(n)
    )
    CorrectiveAction.cases.through.objects.bulk_create(
        CorrectiveAction.cases.through(correctiveaction_id=action.pk, case_id=case.pk)
        for action in actions
    )
    return actions


@pytest.mark.parametrize("role", ["secretary", "committee_member"])
def test_open_agenda_query_count_is_constant_with_a_long_agenda_and_follow_up(
    request, client, role, coming, earlier, maternity, clinician, secretary
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = reverse("committees:session_detail", args=[coming.pk])
    (case,) = reviewed(earlier, maternity, clinician, 1, secretary, reopened=False)
    on_agenda(coming, maternity, clinician, 2, secretary)
    decided_actions(earlier, case, 2, secretary)
    few = queries(client, url)
    # More than a page of agenda and more follow-up than the page lists.
    on_agenda(coming, maternity, clinician, AGENDA_PAGE_SIZE + 5, secretary)
    decided_actions(earlier, case, FOLLOW_UP_SHOWN + 10, secretary)
    assert queries(client, url) == few
    assert queries(client, url, {"page": 2}) == few


def test_follow_up_lists_the_longest_overdue_actions_and_counts_the_others(
    client, monkeypatch, coming, earlier, committee, maternity, clinician, secretary
):
    monkeypatch.setattr("actions.proposal.FOLLOW_UP_SHOWN", 3)
    (case,) = reviewed(earlier, maternity, clinician, 1, secretary, reopened=False)
    actions = decided_actions(earlier, case, 5, secretary)
    client.force_login(secretary)
    html = client.get(reverse("committees:session_detail", args=[coming.pk])).content.decode()
    for action in actions[:3]:  # the three longest overdue
        assert f"A{action.pk} — Changement" in html
        assert action.due_date.strftime("%d/%m/%Y") in html
    for action in actions[3:]:
        assert f"A{action.pk} — " not in html
    assert case.code in html
    assert "5 actions au suivi : 2 ne sont pas affichées" in html
    dashboard = reverse("actions:dashboard")
    assert f'href="{dashboard}?committee={committee.pk}&amp;overdue=on"' in html


def test_follow_up_says_nothing_more_when_every_action_is_shown(
    client, coming, earlier, maternity, clinician, secretary
):
    (case,) = reviewed(earlier, maternity, clinician, 1, secretary, reopened=False)
    actions = decided_actions(earlier, case, 2, secretary)
    client.force_login(secretary)
    html = client.get(reverse("committees:session_detail", args=[coming.pk])).content.decode()
    assert all(f"A{action.pk} — " in html for action in actions)
    assert 'id="action-follow-up-more"' not in html


def test_a_long_agenda_is_shown_by_pages_in_agenda_order(
    client, monkeypatch, coming, maternity, clinician, secretary
):
    monkeypatch.setattr("committees.selectors.AGENDA_PAGE_SIZE", 2)
    made = cases(maternity, clinician, 5, status="scheduled")
    for position, case in enumerate(made):
        AgendaItem.objects.create(session=coming, case=case, position=position, presenter=secretary)
    client.force_login(secretary)
    url = reverse("committees:session_detail", args=[coming.pk])

    def shown(params):
        agenda = client.get(url, params).context["agenda"]
        return agenda, [row.case_id for row in agenda.rows]

    agenda, ids = shown({})
    assert ids == [made[0].pk, made[1].pk] and agenda.has_next and not agenda.has_previous
    agenda, ids = shown({"page": 3})
    assert ids == [made[4].pk] and agenda.has_previous and not agenda.has_next
    assert [row.number for row in agenda.rows] == [5]
    html = client.get(url, {"page": 2}).content.decode()
    assert "Cas 3 à 4 sur 5" in html and 'href="?page=3"' in html and 'href="?page=1"' in html
    assert f'<option value="{secretary.pk}" selected>{secretary.full_name}</option>' in html
    third = AgendaItem.objects.get(session=coming, case=made[2])
    assert f'action="{reverse("committees:agenda_remove", args=[coming.pk, third.pk])}"' in html
    # A page past the end (cases removed since) and a page that is not a number: the first.
    assert shown({"page": 9})[1] == [made[0].pk, made[1].pk]
    assert shown({"page": "x"})[1] == [made[0].pk, made[1].pk]


def test_follow_up_keeps_finished_actions_that_came_due_since_the_previous_session_only(
    client, coming, earlier, maternity, clinician, secretary
):
    (case,) = reviewed(earlier, maternity, clinician, 1, secretary, reopened=False)
    done_since, done_before, due_that_day, cancelled = decided_actions(earlier, case, 4, secretary)
    session_day = timezone.localtime(coming.starts_at).date()
    today = timezone.localdate()
    for action, status, due in (
        (done_since, "done", today - timedelta(days=30)),
        (done_before, "verified", today - timedelta(days=90)),  # before the earlier session
        (due_that_day, "in_progress", session_day),
        (cancelled, "cancelled", today - timedelta(days=30)),
    ):
        CorrectiveAction.objects.filter(pk=action.pk).update(status=status, due_date=due)
    client.force_login(secretary)
    html = client.get(reverse("committees:session_detail", args=[coming.pk])).content.decode()
    assert f"A{done_since.pk} — " in html and f"A{due_that_day.pk} — " in html
    assert f"A{done_before.pk} — " not in html and f"A{cancelled.pk} — " not in html
    assert "en retard" not in html.split('id="action-follow-up"')[1].split("</table>")[0]


def test_the_agenda_offers_the_candidates_waiting_longest_and_finds_the_others_by_code(
    client, monkeypatch, coming, earlier, maternity, clinician, secretary
):
    monkeypatch.setattr("committees.selectors.AGENDA_CANDIDATES_SHOWN", 3)
    ready = cases(maternity, clinician, 4)
    (reopened,) = reviewed(earlier, maternity, clinician, 1, secretary)
    # Waiting since: ready[3], reopened, ready[0], ready[1], ready[2] (ready[2] the latest).
    now = timezone.now()
    for case, days in ((ready[3], 50), (reopened, 40), (ready[0], 30), (ready[1], 20)):
        Case.objects.filter(pk=case.pk).update(ready_at=now - timedelta(days=days))
    Case.objects.filter(pk=ready[2].pk).update(ready_at=now - timedelta(days=10))
    AgendaItem.objects.create(session=coming, case=ready[0])  # already on the agenda

    # The select shows the agenda's candidates in their order, the first ones only.
    everyone = [case.pk for case in agenda_candidates(session=coming)]
    assert everyone == [ready[3].pk, reopened.pk, ready[1].pk, ready[2].pk]
    shown = [pk for pk, _label in agenda_candidate_choices(session=coming)]
    assert shown == everyone[:3]
    assert [pk for pk, _label in agenda_candidate_choices(session=coming, limit=10)] == everyone
    # By code: any candidate, never a case on the agenda nor another committee's.
    assert [pk for pk, _ in agenda_candidate_choices(session=coming, code=ready[2].code)] == [
        ready[2].pk
    ]
    assert agenda_candidate_choices(session=coming, code=ready[0].code) == []

    client.force_login(secretary)
    url = reverse("committees:session_detail", args=[coming.pk])
    html = client.get(url).content.decode()
    assert 'id="candidates-cut"' in html and 'id="candidate-search"' in html
    assert f'<option value="{ready[2].pk}"' not in html
    html = client.get(url, {"code": f" {ready[2].code.lower()} "}).content.decode()
    assert f'<option value="{ready[2].pk}">{ready[2].code} — ' in html
    assert f'<option value="{ready[3].pk}"' not in html and 'id="candidates-cut"' not in html
    html = client.get(url, {"code": "pas-un-code"}).content.decode()
    assert 'id="candidates-none"' in html and 'id="add-case"' not in html
    # Adding takes any candidate, shown or not.
    response = client.post(
        reverse("committees:agenda_add", args=[coming.pk]), {"case": ready[2].pk}
    )
    assert response.status_code == 302
    assert AgendaItem.objects.filter(session=coming, case=ready[2]).exists()


def test_a_member_sees_no_candidate_search(
    client, monkeypatch, coming, maternity, clinician, committee_member
):
    monkeypatch.setattr("committees.selectors.AGENDA_CANDIDATES_SHOWN", 1)
    cases(maternity, clinician, 3)
    client.force_login(committee_member)
    url = reverse("committees:session_detail", args=[coming.pk])
    html = client.get(url, {"code": "RMM"}).content.decode()
    assert 'id="candidate-search"' not in html and 'id="add-case"' not in html


def test_the_agenda_page_query_count_is_constant_with_thousands_of_candidates_or_a_search(
    client, monkeypatch, coming, maternity, clinician, secretary
):
    monkeypatch.setattr("committees.selectors.AGENDA_CANDIDATES_SHOWN", 3)
    client.force_login(secretary)
    url = reverse("committees:session_detail", args=[coming.pk])
    cases(maternity, clinician, 1)
    few = queries(client, url)
    searched = queries(client, url, {"code": "RMM"})
    cases(maternity, clinician, 8)
    assert queries(client, url) == few
    assert queries(client, url, {"code": "RMM"}) == searched == few


def test_the_follow_up_total_is_kept_a_short_while(
    client, settings, coming, earlier, maternity, clinician, secretary
):
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.RMM_FOLLOW_UP_COUNT_CACHE_SECONDS = 60
    cache.clear()
    (case,) = reviewed(earlier, maternity, clinician, 1, secretary, reopened=False)
    decided_actions(earlier, case, FOLLOW_UP_SHOWN + 2, secretary)
    client.force_login(secretary)
    url = reverse("committees:session_detail", args=[coming.pk])
    first = queries(client, url)  # counted on the first view, kept for the next ones
    html = client.get(url).content.decode()
    assert f"{FOLLOW_UP_SHOWN + 2} actions au suivi : 2 ne sont pas" in html
    settings.RMM_FOLLOW_UP_COUNT_CACHE_SECONDS = 0
    assert queries(client, url) == first + 1


def test_candidates_are_the_same_where_the_database_cannot_order_a_unions_parts(
    monkeypatch, coming, earlier, maternity, clinician, secretary
):
    """SQLite (the demo) refuses ORDER BY and LIMIT inside a union: the parts are then merged
    and ordered as a whole, with the same rows."""
    cases(maternity, clinician, 4)
    reviewed(earlier, maternity, clinician, 2, secretary)
    from committees.selectors import _candidate_rows_orm

    everywhere = agenda_candidate_choices(session=coming, limit=3)
    # The ORM's reading (any database; PostgreSQL's own statement is compared with it below).
    by_orm = _candidate_rows_orm(session=coming, user=None, code="", limit=3)
    assert [row[0] for row in by_orm] == [pk for pk, _label in everywhere]
    monkeypatch.setattr(connection.features, "supports_slicing_ordering_in_compound", False)
    assert _candidate_rows_orm(session=coming, user=None, code="", limit=3) == by_orm
    assert len(everywhere) == 3


def test_candidates_read_in_one_statement_are_those_of_the_orm(
    coming, earlier, maternity, other_maternity, clinician, secretary
):
    """PostgreSQL reads the candidates with a statement written by hand: the same rows in the
    same order as the ORM's union (ready and reopened cases, a case on the agenda, another
    committee's, a re-review answered), whatever the search (LIKE's own characters
    included) and the limit."""
    from committees.selectors import _candidate_rows_orm, _candidate_rows_sql

    ready = cases(maternity, clinician, 3)
    CaseFactory(
        organisation=other_maternity,
        territory=other_maternity.parent,
        declared_by=clinician,
        status="ready",
    )
    reviewed(earlier, maternity, clinician, 2, secretary)
    reviewed(earlier, maternity, clinician, 1, secretary, reopened=False)
    (answered,) = reviewed(earlier, maternity, clinician, 1, secretary)
    CaseReview.objects.filter(case=answered).update(
        recorded_at=CaseTransition.objects.get(case=answered, transition="reopen").at
    )
    AgendaItem.objects.create(session=coming, case=ready[1])
    now = timezone.now()
    for days, case in enumerate(Case.objects.order_by("pk")):
        Case.objects.filter(pk=case.pk).update(ready_at=now - timedelta(days=days % 3))
    assert connection.vendor == "postgresql"
    for code in ("", ready[0].code.lower(), ready[1].code, "RMM", "%", "_", "zzz"):
        for limit in (1, 3, 50):
            by_hand = _candidate_rows_sql(session=coming, user=None, code=code, limit=limit)
            by_orm = _candidate_rows_orm(session=coming, user=None, code=code, limit=limit)
            assert by_hand == by_orm, (code, limit)
    assert len(_candidate_rows_sql(session=coming, user=None, code="", limit=50)) == 4


def test_a_case_awaits_a_re_review_while_a_reopening_has_no_review_since(
    earlier, maternity, clinician, secretary
):
    from committees.conditions import (
        awaiting_re_review_sql,
        awaits_re_review,
        cases_awaiting_re_review,
    )

    def by_hand():  # the rule's SQL twin, for statements written by hand
        condition, params = awaiting_re_review_sql("c")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT c.id FROM cases_case c WHERE {condition}", params)
            return [row[0] for row in cursor.fetchall()]

    (case,) = reviewed(earlier, maternity, clinician, 1, secretary)  # reviewed, then reopened
    (other,) = reviewed(earlier, maternity, clinician, 1, secretary, reopened=False)
    reopening = CaseTransition.objects.get(case=case, transition="reopen")
    review = CaseReview.objects.get(case=case)
    assert awaits_re_review(case) and not awaits_re_review(other)
    assert by_hand() == [case.pk]
    # Reviewed at the very moment of the reopening, or after it: answered.
    CaseReview.objects.filter(pk=review.pk).update(recorded_at=reopening.at)
    assert not awaits_re_review(case)
    assert by_hand() == []
    # Reopened once more since that review: awaiting again.
    CaseTransition.objects.create(
        case=case, transition="reopen", source="closed", target="reviewed", actor=secretary
    )
    assert awaits_re_review(case)
    assert list(cases_awaiting_re_review(Case.objects.all())) == [case]
    assert by_hand() == [case.pk]
    # Only a reviewed case awaits a re-review.
    Case.objects.filter(pk=case.pk).update(status="closed")
    assert not awaits_re_review(case)
    assert by_hand() == []


def test_follow_up_rows_read_in_one_statement_are_those_of_the_orm(
    coming, earlier, committee, maternity, clinician, secretary
):
    """PostgreSQL reads the follow-up's first rows and their cases' codes in one statement
    written by hand: the same rows, in the same order, as the parts read through the ORM, with
    and without a previous session, for every status, several cases per action and none."""
    from actions import proposal
    from tests.committees.conftest import days_from_now

    first, second = reviewed(earlier, maternity, clinician, 2, secretary, reopened=False)
    actions = decided_actions(earlier, first, 12, secretary, due_from_days=-40)
    today = timezone.localdate()
    for number, (action, status) in enumerate(
        zip(
            actions,
            ["approved", "in_progress", "done", "verified", "proposed", "cancelled"] * 2,
            strict=True,
        )
    ):
        CorrectiveAction.objects.filter(pk=action.pk).update(
            status=status, due_date=today - timedelta(days=30 - 3 * number)
        )
    actions[1].cases.add(second)
    actions[0].cases.clear()
    between = Session.objects.create(
        committee=committee, starts_at=days_from_now(-15), place="Salle", created_by=secretary
    )
    assert connection.vendor == "postgresql"
    for session in (coming, between):
        ranges, _key = proposal._follow_up_ranges(session=session)
        for limit in (3, 25):
            by_hand = proposal._follow_up_first_rows_sql(
                session=session, ranges=ranges, limit=limit
            )
            by_orm = proposal._follow_up_first_rows_orm(session=session, ranges=ranges, limit=limit)
            assert by_hand == by_orm
            assert len(by_hand) == min(limit, len(proposal.follow_up_of(session=session)))
    ranges = proposal._follow_up_ranges(session=coming)[0]
    codes = {
        row[0]: row[-1]
        for row in proposal._follow_up_first_rows_sql(session=coming, ranges=ranges, limit=25)
    }
    assert codes[actions[1].pk] == ", ".join(sorted([first.code, second.code]))
    assert codes[actions[0].pk] is None


def test_follow_up_rows_written_in_python_are_the_former_template_loop(
    settings, coming, earlier, maternity, clinician, secretary
):
    """The follow-up's rows, written in Python, are byte for byte what the template's loop
    wrote, every text escaped, "en retard" in the reader's language."""
    from django.template import engines
    from django.utils import translation

    from actions.proposal import follow_up_rows, follow_up_rows_html

    (case,) = reviewed(earlier, maternity, clinician, 1, secretary, reopened=False)
    actions = decided_actions(earlier, case, 3, secretary)
    CorrectiveAction.objects.filter(pk=actions[0].pk).update(
        what_changes="<script>\"x\" & 'y'</script>", owner_function="Cadre <b>"
    )
    CorrectiveAction.objects.filter(pk=actions[1].pk).update(status="done")
    former = engines["django"].from_string(
        '{% load i18n %}{% translate "en retard" as late_label %}{% for action in actions %}\n'
        "    <tr><td>A{{ action.pk }} — {{ action.what_changes }}</td><td>{{ action.case_codes }}"
        "</td><td>{{ action.owner }}</td><td>{{ action.due_on }}</td><td>{{ action.status_label }}"
        "{% if action.late %} — <strong>{{ late_label }}</strong>{% endif %}</td></tr>\n"
        "  {% endfor %}"
    )
    for language in ("fr", "en"):
        with translation.override(language):
            rows, _total = follow_up_rows(session=coming, limit=25)
            html = follow_up_rows_html(rows)
            assert html == former.render({"actions": rows})
    assert "&lt;script&gt;&quot;x&quot; &amp; &#x27;y&#x27;&lt;/script&gt;" in html
    assert "<strong>overdue</strong>" in html


def test_the_previous_session_read_in_sql_is_the_orms(coming, earlier, committee, secretary):
    """The follow-up's previous session (not cancelled), read with a statement written once:
    the ORM's answer, with its time zone, for a first session, after a cancelled one and
    after held ones."""
    from actions.proposal import previous_session_start
    from committees.models import SessionStatus
    from tests.committees.conftest import days_from_now

    def by_orm(session):
        return (
            Session.objects.filter(
                committee_id=session.committee_id, starts_at__lt=session.starts_at
            )
            .exclude(status=SessionStatus.CANCELLED)
            .order_by("-starts_at")
            .values_list("starts_at", flat=True)
            .first()
        )

    cancelled = Session.objects.create(
        committee=committee,
        starts_at=days_from_now(-10),
        place="Salle",
        created_by=secretary,
        status="cancelled",
    )
    for session in (earlier, cancelled, coming):
        assert previous_session_start(session=session) == by_orm(session)
    assert previous_session_start(session=earlier) is None
    assert previous_session_start(session=coming) == earlier.starts_at
    assert previous_session_start(session=coming).utcoffset() is not None


FORMER_FOLLOW_UP_TEMPLATE = """{% load i18n %}<p class="small">{% blocktranslate with date=reference_date|date:"d/m/Y" %}Actions décidées lors de séances précédentes, en retard au {{ date }} ou arrivées à échéance depuis la séance précédente.{% endblocktranslate %}</p>
{% if actions %}
<table class="table table-sm" id="action-follow-up">
  <thead><tr><th scope="col">{% translate "Action" %}</th><th scope="col">{% translate "Cas" %}</th><th scope="col">{% translate "Responsable (fonction)" %}</th><th scope="col">{% translate "Échéance" %}</th><th scope="col">{% translate "Statut" %}</th></tr></thead>
  <tbody>{{ rows_html }}</tbody>
</table>
{% if more %}<p class="small" id="action-follow-up-more">{% blocktranslate count more=more with total=total %}{{ total }} actions au suivi : une n'est pas affichée ci-dessus (les plus anciennes d'abord).{% plural %}{{ total }} actions au suivi : {{ more }} ne sont pas affichées ci-dessus (les plus anciennes d'abord).{% endblocktranslate %} <a href="{{ dashboard_url }}">{% translate "Actions en retard du comité dans le tableau de bord des actions" %}</a> {% translate "(référents RMM et responsables qualité)." %}</p>{% endif %}
{% else %}<p>{% translate "Aucune action en retard ni arrivée à échéance depuis la séance précédente." %}</p>{% endif %}
"""  # noqa: E501


def test_follow_up_section_written_in_python_is_the_former_template(
    coming, earlier, maternity, clinician, secretary
):
    """The follow-up section, written in Python, is byte for byte what its former template
    wrote: no action, every action shown, one more, several more; French and English."""
    from django.template import engines
    from django.utils import translation

    from actions.proposal import follow_up_html, follow_up_rows, follow_up_rows_html

    (case,) = reviewed(earlier, maternity, clinician, 1, secretary, reopened=False)
    former = engines["django"].from_string(FORMER_FOLLOW_UP_TEMPLATE)
    day = timezone.localtime(coming.starts_at).date()
    url = "/actions/tableau-de-bord/?committee=1&overdue=on"
    for count in (0, 3):
        if count:
            decided_actions(earlier, case, count, secretary)
        for language in ("fr", "en"):
            with translation.override(language):
                rows, _total = follow_up_rows(session=coming, limit=25)
                for total in {len(rows), len(rows) + 1, len(rows) + 2}:
                    html = follow_up_html(
                        rows=rows, total=total, reference_date=day, dashboard_url=url
                    )
                    assert html == former.render(
                        {
                            "actions": rows,
                            "rows_html": follow_up_rows_html(rows),
                            "total": total,
                            "more": total - len(rows),
                            "reference_date": day,
                            "dashboard_url": url,
                        }
                    ), (count, language, total)
    assert "committee=1&amp;overdue=on" in html and "5 actions to follow up: 2 are not" in html
