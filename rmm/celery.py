"""The Celery application. Workers and beat read the same Django settings as the web server
(CELERY_* names), so the broker is Redis when REDIS_URL is set and the filesystem otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rmm.settings.local")

app = Celery("rmm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="rmm.ping")
def ping_task() -> str:
    """Answer 'pong': lets health checks and tests prove a real worker consumes the queue."""
    return "pong"
