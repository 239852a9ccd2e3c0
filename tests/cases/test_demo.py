import pytest
from django.core.management import call_command

from cases.models import Case

pytestmark = pytest.mark.django_db


def test_demo_has_a_case_in_every_state_and_is_idempotent(settings):
    """Cases demo up to 'ready'; the committees demo moves some further (see its own test)."""
    settings.RMM_DEMO_ALLOWED = True
    call_command("load_demo")
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == {
        "draft",
        "declared",
        "excluded",
        "documenting",
        "ready",
        "scheduled",
        "reviewed",
        "action_follow_up",
        "closed",
    }
    count = Case.objects.count()
    call_command("load_demo")
    assert Case.objects.count() == count
    followed = Case.objects.get(status="action_follow_up")
    assert [t.transition for t in followed.transitions.all()] == [
        "declare",
        "accept",
        "submit_for_review",
        "schedule",
        "record_review",
        "adopt_action_plan",
    ]
