"""The sweep costs the same number of SQL queries whatever the number of due objects (issue 10,
point 5): each rule reads its due objects in one query and their people in one or two more."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import CorrectiveAction
from notifications.ledger import sendable_ids
from notifications.models import Kind, Notification
from notifications.sweep import sweep

pytestmark = pytest.mark.django_db


# Days from today to the due date: any ten consecutive actions cover every window (escalated,
# overdue, due within the week, not yet due), so 10 and 1,000 actions ask the same questions.
OFFSETS = (-30, -12, -8, -3, -1, 0, 1, 3, 6, 20)


def add_actions(*, session, case, by, owner, start: int, count: int) -> None:
    """Approved actions, due within the week or overdue (some long enough to escalate), half
    of them with a named owner and half left to the owning organisation's quality team."""
    today = timezone.localdate()
    created = CorrectiveAction.objects.bulk_create(
        CorrectiveAction(
            session=session,
            created_by=by,
            what_changes=f"Changement {index}",
            barrier="prevention",
            nature="organisation",
            owner_organisation=case.organisation,
            owner_function="Pharmacie",
            owner_person=owner if index % 2 else None,
            due_date=today + timedelta(days=OFFSETS[index % len(OFFSETS)]),
            indicator="Audit",
            indicator_check_date=today + timedelta(days=90),
            status=["approved", "in_progress"][index % 2],
        )
        for index in range(start, start + count)
    )
    through = CorrectiveAction.cases.through
    through.objects.bulk_create(
        through(correctiveaction_id=action.pk, case_id=case.pk) for action in created
    )


def sweep_queries() -> tuple[int, int]:
    """(queries, ledger rows) of one sweep from an empty ledger, with the ids it would send."""
    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as context:
        sweep()
        sendable_ids()
    return len(context.captured_queries), Notification.objects.count()


def test_sweep_query_count_is_the_same_for_10_and_1000_due_actions(
    session, ready_case, secretary, chair, clinician, quality_manager
):
    add_actions(session=session, case=ready_case, by=secretary, owner=clinician, start=0, count=10)
    few, few_rows = sweep_queries()
    add_actions(
        session=session, case=ready_case, by=secretary, owner=clinician, start=10, count=990
    )
    many, many_rows = sweep_queries()

    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {Kind.ACTION_DUE, Kind.ACTION_OVERDUE} <= kinds
    assert many_rows > 50 * few_rows / 10  # the reminders really grew with the actions
    assert many == few, f"{few} queries for 10 due actions, {many} for 1,000"
