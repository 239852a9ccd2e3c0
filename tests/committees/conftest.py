from datetime import timedelta

import pytest
from django.utils import timezone

from committees.models import Session
from tests.factories import CaseFactory


@pytest.fixture
def ready_case(maternity, clinician):
    return CaseFactory(
        organisation=maternity,
        territory=maternity.parent,
        declared_by=clinician,
        status="ready",
        summary="Nouveau-né de 27 SA + 2 j, décès à J2.",
    )


def days_from_now(days: int):
    """A session time relative to today, at 14:00, so tests hold only sessions in the past."""
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=14, minute=0, second=0, microsecond=0)


@pytest.fixture
def session(committee, secretary):
    """A session that took place three days ago (it can be marked as held)."""
    return Session.objects.create(
        committee=committee,
        starts_at=days_from_now(-3),
        place="Salle du réseau",
        created_by=secretary,
    )


def full_review(*, icd="N9", maternal="M2", grades="CBA", **fields):
    """An unsaved review holding the minimum set `record_review` asks for."""
    from committees.models import CaseReview, IcdPmGroup, MaternalCondition

    values = {
        "icd_pm_group": IcdPmGroup.objects.get(code=icd),
        "maternal_condition": MaternalCondition.objects.get(code=maternal),
        "grade_care_to_death": grades[0],
        "grade_neonatal_care": grades[1],
        "grade_after_death": grades[2],
        "avoidability": "potentially_avoidable",
        "optimal_care": False,
        "conclusion": "Conclusion du comité.",
    }
    values.update(fields)
    return CaseReview(**values)


def all_present(session, by):
    """Record every active member of the session's committee as present (quorum reached)."""
    from committees.services.sessions import attendance_record

    members = session.committee.members.filter(is_active=True)
    attendance_record(session=session, by=by, statuses={m.pk: "present" for m in members})


def close_without_actions(case, session, chair, reason="Aucune action nécessaire."):
    """Close a reviewed case as a committee does when it decides that no action is needed
    (recorded first: the actions app's guard on `close` asks for it)."""
    from actions.services import no_action_decide
    from cases.services.transitions import case_transition

    no_action_decide(case=case, session=session, by=chair, reason=reason)
    return case_transition(
        case_id=case.pk, name="close", by=chair, expected_status="reviewed", comment=reason
    )
