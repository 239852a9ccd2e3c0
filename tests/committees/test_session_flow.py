"""A whole session through the pages: plan, agenda, attendance, review, minutes, PDF."""

import html
from datetime import UTC

import pytest
from django.urls import reverse

from cases.models import Case
from committees.models import AlarmItem, CaseReview, IcdPmGroup, MaternalCondition, Session
from committees.services import sessions
from tests.committees.conftest import days_from_now

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def review_data(**overrides):
    data = {
        "icd_pm_group": IcdPmGroup.objects.get(code="N9").pk,
        "maternal_condition": MaternalCondition.objects.get(code="M2").pk,
        "grade_care_to_death": "C",
        "grade_neonatal_care": "B",
        "grade_after_death": "A",
        "avoidability": "potentially_avoidable",
        "optimal_care": "no",
        "conclusion": "Orientation PMI à renforcer.",
        f"factor_{AlarmItem.objects.get(code='1.4').pk}": "on",
        f"factor_{AlarmItem.objects.get(code='1.4').pk}_comment": "Barrière de la langue.",
    }
    data.update(overrides)
    return data


def test_full_session_through_the_pages(
    client, committee, secretary, chair, committee_member, ready_case
):
    client.force_login(secretary)
    response = client.post(
        reverse("committees:session_create"),
        {
            "committee": committee.pk,
            "starts_at": f"{days_from_now(-1):%d/%m/%Y} 14:00",
            "duration_minutes": 120,
            "place": "Salle du réseau",
        },
    )
    assert response.status_code == 302, text(response)
    session = Session.objects.get()
    detail = reverse("committees:session_detail", args=[session.pk])
    assert ready_case.code in text(client.get(detail))
    client.post(
        reverse("committees:agenda_add", args=[session.pk]),
        {"case": ready_case.pk, "presenter": secretary.pk},
    )
    assert Case.objects.get(pk=ready_case.pk).status == "scheduled"
    send = reverse("committees:session_transition", args=[session.pk, "send_agenda"])
    client.post(send, {"expected_status": "planned"})
    members = {m.user_id: m.pk for m in committee.members.all()}
    client.post(
        reverse("committees:attendance", args=[session.pk]),
        {
            f"member_{members[chair.pk]}": "present",
            f"member_{members[secretary.pk]}": "present",
            f"member_{members[committee_member.pk]}": "excused",
        },
    )
    page = text(client.get(detail))
    assert "2 présent(s) — quorum : 2" in page and "(atteint)" in page

    review_url = reverse("committees:review", args=[session.pk, ready_case.pk])
    client.force_login(chair)
    incomplete = client.post(review_url, review_data(avoidability="", conclusion=""))
    assert incomplete.status_code == 400
    # Each missing decision is refused beside its field (and listed in the error summary).
    page = text(incomplete)
    assert 'id="id_avoidability_error"' in page and "Indiquez l'évitabilité du décès." in page
    assert 'id="id_conclusion_error"' in page and "Rédigez la conclusion" in page
    assert Case.objects.get(pk=ready_case.pk).status == "scheduled"
    recorded = client.post(review_url, review_data())
    assert recorded.status_code == 302, [str(m) for m in recorded.context["messages"]]
    assert Case.objects.get(pk=ready_case.pk).status == "reviewed"
    review = CaseReview.objects.get()
    assert review.factors.get().comment == "Barrière de la langue."

    client.force_login(secretary)
    hold = reverse("committees:session_transition", args=[session.pk, "hold"])
    client.post(hold, {"expected_status": "agenda_sent"})
    minutes_url = reverse("committees:minutes", args=[session.pk])
    client.post(minutes_url, {"action": "draft"})
    minutes = session.minutes.get()
    assert ready_case.code in minutes.body_html and "N9" in minutes.body_html
    validate = client.post(minutes_url, {"action": "validate", "version": 1}, follow=True)
    assert "Seul le président valide le compte rendu." in text(validate)
    client.force_login(chair)
    client.post(minutes_url, {"action": "validate", "version": 1})
    session.refresh_from_db()
    assert session.status == "minutes_validated"
    refused = client.post(minutes_url, {"action": "draft"}, follow=True)
    assert "une correction crée une nouvelle version" in text(refused)
    client.post(minutes_url, {"action": "draft", "correction_reason": "Coquille."})
    assert [(m.version, m.is_frozen) for m in session.minutes.all()] == [(2, False), (1, True)]
    pdf = client.get(reverse("committees:minutes_pdf", args=[session.pk, 1]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    printable = client.get(reverse("committees:minutes_print", args=[session.pk, 1]))
    assert ready_case.code in text(printable)
    ics = client.get(reverse("committees:session_ics", args=[session.pk]))
    assert ics["Content-Type"].startswith("text/calendar")
    body = ics.content.decode()
    assert (
        "BEGIN:VEVENT" in body
        and ready_case.code in body
        and f"DTSTART:{session.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in body
    )


def test_an_agenda_sent_less_than_a_week_before_warns_the_secretary(
    client, committee, secretary, ready_case
):
    soon = Session.objects.create(
        committee=committee, starts_at=days_from_now(5), created_by=secretary
    )
    later = Session.objects.create(
        committee=committee, starts_at=days_from_now(10), created_by=secretary
    )
    sessions.agenda_add(session=soon, case=ready_case, by=secretary)
    client.force_login(secretary)
    page = client.get(reverse("committees:session_detail", args=[soon.pk])).content.decode()
    assert 'id="agenda-short-notice"' in page
    response = client.post(
        reverse("committees:session_transition", args=[soon.pk, "send_agenda"]),
        {"expected_status": "planned"},
        follow=True,
    )
    assert "moins de 7 jours avant la séance" in response.content.decode()
    assert Session.objects.get(pk=soon.pk).status == "agenda_sent"  # a warning, not a refusal
    page = client.get(reverse("committees:session_detail", args=[later.pk])).content.decode()
    assert 'id="agenda-short-notice"' not in page
