"""The idle expiry without a session write on every request (rmm.middleware)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

FLOOR = "password_change_done"  # a signed-in page that renders only the base template


def session_writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "django_session"')]


def test_an_idle_session_expires_after_the_idle_time(client, clinician, settings):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(clinician)
        assert client.get(reverse(FLOOR)).status_code == 200
        clock.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
        response = client.get(reverse(FLOOR))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_active_session_stays_open_well_past_the_idle_time(client, clinician, settings):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(clinician)
        for _minute in range(0, 3 * settings.SESSION_COOKIE_AGE, 5 * 60):  # a click every 5 min
            clock.shift(timedelta(minutes=5))
            assert client.get(reverse(FLOOR)).status_code == 200


def test_the_session_is_written_at_most_once_a_minute(client, clinician, settings):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(clinician)
        client.get(reverse(FLOOR))  # first request: the refresh time is recorded
        clock.shift(timedelta(seconds=settings.RMM_SESSION_REFRESH_SECONDS - 5))
        with CaptureQueriesContext(connection) as within:
            assert client.get(reverse(FLOOR)).status_code == 200
        assert session_writes(within.captured_queries) == []
        clock.shift(timedelta(seconds=10))
        with CaptureQueriesContext(connection) as after:
            assert client.get(reverse(FLOOR)).status_code == 200
        assert len(session_writes(after.captured_queries)) == 1


def test_the_expiry_is_never_later_than_the_idle_time_after_the_last_request(
    client, clinician, settings
):
    """A request that does not write leaves the expiry where the last write put it: the session
    still ends at most SESSION_COOKIE_AGE after the last request, at least one refresh interval
    earlier."""
    from django.contrib.sessions.models import Session

    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(clinician)
        client.get(reverse(FLOOR))
        clock.shift(timedelta(seconds=settings.RMM_SESSION_REFRESH_SECONDS - 1))
        client.get(reverse(FLOOR))
        remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining <= timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert remaining > timedelta(
        seconds=settings.SESSION_COOKIE_AGE - settings.RMM_SESSION_REFRESH_SECONDS
    )


def test_an_anonymous_visit_creates_no_session(client):
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("login"))
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
