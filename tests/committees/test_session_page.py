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


# The session page's former loops, as the template wrote them before the rows were written in
# Python (committees.selectors.agenda_rows_html and attendance_rows_html).
FORMER_AGENDA_LOOP = """{% load i18n %}{% translate "Conclusions enregistrées" as reviewed_label %}\
{% translate "Présentateur :" as presenter_heading %}\
{% translate "Inviter un professionnel" as invite_label %}{% translate "Désigner" as designate_label %}\
{% translate "Retirer ce cas de l’ordre du jour ?" as remove_confirm %}\
{% translate "Retirer (reporter)" as remove_label %}{% for item in agenda.rows %}
    <li class="list-group-item">
      <div class="d-flex justify-content-between flex-wrap gap-2">
        <div>
          <span class="text-body-secondary">{{ item.number }}.</span> <a href="{{ item.review_url }}" class="fw-semibold">{{ item.code }}</a>
          <span class="small">{{ item.kind_label }} · {{ item.status_label }}</span>
          {% if item.reviewed %}<span class="badge text-bg-success">{{ reviewed_label }}</span>{% endif %}
          <div class="small text-body-secondary">{{ presenter_heading }} {{ item.presenter_name|default:"—" }}</div>
          {% if is_planner %}<div class="small"><a href="{{ item.guests_url }}">{{ invite_label }}<span class="visually-hidden"> {{ item.for_case_label }}</span></a></div>{% endif %}
        </div>
        {% if is_planner and agenda_open and not item.reviewed %}
        <div class="d-flex gap-1 align-items-center flex-wrap">
          <form method="post" action="{{ item.move_url }}" class="d-flex gap-1">{{ csrf_input }}
            <button class="btn btn-sm btn-outline-secondary" name="direction" value="up" aria-label="{{ item.up_label }}">↑</button>
            <button class="btn btn-sm btn-outline-secondary" name="direction" value="down" aria-label="{{ item.down_label }}">↓</button>
          </form>
          <form method="post" action="{{ item.presenter_url }}" class="d-flex gap-1 align-items-center">{{ csrf_input }}
            <label class="visually-hidden" for="presenter-{{ item.pk }}">{{ item.presenter_label }}</label>
            <select class="form-select form-select-sm w-auto" name="presenter" id="presenter-{{ item.pk }}">
              <option value="">—</option>{{ item.presenter_options }}
            </select>
            <button class="btn btn-sm btn-outline-primary">{{ designate_label }}</button>
          </form>
          <form method="post" action="{{ item.remove_url }}">{{ csrf_input }}
            <button class="btn btn-sm btn-outline-danger" data-confirm="{{ remove_confirm }}">{{ remove_label }}</button>
          </form>
        </div>
        {% endif %}
      </div>
    </li>
    {% endfor %}"""  # noqa: E501

FORMER_ATTENDANCE_LOOP = """{% for row in attendance %}
      <tr><td>{{ row.name }}</td><td>{{ row.role_label }}</td>
        <td>{% if is_planner and attendance_open %}<label class="visually-hidden" for="att-{{ row.member_id }}">{{ row.select_label }}</label>
          <select class="form-select form-select-sm" name="member_{{ row.member_id }}" id="att-{{ row.member_id }}">{{ row.status_options }}</select>{% else %}{{ row.status_label }}{% endif %}</td></tr>
      {% endfor %}"""  # noqa: E501


