"""The demo shows reminders firing (issue 10, point 6): after `load_demo`, every reminder the
demo can show has been recorded for its people, by the sweep that loading runs; loading again
adds nothing."""

import pytest
from django.core.management import call_command

from actions.models import CorrectiveAction
from cases.models import Case
from committees.models import Session
from notifications.models import REMINDER_KINDS, EmailState, Kind, Notification

pytestmark = pytest.mark.django_db

# 'In documentation for 30 days' needs a transition dated a month ago: the audit is
# append-only, so the demo does not fake it.
NOT_IN_DEMO = {Kind.CASE_DOCUMENTING_LONG}


def counts():
    return (
        Notification.objects.count(),
        Session.objects.count(),
        Case.objects.count(),
        CorrectiveAction.objects.count(),
        list(Notification.objects.order_by("pk").values_list("pk", "email")),
    )


def test_the_demo_shows_every_reminder_firing_once(settings, queued):
    settings.RMM_DEMO_ALLOWED = True
    call_command("load_demo")
    recorded = {
        kind: set(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))
        for kind in REMINDER_KINDS
    }
    missing = {kind for kind, people in recorded.items() if not people} - NOT_IN_DEMO
    assert missing == set()
    assert "referent@rmm-demo.fr" in recorded[Kind.PREPARE_PRESENTATION]
    assert recorded[Kind.SESSION_TOMORROW] >= {"membre@rmm-demo.fr", "president@rmm-demo.fr"}
    assert "secretaire@rmm-demo.fr" in recorded[Kind.MINUTES_DUE]
    assert "referent@rmm-demo.fr" in recorded[Kind.CASE_NOT_ACCEPTED]
    # Recorded by the sweep, to be e-mailed by the worker: nothing sent while loading.
    assert not Notification.objects.filter(email=EmailState.SENT).exists()

    before = counts()
    call_command("load_demo")
    assert counts() == before
