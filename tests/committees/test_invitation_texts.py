"""What leaves the application as text stays well-formed: the .ics invitation whatever the
session's place holds, and the plain-text agenda e-mail without HTML entities."""

import pytest
from django.core import mail

from committees.ics import session_ics
from committees.services import sessions
from committees.tasks import send_agenda_task

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
    send_agenda_task(session.pk)
    [message] = mail.outbox
    assert "Salle d'Auvergne & co <1er étage>" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    assert "&#x27;" not in message.subject
    html = message.alternatives[0][0]
    assert "&lt;1er étage&gt;" in html  # the HTML part stays escaped
