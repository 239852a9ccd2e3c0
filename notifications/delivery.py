"""Sending a notification's e-mail: claimed in the ledger first (only one worker sends it), sent
as one message to one recipient, in their language, then marked sent. A mail failure is
retried later with a growing delay and, after the last attempt, recorded as a failure that an
administrator can resend (through the same row, so never twice)."""

import logging
import smtplib
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from committees.models import Session
from committees.selectors import agenda_of

from .ledger import sendable
from .models import EmailState, Kind, Notification, NotificationSettings
from .texts import absolute, text_of

logger = logging.getLogger(__name__)

# Delays before the next attempt after a mail failure (the last one is final).
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def claim(notification_id: int, now) -> bool:
    """Take the e-mail for sending: one UPDATE, so two workers never both get it."""
    return bool(
        Notification.objects.filter(sendable(now), pk=notification_id).update(
            email=EmailState.SENDING,
            email_claimed_at=now,
            email_attempts=F("email_attempts") + 1,
        )
    )


def deliver(notification_id: int) -> str:
    """Send one notification's e-mail if it is still to be sent; returns what happened."""
    now = timezone.now()
    if not claim(notification_id, now):
        return "skipped"
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if not notification.recipient.is_active:
        _finish(notification, now, EmailState.OFF)
        return "off"
    items = _digest_items(notification) if notification.kind == Kind.DIGEST else []
    if notification.kind == Kind.DIGEST and not items:
        _finish(notification, now, EmailState.OFF)
        return "off"
    try:
        message(notification, items).send()
    except MAIL_ERRORS as error:
        return _failed(notification, now, error)
    with transaction.atomic():
        _finish(notification, now, EmailState.SENT)
        if items:
            Notification.objects.filter(
                pk__in=[item.pk for item in items], email=EmailState.DIGEST
            ).update(email=EmailState.DIGESTED, digest=notification, email_sent_at=now)
    return "sent"


def _finish(notification, claimed_at, state) -> None:
    Notification.objects.filter(
        pk=notification.pk, email=EmailState.SENDING, email_claimed_at=claimed_at
    ).update(
        email=state,
        email_sent_at=timezone.now() if state == EmailState.SENT else None,
        email_retry_at=None,
        email_error="",
    )


def _failed(notification, claimed_at, error) -> str:
    """Record the failure (its kind only: a mail server's message may quote addresses)."""
    attempts = notification.email_attempts
    final = attempts > len(RETRY_DELAYS) or attempts >= settings.RMM_NOTIFICATION_MAX_ATTEMPTS
    retry_at = (
        None if final else timezone.now() + RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
    )
    code = getattr(error, "smtp_code", None)
    Notification.objects.filter(
        pk=notification.pk, email=EmailState.SENDING, email_claimed_at=claimed_at
    ).update(
        email=EmailState.FAILED if final else EmailState.PENDING,
        email_retry_at=retry_at,
        email_error=f"{type(error).__name__}{f' {code}' if code else ''}"[:200],
    )
    logger.warning(
        "notification %s: e-mail attempt %s failed (%s)%s",
        notification.pk,
        attempts,
        type(error).__name__,
        "; final" if final else "",
    )
    return "failed" if final else "retry"


def retry_delay_of(notification_id: int) -> float | None:
    """Seconds until the failed e-mail may be tried again (None if it may not)."""
    retry_at = (
        Notification.objects.filter(pk=notification_id, email=EmailState.PENDING)
        .values_list("email_retry_at", flat=True)
        .first()
    )
    return max(0.0, (retry_at - timezone.now()).total_seconds()) if retry_at else None


def _digest_items(digest: Notification) -> list[Notification]:
    return list(
        Notification.objects.filter(
            recipient_id=digest.recipient_id,
            email=EmailState.DIGEST,
            created_at__lte=digest.created_at,
        ).order_by("created_at", "pk")
    )


def language_of(user) -> str:
    preferences = NotificationSettings.objects.filter(user=user).first()
    return preferences.language if preferences else settings.LANGUAGE_CODE


def message(notification: Notification, items: list[Notification]) -> EmailMultiAlternatives:
    """The e-mail: subject, text and HTML parts in the recipient's language, absolute links,
    one recipient, a Message-ID of its own (a mail system that sees it twice keeps one)."""
    with translation.override(language_of(notification.recipient)):
        text = text_of(notification)
        context = {
            "notification": notification,
            "text": text,
            "url": absolute(notification.link),
            "preferences_url": absolute(reverse("notifications:preferences")),
            "items": [(text_of(item), absolute(item.link)) for item in items],
            # No request here, so no context processor: the HTML part's lang="" needs it.
            "LANGUAGE_CODE": translation.get_language(),
            **_agenda_context(notification),
        }
        subject = render_to_string("notifications/email/subject.txt", context).strip()
        body = render_to_string("notifications/email/message.txt", context)
        html = render_to_string("notifications/email/message.html", context)
    email = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        to=[notification.recipient.email],
        headers={
            "Message-ID": f"<rmm-notification-{notification.pk}@{_mail_domain()}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    email.attach_alternative(html, "text/html")
    return email


def _mail_domain() -> str:
    return urlsplit(settings.RMM_SITE_URL).hostname or "rmm.localhost"


def _agenda_context(notification: Notification) -> dict:
    """The agenda e-mail lists the cases by code and kind (never more than the committee sees
    before opening RMM)."""
    # An invitation of a guest shares the agenda's kind but never shows the agenda.
    if notification.kind != Kind.AGENDA or notification.subject_type != "committees.session":
        return {}
    session = Session.objects.filter(pk=notification.subject_id).select_related("committee").first()
    if session is None:
        return {}
    return {"session": session, "agenda": agenda_of(session=session)}
