"""Housekeeping run by Celery beat."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="accounts.tasks.clear_expired_sessions_task", ignore_result=False)
def clear_expired_sessions_task() -> int:
    """Delete expired sessions so that a stolen cookie of an idle user is worthless."""
    deleted, _by_model = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