def test_agenda_and_attendance_rows_written_in_python_are_the_former_template_loops(
    rf, session, secretary, chair, committee_member
):
    """Byte for byte the template's former loops, for the chair and secretary (forms while
    the agenda or the attendance is open) and the others, reviewed cases, a case without
    presenter, every text escaped, in French and English."""
    from django.template import engines
    from django.template.backends.utils import csrf_input
    from django.utils import translation

    from cases.models import Case
    from committees.models import AgendaItem
    from committees.selectors import agenda_page, agenda_rows_html, attendance_rows_html
    from tests.factories import CaseFactory

    maternity = session.committee.organisation
    made = [
        CaseFactory(organisation=maternity, declared_by=secretary, status="scheduled")
        for _ in range(3)
    ]
    Case.objects.filter(pk=made[0].pk).update(code='RMM-<b>"x"</b>')
    for position, case in enumerate(made):
        AgendaItem.objects.create(
            session=session, case=case, position=position, presenter=chair if position else None
        )
    record(session, chair, "present")
    CommitteeMember.objects.filter(user=committee_member).update(specialty="Sage-femme & <i>")
    request = rf.get("/")
    token = csrf_input(request)
    engine = engines["django"]
    former_agenda = engine.from_string(FORMER_AGENDA_LOOP)
    former_attendance = engine.from_string(FORMER_ATTENDANCE_LOOP)
    for language in ("fr", "en"):
        with translation.override(language):
            attendance = session_attendance(session=session)[0]
            members = [(row.user_id, row.name) for row in attendance]
            agenda = agenda_page(session=session, members=members)
            object.__setattr__(agenda.rows[2], "reviewed", True)
            for planner in (True, False):
                for is_open in (True, False):
                    context = {
                        "agenda": agenda,
                        "attendance": attendance,
                        "is_planner": planner,
                        "agenda_open": is_open,
                        "attendance_open": is_open,
                        "csrf_input": token,
                    }
                    assert agenda_rows_html(
                        agenda.rows, planner=planner, agenda_open=is_open, csrf_input=token
                    ) == former_agenda.render(context)
                    assert attendance_rows_html(
                        attendance, editable=planner and is_open
                    ) == former_attendance.render(context)
    html = agenda_rows_html(agenda.rows, planner=True, agenda_open=True, csrf_input=token)
    assert "RMM-&lt;b&gt;&quot;x&quot;&lt;/b&gt;" in html and "Retirer (reporter)" in html
    assert "Sage-femme &amp; &lt;i&gt;" in attendance_rows_html(attendance, editable=True)


def test_agenda_and_attendance_read_in_one_statement_are_those_of_the_orm(
    session, secretary, chair, committee_member
):
    """The agenda's page and the attendance are read with statements written once: the same
    rows, in the same order, as their former ORM readings (a page in the middle of the agenda,
    a reviewed case, a case without presenter; a deactivated member with a recorded presence,
    one without)."""
    from django.db.models import Count, Exists, OuterRef, Q, Subquery, Window

    from committees.models import AgendaItem, CaseReview
    from committees.selectors import _agenda_page_rows, _attendance_members
    from tests.committees.conftest import full_review
    from tests.factories import CaseFactory

    maternity = session.committee.organisation
    made = [
        CaseFactory(organisation=maternity, declared_by=secretary, status="scheduled")
        for _ in range(5)
    ]
    for position, case in enumerate(made):
        AgendaItem.objects.create(
            session=session,
            case=case,
            position=5 - position if position % 2 else position,
            presenter=chair if position % 3 else None,
        )
    review = full_review()
    review.case, review.session, review.recorded_by = made[1], session, chair
    review.save()
    for offset, limit in ((0, 20), (1, 2), (4, 20), (9, 20)):
        former = list(
            session.agenda.order_by("position", "pk")
            .annotate(
                total=Window(Count("pk")),
                reviewed=Exists(
                    CaseReview.objects.filter(session=session, case=OuterRef("case_id"))
                ),
            )
            .values_list(
                "pk",
                "case_id",
                "case__code",
                "case__kind",
                "case__status",
                "presenter_id",
                "presenter__full_name",
                "reviewed",
                "total",
            )[offset : offset + limit]
        )
        assert _agenda_page_rows(session=session, offset=offset, limit=limit) == former
    assert any(row[7] for row in _agenda_page_rows(session=session, offset=0, limit=20))

    record(session, chair, "present")
    record(session, committee_member, "excused")
    CommitteeMember.objects.filter(user=committee_member).update(is_active=False)
    CommitteeMember.objects.filter(user=secretary).update(specialty="Pédiatre")
    recorded = Attendance.objects.filter(session_id=session.pk, member_id=OuterRef("pk"))
    former = list(
        session.committee.members.annotate(status=Subquery(recorded.values("status")))
        .filter(Q(is_active=True) | Q(status__isnull=False))
        .values_list("pk", "user_id", "user__full_name", "role", "specialty", "is_active", "status")
    )
    assert _attendance_members(session=session) == former
    assert len(former) == 3


