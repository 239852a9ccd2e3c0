"""Twenty people press the same button at the same time on real PostgreSQL: exactly one move,
exactly one audit record, nineteen clear conflict messages."""

import threading

import pytest
from django.db import connection

from cases.exceptions import CaseError, TransitionConflict
from cases.models import Case, CaseTransition
from cases.services.transitions import case_transition

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20


def press_together(move) -> list[object]:
    """Run `move()` in THREADS threads released at once; each outcome is "ok" or the error."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[object] = []
    lock = threading.Lock()

    def attempt():
        try:
            barrier.wait(timeout=30)
            move()
            result = "ok"
        except CaseError as error:
            result = error
        except Exception as error:  # anything else would be a 500 in a view
            result = error
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_twenty_simultaneous_accepts_move_the_case_once(case_factory, coordinator):
    case = case_factory(status="declared")
    outcomes = press_together(
        lambda: case_transition(
            case_id=case.pk, name="accept", by=coordinator, expected_status="declared"
        )
    )
    successes = [outcome for outcome in outcomes if outcome == "ok"]
    conflicts = [outcome for outcome in outcomes if isinstance(outcome, TransitionConflict)]
    assert len(outcomes) == THREADS
    assert len(successes) == 1, outcomes
    assert len(conflicts) == THREADS - 1, outcomes
    assert all("modifié entre-temps" in conflict.message for conflict in conflicts)
    assert Case.objects.get(pk=case.pk).status == "documenting"
    assert CaseTransition.objects.filter(case=case).count() == 1
    print(
        f"{len(successes)} success, {len(conflicts)} conflicts, "
        f"{CaseTransition.objects.filter(case=case).count()} transition record"
    )


def test_twenty_simultaneous_holds_move_the_session_once(
    committee, secretary, committee_member, maternity, clinician
):
    from committees.models import AgendaItem, Session, SessionTransition
    from committees.services.sessions import session_transition
    from tests.committees.conftest import all_present, days_from_now
    from tests.factories import CaseFactory

    session = Session.objects.create(
        committee=committee, starts_at=days_from_now(-1), created_by=secretary
    )
    case = CaseFactory(
        organisation=maternity, territory=maternity.parent, declared_by=clinician, status="ready"
    )
    AgendaItem.objects.create(session=session, case=case)
    all_present(session, secretary)
    outcomes = press_together(
        lambda: session_transition(
            session=session, name="hold", by=secretary, expected_status="planned"
        )
    )
    successes = [outcome for outcome in outcomes if outcome == "ok"]
    conflicts = [outcome for outcome in outcomes if isinstance(outcome, TransitionConflict)]
    assert len(successes) == 1, outcomes
    assert len(conflicts) == THREADS - 1, outcomes
    assert Session.objects.get(pk=session.pk).status == "held"
    assert SessionTransition.objects.filter(session=session).count() == 1
