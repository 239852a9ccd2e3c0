"""What a review must hold before it is recorded: quorum, minimum set, an ICD-PM group that fits
the case, and no identifier in any text that goes into the minutes."""

import pytest

from cases.exceptions import TransitionRefused
from cases.models import Case
from cases.services.transitions import case_transition
from committees.models import AlarmItem, CaseReview
from committees.services import reviews, sessions
from tests.committees.conftest import all_present, full_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_agenda(session, ready_case, secretary):
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    return session, ready_case


def test_no_review_without_quorum(on_agenda, chair, secretary):
    session, case = on_agenda
    with pytest.raises(TransitionRefused, match="Le quorum n'est pas atteint"):
        reviews.review_record(session=session, case=case, by=chair, review=full_review())
    assert Case.objects.get(pk=case.pk).status == "scheduled"
    all_present(session, secretary)
    reviews.review_record(session=session, case=case, by=chair, review=full_review())
    assert Case.objects.get(pk=case.pk).status == "reviewed"


@pytest.mark.parametrize("field", ["conclusion", "what_went_well", "answers_to_parents"])
def test_identifiers_in_review_texts_are_refused(on_agenda, chair, secretary, field):
    session, case = on_agenda
    all_present(session, secretary)
    review = full_review(**{field: "Appeler Mme Zanzibarova au 06 12 34 56 78."})
    with pytest.raises(TransitionRefused, match="Des identifiants subsistent"):
        reviews.review_record(session=session, case=case, by=chair, review=review)
    assert not CaseReview.objects.exists()


def test_identifiers_in_an_alarm_comment_are_refused(on_agenda, chair, secretary):
    session, case = on_agenda
    all_present(session, secretary)
    factor = (AlarmItem.objects.get(code="4.1"), "Le Dr Martin n'a pas rappelé.", False)
    with pytest.raises(TransitionRefused, match=r"commentaire du facteur 4\.1"):
        reviews.review_record(
            session=session, case=case, by=chair, review=full_review(), factors=[factor]
        )


def test_icd_pm_group_must_fit_the_kind_of_death(on_agenda, chair, secretary):
    session, case = on_agenda
    all_present(session, secretary)
    with pytest.raises(TransitionRefused, match="groupe CIM-PM néonatal"):
        reviews.review_record(session=session, case=case, by=chair, review=full_review(icd="A1"))


def test_a_comment_naming_the_family_is_refused_in_the_case_history(
    ready_case, chair, secretary, on_agenda
):
    session, case = on_agenda
    with pytest.raises(TransitionRefused, match="Le commentaire contient un identifiant"):
        sessions.agenda_remove(
            session=session,
            item=session.agenda.get(),
            by=secretary,
            comment="Mme Zanzibarova a demandé un report.",
        )
    assert Case.objects.get(pk=case.pk).status == "scheduled"
    with pytest.raises(TransitionRefused, match="Le commentaire contient un identifiant"):
        case_transition(
            case_id=case.pk,
            name="send_back",
            by=secretary,
            expected_status="scheduled",
            comment="Rappeler le 06 12 34 56 78",
        )


def test_a_correction_reaches_a_new_version_of_frozen_minutes(on_agenda, chair, secretary):
    session, case = on_agenda
    all_present(session, secretary)
    review = reviews.review_record(
        session=session, case=case, by=chair, review=full_review(conclusion="Première conclusion.")
    )
    sessions.session_transition(
        session=session, name="hold", by=secretary, expected_status="agenda_sent"
    )
    reviews.minutes_draft(session=session, by=secretary)
    reviews.minutes_validate(session=session, by=chair, version=1)
    # Frozen with the minutes: they are reopened for correction first (DESIGN §5).
    reviews.minutes_draft(session=session, by=secretary, correction_reason="Conclusion erronée.")
    review.conclusion = "Conclusion corrigée."
    reviews.review_update(review=review, by=chair)
    reviews.minutes_draft(session=session, by=secretary)
    assert "Première conclusion." in session.minutes.get(version=1).body_html
    assert "Conclusion corrigée." in session.minutes.get(version=2).body_html
    review.conclusion = "Mme Zanzibarova"
    with pytest.raises(TransitionRefused):
        reviews.review_update(review=review, by=chair)
