"""Liveness of the two services RMM cannot work without: the database and the Celery broker."""

from django.conf import settings
from django.db import connection
from kombu import Connection


def database_is_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def broker_is_up(timeout: float = 2.0) -> bool:
    broker = Connection(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=timeout,
    )
    try:
        broker.ensure_connection(max_retries=1, timeout=timeout)
        return True
    except Exception:
        return False
    finally:
        broker.release()
