"""The action plan in session: proposing actions on the review screen, linked to the ALARM
factors just recorded (which a correction updates in place, so the links hold), approving
them, or recording why none is needed; the actions in the minutes and the "Suivi des actions"
section of every session."""

from datetime import timedelta

import pytest
from django.utils import timezone

from actions.models import CorrectiveAction
from actions.services import action_propose
from cases.models import Case
from committees.models import AlarmItem, ContributingFactor
from committees.services import reviews, sessions
from tests.committees.conftest import all_present, full_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def alarm_items():
    return list(AlarmItem.objects.order_by("pk")[:3])


@pytest.fixture
def reviewed(session, ready_case, secretary, chair, alarm_items):
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(session, secretary)
    reviews.review_record(
        session=session,
        case=ready_case,
        by=chair,
        review=full_review(),
        factors=[(item, "Commentaire initial", False) for item in alarm_items[:2]],
    )
    return session, Case.objects.get(pk=ready_case.pk)


def action_fields(case, **overrides):
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
        **overrides,
    }


def test_a_review_correction_keeps_the_factors_rows_and_the_actions_links(
    reviewed, chair, alarm_items
):
    session, case = reviewed
    review = session.reviews.get(case=case)
    kept, removed = (
        review.factors.get(item=alarm_items[0]),
        review.factors.get(item=alarm_items[1]),
    )
    action = action_propose(
        session=session, cases=[case], by=chair, fields=action_fields(case), factors=[kept]
    )
    reviews.review_update(
        review=review,
        by=chair,
        factors=[(alarm_items[0], "Commentaire corrigé", True), (alarm_items[2], "", False)],
    )
    factors = {f.item_id: f for f in ContributingFactor.objects.filter(review=review)}
    assert set(factors) == {alarm_items[0].pk, alarm_items[2].pk}
    assert factors[alarm_items[0].pk].pk == kept.pk
    assert factors[alarm_items[0].pk].comment == "Commentaire corrigé"
    assert factors[alarm_items[0].pk].recovery_barrier is True
    assert not ContributingFactor.objects.filter(pk=removed.pk).exists()
    assert list(CorrectiveAction.objects.get(pk=action.pk).factors.all()) == [kept]
