"""Invited guests (issue 15 point 2): a professional from outside the committee, invited for one
case of one session, signs the charter for that invitation, then reads only that case's
pseudonymised pages for that session, until the minutes are validated, the session cancelled or
the invitation removed. Every role on every page; the service's refusals; notifications and
minutes that never name anyone or carry identity."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_set_active
from cases.exceptions import CaseError, InvalidInput
from cases.services.transitions import case_transition
from committees.models import AgendaItem, MinutesVersion, Session, SessionGuest
from committees.permissions import CommitteeMembershipScope
from committees.selectors import minutes_context
from committees.services import guests as guest_services
from committees.services.sessions import agenda_add, agenda_remove
from notifications.delivery import message
from notifications.models import Kind, Notification
from notifications.texts import text_of
from tests.committees.conftest import days_from_now
from tests.factories import CANARY_IDENTITY, CaseFactory, canary_fragments, member

pytestmark = pytest.mark.django_db

SMUR = "Médecin SMUR pédiatrique"


@pytest.fixture
def world(maternity, other_maternity, clinician, committee, chair, secretary, committee_member):
    """An upcoming session with two cases on its agenda; a SMUR doctor of another network."""
    session = Session.objects.create(
        committee=committee,
        starts_at=days_from_now(5),
        place="Salle du réseau",
        created_by=secretary,
    )
    cases = [
        CaseFactory(
            organisation=maternity,
            territory=maternity.parent,
            declared_by=clinician,
            status="scheduled",
            summary="Nouveau-né de 27 SA + 2 j, transfert par le SMUR.",
        )
        for _ in range(2)
    ]
    for position, case in enumerate(cases):
        AgendaItem.objects.create(session=session, case=case, position=position)
    doctor = member(
        Role.CLINICIAN, other_maternity, email="dr.smur@sud.test", full_name="Sam Urgent"
    )
    outsider = member(Role.CLINICIAN, other_maternity, email="autre@sud.test", full_name="Otto")
    return {
        "session": session,
        "case": cases[0],
        "other": cases[1],
        "doctor": doctor,
        "outsider": outsider,
        "chair": chair,
        "secretary": secretary,
        "member": committee_member,
    }


def invite(world, user=None, case=None, function=SMUR):
    return guest_services.guest_invite(
        session=world["session"],
        case=case or world["case"],
        user=user or world["doctor"],
        function=function,
        by=world["secretary"],
    )


def signed(world, **kwargs):
    guest = invite(world, **kwargs)
    return guest_services.guest_accept_charter(guest=guest, by=guest.user)


# --- The service's rules --------------------------------------------------------------------
def test_invitation_is_refused_in_french_with_nothing_written(world, other_network):
    session = world["session"]
    outside = CaseFactory(organisation=world["case"].organisation, status="ready")
    refusals = []
    for kwargs in (
        {"case": outside},
        {"user": world["member"]},
        {"function": "   "},
        # Only invisible characters and a no-break space: nothing once normalised.
        {"function": "\u200b\u200b\u00a0\u2060"},
    ):
        with pytest.raises(CaseError) as error:
            invite(world, **kwargs)
        refusals.append(error.value.message)
    assert "pas à l'ordre du jour" in refusals[0]
    assert "déjà membre du comité" in refusals[1]
    assert "fonction" in refusals[2]
    assert refusals[3] == refusals[2]
    admin = member(Role.ADMINISTRATOR, other_network, email="admin@sud.test")
    user_set_active(user=world["outsider"], active=False, by=admin)
    with pytest.raises(CaseError, match="désactivé"):
        invite(world, user=world["outsider"])
    with pytest.raises(CaseError, match="président et le secrétaire"):
        guest_services.guest_invite(
            session=session,
            case=world["case"],
            user=world["doctor"],
            function=SMUR,
            by=world["member"],
        )
    with pytest.raises(CaseError, match="identifiant"):
        invite(world, function="Dr Zanzibarova")
    # A word of the case's identity alone, which no general rule knows for a name: the
    # function is printed in the minutes beside the case.
    for known in (CANARY_IDENTITY["mother_birth_name"], "Sage-femme Quetzal​coatl"):
        with pytest.raises(CaseError, match="identifiant"):
            invite(world, function=known)
    invite(world)
    with pytest.raises(CaseError, match="déjà invité"):
        invite(world)
    assert SessionGuest.objects.count() == 1
    for status, words in (
        ("cancelled", "annulée"),
        ("minutes_validated", "validé"),
        ("held", "eu lieu"),
    ):
        Session.objects.filter(pk=session.pk).update(status=status)
        with pytest.raises(CaseError, match=words):
            invite(world, case=world["other"])
    assert SessionGuest.objects.count() == 1


def test_removed_invitation_can_be_renewed_and_its_charter_is_signed_again(world):
    guest = signed(world)
    guest_services.guest_revoke(guest=guest, by=world["chair"])
    with pytest.raises(CaseError, match="déjà été retirée"):
        guest_services.guest_revoke(guest=guest, by=world["chair"])
    renewed = invite(world)
    assert renewed.pk == guest.pk and renewed.revoked_at is None
    assert renewed.charter_accepted_at is None


def test_presence_is_recorded_once_held_and_only_for_a_signed_charter(world):
    session = world["session"]
    guest = signed(world)
    unsigned = invite(world, user=world["outsider"], function="Sage-femme de PMI")
    for status in ("planned", "agenda_sent"):
        Session.objects.filter(pk=session.pk).update(status=status)
        with pytest.raises(CaseError, match="pas encore eu lieu"):
            guest_services.guest_presence_record(
                guest=guest, by=world["secretary"], presence="present"
            )
    Session.objects.filter(pk=session.pk).update(status="held")
    with pytest.raises(CaseError, match="pas accepté la charte"):
        guest_services.guest_presence_record(
            guest=unsigned, by=world["secretary"], presence="present"
        )
    assert not SessionGuest.objects.exclude(presence="").exists()
    guest_services.guest_presence_record(guest=guest, by=world["secretary"], presence="present")
    assert SessionGuest.objects.get(pk=guest.pk).presence == "present"


def test_an_invitation_is_removed_only_before_the_session_is_held(world):
    session = world["session"]
    guest = signed(world)
    Session.objects.filter(pk=session.pk).update(status="held")
    guest_services.guest_presence_record(guest=guest, by=world["secretary"], presence="present")
    with pytest.raises(CaseError, match="ne se retire plus"):
        guest_services.guest_revoke(guest=guest, by=world["chair"])
    assert SessionGuest.objects.get(pk=guest.pk).revoked_at is None
    assert minutes_context(session=session)["guests_present_total"] == 1
    # Reopened for correction: still held, still refused; the presence field corrects.
    validate_then_reopen_minutes(world)
    with pytest.raises(CaseError, match="ne se retire plus"):
        guest_services.guest_revoke(guest=guest, by=world["chair"])
    guest_services.guest_presence_record(guest=guest, by=world["secretary"], presence="absent")
    assert minutes_context(session=session)["guests_present_total"] == 0


def test_access_ends_for_good_at_the_first_validation_of_the_minutes(client, world):
    guest = signed(world)
    validate_then_reopen_minutes(world)
    assert (
        guest_services.guest_presence_refusal(Session.objects.get(pk=world["session"].pk)) is None
    )
    client.force_login(world["doctor"])
    assert client.get(reverse("committees:invitation", args=[guest.pk])).status_code == 404
    with pytest.raises(CaseError, match="a pris fin"):
        guest_services.guest_accept_charter(guest=guest, by=world["doctor"])


@pytest.mark.parametrize("route", ["send_back", "postpone"])
def test_an_invitation_belongs_to_its_agenda_entry(client, world, route):
    session, case = world["session"], world["case"]
    guest = signed(world)
    item = send_back_then_readd(world, route=route)
    guest.refresh_from_db()
    assert guest.agenda_item is None and guest.charter_accepted_at is not None
    client.force_login(world["doctor"])
    invitation = reverse("committees:invitation", args=[guest.pk])
    review = reverse("committees:review", args=[session.pk, case.pk])
    assert client.get(invitation).status_code == 404
    assert client.get(review).status_code == 404
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    # The ended invitation is neither removed nor marked present; the page says it ended.
    with pytest.raises(CaseError, match="quitté l'ordre du jour"):
        guest_services.guest_revoke(guest=guest, by=world["chair"])
    client.force_login(world["secretary"])
    page = client.get(reverse("committees:guests", args=[session.pk, item.pk])).content.decode()
    assert "invitation terminée" in page and 'value="revoke"' not in page
    # A new invitation, for the new entry, with its charter to sign again.
    renewed = invite(world)
    assert (renewed.pk, renewed.agenda_item, renewed.charter_accepted_at) == (guest.pk, item, None)
    with pytest.raises(CaseError, match="déjà invité"):
        invite(world)
    guest_services.guest_accept_charter(guest=renewed, by=world["doctor"])
    client.force_login(world["doctor"])
    assert client.get(invitation).status_code == 200
    assert client.get(review).status_code == 200


def test_candidates_never_lay_out_the_user_base(world, maternity):
    session = world["session"]
    colleague = member(Role.COORDINATOR, maternity, email="sf@nord.test", full_name="Sabine Urgent")
    # Fewer than three characters: nothing. A name: the committee's territory only.
    assert guest_services.guest_candidates(session=session, query="Ur") == []
    assert guest_services.guest_candidates(session=session, query="Urgent") == [colleague]
    assert guest_services.guest_candidates(session=session, query="sud.test") == []
    # Another territory: by the exact e-mail address only.
    assert guest_services.guest_candidates(session=session, query="DR.SMUR@sud.test") == [
        world["doctor"]
    ]


def test_an_account_outside_the_search_is_refused_by_the_service(world):
    """The rule lives in the service: whichever route calls it, an id the same search does not
    offer reaches nobody (a name outside the territory, a typed id)."""
    session, case = world["session"], world["case"]
    for query, user in [("sud.test", world["doctor"]), ("dr.smur@sud.test", world["outsider"])]:
        with pytest.raises(InvalidInput, match="parmi les comptes trouvés"):
            guest_services.guest_invite_from_search(
                session=session,
                case=case,
                query=query,
                user_id=user.pk,
                function=SMUR,
                by=world["secretary"],
            )
    assert not SessionGuest.objects.filter(user__in=[world["doctor"], world["outsider"]]).exists()


# --- Who sees what --------------------------------------------------------------------------
ROLES = [
    "guest_before_charter",
    "guest",
    "guest_after_minutes",
    "guest_after_minutes_reopened",
    "guest_after_case_readded",
    "guest_after_cancel",
    "guest_of_other_case",
    "guest_revoked",
    "chair",
    "secretary",
    "member",
    "outsider",
]
# (case page, case in the list, session page, review screen, other agenda case, minutes)
EXPECTED = {
    "guest_before_charter": (404, False, 404, 302, 404, 404),
    "guest": (200, True, 404, 200, 404, 404),
    "guest_after_minutes": (404, False, 404, 404, 404, 404),
    "guest_after_minutes_reopened": (404, False, 404, 404, 404, 404),
    "guest_after_case_readded": (404, False, 404, 404, 404, 404),
    "guest_after_cancel": (404, False, 404, 404, 404, 404),
    "guest_of_other_case": (404, False, 404, 404, 200, 404),
    "guest_revoked": (404, False, 404, 404, 404, 404),
    "chair": (200, True, 200, 200, 200, 200),
    "secretary": (200, True, 200, 200, 200, 200),
    "member": (200, True, 200, 200, 200, 200),
    "outsider": (404, False, 404, 404, 404, 404),
}

INVITATION_PAGE = {"guest_before_charter": 302, "guest": 200, "guest_of_other_case": 200}


def validate_then_reopen_minutes(world):
    """The minutes validated, then reopened for correction: the session is 'held' again."""
    session = world["session"]
    MinutesVersion.objects.create(
        session=session,
        version=1,
        body_html="<p>Compte rendu</p>",
        created_by=world["secretary"],
        validated_by=world["chair"],
        validated_at=timezone.now(),
    )
    Session.objects.filter(pk=session.pk).update(status="held")


def send_back_then_readd(world, route="send_back"):
    """The case leaves the agenda (sent back to documentation, or postponed), comes back ready
    and is put on the same session's agenda again."""
    session, case = world["session"], world["case"]
    if route == "send_back":
        case_transition(
            case_id=case.pk,
            name="send_back",
            by=world["chair"],
            expected_status="scheduled",
            comment="Chronologie à compléter.",
        )
        type(case).objects.filter(pk=case.pk).update(status="ready")
    else:
        item = AgendaItem.objects.get(session=session, case=case)
        agenda_remove(session=session, item=item, by=world["secretary"], comment="Reporté.")
    assert not AgendaItem.objects.filter(session=session, case=case).exists()
    return agenda_add(session=session, case=type(case).objects.get(pk=case.pk), by=world["chair"])


