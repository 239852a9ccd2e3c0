"""Notifications tests call the tasks' functions in the test process (the worker tests start a
real worker): `queued` records what would have gone to the broker, `deliver_all` does what the
worker would do with it."""

import pytest

from notifications import delivery, tasks
from notifications.ledger import sendable_ids
from tests.committees.conftest import ready_case, session  # noqa: F401  (shared fixtures)


@pytest.fixture
def queued(monkeypatch):
    calls: list[tuple] = []

    def record(task, *args, countdown=None):
        calls.append((task.name, args, countdown))
        return 1

    monkeypatch.setattr(tasks, "queue", record)
    return calls


def deliver_all() -> dict[str, int]:
    """Send every e-mail that may be sent now, as the worker would."""
    outcomes: dict[str, int] = {}
    for notification_id in sendable_ids():
        outcome = delivery.deliver(notification_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
