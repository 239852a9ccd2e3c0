import pytest
from django.core import mail

from committees.services import sessions
from committees.tasks import send_agenda_task
from tests.factories import canary_fragments

pytestmark = pytest.mark.django_db


def test_sending_the_agenda_queues_the_email_after_commit(
    session, ready_case, secretary, django_capture_on_commit_callbacks
):
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sessions.session_transition(
            session=session, name="send_agenda", by=secretary, expected_status="planned"
        )
    assert [cb for cb in callbacks if cb.__qualname__.startswith("announce_agenda")]
    assert mail.outbox == []  # nothing leaves before the transaction commits


def test_agenda_email_lists_codes_only_and_reaches_every_member(
    session, ready_case, secretary, chair, committee_member
):
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    assert send_agenda_task(session.pk) == 3
    [message] = mail.outbox
    assert set(message.bcc) == {secretary.email, chair.email, committee_member.email}
    assert message.subject.startswith("RMM — ordre du jour de la séance du")
    assert ready_case.code in message.body
    html_body = message.alternatives[0][0]
    for fragment in canary_fragments():
        assert fragment not in message.body and fragment not in html_body, fragment
    assert ready_case.summary not in message.body


def test_agenda_task_for_a_deleted_session_sends_nothing():
    assert send_agenda_task(999999) == 0
    assert mail.outbox == []
