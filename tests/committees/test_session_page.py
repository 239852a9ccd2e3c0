"""The session (agenda) page's attendance, read with the members in one query: who is listed,
who counts towards the quorum, and the hold guard that reads what the page already knows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.conditions import attendance_recorded
from committees.models import Attendance, CommitteeMember, Session
from committees.selectors import session_attendance

pytestmark = pytest.mark.django_db


def record(session, user, status):
    member = CommitteeMember.objects.get(committee=session.committee, user=user)
    return Attendance.objects.create(session=session, member=member, status=status)


def test_a_deactivated_member_counts_towards_the_quorum_but_is_not_listed(
    client, session, secretary, chair, committee_member
):
    record(session, chair, "present")
    record(session, committee_member, "present")
    CommitteeMember.objects.filter(user=committee_member).update(is_active=False)
    rows, present, quorum_ok = session_attendance(session=session)
    assert [(row.name, row.status) for row in rows] == [("Pia Pres", "present"), ("Sam Sec", "")]
    assert (present, quorum_ok) == (2, True)
    assert session.has_attendance is True

    client.force_login(secretary)
    page = client.get(reverse("committees:session_detail", args=[session.pk])).content.decode()
    assert "2 présent(s) — quorum : 2" in page and "(atteint)" in page
    assert "Mia Mem" not in page
    assert '<option value="present" selected>' in page


def test_the_members_are_listed_in_role_order_with_their_labels(
    session, secretary, chair, committee_member
):
    CommitteeMember.objects.filter(user=committee_member).update(specialty="Pédiatrie")
    record(session, committee_member, "excused")
    rows, present, quorum_ok = session_attendance(session=session)
    assert [(row.user_id, row.role_label) for row in rows] == [
        (chair.pk, "Président"),
        (committee_member.pk, "Membre"),
        (secretary.pk, "Secrétaire"),
    ]
    member = rows[1]
    assert (member.status, member.status_label) == ("excused", "Excusé")
    assert member.select_label == "Présence de Mia Mem (Membre), Pédiatrie"
    assert (present, quorum_ok) == (0, False)


def test_the_hold_guard_reads_the_attendance_the_page_read(session, secretary, chair):
    session_attendance(session=session)
    with CaptureQueriesContext(connection) as read:
        assert attendance_recorded(session) == "Les présences ne sont pas enregistrées."
    assert len(read) == 0
    record(session, chair, "absent")
    # Elsewhere (a session not read by the page), the guard asks the database.
    fresh = Session.objects.get(pk=session.pk)
    assert attendance_recorded(fresh) is None
    session_attendance(session=fresh)
    assert fresh.has_attendance is True


@pytest.mark.parametrize("role", ["secretary", "chair", "committee_member"])
def test_every_form_of_the_agenda_rows_carries_the_token_and_its_words(
    request, client, role, committee, secretary, maternity, clinician
):
    from tests.committees.conftest import days_from_now
    from tests.committees.test_page_query_counts import on_agenda

    coming = Session.objects.create(
        committee=committee, starts_at=days_from_now(20), place="Salle", created_by=secretary
    )
    on_agenda(coming, maternity, clinician, 2, secretary)
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("committees:session_detail", args=[coming.pk])).content.decode()
    rows = page.split('<ol class="list-group"')[1].split("</ol>")[0]
    assert rows.count('<div class="small text-body-secondary">Présentateur : Sam Sec</div>') == 2
    planner = role != "committee_member"
    # The chair and the secretary move, designate and remove: three forms per row.
    assert rows.count("<form ") == (6 if planner else 0)
    assert rows.count('<input type="hidden" name="csrfmiddlewaretoken" value="') == rows.count(
        "<form "
    )
    assert (
        rows.count(">Désigner</button>")
        == rows.count(">Inviter un professionnel<")
        == (2 if planner else 0)
    )
    assert rows.count(
        'data-confirm="Retirer ce cas de l’ordre du jour ?">Retirer (reporter)</button>'
    ) == (2 if planner else 0)
