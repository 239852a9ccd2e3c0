"""Committee rights: membership, charter, agenda; forbidden paths for every role."""

import itertools

import pytest
import rules
from django.urls import reverse

from accounts.models import Role, User
from cases.models import Case
from cases.permissions import can_view_case, cases_visible_to
from committees import permissions
from committees.models import (
    AgendaItem,
    CharterAcceptance,
    Committee,
    CommitteeMember,
    Session,
    SessionGuest,
)
from committees.services import sessions as session_services
from tests.conftest import committee_person
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_paired_scopes_agree_for_every_user_and_object(
    committee,
    chair,
    secretary,
    committee_member,
    clinician,
    session,
    other_network,
    administrator,
    other_administrator,
):
    other = Committee.objects.create(name="Comité Sud", organisation=other_network)
    other_chair = committee_person(other, Role.COMMITTEE_CHAIR, "chair", email="c@sud.test")
    Session.objects.create(
        committee=other, starts_at="2026-12-02T10:00:00+01:00", place="X", created_by=other_chair
    )
    unsigned = committee_person(committee, Role.COMMITTEE_MEMBER, "secretary", charter=False)
    users = [
        chair,
        secretary,
        committee_member,
        clinician,
        administrator,
        other_administrator,
        other_chair,
        unsigned,
    ]
    # An invited guest (issue 15): the clinician, for one case of the session.
    case = CaseFactory(organisation=clinician.memberships.get().organisation, status="scheduled")
    AgendaItem.objects.create(session=session, case=case)
    SessionGuest.objects.create(
        session=session,
        case=case,
        user=clinician,
        function="SMUR",
        invited_by=secretary,
        invited_at=session.starts_at,
    )
    objects = {
        Committee: list(Committee.objects.all()),
        Session: list(Session.objects.all()),
        CommitteeMember: list(CommitteeMember.objects.all()),
        SessionGuest: list(SessionGuest.objects.all()),
    }
    checked = 0
    for (name, scope), user in itertools.product(permissions.PAIRED_SCOPES.items(), users):
        model = scope(users[0]).model
        for obj in objects[model]:
            fresh = User.objects.get(pk=user.pk)
            assert rules.test_rule(name, fresh, obj) == scope(fresh).filter(pk=obj.pk).exists(), (
                name,
                user.email,
                obj,
            )
            checked += 1
    assert checked >= 80


def test_members_read_only_cases_on_their_agendas_after_signing_the_charter(
    committee, committee_member, session, ready_case, maternity, clinician
):
    assert not can_view_case(committee_member, ready_case)
    AgendaItem.objects.create(session=session, case=ready_case)
    fresh = User.objects.get(pk=committee_member.pk)
    assert can_view_case(fresh, ready_case)
    assert cases_visible_to(fresh).filter(pk=ready_case.pk).exists()
    CharterAcceptance.objects.filter(user=committee_member).delete()
    fresh = User.objects.get(pk=committee_member.pk)
    assert not can_view_case(fresh, ready_case)
    assert not cases_visible_to(fresh).filter(pk=ready_case.pk).exists()


def test_a_cancelled_session_no_longer_opens_its_cases(
    committee, committee_member, session, ready_case, secretary
):
    session_services.agenda_add(session=session, case=ready_case, by=secretary)
    assert can_view_case(User.objects.get(pk=committee_member.pk), ready_case)
    session_services.session_transition(
        session=session, name="cancel", by=secretary, expected_status="planned", reason="Grève."
    )
    assert Case.objects.get(pk=ready_case.pk).status == "ready"
    assert not can_view_case(User.objects.get(pk=committee_member.pk), ready_case)


def test_a_cancelled_session_s_review_screen_is_left_to_the_case_s_planners(
    client, committee, committee_member, chair, session, ready_case, secretary
):
    """On a live agenda, the review screen does not ask the case's wider rules again. A
    cancelled session's agenda grants nothing (cancelling empties it; here a row is written
    back in the shell): the member gets no screen, the chair keeps it through the territory
    their committee plans for, as the case's own rules say."""
    from committees.permissions import can_review_case_in_session

    session_services.agenda_add(session=session, case=ready_case, by=secretary)
    url = reverse("committees:review", args=[session.pk, ready_case.pk])
    for user in (committee_member, chair):
        client.force_login(user)
        assert client.get(url).status_code == 200
    session_services.session_transition(
        session=session, name="cancel", by=secretary, expected_status="planned", reason="Grève."
    )
    session.refresh_from_db()
    case = Case.objects.get(pk=ready_case.pk)
    AgendaItem.objects.create(session=session, case=case)
    for user, allowed in ((committee_member, False), (chair, True)):
        fresh = User.objects.get(pk=user.pk)
        for on_agenda in (True, False):
            assert can_review_case_in_session(fresh, session, case, on_agenda=on_agenda) is allowed
        client.force_login(user)
        assert client.get(url).status_code == (200 if allowed else 404)


