"""Moving a case through its workflow: every transition goes through the workflow engine
(rmm.workflow), which locks the row, compares the status the user saw, checks the permission
predicate and every guard (the case's own and those other apps registered), runs the
transition, writes its audit record in the same transaction and announces it after commit."""

from rmm import workflow
from rmm.workflow import AvailableTransition

from ..models import Case

__all__ = ["AvailableTransition", "case_transition", "transitions_for"]


def transitions_for(*, case: Case, user) -> list[AvailableTransition]:
    """The transitions this user may perform from the case's current status (the buttons),
    each with the guards that still block it."""
    return workflow.available_transitions(case, user)


def case_transition(
    *, case_id: int, name: str, by, expected_status: str | None = None, comment: str = ""
) -> Case:
    """Apply transition `name` to the case as `by`, audited; raise a French error otherwise."""
    return workflow.apply(
        model=Case, pk=case_id, name=name, by=by, expected_status=expected_status, comment=comment
    )
