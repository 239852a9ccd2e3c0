"""A case that leaves the committee leaves its agenda (issue: a sent-back case stayed on the
agenda and every member read the coordinator's work in progress, identity included, on the
review screen). Walked with canaries through every route that sends a case back or postpones
it: the case page, the session page, the session's cancellation and the shell service."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import Role
from cases.models import CareEvent, Case
from cases.services.cases import case_create_draft, summary_save
from cases.services.transitions import case_transition
from committees.models import AgendaItem, CaseReview, CommitteeMember
from committees.services import sessions
from tests.committees.conftest import days_from_now
from tests.committees.test_canaries import BORN, CANARIES, assert_clean
from tests.factories import MaternityFactory, complete_facts, member

pytestmark = pytest.mark.django_db


def ready_canary_case(*, maternity, clinician, coordinator) -> Case:
    case = case_create_draft(
        organisation=maternity,
        by=clinician,
        facts=complete_facts(),
        identity={**CANARIES, "born_at": BORN, "died_at": BORN + timedelta(hours=50)},
    )
    case_transition(case_id=case.pk, name="declare", by=clinician, expected_status="draft")
    case_transition(case_id=case.pk, name="accept", by=coordinator, expected_status="declared")
    CareEvent.objects.create(
        case=case, period="postnatal", day_of_life=0, place_type="nicu", description="Intubation."
    )
    summary_save(
        case=Case.objects.get(pk=case.pk),
        by=coordinator,
        validate=True,
        summary="Nouveau-né de 27 SA + 2 j, décès à J2 en réanimation.",
    )
    case_transition(
        case_id=case.pk, name="submit_for_review", by=coordinator, expected_status="documenting"
    )
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def seated_coordinator(committee, network):
    """A coordinator of another maternity of the network who also sits on the committee."""
    neighbour = MaternityFactory(name="Maternité Voisine", parent=network)
    user = member(Role.COORDINATOR, neighbour, email="ref@voisine.test", full_name="Val Voi")
    CommitteeMember.objects.create(committee=committee, user=user, role="member")
    from committees.models import CharterAcceptance

    CharterAcceptance.objects.create(committee=committee, user=user)
    return user


@pytest.fixture
def scheduled(maternity, clinician, coordinator, committee, secretary):
    case = ready_canary_case(maternity=maternity, clinician=clinician, coordinator=coordinator)
    session = sessions.session_plan(
        committee=committee, by=secretary, starts_at=days_from_now(10), place="Salle 2"
    )
    sessions.agenda_add(session=session, case=case, by=secretary, presenter=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    return session, Case.objects.get(pk=case.pk)


def committee_pages(session, case):
    return [
        reverse("committees:session_list"),
        reverse("committees:session_detail", args=[session.pk]),
        reverse("committees:session_ics", args=[session.pk]),
        reverse("home"),
    ]


def test_case_sent_back_from_the_case_page_leaves_the_agenda_and_its_review_screen(
    client, scheduled, chair, secretary, committee_member, coordinator, seated_coordinator
):
    session, case = scheduled
    review_url = reverse("committees:review", args=[session.pk, case.pk])
    client.force_login(committee_member)
    assert client.get(review_url).status_code == 200  # on the agenda: the committee reads it

    client.force_login(chair)
    response = client.post(
        reverse("cases:transition", args=[case.pk, "send_back"]),
        {"expected_status": "scheduled", "comment": "Chronologie incomplète."},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "documenting"
    assert not AgendaItem.objects.filter(case=case).exists()

    # The coordinator's work in progress now holds names: no committee page may show it.
    summary_save(
        case=Case.objects.get(pk=case.pk),
        by=coordinator,
        validate=False,
        summary="Mme Xylophonadze Ottilienne, NIR 2 85 03 75 123 456 98, tél. +33 6 98 76 54 32",
    )
    for user in (committee_member, chair, secretary, seated_coordinator):
        client.force_login(user)
        assert client.get(review_url).status_code == 404, user.email
        posted = client.post(review_url, {})
        if user in (chair, secretary):
            # Those who record reviews are told, on the session page, that the case left.
            assert posted.status_code == 302, user.email
            assert posted["Location"] == reverse("committees:session_detail", args=[session.pk])
        else:
            assert posted.status_code == 404, user.email
        assert not CaseReview.objects.filter(case=case).exists()
        for url in committee_pages(session, case):
            response = client.get(url)
            assert response.status_code == 200, (user.email, url)
            assert_clean(f"{url} for {user.email}", response.content.decode())

    # Nothing is left hanging: the session can be cancelled, the case comes back later.
    sessions.session_transition(
        session=session,
        name="cancel",
        by=secretary,
        expected_status="agenda_sent",
        reason="Plus de cas à revoir.",
    )
    assert Case.objects.get(pk=case.pk).status == "documenting"


def test_case_postponed_from_the_case_page_leaves_the_agenda(client, scheduled, chair):
    session, case = scheduled
    client.force_login(chair)
    client.post(
        reverse("cases:transition", args=[case.pk, "postpone"]),
        {"expected_status": "scheduled", "comment": ""},
    )
    assert Case.objects.get(pk=case.pk).status == "ready"
    assert not session.agenda.exists()
    # Ready again: it can join another session's agenda.
    assert case in sessions_candidates(session)


def sessions_candidates(session):
    from committees.selectors import agenda_candidates

    return list(agenda_candidates(session=session))


def test_send_back_by_the_shell_service_removes_the_item_in_the_same_transaction(scheduled, chair):
    _session, case = scheduled
    case_transition(
        case_id=case.pk, name="send_back", by=chair, expected_status="scheduled", comment="Motif."
    )
    assert not AgendaItem.objects.filter(case=case).exists()
    assert case.transitions.filter(transition="send_back").count() == 1


def test_a_refused_send_back_leaves_the_agenda_untouched(scheduled, chair):
    from cases.exceptions import TransitionRefused

    session, case = scheduled
    with pytest.raises(TransitionRefused):
        case_transition(
            case_id=case.pk, name="send_back", by=chair, expected_status="scheduled", comment=""
        )
    assert AgendaItem.objects.filter(case=case, session=session).exists()
    assert Case.objects.get(pk=case.pk).status == "scheduled"


def test_removing_from_the_session_page_postpones_and_removes_once(client, scheduled, secretary):
    session, case = scheduled
    item = session.agenda.get()
    client.force_login(secretary)
    client.post(reverse("committees:agenda_remove", args=[session.pk, item.pk]), {"comment": ""})
    assert Case.objects.get(pk=case.pk).status == "ready"
    assert not session.agenda.exists()
    assert case.transitions.filter(transition="postpone").count() == 1


def test_cancelling_a_session_postpones_its_cases_and_empties_its_agenda(scheduled, secretary):
    session, case = scheduled
    sessions.session_transition(
        session=session,
        name="cancel",
        by=secretary,
        expected_status="agenda_sent",
        reason="Salle indisponible.",
    )
    assert Case.objects.get(pk=case.pk).status == "ready"
    assert not AgendaItem.objects.filter(session=session).exists()


def test_review_screen_checks_the_case_status_not_only_the_agenda_item(
    client, scheduled, committee_member, secretary
):
    """Belt and braces: even an agenda item left behind (data written before this fix, or by
    hand) does not open a case that is back in documentation."""
    session, case = scheduled
    Case.objects.filter(pk=case.pk).update(status="documenting")
    client.force_login(committee_member)
    assert client.get(reverse("committees:review", args=[session.pk, case.pk])).status_code == 404
    # ...and such an item does not block the session's cancellation.
    sessions.session_transition(
        session=session,
        name="cancel",
        by=secretary,
        expected_status="agenda_sent",
        reason="Séance reportée.",
    )
    assert not session.agenda.exists()
