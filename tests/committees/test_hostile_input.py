"""Hostile input on the session and minutes pages answers a page or a 404, never a 500:
non-ASCII digits in ids, ids beyond any integer, NUL characters in texts, absurd dates."""

import html

import pytest
from django.urls import reverse

from committees.models import Session

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("value", ["²", "١٢", "-1", "9" * 40, "1.5", "\x00", ""])
def test_tampered_case_ids_are_refused_in_french(client, session, secretary, value):
    client.force_login(secretary)
    url = reverse("committees:agenda_add", args=[session.pk])
    response = client.post(url, {"case": value}, follow=True)
    assert response.status_code == 200
    assert "Saisie refusée" in text(response)
    assert not session.agenda.exists()


@pytest.mark.parametrize("value", ["²", "١٢", "9" * 40])
def test_tampered_presenter_and_attendance_keys(client, session, secretary, ready_case, value):
    client.force_login(secretary)
    add = reverse("committees:agenda_add", args=[session.pk])
    response = client.post(add, {"case": ready_case.pk, "presenter": value}, follow=True)
    assert "Saisie refusée" in text(response)
    assert not session.agenda.exists()
    response = client.post(
        reverse("committees:attendance", args=[session.pk]), {f"member_{value}": "present"}
    )
    assert response.status_code == 302
    assert not session.attendance.exists()


def test_nul_characters_in_a_reason_are_stripped_before_anything_is_stored(
    client, session, secretary
):
    client.force_login(secretary)
    url = reverse("committees:session_transition", args=[session.pk, "cancel"])
    response = client.post(
        url, {"expected_status": session.status, "reason": "Grève\x00 des\u00ad transports"}
    )
    assert response.status_code == 302
    session = Session.objects.get(pk=session.pk)
    assert session.status == "cancelled"
    assert session.cancellation_reason == "Grève des transports"
    assert session.transitions.get().comment == "Grève des transports"


@pytest.mark.parametrize("version", ["²", "١", "9" * 40, "\x00"])
def test_minutes_tampered_version_or_nul_reason(client, session, secretary, version):
    client.force_login(secretary)
    url = reverse("committees:minutes", args=[session.pk])
    assert client.post(url, {"action": "validate", "version": version}).status_code == 404
    response = client.post(url, {"action": "draft", "correction_reason": "x\x00"}, follow=True)
    assert response.status_code == 200
    assert "Saisie refusée" in text(response)
    assert not session.minutes.exists()


@pytest.mark.parametrize("moment", ["01/01/0001 00:00", "31/12/9999 23:59", "31/12/1899 10:00"])
def test_session_dates_outside_1900_2100_are_refused(client, committee, secretary, moment):
    client.force_login(secretary)
    response = client.post(
        reverse("committees:session_create"),
        {
            "committee": committee.pk,
            "starts_at": moment,
            "duration_minutes": 120,
            "place": "Salle",
        },
    )
    assert response.status_code == 400
    assert "Saisissez une date entre 1900 et 2100." in text(response)
