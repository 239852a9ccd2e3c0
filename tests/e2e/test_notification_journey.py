"""Notifications in the browser (issue 10): the secretary sends the agenda; a member of the
committee sees the unread badge, opens the notification centre and the agenda notification,
which lands on the session page and lowers the badge; the member then asks for a daily digest
for one kind of notification."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from committees.models import Session
from committees.services.sessions import agenda_add
from notifications.ledger import Due, record
from notifications.models import Delivery, Kind, Notification, NotificationSettings
from tests.committees.conftest import days_from_now
from tests.factories import TEST_PASSWORD, CaseFactory

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