def test_charter_gate_before_any_case_content(client, committee, session, ready_case, secretary):
    newcomer = committee_person(
        committee, Role.COMMITTEE_MEMBER, "member", charter=False, email="nouveau@nord.test"
    )
    AgendaItem.objects.create(session=session, case=ready_case)
    client.force_login(newcomer)
    for url in (
        reverse("committees:session_detail", args=[session.pk]),
        reverse("committees:review", args=[session.pk, ready_case.pk]),
        reverse("committees:minutes", args=[session.pk]),
        reverse("committees:session_ics", args=[session.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/charte/" in response.url, url
    assert client.get(reverse("cases:detail", args=[ready_case.pk])).status_code == 404
    charter_url = reverse("committees:charter", args=[committee.pk])
    next_url = reverse("committees:review", args=[session.pk, ready_case.pk])
    response = client.post(charter_url, {"next": next_url})
    assert response.url == next_url
    acceptance = CharterAcceptance.objects.get(user=newcomer)
    assert acceptance.accepted_at is not None
    assert client.get(next_url).status_code == 200
    # The redirect target is checked: no open redirect.
    response = client.post(charter_url, {"next": "https://evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response.url


@pytest.mark.parametrize(
    "role", [Role.CLINICIAN, Role.COORDINATOR, Role.QUALITY_MANAGER, Role.ADMINISTRATOR]
)
def test_people_outside_the_committee_get_404_on_every_session_page(
    client, every_role, role, session, ready_case
):
    AgendaItem.objects.create(session=session, case=ready_case)
    client.force_login(every_role[role])
    for name, args in [
        ("session_detail", [session.pk]),
        ("session_ics", [session.pk]),
        ("minutes", [session.pk]),
        ("review", [session.pk, ready_case.pk]),
    ]:
        assert client.get(reverse(f"committees:{name}", args=args)).status_code == 404, name
    response = client.post(
        reverse("committees:session_transition", args=[session.pk, "cancel"]),
        {"expected_status": "planned", "reason": "x"},
    )
    assert response.status_code == 404
    assert Session.objects.get(pk=session.pk).status == "planned"


def test_members_cannot_plan_or_change_a_session(client, committee_member, session, ready_case):
    client.force_login(committee_member)
    assert client.get(reverse("committees:session_create")).status_code == 404
    add = reverse("committees:agenda_add", args=[session.pk])
    response = client.post(add, {"case": ready_case.pk}, follow=True)
    assert response.status_code in (200, 404)
    assert Case.objects.get(pk=ready_case.pk).status == "ready"
    send = reverse("committees:session_transition", args=[session.pk, "send_agenda"])
    client.post(send, {"expected_status": "planned"})
    assert Session.objects.get(pk=session.pk).status == "planned"
    assert not session.transitions.exists()


def test_another_networks_committee_cannot_schedule_our_case(other_network, ready_case):
    other = Committee.objects.create(name="Comité Sud", organisation=other_network)
    secretary = committee_person(other, Role.COMMITTEE_SECRETARY, "secretary", email="s@sud.test")
    session = Session.objects.create(
        committee=other, starts_at="2026-12-02T10:00:00+01:00", place="X", created_by=secretary
    )
    from cases.exceptions import NotAllowed

    with pytest.raises(NotAllowed):
        session_services.agenda_add(session=session, case=ready_case, by=secretary)
    assert Case.objects.get(pk=ready_case.pk).status == "ready"


def test_inactive_committee_membership_grants_nothing(committee, secretary, session):
    CommitteeMember.objects.filter(user=secretary).update(is_active=False)
    fresh = User.objects.get(pk=secretary.pk)
    assert not permissions.can_view_session(fresh, session)
    assert not permissions.can_plan_session(fresh, session)


def test_committee_rights_never_include_the_identity_vault(chair, secretary, ready_case):
    from cases.permissions import can_view_identity, cases_with_identity_visible_to

    for user in (chair, secretary):
        assert can_view_case(user, ready_case)
        assert not can_view_identity(user, ready_case)
        assert not cases_with_identity_visible_to(user).exists()


def test_tampered_ids_change_nothing_and_never_answer_500(client, secretary, session, ready_case):
    client.force_login(secretary)
    item = AgendaItem.objects.create(session=session, case=ready_case)
    add = reverse("committees:agenda_add", args=[session.pk])
    assert client.post(add, {"case": "abc"}).status_code == 302
    assert client.post(add, {"case": "1 OR 1=1"}).status_code == 302
    assert session.agenda.count() == 1
    for name in ("agenda_move", "agenda_presenter", "agenda_remove"):
        assert (
            client.post(reverse(f"committees:{name}", args=[session.pk, 999999])).status_code == 404
        )
    bad_move = client.post(reverse("committees:agenda_move", args=[session.pk, item.pk]), {})
    assert bad_move.status_code == 302
    unknown = reverse("committees:session_transition", args=[session.pk, "validate_minutes"])
    assert client.post(unknown, {"expected_status": "held"}).status_code == 404
