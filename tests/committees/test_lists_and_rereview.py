import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.exceptions import TransitionConflict, TransitionRefused
from cases.models import Case
from cases.services.transitions import case_transition
from committees.models import AgendaItem, CaseReview, Session
from committees.services import reviews, sessions
from tests.committees.conftest import (
    all_present,
    close_without_actions,
    days_from_now,
    full_review,
)
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    client.get(url)  # a fresh login may write its session once
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def make_cases(maternity, clinician, n, status="ready"):
    return [
        CaseFactory(
            organisation=maternity, territory=maternity.parent, declared_by=clinician, status=status
        )
        for _ in range(n)
    ]


def test_session_list_query_count_is_constant(
    client, committee, secretary, django_assert_max_num_queries
):
    def add_sessions(n):
        for day in range(n):
            Session.objects.create(
                committee=committee,
                created_by=secretary,
                place="Salle",
                starts_at=f"2026-12-{day % 28 + 1:02d}T14:00:00+01:00",
            )

    client.force_login(secretary)
    add_sessions(3)
    few = queries(client, reverse("committees:session_list"))
    add_sessions(40)
    assert queries(client, reverse("committees:session_list")) == few
    with django_assert_max_num_queries(few):
        client.get(reverse("committees:session_list"))


def test_agenda_page_query_count_is_constant(client, session, secretary, maternity, clinician):
    client.force_login(secretary)
    url = reverse("committees:session_detail", args=[session.pk])
    for case in make_cases(maternity, clinician, 2, status="scheduled"):
        AgendaItem.objects.create(session=session, case=case, presenter=secretary)
    make_cases(maternity, clinician, 2)
    few = queries(client, url)
    for case in make_cases(maternity, clinician, 25, status="scheduled"):
        AgendaItem.objects.create(session=session, case=case, presenter=secretary)
    make_cases(maternity, clinician, 25)
    assert queries(client, url) == few


def test_committee_case_list_query_count_is_constant(client, chair, maternity, clinician):
    client.force_login(chair)
    make_cases(maternity, clinician, 5)
    few = queries(client, reverse("cases:list"))
    make_cases(maternity, clinician, 200)
    assert queries(client, reverse("cases:list")) == few


