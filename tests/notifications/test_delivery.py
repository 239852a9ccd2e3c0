"""E-mail delivery from the ledger: claimed before sending (never by two workers), retried with a
growing delay after a mail failure, recorded as failed after the last attempt, resent only
through its own row; a worker that died while sending leaves it to be taken up after a lease."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications import delivery, tasks
from notifications.ledger import Due, record, sendable_ids
from notifications.models import EmailState, Kind, Notification
from notifications.services import resend_failed

pytestmark = pytest.mark.django_db


@pytest.fixture
def notification(clinician):
    record(
        [
            Due(
                Kind.ACTION_OVERDUE,
                "actions.correctiveaction",
                7,
                clinician.pk,
                "2026-01-01:0",
                {"due_date": "2026-01-01"},
                "/actions/7/",
            )
        ]
    )
    return Notification.objects.get()


def test_recording_twice_keeps_one_row(clinician, notification):
    record([Due(Kind.ACTION_OVERDUE, "actions.correctiveaction", 7, clinician.pk, "2026-01-01:0")])
    assert Notification.objects.count() == 1


def test_one_claim_wins(notification):
    now = timezone.now()
    assert delivery.claim(notification.pk, now) is True
    assert delivery.claim(notification.pk, now) is False  # a second worker gets nothing
    assert delivery.deliver(notification.pk) == "skipped"
    assert mail.outbox == []


def test_a_claim_abandoned_by_a_dead_worker_is_taken_up_after_the_lease(settings, notification):
    settings.RMM_NOTIFICATION_LEASE_SECONDS = 60
    claimed_at = timezone.now() - timedelta(seconds=30)
    assert delivery.claim(notification.pk, claimed_at)
    assert notification.pk not in sendable_ids()
    Notification.objects.filter(pk=notification.pk).update(
        email_claimed_at=timezone.now() - timedelta(seconds=61)
    )
    assert sendable_ids() == [notification.pk]
    assert delivery.deliver(notification.pk) == "sent"
    assert len(mail.outbox) == 1
    assert Notification.objects.get().email == EmailState.SENT


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"destinataire@exemple.fr": (550, b"refused")})


def test_mail_failures_are_retried_with_backoff_then_recorded(
    settings, notification, monkeypatch, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    settings.RMM_NOTIFICATION_MAX_ATTEMPTS = 3
    requeued = []
    monkeypatch.setattr(
        tasks, "queue", lambda task, *args, countdown=None: requeued.append(countdown) or 1
    )
    delays = []
    for _attempt in range(2):
        assert tasks.deliver_task([notification.pk]) == {"retry": 1}
        row = Notification.objects.get()
        assert row.email == EmailState.PENDING and row.email_retry_at > timezone.now()
        assert row.email_error == "SMTPRecipientsRefused"  # the kind only, no address
        delays.append(row.email_retry_at - timezone.now())
        assert notification.pk not in sendable_ids()  # not before its retry time
        Notification.objects.update(email_retry_at=timezone.now() - timedelta(seconds=1))
    assert delays[1] > delays[0]  # the delay grows
    assert len(requeued) == 2 and requeued[1] > requeued[0]
    assert tasks.deliver_task([notification.pk]) == {"failed": 1}
    row = Notification.objects.get()
    assert row.email == EmailState.FAILED and row.email_attempts == 3
    assert sendable_ids() == []
    assert "destinataire@exemple.fr" not in caplog.text


def test_resend_goes_through_the_same_row_and_only_for_failures(settings, notification):
    Notification.objects.update(email=EmailState.FAILED, email_attempts=5, email_error="X")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert resend_failed(notification_ids=[notification.pk]) == [notification.pk]
    assert delivery.deliver(notification.pk) == "sent"
    assert resend_failed(notification_ids=[notification.pk]) == []  # sent: never again
    assert delivery.deliver(notification.pk) == "skipped"
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_a_deactivated_recipient_gets_no_e_mail(notification, clinician, administrator):
    from accounts.services import user_set_active

    user_set_active(user=clinician, active=False, by=administrator)
    assert delivery.deliver(notification.pk) == "off"
    assert mail.outbox == []


def test_the_sweep_task_queues_every_sendable_e_mail_in_batches(
    clinician, coordinator, monkeypatch
):
    record(
        [
            Due(Kind.ACTION_DUE, "actions.correctiveaction", pk, user.pk, "d", {}, "/actions/")
            for pk in range(60)
            for user in (clinician, coordinator)
        ]
    )
    batches = []
    monkeypatch.setattr(
        tasks, "queue", lambda task, ids, countdown=None: batches.append(list(ids)) or 1
    )
    assert tasks.sweep_task() == 3
    assert [len(batch) for batch in batches] == [50, 50, 20]
    assert sorted(pk for batch in batches for pk in batch) == sendable_ids()


def test_queueing_never_fails_when_the_broker_is_down(settings):
    from rmm.celery import app

    def fresh_connections():
        # An earlier test that queued a task left a producer connected to the real broker:
        # without this, the task would go through it whatever the URL says.
        app.pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None

    broker = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    fresh_connections()
    try:
        started = timezone.now()
        assert tasks.queue(tasks.deliver_task, [1]) == 0
        assert timezone.now() - started < timedelta(seconds=10)
    finally:
        app.conf.broker_url = broker
        fresh_connections()
