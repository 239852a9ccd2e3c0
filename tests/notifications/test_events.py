"""Event notifications: written with the change that causes them (a refused change tells no
one), their e-mails queued only once it commits, one message per recipient, recorded."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from actions.services import action_propose, action_transition
from cases.exceptions import TransitionRefused
from cases.services.transitions import case_transition
from committees.services import reviews, sessions
from notifications.models import EmailState, Kind, Notification
from tests.committees.conftest import all_present, full_review
from tests.factories import CaseFactory, canary_fragments

from .conftest import deliver_all

pytestmark = pytest.mark.django_db


def rows(kind):
    return list(Notification.objects.filter(kind=kind).order_by("recipient_id"))


def test_agenda_sent_tells_each_member_once_by_their_own_message_after_commit(
    settings,
    session,
    ready_case,
    secretary,
    chair,
    committee_member,
    queued,
    django_capture_on_commit_callbacks,
):
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sessions.session_transition(
            session=session, name="send_agenda", by=secretary, expected_status="planned"
        )
    assert {n.recipient for n in rows(Kind.AGENDA)} == {secretary, chair, committee_member}
    assert queued == [] and mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    [(task, (ids,), _countdown)] = queued
    assert task == "notifications.tasks.deliver_task"
    assert sorted(ids) == sorted(n.pk for n in rows(Kind.AGENDA))

    deliver_all()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [secretary.email, chair.email, committee_member.email]
    )
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.bcc and not message.cc
        assert message.subject.startswith("RMM — ordre du jour de la séance du")
        assert ready_case.code in message.body
        html = message.alternatives[0][0]
        assert ready_case.code in html
        assert f"{settings.RMM_SITE_URL}/seances/{session.pk}/" in message.body
        for fragment in canary_fragments():
            assert fragment not in message.body and fragment not in html, fragment
        assert ready_case.summary not in message.body
    assert {n.email for n in Notification.objects.all()} == {EmailState.SENT}
    assert deliver_all() == {}  # nothing left: never twice
    assert len(mail.outbox) == 3


def test_e_mail_links_are_absolute_on_the_public_address(
    settings, session, ready_case, secretary, queued
):
    settings.RMM_SITE_URL = "https://rmm.chu-exemple.fr"
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    deliver_all()
    [message] = mail.outbox
    assert f"https://rmm.chu-exemple.fr/seances/{session.pk}/" in message.body
    assert "127.0.0.1" not in message.body
    assert 'href="https://rmm.chu-exemple.fr/' in message.alternatives[0][0]
    assert message.extra_headers["Message-ID"].endswith("@rmm.chu-exemple.fr>")


def test_declaring_tells_the_coordinators_of_the_declaring_organisation(
    maternity, clinician, coordinator, quality_manager, outsider, queued
):
    case = CaseFactory(organisation=maternity, territory=maternity.parent, declared_by=clinician)
    case_transition(case_id=case.pk, name="declare", by=clinician, expected_status="draft")
    [notification] = rows(Kind.CASE_DECLARED)
    assert notification.recipient == coordinator
    assert notification.link == f"/cas/{case.pk}/"
    assert notification.params == {"code": case.code}


def test_a_refused_transition_tells_no_one(maternity, clinician, coordinator, queued):
    case = CaseFactory(
        organisation=maternity,
        territory=maternity.parent,
        declared_by=clinician,
        status="documenting",
        summary="",
    )
    with pytest.raises(TransitionRefused):
        case_transition(
            case_id=case.pk,
            name="submit_for_review",
            by=coordinator,
            expected_status="documenting",
        )
    assert not Notification.objects.exists() and queued == []


def test_a_case_ready_tells_the_planners_of_the_covering_committees_each_time(
    maternity, clinician, coordinator, chair, secretary, committee_member, queued
):
    case = CaseFactory(
        organisation=maternity,
        territory=maternity.parent,
        declared_by=clinician,
        status="ready",
    )
    from notifications.events import case_ready

    case.ready_at = timezone.now()
    case_ready(instance=case)
    case.ready_at += timedelta(days=3)  # sent back, documented and submitted again
    case_ready(instance=case)
    notified = [(n.recipient, n.occasion) for n in rows(Kind.CASE_READY)]
    assert {recipient for recipient, _ in notified} == {chair, secretary}
    assert len(notified) == 4


def test_an_approved_action_tells_its_owner(
    session, ready_case, secretary, chair, clinician, quality_manager, queued
):
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(session, secretary)
    reviews.review_record(session=session, case=ready_case, by=chair, review=full_review())
    today = timezone.localdate()
    fields = {
        "what_changes": "Protocole de transfert révisé",
        "barrier": "recovery",
        "nature": "protocol",
        "owner_organisation": ready_case.organisation,
        "owner_function": "Cadre de la salle de naissance",
        "due_date": today + timedelta(days=30),
        "indicator": "Audit de 20 dossiers",
        "indicator_check_date": today + timedelta(days=90),
    }
    named = action_propose(
        session=session, cases=[ready_case], by=chair, fields={**fields, "owner_person": clinician}
    )
    unnamed = action_propose(session=session, cases=[ready_case], by=chair, fields=fields)
    assert not rows(Kind.ACTION_ASSIGNED)  # a proposal is not yet an assignment
    for action in (named, unnamed):
        action_transition(action_id=action.pk, name="approve", by=chair, expected_status="proposed")
    assigned = {(n.subject_id, n.recipient) for n in rows(Kind.ACTION_ASSIGNED)}
    assert assigned == {(named.pk, clinician), (unnamed.pk, quality_manager)}
    deliver_all()
    bodies = " ".join(m.body for m in mail.outbox)
    assert f"A{named.pk}" in bodies and "Protocole de transfert" not in bodies
    assert clinician.full_name not in bodies
    # A named owner who has left the owning organisation by the approval: its quality team.
    from accounts.models import Membership

    left = action_propose(
        session=session, cases=[ready_case], by=chair, fields={**fields, "owner_person": clinician}
    )
    Membership.objects.filter(user=clinician, organisation=ready_case.organisation).update(
        is_active=False
    )
    action_transition(action_id=left.pk, name="approve", by=chair, expected_status="proposed")
    told = {n.recipient for n in rows(Kind.ACTION_ASSIGNED) if n.subject_id == left.pk}
    assert told == {quality_manager}


def test_a_cancelled_session_tells_its_members_presenters_and_guests(
    maternity, other_maternity, clinician, committee, chair, secretary, committee_member,
    queued, django_capture_on_commit_callbacks,
):  # fmt: skip
    """Whoever expected to be there hears of it, once, by e-mail whatever their preferences;
    a guest by their case's code; nobody by the reason or anything identifying."""
    from accounts.models import Role
    from committees.models import AgendaItem, Session
    from committees.services.guests import guest_invite
    from tests.committees.conftest import days_from_now
    from tests.factories import member

    session = Session.objects.create(
        committee=committee, starts_at=days_from_now(5), place="Salle", created_by=secretary
    )
    case = CaseFactory(
        organisation=maternity, territory=maternity.parent, declared_by=clinician,
        status="scheduled",
    )  # fmt: skip
    AgendaItem.objects.create(session=session, case=case, presenter=clinician)  # its declarant
    doctor = member(Role.CLINICIAN, other_maternity, email="dr.smur@sud.test", full_name="Sam")
    guest_invite(session=session, case=case, user=doctor, function="Médecin SMUR", by=secretary)
    with django_capture_on_commit_callbacks(execute=True):
        sessions.session_transition(
            session=session, name="cancel", by=secretary, expected_status="planned",
            reason="Salle indisponible ce jour-là.",
        )  # fmt: skip
    told = rows(Kind.SESSION_CANCELLED)
    assert sorted(n.recipient_id for n in told) == sorted(
        user.pk for user in (chair, secretary, committee_member, clinician, doctor)
    )
    deliver_all()
    cancelled = [m for m in mail.outbox if "annulée" in m.subject]
    assert sorted(m.to[0] for m in cancelled) == sorted(
        user.email for user in (chair, secretary, committee_member, clinician, doctor)
    )
    day = timezone.localtime(session.starts_at).strftime("%d/%m/%Y")
    for message in cancelled:
        assert "Salle indisponible" not in message.body  # the reason stays on the session page
        for fragment in canary_fragments():
            assert fragment not in message.body, fragment
        if message.to == [doctor.email]:
            assert message.subject == f"RMM — Revue du cas {case.code} du {day} annulée"
            assert f"{case.code} devait être revu est annulée" in message.body
        else:
            assert message.subject == f"RMM — Séance du {day} annulée"
            assert committee.name in message.body and case.code not in message.body
            assert f"/seances/{session.pk}/" in message.body
    # Told once: nothing more to send, and a cancelled session cannot be cancelled again.
    assert deliver_all() == {}


def test_a_refused_cancellation_tells_no_one(session, committee_member, queued):
    with pytest.raises(Exception, match="rôle"):
        sessions.session_transition(
            session=session, name="cancel", by=committee_member, expected_status="planned",
            reason="Motif sans identifiant.",
        )  # fmt: skip
    assert rows(Kind.SESSION_CANCELLED) == []