def as_role(world, role):
    if role in ("chair", "secretary", "member", "outsider"):
        return world[role]
    if role == "guest_before_charter":
        invite(world)
    elif role == "guest_of_other_case":
        signed(world, case=world["other"])
    else:
        guest = signed(world)
        if role == "guest_revoked":
            guest_services.guest_revoke(guest=guest, by=world["secretary"])
        elif role == "guest_after_minutes":
            Session.objects.filter(pk=world["session"].pk).update(status="minutes_validated")
        elif role == "guest_after_minutes_reopened":
            validate_then_reopen_minutes(world)
        elif role == "guest_after_case_readded":
            send_back_then_readd(world)
        elif role == "guest_after_cancel":
            Session.objects.filter(pk=world["session"].pk).update(status="cancelled")
    return world["doctor"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_on_every_page(client, world, role):
    user = as_role(world, role)
    client.force_login(user)
    session, case, other = world["session"], world["case"], world["other"]
    case_page, in_list, session_page, review, other_review, minutes = EXPECTED[role]
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == case_page
    listing = client.get(reverse("cases:list"))
    assert (case.code in listing.content.decode()) is in_list
    # The identity vault: never for a committee person nor a guest.
    assert client.get(reverse("cases:identity", args=[case.pk])).status_code == 404
    assert client.get(reverse("committees:session_detail", args=[session.pk])).status_code == (
        session_page
    )
    assert client.get(reverse("committees:review", args=[session.pk, case.pk])).status_code == (
        review
    )
    assert client.get(reverse("committees:review", args=[session.pk, other.pk])).status_code == (
        other_review
    )
    assert client.get(reverse("committees:minutes", args=[session.pk])).status_code == minutes
    # The guest's own invitation page (the charter first).
    for guest in SessionGuest.objects.filter(user=user):
        expected = INVITATION_PAGE.get(role, 404)
        assert client.get(reverse("committees:invitation", args=[guest.pk])).status_code == (
            expected
        )
    # The predicate and the queryset say the same thing.
    scope = CommitteeMembershipScope()
    fresh = type(case).objects.get(pk=case.pk)
    assert (
        scope.reads(user, fresh)
        is type(case).objects.filter(scope.reads_q(user), pk=case.pk).exists()
    )
    if role.startswith("guest"):
        # The other case is of the same organisation: its guest reads that organisation.
        readable = in_list or role == "guest_of_other_case"
        assert (case.organisation_id in scope.organisation_ids(user)) is readable


def test_a_guest_reads_the_review_screen_but_records_nothing(client, world):
    guest = signed(world)
    client.force_login(world["doctor"])
    url = reverse("committees:review", args=[world["session"].pk, world["case"].pk])
    page = client.get(url).content.decode()
    assert 'id="review-form"' not in page
    assert reverse("committees:invitation", args=[guest.pk]) in page
    assert client.post(url, {"avoidability": "avoidable"}).status_code == 403
    assert not world["session"].reviews.exists()
    # Nor the attendance, the agenda or the minutes.
    session = world["session"]
    for name in ("attendance", "agenda_add", "minutes"):
        assert client.post(reverse(f"committees:{name}", args=[session.pk])).status_code == 404


def test_guest_charter_then_invitation_page(client, world):
    guest = invite(world)
    client.force_login(world["doctor"])
    page = reverse("committees:invitation", args=[guest.pk])
    charter = reverse("committees:invitation_charter", args=[guest.pk])
    assert client.get(page).url == charter
    assert "charter-text" in client.get(charter).content.decode()
    assert client.post(charter).url == page
    guest.refresh_from_db()
    assert guest.charter_accepted_at is not None and guest.charter_version
    shown = client.get(page).content.decode()
    assert world["case"].code in shown and world["other"].code not in shown
    # Someone else's invitation: 404.
    client.force_login(world["outsider"])
    assert client.get(page).status_code == 404
    assert client.post(charter).status_code == 404


# --- The chair and secretary's page ----------------------------------------------------------
def test_secretary_searches_invites_records_presence_and_removes(client, world):
    session, case = world["session"], world["case"]
    item = AgendaItem.objects.get(session=session, case=case)
    url = reverse("committees:guests", args=[session.pk, item.pk])
    client.force_login(world["secretary"])
    assert (
        url in client.get(reverse("committees:session_detail", args=[session.pk])).content.decode()
    )
    found = client.get(url, {"q": "dr.smur@sud.test"}).content.decode()
    assert "Sam Urgent" in found
    assert 'id="no-account"' in client.get(url, {"q": "personne@nulle.part"}).content.decode()
    # An id outside the search: refused, nothing written.
    client.post(
        url,
        {
            "action": "invite",
            "q": "dr.smur@sud.test",
            "user": world["outsider"].pk,
            "function": SMUR,
        },
    )
    assert not SessionGuest.objects.exists()
    client.post(
        url,
        {"action": "invite", "q": "dr.smur@sud.test", "user": world["doctor"].pk, "function": SMUR},
    )
    guest = SessionGuest.objects.get()
    assert (guest.user, guest.case, guest.function) == (world["doctor"], case, SMUR)
    assert guest.agenda_item == item
    # Before the session: removed, not marked present.
    assert 'value="presence"' not in client.get(url).content.decode()
    client.post(url, {"action": "revoke", "guest": guest.pk})
    guest.refresh_from_db()
    assert guest.revoked_at is not None
    # Invited again, charter signed, the session held: presence, and no removal any more.
    guest_services.guest_accept_charter(guest=invite(world), by=world["doctor"])
    Session.objects.filter(pk=session.pk).update(status="held")
    page = client.get(url).content.decode()
    assert 'value="presence"' in page and 'value="revoke"' not in page
    client.post(url, {"action": "presence", "guest": guest.pk, "presence": "present"})
    guest.refresh_from_db()
    assert guest.presence == "present"
    refused = client.post(url, {"action": "revoke", "guest": guest.pk}, follow=True)
    assert "ne se retire plus" in refused.content.decode()
    guest.refresh_from_db()
    assert guest.revoked_at is None and guest.presence == "present"
    # A member and a guest never reach this page.
    for user in (world["member"], world["doctor"]):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "revoke", "guest": guest.pk}).status_code == 404


