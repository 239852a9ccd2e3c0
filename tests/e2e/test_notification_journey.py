"""Notifications in the browser (issue 10): the secretary sends the agenda; a member of the
committee sees the unread badge, opens the notification centre and the agenda notification,
which lands on the session page and lowers the badge; the member then asks for a daily digest
for one kind of notification. A cancelled session is told to its members and to the professional
invited for one of its cases (by the case's code), never with its reason."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from committees.models import Session
from committees.services.guests import guest_invite
from committees.services.sessions import agenda_add, session_transition
from notifications.ledger import Due, record
from notifications.models import Delivery, Kind, Notification, NotificationSettings
from tests.committees.conftest import days_from_now
from tests.factories import TEST_PASSWORD, CaseFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


def status_message(page, text):
    return page.get_by_role("status").filter(has_text=text)


def test_a_member_reads_the_agenda_notification_and_chooses_a_digest(
    page,
    live_server,
    maternity,
    clinician,
    committee,
    chair,
    secretary,
    committee_member,
    log_in,
    screenshot,
    axe_check,
):
    case = CaseFactory(
        organisation=maternity,
        territory=maternity.parent,
        declared_by=clinician,
        status="ready",
        summary="Nouveau-né de 27 SA + 2 j, décès à J2 en réanimation.",
    )
    starts_at = days_from_now(10)
    session = Session.objects.create(
        committee=committee, starts_at=starts_at, place="Salle du réseau", created_by=secretary
    )
    agenda_add(session=session, case=case, by=secretary, presenter=secretary)
    # Something the member already read, a week ago.
    record(
        [
            Due(
                Kind.CASE_READY,
                "cases.case",
                case.pk,
                committee_member.pk,
                "earlier",
                {"code": case.code},
                f"/cas/{case.pk}/",
            )
        ]
    )
    Notification.objects.update(
        read_at=starts_at - timedelta(days=17), created_at=starts_at - timedelta(days=17)
    )

    # --- The secretary sends the agenda ---------------------------------------------------------
    log_in(page, secretary.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/seances/{session.pk}/")
    axe_check(page)
    page.get_by_role("button", name="Envoyer l'ordre du jour").click()
    expect(status_message(page, "Séance :")).to_be_visible()
    axe_check(page)
    page.context.clear_cookies()

    # --- The member sees the badge and opens the notification --------------------------------
    log_in(page, committee_member.email, TEST_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    navigation = page.get_by_role("navigation").first
    link = navigation.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(link).to_have_accessible_name(re.compile(r"Notifications\s+1\s+notification non lue$"))
    expect(page.locator("#unread-badge")).to_have_text(
        re.compile(r"^\s*1\s+notification non lue\s*$")
    )
    link.click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    title = f"Ordre du jour de la séance du {starts_at:%d/%m/%Y}"
    entries = page.locator("#notification-list > li")
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text(title)
    expect(entries.first).to_contain_text("non lue")
    expect(entries.nth(1)).to_contain_text(f"Cas {case.code} prêt pour le comité")
    screenshot(page, "notification-centre")

    page.get_by_role("link", name=title).click()
    expect(page).to_have_url(f"{live_server.url}/seances/{session.pk}/")
    expect(page.locator("#unread-badge")).to_have_count(0)
    axe_check(page)
    assert not Notification.objects.filter(recipient=committee_member, read_at=None).exists()
    expect(link).to_have_accessible_name("Notifications")

    # --- Preferences: a daily digest for one kind ----------------------------------------------
    link.click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Préférences").click()
    expect(page.get_by_role("heading", name="Préférences de notification")).to_be_visible()
    axe_check(page)
    page.get_by_role("group", name="Action bientôt à échéance").get_by_label(
        "Récapitulatif quotidien"
    ).check()
    page.get_by_label("Langue des e-mails").select_option(label="English")
    page.get_by_role("button", name="Enregistrer").click()
    expect(status_message(page, "Préférences de notification enregistrées.")).to_be_visible()
    axe_check(page)
    expect(
        page.get_by_role("group", name="Action bientôt à échéance").get_by_label(
            "Récapitulatif quotidien"
        )
    ).to_be_checked()
    saved = NotificationSettings.objects.get(user=committee_member)
    assert saved.language == "en"
    assert saved.delivery_of(Kind.ACTION_DUE) == Delivery.DIGEST
    assert saved.delivery_of(Kind.SESSION_TOMORROW) == Delivery.IMMEDIATE


def the_one_notice(page, title: str, *, never: str):
    """Open the notification centre from the navigation: one notice, titled `title`, and
    nowhere on the page `never`."""
    page.get_by_role("navigation").first.get_by_role(
        "link", name=re.compile(r"^Notifications")
    ).click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    entries = page.locator("#notification-list > li")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text(title)
    expect(page.locator("body")).not_to_contain_text(never)
    return entries


def test_a_cancelled_session_is_told_to_its_members_and_guests_without_its_reason(
    page,
    live_server,
    maternity,
    other_maternity,
    clinician,
    committee,
    secretary,
    committee_member,
    log_in,
    screenshot,
    axe_check,
):
    # Cancelling asks for a confirmation: the secretary agrees.
    page.on("dialog", lambda dialog: dialog.accept())
    case = CaseFactory(
        organisation=maternity,
        territory=maternity.parent,
        declared_by=clinician,
        status="ready",
        summary="Nouveau-né de 27 SA + 2 j, décès à J2 en réanimation.",
    )
    session = Session.objects.create(
        committee=committee,
        starts_at=days_from_now(8),
        place="Salle du réseau",
        created_by=secretary,
    )
    agenda_add(session=session, case=case, by=secretary, presenter=secretary)
    doctor = member(
        Role.CLINICIAN, other_maternity, email="dr.smur@sud.test", full_name="Samuel Urgent"
    )
    guest_invite(session=session, case=case, user=doctor, function="SMUR", by=secretary)
    Notification.objects.all().delete()  # the agenda and the invitation: not this journey's
    day = f"{timezone.localtime(session.starts_at):%d/%m/%Y}"
    # The reason stays on the session page, never in a notice; one that names someone is
    # refused first, and nothing changes.
    reason = "Grève des transports, quorum impossible"

    # --- The secretary cancels the session, giving a reason -----------------------------------
    log_in(page, secretary.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/seances/{session.pk}/")
    axe_check(page)
    page.get_by_label("Motif d'annulation").fill("Mme Canari absente")
    page.get_by_role("button", name="Annuler la séance").click()
    expect(page.get_by_role("alert")).to_contain_text("Le motif contient un identifiant")
    axe_check(page)
    session.refresh_from_db()
    assert session.status == "planned"
    page.get_by_label("Motif d'annulation").fill(reason)
    page.get_by_role("button", name="Annuler la séance").click()
    expect(status_message(page, "Séance :")).to_be_visible()
    expect(page.locator("body")).to_contain_text(reason)
    axe_check(page)
    session.refresh_from_db()
    case.refresh_from_db()
    assert session.status == "cancelled"
    assert case.status == "ready"  # back in the queue for another session
    page.context.clear_cookies()

    # --- A member reads the notice: the date and the committee, not the reason ----------------
    log_in(page, committee_member.email, TEST_PASSWORD)
    entries = the_one_notice(page, f"Séance du {day} annulée", never="Grève")
    screenshot(page, "session-cancelled-notice")
    entries.first.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/seances/{session.pk}/")
    axe_check(page)
    page.context.clear_cookies()

    # --- The guest is told that the review of their one case will not take place -------------
    log_in(page, doctor.email, TEST_PASSWORD)
    the_one_notice(page, f"Revue du cas {case.code} du {day} annulée", never="Grève")
    axe_check(page)
    for person in (committee_member, doctor):
        (notice,) = Notification.objects.filter(recipient=person, kind=Kind.SESSION_CANCELLED)
        assert "Grève" not in f"{notice.params}"


def test_a_session_moved_after_its_agenda_is_told_to_its_members(
    page,
    live_server,
    maternity,
    clinician,
    committee,
    secretary,
    committee_member,
    log_in,
    screenshot,
    axe_check,
):
    case = CaseFactory(
        organisation=maternity,
        territory=maternity.parent,
        declared_by=clinician,
        status="ready",
        summary="Nouveau-né de 27 SA + 2 j, décès à J2 en réanimation.",
    )
    session = Session.objects.create(
        committee=committee,
        starts_at=days_from_now(9),
        place="Salle du réseau",
        created_by=secretary,
    )
    agenda_add(session=session, case=case, by=secretary, presenter=secretary)
    session_transition(session=session, name="send_agenda", by=secretary, expected_status="planned")
    Notification.objects.all().delete()
    before, after = days_from_now(9), days_from_now(16)

    # --- The secretary moves it: a week later, another room ------------------------------------
    log_in(page, secretary.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/seances/{session.pk}/")
    axe_check(page)
    page.get_by_role("link", name="Modifier la date ou le lieu").click()
    expect(page.get_by_role("heading", name="Modifier la séance")).to_be_visible()
    axe_check(page)
    page.get_by_label("Lieu").fill("Amphithéâtre B")
    page.get_by_label("Date et heure").fill(f"{after:%d/%m/%Y} 09:30")
    screenshot(page, "session-move")
    page.get_by_role("button", name="Enregistrer").click()
    expect(status_message(page, "Séance modifiée.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Séance du {after:%d/%m/%Y} 09:30")).to_be_visible()
    expect(page.get_by_role("region", name="Historique de la séance")).to_contain_text(
        "Séance déplacée"
    )
    axe_check(page)
    page.context.clear_cookies()

    # --- A member is told of the new date -------------------------------------------------------
    log_in(page, committee_member.email, TEST_PASSWORD)
    entries = the_one_notice(
        page, f"Séance du {before:%d/%m/%Y} déplacée au {after:%d/%m/%Y}", never=case.code
    )
    expect(entries.first).to_contain_text("09:30 (Amphithéâtre B)")
    axe_check(page)
