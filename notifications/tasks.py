"""Celery tasks: thin, idempotent (acks_late: a task may run twice; the ledger makes the second
run send nothing). What to send is always read from the database, never from the message."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction

from . import delivery, sweep
from .ledger import sendable_ids

logger = logging.getLogger(__name__)

# Ids per delivery task: a killed worker loses at most one batch's progress, which the next
# sweep takes up again (the ledger tells what was sent).
BATCH = 50


@shared_task(name="notifications.tasks.sweep_task", acks_late=True, ignore_result=True)
def sweep_task() -> int:
    """Run by beat: record what is due, then queue every e-mail still to send."""
    with transaction.atomic():
        sweep.sweep()
    return dispatch(sendable_ids(limit=settings.RMM_NOTIFICATION_DISPATCH_LIMIT))


@shared_task(name="notifications.tasks.deliver_task", acks_late=True, ignore_result=True)
def deliver_task(notification_ids: list[int]) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    for notification_id in notification_ids:
        outcome = delivery.deliver(notification_id)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if outcome == "retry":
            delay = delivery.retry_delay_of(notification_id)
            if delay is not None:
                queue(deliver_task, [notification_id], countdown=delay)
    return outcomes


def dispatch(notification_ids: list[int]) -> int:
    """Queue the e-mails in batches; returns how many batches were queued."""
    queued = 0
    for start in range(0, len(notification_ids), BATCH):
        queued += queue(deliver_task, notification_ids[start : start + BATCH])
    return queued


def queue(task, *args, countdown: float | None = None) -> int:
    """Queue a task, or leave it to the next sweep if the broker is unreachable: a request or a
    transition never fails because of it, and nothing is lost (the ledger row is there)."""
    try:
        task.apply_async(args=args, countdown=countdown)
    except Exception as error:  # kombu raises OperationalError, redis-py its own, or OSError
        logger.warning("broker unreachable (%s): the next sweep will send", type(error).__name__)
        return 0
    return 1