# --- Told, counted, never named --------------------------------------------------------------
def test_guest_is_told_case_code_date_and_place_only(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        guest = invite(world)
    notification = Notification.objects.get(recipient=world["doctor"])
    assert notification.kind == Kind.AGENDA
    text = text_of(notification)
    email = message(notification, [])
    told = f"{text.title} {text.body} {notification.params} {notification.link}"
    told += f" {email.subject} {email.body} {email.alternatives}"
    assert world["case"].code in email.subject and email.to == [world["doctor"].email]
    assert world["case"].code in text.body and "Salle du réseau" in text.body
    time = timezone.localtime(world["session"].starts_at).strftime("%H:%M")
    assert f"à {time}" in text.body and f"à {time}" in email.body
    assert "visioconférence" not in text.body
    assert world["other"].code not in told
    assert reverse("committees:invitation", args=[guest.pk]) == notification.link
    for fragment in canary_fragments():
        assert fragment not in told
    assert "Sam Urgent" not in told


def test_guest_of_a_video_session_is_told_the_time_and_that_it_is_by_video(
    world, django_capture_on_commit_callbacks
):
    session = world["session"]
    link = "https://visio.example.test/rmm-salle-42"
    Session.objects.filter(pk=session.pk).update(place="", video_link=link)
    with django_capture_on_commit_callbacks(execute=True):
        invite(world)
    notification = Notification.objects.get(recipient=world["doctor"])
    text, email = text_of(notification), message(notification, [])
    time = timezone.localtime(session.starts_at).strftime("%H:%M")
    assert f"à {time} (en visioconférence)" in text.body
    assert f"à {time} (en visioconférence)" in email.body
    told = f"{text.title} {text.body} {notification.params} {email.body} {email.alternatives}"
    assert "visio.example.test" not in told and "Sam Urgent" not in told


def test_minutes_count_guests_by_function_never_by_name(world):
    guest = signed(world)
    other = signed(world, user=world["outsider"], function="Sage-femme de PMI")
    Session.objects.filter(pk=world["session"].pk).update(status="held")
    guest_services.guest_presence_record(guest=guest, by=world["secretary"], presence="present")
    guest_services.guest_presence_record(guest=other, by=world["secretary"], presence="absent")
    from django.template.loader import render_to_string

    body = render_to_string(
        "committees/minutes_body.html", minutes_context(session=world["session"])
    )
    assert "1 invité extérieur présent" in body and SMUR in body
    assert "Sage-femme de PMI" not in body
    for name in ("Sam Urgent", "Otto", "dr.smur"):
        assert name not in body


def test_no_identity_on_guest_pages(client, world):
    guest = signed(world)
    item = AgendaItem.objects.get(session=world["session"], case=world["case"])
    pages = []
    client.force_login(world["doctor"])
    for url in (
        reverse("committees:invitation", args=[guest.pk]),
        reverse("committees:invitation_charter", args=[guest.pk]),
        reverse("committees:review", args=[world["session"].pk, world["case"].pk]),
        reverse("cases:detail", args=[world["case"].pk]),
        reverse("home"),
    ):
        pages.append(client.get(url).content.decode())
    client.force_login(world["secretary"])
    pages.append(
        client.get(
            reverse("committees:guests", args=[world["session"].pk, item.pk])
        ).content.decode()
    )
    for page in pages:
        for fragment in canary_fragments():
            assert fragment not in page


# --- Constant query counts -----------------------------------------------------------------
def page_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_guest_pages_run_as_many_queries_with_many_guests(client, world, other_maternity):
    session, case = world["session"], world["case"]
    item = AgendaItem.objects.get(session=session, case=case)
    guests_url = reverse("committees:guests", args=[session.pk, item.pk])
    signed(world)
    client.force_login(world["secretary"])
    few_guests = page_queries(client, guests_url)
    client.force_login(world["doctor"])
    few_list = page_queries(client, reverse("cases:list"))
    few_home = page_queries(client, reverse("home"))
    for number in range(6):
        user = member(Role.CLINICIAN, other_maternity, email=f"g{number}@sud.test")
        signed(world, user=user, function=f"Fonction {number}")
    extra = CaseFactory(organisation=case.organisation, status="scheduled")
    AgendaItem.objects.create(session=session, case=extra, position=5)
    signed(world, case=extra)
    client.force_login(world["secretary"])
    assert page_queries(client, guests_url) == few_guests
    client.force_login(world["doctor"])
    assert page_queries(client, reverse("cases:list")) == few_list
    assert page_queries(client, reverse("home")) == few_home
