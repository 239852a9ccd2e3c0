"""What users and administrators do with notifications: read them, choose how they are
e-mailed, resend a failed e-mail (through its ledger row: it is the same message, sent once)."""

from django.db import transaction
from django.utils import timezone

from .models import EmailState, Notification, NotificationSettings


def mark_read(*, user, notification_ids=None) -> int:
    """Mark the user's notifications as read (all of them without ids); returns how many."""
    unread = Notification.objects.unread().filter(recipient=user)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def preferences_save(*, user, language: str, deliveries: dict[str, str]) -> NotificationSettings:
    preferences, _created = NotificationSettings.objects.get_or_create(user=user)
    preferences.language = language
    preferences.deliveries = deliveries
    preferences.save(update_fields=["language", "deliveries"])
    return preferences


def resend_failed(*, notification_ids) -> list[int]:
    """Put failed e-mails back in the queue (attempts counted afresh); returns their ids. Only
    failed ones: a sent e-mail is never sent again from here."""
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update()
            .filter(pk__in=notification_ids, email=EmailState.FAILED)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            email=EmailState.PENDING, email_attempts=0, email_retry_at=None, email_error=""
        )
    if ids:
        from .tasks import dispatch

        transaction.on_commit(lambda: dispatch(ids))
    return ids
