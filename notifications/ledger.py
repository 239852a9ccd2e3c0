"""The ledger: a notification is claimed by inserting its row, unique on (kind, subject,
recipient, occasion). Whoever inserts second (a concurrent sweep, a retried task, an event and
the sweep's reminder of the same agenda) inserts nothing, so nothing is told twice."""

import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from .models import Delivery, EmailState, Notification, NotificationSettings


@dataclass(frozen=True)
class Due:
    """Something to tell someone once: what, about which object, to whom, for which occasion
    (the session's date, the due date, the week of lateness...)."""

    kind: str
    subject_type: str
    subject_id: int
    recipient_id: int
    occasion: str
    params: dict = field(default_factory=dict, hash=False, compare=False)
    link: str = field(default="", hash=False, compare=False)


def _key(due: Due) -> tuple:
    return (due.kind, due.subject_type, due.subject_id, due.recipient_id, due.occasion)


_STATE_OF_DELIVERY = {
    Delivery.IMMEDIATE: EmailState.PENDING,
    Delivery.DIGEST: EmailState.DIGEST,
    Delivery.OFF: EmailState.OFF,
}


def record(dues: list[Due], *, now=None) -> None:
    """Insert the rows of what is due, leaving those already there as they are (a constant
    number of queries whatever their number). The e-mail state follows each recipient's
    preference."""
    if not dues:
        return
    now = now or timezone.now()
    # In the order of the unique key: two transactions inserting overlapping rows (two sweeps,
    # a sweep and an event) then wait for each other in the same order and never deadlock.
    unique = sorted(set(dues), key=_key)
    preferences = {
        item.user_id: item
        for item in NotificationSettings.objects.filter(
            user_id__in={due.recipient_id for due in unique}
        )
    }
    default = NotificationSettings()
    states: dict[tuple[int, str], str] = {}
    for due in unique:
        key = (due.recipient_id, due.kind)
        if key not in states:
            delivery = preferences.get(due.recipient_id, default).delivery_of(due.kind)
            states[key] = _STATE_OF_DELIVERY[delivery]
    if connection.vendor == "postgresql":
        _insert_from_arrays(unique, states, now)
        return
    Notification.objects.bulk_create(
        [
            Notification(
                kind=due.kind,
                recipient_id=due.recipient_id,
                subject_type=due.subject_type,
                subject_id=due.subject_id,
                occasion=due.occasion[:40],
                params=due.params,
                link=due.link[:200],
                created_at=now,
                email=states[(due.recipient_id, due.kind)],
            )
            for due in unique
        ],
        ignore_conflicts=True,
    )


# One statement whatever the number of rows: the values travel as nine arrays (a sweep over
# 100,000 due actions would otherwise send millions of parameters), and rows already in the
# ledger are skipped by its unique index.
_INSERT = """
INSERT INTO notifications_notification (
    kind, recipient_id, subject_type, subject_id, occasion, params, link, created_at,
    email, email_attempts, email_error
)
SELECT kind, recipient_id, subject_type, subject_id, occasion, params::jsonb, link, %s,
       email, 0, ''
FROM unnest(
    %s::varchar[], %s::bigint[], %s::varchar[], %s::bigint[], %s::varchar[], %s::text[],
    %s::varchar[], %s::varchar[]
) WITH ORDINALITY AS due (
    kind, recipient_id, subject_type, subject_id, occasion, params, link, email, position
)
ORDER BY position
ON CONFLICT DO NOTHING
"""


def _insert_from_arrays(unique: list[Due], states, now) -> None:
    columns = (
        [due.kind for due in unique],
        [due.recipient_id for due in unique],
        [due.subject_type for due in unique],
        [due.subject_id for due in unique],
        [due.occasion[:40] for due in unique],
        [json.dumps(due.params) for due in unique],
        [due.link[:200] for due in unique],
        [states[(due.recipient_id, due.kind)] for due in unique],
    )
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, [now, *columns])


def lease() -> timedelta:
    """How long an e-mail may stay 'sending' before it is taken up again (its worker died)."""
    return timedelta(seconds=settings.RMM_NOTIFICATION_LEASE_SECONDS)


def sendable(now) -> Q:
    """E-mails that may be claimed now: waiting (and past their retry time), or claimed by a
    worker that has not finished within the lease."""
    waiting = Q(email=EmailState.PENDING) & (
        Q(email_retry_at__isnull=True) | Q(email_retry_at__lte=now)
    )
    abandoned = Q(email=EmailState.SENDING, email_claimed_at__lt=now - lease())
    return waiting | abandoned


def sendable_ids(*, now=None, limit: int | None = None) -> list[int]:
    now = now or timezone.now()
    ids = Notification.objects.filter(sendable(now)).order_by("pk").values_list("pk", flat=True)
    return list(ids[:limit] if limit else ids)
