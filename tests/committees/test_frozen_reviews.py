"""Once the chair validates the minutes, the session's reviews are frozen with them: a correction
goes through reopening the minutes for correction (DESIGN §5), is written in the session's
history, never silently unlinks a corrective action from its ALARM factor, and never leaves a
closed case without the action plan its corrected review calls for. The minutes are validated
only when every case on the agenda was reviewed (the others are postponed first)."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import CorrectiveAction
from actions.services import action_propose
from cases.models import Case
from cases.services.transitions import case_transition
from committees.models import (
    AgendaItem,
    AlarmItem,
    CaseReview,
    ContributingFactor,
    IcdPmGroup,
    MaternalCondition,
    MinutesVersion,
    Session,
    SessionTransition,
)
from committees.services import reviews, sessions
from rmm import workflow
from rmm.errors import TransitionConflict, TransitionRefused
from tests.committees.conftest import all_present, full_review
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

FROZEN = "ses revues sont figées"
NOT_REVIEWED = "n'ont pas été revus dans cette séance"


def a_case(maternity, clinician, **fields):
    return CaseFactory(
        organisation=maternity,
        territory=maternity.parent,
        declared_by=clinician,
        summary="Nouveau-né de 27 SA + 2 j, décès à J2.",
        **fields,
    )


@pytest.fixture
def alarm_items():
    return list(AlarmItem.objects.order_by("pk")[:3])


@pytest.fixture
def held(session, ready_case, secretary, chair, alarm_items):
    """A held session whose one case was reviewed (two ALARM factors)."""
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(session, secretary)
    reviews.review_record(
        session=session,
        case=ready_case,
        by=chair,
        review=full_review(grades="BBA", avoidability="not_avoidable"),
        factors=[(item, "Commentaire initial", False) for item in alarm_items[:2]],
    )
    sessions.session_transition(
        session=session, name="hold", by=secretary, expected_status="agenda_sent"
    )
    return session, Case.objects.get(pk=ready_case.pk)


def validate(session, secretary, chair):
    minutes = reviews.minutes_draft(session=session, by=secretary)
    reviews.minutes_validate(session=session, by=chair, version=minutes.version)


def corrections(session):
    return list(
        SessionTransition.objects.filter(session=session, transition="correct_review").values_list(
            "actor_id", "source", "target", "comment"
        )
    )


def review_url(session, case):
    return reverse("committees:review", args=[session.pk, case.pk])


def review_data(**overrides):
    data = {
        "icd_pm_group": IcdPmGroup.objects.get(code="N9").pk,
        "maternal_condition": MaternalCondition.objects.get(code="M2").pk,
        "grade_care_to_death": "B",
        "grade_neonatal_care": "B",
        "grade_after_death": "A",
        "avoidability": "not_avoidable",
        "optimal_care": "no",
        "conclusion": "Conclusion du comité.",
    }
    data.update(overrides)
    return data


# --- Finding 1: a validated session's reviews are frozen ------------------------------------
def test_after_validation_the_service_refuses_a_correction_and_changes_nothing(
    held, secretary, chair
):
    session, case = held
    validate(session, secretary, chair)
    review = CaseReview.objects.get(session=session, case=case)
    review.avoidability, review.grade_care_to_death = "avoidable", "D"
    with pytest.raises(TransitionConflict, match=FROZEN):
        reviews.review_update(review=review, by=secretary)
    stored = CaseReview.objects.get(pk=review.pk)
    assert (stored.avoidability, stored.grade_care_to_death) == ("not_avoidable", "B")
    assert corrections(session) == []


def test_after_validation_the_review_page_refuses_a_posted_correction(
    client, held, secretary, chair
):
    session, case = held
    validate(session, secretary, chair)
    client.force_login(secretary)
    page = client.get(review_url(session, case)).content.decode()
    assert 'id="review-form"' not in page and 'id="review-frozen"' in page and FROZEN in page
    response = client.post(
        review_url(session, case), review_data(avoidability="avoidable", grade_care_to_death="D")
    )
    assert response.status_code == 400
    assert FROZEN in response.content.decode()
    stored = CaseReview.objects.get(session=session, case=case)
    assert (stored.avoidability, stored.grade_care_to_death) == ("not_avoidable", "B")
    assert Case.objects.get(pk=case.pk).status == "reviewed"
    assert corrections(session) == []


def test_reopened_for_correction_a_review_is_corrected_and_the_correction_is_in_the_history(
    client, held, secretary, chair
):
    session, case = held
    validate(session, secretary, chair)
    reviews.minutes_draft(session=session, by=chair, correction_reason="Note des soins erronée.")
    client.force_login(secretary)
    response = client.post(review_url(session, case), review_data(conclusion="Corrigée."))
    assert response.status_code == 302
    assert CaseReview.objects.get(session=session, case=case).conclusion == "Corrigée."
    assert corrections(session) == [
        (secretary.pk, "held", "held", f"Revue du cas {case.code} corrigée.")
    ]
    page = client.get(reverse("committees:session_detail", args=[session.pk])).content.decode()
    assert f"Revue corrigée (Tenue → Tenue) : Revue du cas {case.code} corrigée." in page


def test_a_correction_before_validation_is_in_the_history_too(held, secretary):
    session, case = held
    review = CaseReview.objects.get(session=session, case=case)
    review.conclusion = "Conclusion précisée."
    reviews.review_update(review=review, by=secretary)
    assert corrections(session) == [
        (secretary.pk, "held", "held", f"Revue du cas {case.code} corrigée.")
    ]


def test_a_closed_case_is_not_left_without_the_plan_its_corrected_review_calls_for(
    held, secretary, chair
):
    session, case = held
    case_transition(
        case_id=case.pk,
        name="close",
        by=chair,
        expected_status="reviewed",
        comment="Soins adaptés, aucune action.",
    )
    validate(session, secretary, chair)
    reviews.minutes_draft(session=session, by=chair, correction_reason="Évitabilité erronée.")
    review = CaseReview.objects.get(session=session, case=case)
    review.avoidability = "avoidable"
    with pytest.raises(TransitionRefused, match=f"Le cas {case.code} est « Clôturé » sans plan"):
        reviews.review_update(review=review, by=secretary)
    assert CaseReview.objects.get(pk=review.pk).avoidability == "not_avoidable"
    assert corrections(session) == []
    # The committee records in the review that no action is needed: the correction holds.
    review.no_action_needed = True
    reviews.review_update(review=review, by=secretary)
    assert CaseReview.objects.get(pk=review.pk).avoidability == "avoidable"
    assert len(corrections(session)) == 1


def action_fields(case):
    today = timezone.localdate()
    return {
        "what_changes": "Protocole de transfert in utero révisé et affiché",
        "barrier": "recovery",
        "nature": "protocol",
        "owner_organisation": case.organisation,
        "owner_function": "Cadre de la salle de naissance",
        "due_date": today + timedelta(days=30),
        "indicator": "Audit de 20 dossiers",
        "indicator_check_date": today + timedelta(days=90),
    }


def test_a_factor_a_corrective_action_answers_is_not_removed_by_a_correction(
    client, held, secretary, chair, alarm_items
):
    session, case = held
    review = CaseReview.objects.get(session=session, case=case)
    linked = review.factors.get(item=alarm_items[1])
    action = action_propose(
        session=session, cases=[case], by=chair, fields=action_fields(case), factors=[linked]
    )
    with pytest.raises(TransitionRefused) as refused:
        reviews.review_update(
            review=review, by=secretary, factors=[(alarm_items[0], "Commentaire initial", False)]
        )
    expected = (
        f"Le facteur ALARM {alarm_items[1].code} ne peut pas être retiré de la revue : les "
        f"actions correctives A{action.pk} y répondent"
    )
    assert expected in refused.value.message
    assert ContributingFactor.objects.filter(pk=linked.pk).exists()
    assert list(CorrectiveAction.objects.get(pk=action.pk).factors.all()) == [linked]
    # The review page says the same; unticking the factor no action answers still works.
    client.force_login(secretary)
    data = review_data(**{f"factor_{alarm_items[0].pk}": "on"})
    response = client.post(review_url(session, case), data)
    assert response.status_code == 400 and expected in response.content.decode()
    data[f"factor_{alarm_items[1].pk}"] = "on"
    assert client.post(review_url(session, case), data).status_code == 302
    assert set(review.factors.values_list("item_id", flat=True)) == {
        alarm_items[0].pk,
        alarm_items[1].pk,
    }
    assert list(CorrectiveAction.objects.get(pk=action.pk).factors.all()) == [linked]


# --- Finding 2: minutes validated only when the whole agenda was reviewed --------------------
@pytest.fixture
def held_with_unreviewed(held, maternity, clinician, secretary):
    """The held session, with a second case on its agenda that was never reviewed."""
    session, reviewed = held
    other = a_case(maternity, clinician, status="scheduled")
    AgendaItem.objects.create(session=session, case=other, position=1)
    return session, reviewed, other


def test_the_service_refuses_to_validate_minutes_with_an_unreviewed_case(
    held_with_unreviewed, secretary, chair
):
    session, _reviewed, other = held_with_unreviewed
    minutes = reviews.minutes_draft(session=session, by=secretary)
    with pytest.raises(TransitionRefused, match=f"{NOT_REVIEWED} : {other.code}\\."):
        reviews.minutes_validate(session=session, by=chair, version=minutes.version)
    assert Session.objects.get(pk=session.pk).status == "held"
    assert not MinutesVersion.objects.get(pk=minutes.pk).is_frozen


def test_the_engine_refuses_to_validate_minutes_with_an_unreviewed_case(
    held_with_unreviewed, secretary, chair
):
    session, _reviewed, other = held_with_unreviewed
    minutes = reviews.minutes_draft(session=session, by=secretary)
    # A frozen latest version (the other guard met): the agenda's guard alone refuses.
    MinutesVersion.objects.filter(pk=minutes.pk).update(
        validated_by=chair, validated_at=timezone.now()
    )
    with pytest.raises(TransitionRefused, match=other.code):
        workflow.apply(
            model=Session,
            pk=session.pk,
            name="validate_minutes",
            by=chair,
            expected_status="held",
        )
    assert Session.objects.get(pk=session.pk).status == "held"


def test_the_minutes_page_names_the_unreviewed_case_then_validates_once_it_is_postponed(
    client, held_with_unreviewed, secretary, chair
):
    session, reviewed, other = held_with_unreviewed
    reviews.minutes_draft(session=session, by=secretary)
    minutes_url = reverse("committees:minutes", args=[session.pk])
    client.force_login(chair)
    response = client.post(minutes_url, {"action": "validate", "version": 1}, follow=True)
    assert f"{NOT_REVIEWED} : {other.code}." in html.unescape(response.content.decode())
    assert Session.objects.get(pk=session.pk).status == "held"
    # The secretary postpones it from the held session's agenda ("Retirer (reporter)").
    client.force_login(secretary)
    page = client.get(reverse("committees:session_detail", args=[session.pk])).content.decode()
    unreviewed = session.agenda.get(case=other)
    remove_url = reverse("committees:agenda_remove", args=[session.pk, unreviewed.pk])
    assert f'action="{remove_url}"' in page
    reviewed_item = session.agenda.get(case=reviewed)
    assert reverse("committees:agenda_remove", args=[session.pk, reviewed_item.pk]) not in page
    client.post(remove_url, {"comment": "Dossier incomplet."})
    assert Case.objects.get(pk=other.pk).status == "ready"
    assert not session.agenda.filter(case=other).exists()
    # A case the session reviewed stays on its agenda, whatever the route.
    with pytest.raises(TransitionConflict, match="revu dans cette séance"):
        sessions.agenda_remove(session=session, item=reviewed_item, by=secretary)
    assert session.agenda.filter(case=reviewed).exists()
    reviews.minutes_draft(session=session, by=secretary)
    client.force_login(chair)
    client.post(minutes_url, {"action": "validate", "version": 1})
    assert Session.objects.get(pk=session.pk).status == "minutes_validated"


def test_a_review_posted_after_its_case_was_postponed_says_so(
    client, held_with_unreviewed, secretary, chair
):
    """The chair postponed the case while the secretary typed its review: a French message on
    the session page, nothing recorded (not a bare "page not found")."""
    session, _reviewed, other = held_with_unreviewed
    sessions.agenda_remove(session=session, item=session.agenda.get(case=other), by=chair)
    client.force_login(secretary)
    response = client.post(review_url(session, other), review_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("committees:session_detail", args=[session.pk])
    assert "n'est plus à l'ordre du jour de cette séance" in html.unescape(
        response.content.decode()
    )
    assert not CaseReview.objects.filter(session=session, case=other).exists()