def test_the_session_history_read_in_sql_is_the_orms(session, secretary, chair):
    """The session page's history, read with a statement written once: the model's rows, in
    their order, dates with their time zone, labels and comments as read through the ORM."""

    from committees.models import SessionTransition
    from committees.selectors import session_history

    assert session_history(session=session) == list(session.transitions.all())
    for number, (name, source, target) in enumerate(
        [("send_agenda", "planned", "agenda_sent"), ("hold", "agenda_sent", "held")] * 2
    ):
        SessionTransition.objects.create(
            session=session,
            transition=name,
            source=source,
            target=target,
            actor=chair if number % 2 else secretary,
            actor_name="Pia Pres",
            comment="Report <demandé>" if number == 1 else "",
        )
    read = session_history(session=session)
    former = list(session.transitions.all())
    assert read == former and len(read) == 4

    def shown(record):
        return (
            record.pk,
            record.at,
            record.transition_label,
            record.source_label,
            record.target_label,
            record.comment,
            record.actor_id,
            record.actor_name,
            record.session_id,
        )

    assert [shown(record) for record in read] == [shown(record) for record in former]
    assert read[0].at.utcoffset() is not None


def test_the_session_read_by_its_key_is_the_orms_and_only_its_committees_see_it(
    client, session, secretary, chair, committee_member, coordinator, outsider, other_network
):
    """The session pages read the session and its committee with a statement compiled once and
    ask the predicate: the ORM's rows (dates with their zone), and a 404 for exactly those
    whom the queryset twin `sessions_visible_to` does not show it (a deactivated seat, an
    inactive committee, another committee's member, an outsider, a missing session)."""
    from django.http import Http404

    from committees.models import Committee
    from committees.permissions import forget, sessions_visible_to
    from committees.selectors import session_with_committee
    from committees.views import visible_session
    from tests.conftest import committee_person

    read = session_with_committee(pk=session.pk)
    former = Session.objects.select_related("committee").get(pk=session.pk)
    fields = [field.attname for field in Session._meta.concrete_fields]
    assert [getattr(read, name) for name in fields] == [getattr(former, name) for name in fields]
    assert read.committee == former.committee and read.committee.name == former.committee.name
    assert read.committee.quorum == former.committee.quorum and read.committee.is_active is True
    assert read.starts_at.utcoffset() is not None and not read._state.adding
    assert session_with_committee(pk=session.pk + 1000) is None

    elsewhere = Committee.objects.create(name="Comité Sud", organisation=other_network)
    stranger = committee_person(elsewhere, "committee_member", "member", email="sud@sud.test")
    CommitteeMember.objects.filter(user=committee_member).update(is_active=False)
    people = [secretary, chair, committee_member, coordinator, outsider, stranger]
    for committee_active in (True, False):
        Committee.objects.filter(pk=session.committee_id).update(is_active=committee_active)
        for user in people:
            forget(user)
            shown = sessions_visible_to(user).filter(pk=session.pk).exists()
            forget(user)
            try:
                visible_session(user, session.pk)
            except Http404:
                seen = False
            else:
                seen = True
            assert seen == shown, (user.email, committee_active)
    forget(secretary)
    assert not sessions_visible_to(secretary).filter(pk=session.pk).exists()
    Committee.objects.filter(pk=session.committee_id).update(is_active=True)
    forget(secretary)
    assert visible_session(secretary, session.pk).pk == session.pk
    client.force_login(stranger)
    url = reverse("committees:session_detail", args=[session.pk])
    assert client.get(url).status_code == 404
