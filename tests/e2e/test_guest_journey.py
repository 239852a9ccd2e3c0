"""An invited guest in the browser (issue 15): the secretary invites the SMUR doctor, who does
not sit on the committee, for one case of the session; the doctor logs in, accepts the charter
for this invitation, reads that case's review screen (no form) and gets a 404 on the other case
of the same agenda. Every page loaded is checked with axe-core (WCAG 2.1 AA)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from committees.models import AgendaItem, Session, SessionGuest
from tests.committees.conftest import days_from_now
from tests.factories import CANARY_IDENTITY, TEST_PASSWORD, CaseFactory, member

pytestmark = pytest.mark.django_db(transaction=True)

SMUR = "Médecin SMUR pédiatrique"


def test_secretary_invites_the_smur_doctor_for_one_case(
    page,
    live_server,
    maternity,
    other_maternity,
    clinician,
    committee,
    secretary,
    log_in,
    screenshot,
    axe_check,
):
    session = Session.objects.create(
        committee=committee,
        starts_at=days_from_now(6),
        place="Salle du réseau",
        created_by=secretary,
    )
    invited_case, other_case = (
        CaseFactory(
            organisation=maternity,
            territory=maternity.parent,
            declared_by=clinician,
            status="scheduled",
            summary="Nouveau-né de 27 SA + 2 j, transfert néonatal par le SMUR à H+2.",
        )
        for _ in range(2)
    )
    AgendaItem.objects.create(session=session, case=invited_case, position=0)
    AgendaItem.objects.create(session=session, case=other_case, position=1)
    doctor = member(
        Role.CLINICIAN, other_maternity, email="dr.smur@sud.test", full_name="Samuel Urgent"
    )

    # --- The secretary finds the doctor by e-mail and invites them for the first case -------
    log_in(page, secretary.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}{reverse('committees:session_detail', args=[session.pk])}")
    agenda = page.get_by_role("region", name="Ordre du jour")
    expect(agenda).to_be_visible()
    axe_check(page)
    agenda.get_by_role(
        "link", name=f"Inviter un professionnel pour le cas {invited_case.code}"
    ).click()
    expect(
        page.get_by_role("heading", name=f"Invités extérieurs pour le cas {invited_case.code}")
    ).to_be_visible()
    axe_check(page)
    page.get_by_label("Nom ou adresse e-mail").fill(doctor.email)
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_label("Fonction dans le parcours")).to_be_visible()
    axe_check(page)
    page.get_by_label("Professionnel", exact=True).select_option(
        label=f"{doctor.full_name} — {doctor.email}"
    )
    page.get_by_label("Fonction dans le parcours").fill(SMUR)
    page.get_by_role("button", name="Inviter", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="est invité(e)")).to_be_visible()
    expect(page.locator("#guest-list")).to_contain_text("charte pas encore acceptée")
    axe_check(page)
    guest = SessionGuest.objects.get()
    page.get_by_role("button", name=secretary.full_name).click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{live_server.url}/connexion/")
    axe_check(page)

    # --- The doctor: charter first, then only that case -------------------------------------
    log_in(page, doctor.email, TEST_PASSWORD)
    page.get_by_role(
        "link", name=re.compile(f"Invitation à accepter : revue du cas {invited_case.code}")
    ).click()
    expect(page.locator("#charter-invitation")).to_contain_text(invited_case.code)
    axe_check(page)
    page.get_by_role("button", name="J'accepte la charte de confidentialité").click()
    expect(
        page.get_by_role("heading", name=f"Invitation à la revue du cas {invited_case.code}")
    ).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=f"Écran de revue du cas {invited_case.code}").click()
    expect(page.get_by_role("heading", name=f"Revue du cas {invited_case.code}")).to_be_visible()
    expect(page.locator("#review-form")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(CANARY_IDENTITY["mother_last_name"])
    screenshot(page, "invited-guest")
    guest.refresh_from_db()
    assert guest.charter_accepted_at is not None

    other = page.goto(
        f"{live_server.url}{reverse('committees:review', args=[session.pk, other_case.pk])}"
    )
    assert other.status == 404
    axe_check(page)
