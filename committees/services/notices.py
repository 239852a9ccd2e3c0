"""The emails the committees app sends. Texts carry case codes and pseudonymised facts only,
never identity (they leave the application)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from ..models import Session
from ..selectors import agenda_of


def agenda_email_send(*, session: Session) -> int:
    members = session.committee.members.filter(is_active=True, user__is_active=True)
    recipients = sorted({member.user.email for member in members.select_related("user")})
    if not recipients:
        return 0
    context = {
        "session": session,
        "agenda": agenda_of(session=session),
        "site_url": settings.RMM_SITE_URL,
    }
    subject = render_to_string("committees/email/agenda_subject.txt", context).strip()
    body = render_to_string("committees/email/agenda_body.txt", context)
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=[settings.DEFAULT_FROM_EMAIL], bcc=recipients
    )
    message.attach_alternative(
        render_to_string("committees/email/agenda_body.html", context), "text/html"
    )
    message.send()
    return len(recipients)
