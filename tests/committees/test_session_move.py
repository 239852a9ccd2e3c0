"""Moving a session not yet held (date and time, duration, place or link): its agenda and
invitations stay, the move is written in its history, and whoever was told of the session is
told again (the professionals invited for a case always; the members and presenters once the
agenda was sent). Every role, every route, bad input and a stale page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from committees.models import Session
from committees.services import sessions
from committees.services.guests import guest_invite
from notifications.models import Kind, Notification
from notifications.texts import text_of
from rmm.errors import UserError
from tests.committees.conftest import days_from_now
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(committee, secretary, ready_case, other_maternity):
    session = sessions.session_plan(
        committee=committee, by=secretary, starts_at=days_from_now(10), place="Salle 2"
    )
    sessions.agenda_add(session=session, case=ready_case, by=secretary, presenter=secretary)
    doctor = member(Role.CLINICIAN, other_maternity, email="dr.smur@sud.test", full_name="Sam U")
    guest_invite(session=session, case=ready_case, user=doctor, function="SMUR", by=secretary)
    Notification.objects.all().delete()  # the invitation: not this test's
    return session, ready_case, doctor


def move_data(session, **changes) -> dict:
    data = {
        "starts_at": f"{days_from_now(12):%d/%m/%Y} 09:30",
        "duration_minutes": 90,
        "place": "Salle du conseil",
        "video_link": "",
        "expected_status": session.status,
        "expected_revision": Session.objects.get(pk=session.pk).times_moved(),
    }
    data.update(changes)
    return data


def test_the_secretary_moves_a_planned_session_and_its_guest_is_told(
    client, planned, secretary, committee_member
):
    session, case, doctor = planned
    before = timezone.localtime(session.starts_at)
    client.force_login(secretary)
    page = client.get(reverse("committees:session_detail", args=[session.pk]))
    assert reverse("committees:session_move", args=[session.pk]) in page.content.decode()
    response = client.post(
        reverse("committees:session_move", args=[session.pk]), move_data(session)
    )
    assert response.status_code == 302
    session.refresh_from_db()
    after = timezone.localtime(session.starts_at)
    assert (f"{after:%d/%m/%Y %H:%M}", session.place) == (
        f"{days_from_now(12):%d/%m/%Y} 09:30",
        "Salle du conseil",
    )
    assert session.agenda.get().case_id == case.pk  # the agenda stays
    record = session.transitions.get(transition="reschedule")
    assert record.transition_label == "Séance déplacée"
    assert (
        f"{before:%d/%m/%Y %H:%M}" in record.comment and f"{after:%d/%m/%Y %H:%M}" in record.comment
    )
    # Agenda not sent yet: the members were told nothing of it, the invited doctor was.
    (notice,) = Notification.objects.filter(kind=Kind.SESSION_MOVED)
    assert notice.recipient == doctor
    text = text_of(notice)
    assert text.title == f"Revue du cas {case.code} déplacée au {after:%d/%m/%Y}"
    assert f"prévue le {before:%d/%m/%Y}" in text.body and "09:30" in text.body
    assert "Salle du conseil" in text.body


def test_once_the_agenda_is_sent_members_and_presenters_are_told_too(
    client, planned, secretary, chair, committee_member
):
    session, _case, doctor = planned
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    Notification.objects.all().delete()
    client.force_login(chair)
    response = client.post(
        reverse("committees:session_move", args=[session.pk]),
        move_data(Session.objects.get(pk=session.pk)),
    )
    assert response.status_code == 302
    told = set(
        Notification.objects.filter(kind=Kind.SESSION_MOVED).values_list("recipient_id", flat=True)
    )
    assert {chair.pk, secretary.pk, committee_member.pk, doctor.pk} <= told
    assert Session.objects.get(pk=session.pk).status == "agenda_sent"


def test_nothing_changed_is_nothing_recorded(client, planned, secretary):
    session, _case, _doctor = planned
    client.force_login(secretary)
    data = move_data(
        session,
        starts_at=f"{timezone.localtime(session.starts_at):%d/%m/%Y %H:%M}",
        duration_minutes=session.duration_minutes,
        place=session.place,
    )
    assert (
        client.post(reverse("committees:session_move", args=[session.pk]), data).status_code == 302
    )
    assert not session.transitions.filter(transition="reschedule").exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"place": "Domicile de Mme Dupont, 12 rue des Lilas"}, "Le lieu contient un identifiant"),
        ({"starts_at": "31/02/2026 10:00"}, "Saisissez une date"),
        ({"duration_minutes": 5}, "entre 15 minutes et 10 heures"),
        ({"place": "", "video_link": ""}, "Indiquez un lieu ou un lien"),
        ({"video_link": "https://meet.example.org/j?u=julie@gmail.com"}, "contient un identifiant"),
    ],
)
def test_bad_input_is_refused_in_french_and_changes_nothing(
    client, planned, secretary, changes, message
):
    session, _case, _doctor = planned
    before = Session.objects.values("starts_at", "place", "duration_minutes").get(pk=session.pk)
    client.force_login(secretary)
    response = client.post(
        reverse("committees:session_move", args=[session.pk]), move_data(session, **changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert Session.objects.values("starts_at", "place", "duration_minutes").get(pk=session.pk) == (
        before
    )
    assert not Notification.objects.exists()


def test_a_stale_page_or_a_held_session_is_refused(client, planned, secretary):
    session, _case, _doctor = planned
    client.force_login(secretary)
    stale = client.post(
        reverse("committees:session_move", args=[session.pk]),
        move_data(session, expected_status="agenda_sent"),
        follow=True,
    )
    assert "La séance a changé entre-temps" in stale.content.decode()
    Session.objects.filter(pk=session.pk).update(status="held")
    assert client.get(reverse("committees:session_move", args=[session.pk])).status_code == 404
    with pytest.raises(UserError, match="ne se déplace plus"):
        sessions.session_reschedule(
            session=session,
            by=secretary,
            expected_status="held",
            starts_at=days_from_now(20),
        )
    assert not session.transitions.filter(transition="reschedule").exists()


def test_only_the_chair_and_the_secretary_move_it(client, planned, every_role, committee_member):
    session, _case, doctor = planned
    url = reverse("committees:session_move", args=[session.pk])
    before = Session.objects.get(pk=session.pk).starts_at
    for user in [*every_role.values(), committee_member, doctor]:
        if user.pk in {
            m.user_id for m in session.committee.members.filter(role__in=["chair", "secretary"])
        }:
            continue
        client.force_login(user)
        assert client.get(url).status_code in (302, 404), user.email  # 302: the charter first
        assert client.post(url, move_data(session)).status_code in (302, 404), user.email
        assert Session.objects.get(pk=session.pk).starts_at == before, user.email
    with pytest.raises(UserError):
        sessions.session_reschedule(
            session=session,
            by=committee_member,
            expected_status="planned",
            starts_at=days_from_now(20),
        )


def test_the_calendar_invitation_is_a_new_revision_of_the_same_event(client, planned, secretary):
    session, _case, _doctor = planned
    client.force_login(secretary)
    ics = reverse("committees:session_ics", args=[session.pk])
    assert "SEQUENCE:0" in client.get(ics).content.decode()
    client.post(reverse("committees:session_move", args=[session.pk]), move_data(session))
    moved = client.get(ics).content.decode()
    assert "SEQUENCE:1" in moved and f"UID:rmm-session-{session.pk}@" in moved


def test_a_move_page_shown_before_another_move_changes_nothing(client, planned, secretary, chair):
    """The chair's page was shown, then the secretary moved the session: the chair's old page
    would put the old date back."""
    session, _case, _doctor = planned
    shown = move_data(session, place="Salle B204")
    client.force_login(secretary)
    client.post(reverse("committees:session_move", args=[session.pk]), move_data(session))
    moved = Session.objects.values("starts_at", "place").get(pk=session.pk)
    Notification.objects.all().delete()
    client.force_login(chair)
    response = client.post(
        reverse("committees:session_move", args=[session.pk]), shown, follow=True
    )
    assert "La séance a changé entre-temps" in response.content.decode()
    assert Session.objects.values("starts_at", "place").get(pk=session.pk) == moved
    assert not Notification.objects.exists()


def test_a_session_is_never_moved_into_the_past(client, planned, secretary):
    session, _case, _doctor = planned
    client.force_login(secretary)
    response = client.post(
        reverse("committees:session_move", args=[session.pk]),
        move_data(session, starts_at=f"{days_from_now(-2):%d/%m/%Y} 10:00"),
        follow=True,
    )
    assert "Une séance se déplace vers une date à venir" in response.content.decode()
    assert not session.transitions.filter(transition="reschedule").exists()


def test_a_guest_whose_case_left_the_agenda_is_told_nothing_more(client, planned, secretary):
    session, _case, doctor = planned
    sessions.agenda_remove(session=session, item=session.agenda.get(), by=secretary)
    Notification.objects.all().delete()
    client.force_login(secretary)
    client.post(reverse("committees:session_move", args=[session.pk]), move_data(session))
    assert session.transitions.filter(transition="reschedule").exists()
    assert not Notification.objects.filter(recipient=doctor).exists()


def test_a_cancellation_is_a_new_revision_of_the_event_too(client, planned, secretary):
    session, _case, _doctor = planned
    client.force_login(secretary)
    sessions.session_transition(
        session=session, name="cancel", by=secretary, expected_status="planned", reason="Grève."
    )
    ics = client.get(reverse("committees:session_ics", args=[session.pk])).content.decode()
    assert "SEQUENCE:1" in ics and "STATUS:CANCELLED" in ics


def test_a_session_already_begun_may_still_change_room_without_changing_its_time(
    planned, secretary
):
    """Its start has passed (not yet marked held): its place can be corrected, its date kept;
    the refusal of a past date is for a date that changes."""
    session, _case, _doctor = planned
    Session.objects.filter(pk=session.pk).update(starts_at=days_from_now(-1))
    begun = Session.objects.get(pk=session.pk)
    sessions.session_reschedule(
        session=begun,
        by=secretary,
        expected_status="planned",
        starts_at=begun.starts_at,
        place="Salle B204",
    )
    assert Session.objects.get(pk=session.pk).place == "Salle B204"
    with pytest.raises(UserError, match="date à venir"):
        sessions.session_reschedule(
            session=begun, by=secretary, expected_status="planned", starts_at=days_from_now(-2)
        )
