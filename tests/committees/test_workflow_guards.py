"""No committee step can be skipped: the guards committees register on the case transitions
run on every route (case page, session page, shell service, even a direct call of the
transition method), each refusal explained in French and nothing changed. Sessions move
through the same engine and leave an append-only history."""

import html

import pytest
from django.urls import reverse
from django_fsm import TransitionNotAllowed

from cases.exceptions import NotAllowed, TransitionRefused
from cases.models import Case, CaseTransition
from cases.models.audit import AppendOnlyError
from cases.services.transitions import case_transition
from committees.models import CaseReview, Session, SessionTransition
from committees.services import reviews, sessions
from tests.committees.conftest import (
    all_present,
    close_without_actions,
    days_from_now,
    full_review,
)

pytestmark = pytest.mark.django_db

NOT_ON_AGENDA = "n'est à l'ordre du jour d'aucune séance à venir"
NO_REVIEW = "Aucune revue n'est enregistrée pour ce cas"


def unchanged(case, status):
    assert Case.objects.get(pk=case.pk).status == status
    assert not CaseTransition.objects.filter(case=case, source=status).exists()


def french_error(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


@pytest.fixture
def scheduled_case(session, ready_case, secretary):
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    return Case.objects.get(pk=ready_case.pk)


# --- schedule -------------------------------------------------------------------------------
def test_planner_posting_schedule_to_the_case_page_is_refused(client, ready_case, secretary):
    client.force_login(secretary)
    response = client.post(
        reverse("cases:transition", args=[ready_case.pk, "schedule"]),
        {"expected_status": "ready", "comment": ""},
        follow=True,
    )
    assert NOT_ON_AGENDA in french_error(response)
    unchanged(ready_case, "ready")


def test_schedule_from_the_shell_or_the_model_is_refused(ready_case, secretary):
    with pytest.raises(TransitionRefused, match=NOT_ON_AGENDA):
        case_transition(
            case_id=ready_case.pk, name="schedule", by=secretary, expected_status="ready"
        )
    case = Case.objects.get(pk=ready_case.pk)
    with pytest.raises(TransitionNotAllowed):
        case.schedule()  # even the transition method itself checks the registered guards
    unchanged(ready_case, "ready")


def test_schedule_needs_an_open_session_of_a_committee_covering_the_case(
    session, ready_case, secretary
):
    from committees.models import AgendaItem

    held = Session.objects.create(
        committee=session.committee, starts_at=days_from_now(-10), created_by=secretary
    )
    Session.objects.filter(pk=held.pk).update(status="held")
    AgendaItem.objects.create(session=held, case=ready_case)  # an item written by hand
    with pytest.raises(TransitionRefused, match=NOT_ON_AGENDA):
        case_transition(
            case_id=ready_case.pk, name="schedule", by=secretary, expected_status="ready"
        )
    unchanged(ready_case, "ready")


def test_the_case_page_shows_why_schedule_is_blocked(client, ready_case, secretary):
    client.force_login(secretary)
    response = client.get(reverse("cases:detail", args=[ready_case.pk]))
    [schedule] = [t for t in response.context["transitions"] if t.name == "schedule"]
    assert any(NOT_ON_AGENDA in reason for reason in schedule.blocking_reasons)


# --- record_review --------------------------------------------------------------------------
def test_chair_posting_record_review_to_the_case_page_is_refused(client, scheduled_case, chair):
    client.force_login(chair)
    response = client.post(
        reverse("cases:transition", args=[scheduled_case.pk, "record_review"]),
        {"expected_status": "scheduled", "comment": ""},
        follow=True,
    )
    assert NO_REVIEW in french_error(response)
    unchanged(scheduled_case, "scheduled")


def test_record_review_from_the_shell_is_refused_without_a_review(scheduled_case, chair):
    with pytest.raises(TransitionRefused, match=NO_REVIEW):
        case_transition(
            case_id=scheduled_case.pk, name="record_review", by=chair, expected_status="scheduled"
        )
    unchanged(scheduled_case, "scheduled")


def test_record_review_is_refused_without_quorum_even_with_a_review(session, scheduled_case, chair):
    # A review written without the service (shell): the guard still asks for the quorum.
    review = full_review()
    review.case, review.session, review.recorded_by = scheduled_case, session, chair
    review.save()
    with pytest.raises(TransitionRefused, match="Le quorum n'est pas atteint"):
        case_transition(
            case_id=scheduled_case.pk, name="record_review", by=chair, expected_status="scheduled"
        )
    unchanged(scheduled_case, "scheduled")


def test_a_review_cannot_be_recorded_before_the_session_begins(
    committee, ready_case, secretary, chair
):
    future = sessions.session_plan(committee=committee, by=secretary, starts_at=days_from_now(5))
    sessions.agenda_add(session=future, case=ready_case, by=secretary)
    sessions.session_transition(
        session=future, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(future, secretary)
    with pytest.raises(Exception, match="une fois celle-ci commencée"):
        reviews.review_record(session=future, case=ready_case, by=chair, review=full_review())
    assert not CaseReview.objects.exists()
    unchanged(ready_case, "scheduled")


def test_members_cannot_record_a_review(scheduled_case, session, committee_member, secretary):
    all_present(session, secretary)
    with pytest.raises(NotAllowed):
        reviews.review_record(
            session=session, case=scheduled_case, by=committee_member, review=full_review()
        )
    with pytest.raises(NotAllowed):
        case_transition(
            case_id=scheduled_case.pk,
            name="record_review",
            by=committee_member,
            expected_status="scheduled",
        )
    unchanged(scheduled_case, "scheduled")


# --- one review per reopening ---------------------------------------------------------------
def test_one_review_per_reopening_the_third_attempt_is_refused(
    session, scheduled_case, secretary, chair, committee
):
    all_present(session, secretary)
    reviews.review_record(session=session, case=scheduled_case, by=chair, review=full_review())
    close_without_actions(scheduled_case, session, chair)
    case_transition(
        case_id=scheduled_case.pk,
        name="reopen",
        by=chair,
        expected_status="closed",
        comment="Autopsie.",
    )

    def open_session(days):
        later = sessions.session_plan(
            committee=committee, by=secretary, starts_at=days_from_now(days)
        )
        return later

    second = open_session(-1)
    sessions.agenda_add(session=second, case=scheduled_case, by=secretary)
    sessions.session_transition(
        session=second, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(second, secretary)
    reviews.review_record(session=second, case=scheduled_case, by=chair, review=full_review())
    assert CaseReview.objects.filter(case=scheduled_case).count() == 2

    # Not reopened since: it is no candidate, cannot join an agenda, cannot be reviewed again.
    third = open_session(-1)
    from committees.selectors import agenda_candidates

    assert scheduled_case not in agenda_candidates(session=third)
    with pytest.raises(Exception, match="n'attend pas de revue"):
        sessions.agenda_add(session=third, case=scheduled_case, by=secretary)
    with pytest.raises(Exception, match="n'attend pas de revue"):
        reviews.review_record(session=second, case=scheduled_case, by=chair, review=full_review())
    assert CaseReview.objects.filter(case=scheduled_case).count() == 2


# --- sessions: one engine, audited ----------------------------------------------------------
def test_every_session_transition_is_audited_and_shown_as_its_history(
    client, session, scheduled_case, secretary, chair
):
    all_present(session, secretary)
    reviews.review_record(session=session, case=scheduled_case, by=chair, review=full_review())
    sessions.session_transition(
        session=session, name="hold", by=secretary, expected_status="agenda_sent"
    )
    minutes = reviews.minutes_draft(session=session, by=secretary)
    reviews.minutes_validate(session=session, by=chair, version=minutes.version)
    reviews.minutes_draft(session=session, by=secretary, correction_reason="Coquille corrigée.")
    records = list(
        SessionTransition.objects.filter(session=session)
        .order_by("at", "pk")
        .values_list("transition", "source", "target", "actor_id", "comment")
    )
    assert records == [
        ("send_agenda", "planned", "agenda_sent", secretary.pk, ""),
        ("hold", "agenda_sent", "held", secretary.pk, ""),
        ("validate_minutes", "held", "minutes_validated", chair.pk, ""),
        ("reopen_for_correction", "minutes_validated", "held", secretary.pk, "Coquille corrigée."),
    ]
    client.force_login(chair)
    page = client.get(reverse("committees:session_detail", args=[session.pk])).content.decode()
    assert "Rouvrir le compte rendu pour correction" in page and "Coquille corrigée." in page


def test_cancelling_is_audited_with_its_reason(session, scheduled_case, secretary):
    sessions.session_transition(
        session=session,
        name="cancel",
        by=secretary,
        expected_status="agenda_sent",
        reason="Salle indisponible.",
    )
    record = SessionTransition.objects.get(session=session, transition="cancel")
    assert (record.source, record.comment) == ("agenda_sent", "Salle indisponible.")
    assert Case.objects.get(pk=scheduled_case.pk).status == "ready"


def test_a_session_refuses_a_reason_that_names_someone(session, scheduled_case, secretary):
    with pytest.raises(TransitionRefused, match="Le motif contient un identifiant"):
        sessions.session_transition(
            session=session,
            name="cancel",
            by=secretary,
            expected_status="agenda_sent",
            reason="Mme Dupont est absente.",
        )
    assert Session.objects.get(pk=session.pk).status == "agenda_sent"


def test_members_cannot_move_a_session(session, scheduled_case, committee_member):
    with pytest.raises(NotAllowed):
        sessions.session_transition(
            session=session, name="hold", by=committee_member, expected_status="agenda_sent"
        )
    assert not SessionTransition.objects.filter(transition="hold").exists()


def test_session_history_is_append_only_in_the_model(session, scheduled_case):
    record = SessionTransition.objects.get(session=session, transition="send_agenda")
    record.comment = "réécrit"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()


def test_session_history_is_read_only_in_the_admin(
    client, session, scheduled_case, administrator, other_administrator
):
    record = SessionTransition.objects.get(session=session, transition="send_agenda")
    change = reverse("admin:committees_sessiontransition_change", args=[record.pk])
    client.force_login(administrator)
    listed = client.get(reverse("admin:committees_sessiontransition_changelist"))
    assert record in listed.context["cl"].result_list
    page = client.get(change)
    assert page.status_code == 200
    assert "Envoyer l'ordre du jour" in html.unescape(page.content.decode())
    client.post(change, {"comment": "réécrit"})
    delete = reverse("admin:committees_sessiontransition_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code in (302, 403)
    assert SessionTransition.objects.get(pk=record.pk).comment == ""
    client.force_login(other_administrator)
    listed = client.get(reverse("admin:committees_sessiontransition_changelist"))
    assert record not in listed.context["cl"].result_list


@pytest.mark.parametrize("step", ["adopt_action_plan", "close"])
def test_a_reopened_case_cannot_skip_its_new_review(
    session, scheduled_case, secretary, chair, step
):
    all_present(session, secretary)
    reviews.review_record(session=session, case=scheduled_case, by=chair, review=full_review())
    close_without_actions(scheduled_case, session, chair)
    case_transition(
        case_id=scheduled_case.pk, name="reopen", by=chair, expected_status="closed", comment="A."
    )
    with pytest.raises(TransitionRefused, match="il attend sa nouvelle revue"):
        case_transition(
            case_id=scheduled_case.pk,
            name=step,
            by=chair,
            expected_status="reviewed",
            comment="Sans nouvelle revue.",
        )
    assert Case.objects.get(pk=scheduled_case.pk).status == "reviewed"


def test_a_member_is_told_about_their_role_before_the_status(
    client, session, scheduled_case, committee_member
):
    Session.objects.filter(pk=session.pk).update(status="minutes_validated")
    with pytest.raises(NotAllowed, match="Votre rôle ne permet pas"):
        sessions.session_transition(
            session=session,
            name="cancel",
            by=committee_member,
            expected_status="agenda_sent",
            reason="x",
        )


def test_an_overlong_comment_is_refused_on_every_state_machine(session, scheduled_case, chair):
    with pytest.raises(TransitionRefused, match="ne doit pas dépasser"):
        case_transition(
            case_id=scheduled_case.pk,
            name="send_back",
            by=chair,
            expected_status="scheduled",
            comment="Chronologie à compléter. " * 5000,
        )
    with pytest.raises(TransitionRefused, match="ne doit pas dépasser"):
        sessions.session_transition(
            session=session,
            name="cancel",
            by=chair,
            expected_status="agenda_sent",
            reason="Salle indisponible. " * 5000,
        )
    assert Case.objects.get(pk=scheduled_case.pk).status == "scheduled"
    assert Session.objects.get(pk=session.pk).status == "agenda_sent"
