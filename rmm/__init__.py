"""RMM project package: settings, URL routing, WSGI entry point and the Celery application."""

from .celery import app as celery_app

__all__ = ["celery_app"]
