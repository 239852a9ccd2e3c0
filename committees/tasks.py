"""Celery tasks of the committees app: thin, idempotent enough to be retried."""

from celery import shared_task

from .models import Session


@shared_task(
    name="committees.tasks.send_agenda_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_agenda_task(session_id: int) -> int:
    """Email the agenda of a session to its committee's members; returns the number sent."""
    from .services.notices import agenda_email_send

    session = Session.objects.filter(pk=session_id).select_related("committee").first()
    if session is None:
        return 0
    return agenda_email_send(session=session)