def test_reopened_case_is_reviewed_again_and_keeps_its_earlier_review(
    session, ready_case, secretary, chair, committee
):
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(session, secretary)
    reviews.review_record(session=session, case=ready_case, by=chair, review=full_review())
    close_without_actions(ready_case, session, chair, reason="Aucune action.")
    with pytest.raises(TransitionRefused, match="Un motif est obligatoire"):
        case_transition(case_id=ready_case.pk, name="reopen", by=chair, expected_status="closed")
    case_transition(
        case_id=ready_case.pk,
        name="reopen",
        by=chair,
        expected_status="closed",
        comment="Résultats d'autopsie.",
    )
    later = Session.objects.create(
        committee=committee,
        created_by=secretary,
        place="Salle",
        starts_at=days_from_now(-1),
    )
    sessions.agenda_add(session=later, case=ready_case, by=secretary)
    assert Case.objects.get(pk=ready_case.pk).status == "reviewed"
    sessions.session_transition(
        session=later, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(later, secretary)
    reviews.review_record(
        session=later, case=ready_case, by=chair, review=full_review(icd="N4", grades="DBA")
    )
    history = list(
        CaseReview.objects.filter(case=ready_case)
        .order_by("recorded_at", "pk")
        .values_list("icd_pm_group__code", "grade_care_to_death")
    )
    assert history == [("N9", "C"), ("N4", "D")]
    transitions = list(ready_case.transitions.values_list("transition", flat=True))
    assert transitions == ["schedule", "record_review", "close", "reopen"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_reopened_candidates_are_looked_for_in_the_reviewed_cases_index(session):
    """The session page looks for reopened cases among the committee's reviewed ones: at
    100,000 cases reading those case rows cost a thousand page reads (1.9 ms) on every agenda
    page; a partial index of the reviewed cases by organisation holds every column that part
    reads of them (0.3 ms, an index-only scan). A few test rows never show the planner's
    choice: the index is checked to hold what the query reads."""
    from committees.selectors import _candidate_sets

    _covered, reopened = _candidate_sets(session=session)
    query = reopened.values_list("pk", "code", "kind", "ready_at").order_by("ready_at", "pk")
    sql, _params = query.query.sql_with_params()
    outer = sql.split(" WHERE ")[0] + " ORDER BY " + sql.rsplit(" ORDER BY ", 1)[1]
    read = set(re.findall(r'"cases_case"\."(\w+)"', outer)) | {"organisation_id", "status"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["case_reviewed_idx"]
        )
        (definition,) = cursor.fetchone()
    assert "WHERE ((status)::text = 'reviewed'::text)" in definition, definition
    assert read <= set(re.findall(r"\w+", definition)), (read, definition)


def test_agenda_conflicts_are_explained_and_change_nothing(session, ready_case, secretary):
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    with pytest.raises(TransitionConflict):
        sessions.agenda_add(session=session, case=ready_case, by=secretary)
    assert session.agenda.count() == 1
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    with pytest.raises(TransitionConflict, match="modifié entre-temps"):
        sessions.session_transition(
            session=session, name="send_agenda", by=secretary, expected_status="planned"
        )
    with pytest.raises(TransitionRefused, match="Un motif est obligatoire"):
        sessions.session_transition(
            session=session, name="cancel", by=secretary, expected_status="agenda_sent", reason=" "
        )
    assert Session.objects.get(pk=session.pk).status == "agenda_sent"


def test_empty_agenda_cannot_be_sent(session, secretary):
    with pytest.raises(TransitionRefused, match="L'ordre du jour est vide"):
        sessions.session_transition(
            session=session, name="send_agenda", by=secretary, expected_status="planned"
        )


def test_frozen_minutes_are_never_rewritten(session, ready_case, secretary, chair):
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(session, secretary)
    reviews.review_record(session=session, case=ready_case, by=chair, review=full_review())
    sessions.session_transition(
        session=session, name="hold", by=secretary, expected_status="agenda_sent"
    )
    first = reviews.minutes_draft(session=session, by=secretary)
    reviews.minutes_validate(session=session, by=chair, version=1)
    frozen_html = session.minutes.get(version=1).body_html
    with pytest.raises(TransitionConflict):
        reviews.minutes_validate(session=session, by=chair, version=1)
    second = reviews.minutes_draft(session=session, by=secretary, correction_reason="Coquille")
    assert (first.version, second.version) == (1, 2)
    assert session.minutes.get(version=1).body_html == frozen_html
    assert session.minutes.get(version=1).is_frozen


def test_a_session_cannot_be_held_before_it_starts(committee, secretary):
    future = Session.objects.create(
        committee=committee, created_by=secretary, place="Salle", starts_at=days_from_now(5)
    )
    with pytest.raises(TransitionRefused, match="n'a pas encore eu lieu"):
        sessions.session_transition(
            session=future, name="hold", by=secretary, expected_status="planned"
        )
    assert Session.objects.get(pk=future.pk).status == "planned"


def test_a_session_is_held_only_with_an_agenda_and_attendance(session, secretary, ready_case):
    with pytest.raises(TransitionRefused) as refused:
        sessions.session_transition(
            session=session, name="hold", by=secretary, expected_status="planned"
        )
    assert refused.value.reasons == [
        "L'ordre du jour est vide.",
        "Les présences ne sont pas enregistrées.",
    ]
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    all_present(session, secretary)
    sessions.session_transition(
        session=session, name="hold", by=secretary, expected_status="planned"
    )
    assert Session.objects.get(pk=session.pk).status == "held"


@pytest.mark.parametrize(
    ("starts_at", "duration", "message"),
    [
        ("01/01/1990 14:00", "120", "moins de deux ans"),
        (None, "0", "entre 15 minutes et 10 heures"),
    ],
)
def test_absurd_session_dates_and_durations_are_refused(
    client, committee, secretary, starts_at, duration, message
):
    import html

    from django.urls import reverse

    client.force_login(secretary)
    response = client.post(
        reverse("committees:session_create"),
        {
            "committee": committee.pk,
            "place": "Salle",
            "duration_minutes": duration,
            "starts_at": starts_at or f"{days_from_now(3):%d/%m/%Y} 14:00",
        },
    )
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not Session.objects.exists()
