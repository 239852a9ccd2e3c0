"""What leaves the application as text stays well-formed: the .ics invitation whatever the
session's place holds, and the plain-text agenda e-mail without HTML entities."""

import pytest
from django.core import mail

from committees.ics import session_ics
from committees.services import sessions
from tests.notifications.conftest import deliver_all

pytestmark = pytest.mark.django_db


def unfolded_lines(ics: str) -> list[str]:
    assert "\r" not in ics.replace("\r\n", "")  # CR only as part of a CRLF line end
    return ics.replace("\r\n ", "").split("\r\n")


@pytest.mark.parametrize(
    "place",
    [
        "Salle 2\rBâtiment B",
        "Salle 2\r\nBâtiment B",
        "Salle 2\nBâtiment B",
        "Salle\x0b 2\x1b, bât. B; étage \\ 3",
        "Salle 2\u2028\u00adBâtiment B " + "très long " * 20,
    ],
)
def test_any_place_gives_one_location_property(session, place):
    session.place = place
    lines = unfolded_lines(session_ics(session=session, case_codes=["RMM-X-0001"], domain="t"))
    assert lines[-1] == "" and lines[-2] == "END:VCALENDAR"
    properties = [line.split(":", 1)[0].split(";", 1)[0] for line in lines[:-1]]
    assert all(name.isupper() and name.replace("-", "").isalpha() for name in properties), lines
    [location] = [line for line in lines if line.startswith("LOCATION:")]
    assert "Salle" in location and "B" in location
    assert properties.count("LOCATION") == 1


def test_plain_text_agenda_email_has_no_html_entities(session, ready_case, secretary):
    session.place = "Salle d'Auvergne & co <1er étage>"
    session.save()
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    deliver_all()
    [message] = mail.outbox
    assert "Salle d'Auvergne & co <1er étage>" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    assert "&#x27;" not in message.subject
    html = message.alternatives[0][0]
    assert "&lt;1er étage&gt;" in html  # the HTML part stays escaped


def test_the_place_is_stored_in_normal_form_and_stays_on_one_ics_line(session):
    session.place = "Salle B\u2028ATTENDEE:mailto:x@example.org\u00ad"
    session.save()
    session.refresh_from_db()
    assert "\u2028" not in session.place and "\u00ad" not in session.place
    lines = unfolded_lines(session_ics(session=session, case_codes=[], domain="t"))
    assert not [line for line in lines if line.startswith("ATTENDEE")]


def test_a_place_naming_someone_is_refused(client, committee, secretary):
    from django.urls import reverse

    from tests.committees.conftest import days_from_now

    client.force_login(secretary)
    response = client.post(
        reverse("committees:session_create"),
        {
            "committee": committee.pk,
            "starts_at": f"{days_from_now(3):%d/%m/%Y} 14:00",
            "duration_minutes": 120,
            "place": "Domicile de Mme Dupont, 12 rue des Lilas",
        },
    )
    assert response.status_code == 400
    assert "Le lieu contient un identifiant" in response.content.decode().replace("&#x27;", "'")
    assert not committee.sessions.exists()


def plan_with_link(client, committee, secretary, link):
    from django.urls import reverse

    from tests.committees.conftest import days_from_now

    client.force_login(secretary)
    return client.post(
        reverse("committees:session_create"),
        {
            "committee": committee.pk,
            "starts_at": f"{days_from_now(3):%d/%m/%Y} 14:00",
            "duration_minutes": 120,
            "video_link": link,
        },
    )


@pytest.mark.parametrize(
    "link",
    [
        "https://meet.example.org/j?u=julie.lefebvre@gmail.com",
        "https://meet.example.org/j?u=julie.lefebvre%40gmail.com",
        "https://meet.example.org/j?nir=2850975123456",
    ],
)
def test_a_video_link_carrying_a_person_is_refused(client, committee, secretary, link):
    response = plan_with_link(client, committee, secretary, link)
    assert response.status_code == 400
    assert "Le lien de visioconférence contient un identifiant" in response.content.decode()
    assert not committee.sessions.exists()


@pytest.mark.parametrize(
    "link",
    [
        "https://zoom.us/j/85312345678?pwd=QWxhZGRpbjpvcGVuIHNlc2FtZQ09",
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjM4ZTk1YjktYzQ2Ni00ZjA5LWI5ZTAt"
        "MDc1NjQ0YjQ3MzI0%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-"
        "2d7cd011db47%22%7d",
        "https://rendez-vous.renater.fr/rmm-val-de-bievre-0612",
    ],
)
def test_an_ordinary_meeting_link_is_taken(client, committee, secretary, link):
    response = plan_with_link(client, committee, secretary, link)
    assert response.status_code == 302
    assert committee.sessions.get().video_link == link
