"""Administration without jargon, in the browser: the network's administrator invites a
paediatrician as declarant of the maternity with a seat on the network's committee, on one
screen and without any password; the new colleague chooses their own password through the link
they received and signs in; the maternity's coordinator confirms the declarant role (it opens
identity vaults: a second person confirms)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Membership, Role, User
from committees.models import CommitteeMember
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

NEW_EMAIL = "nina.nouvelle@nord.test"
NEW_PASSWORD = "Mon-mot-de-passe-2026!"


def log_out(page, live_server, user, axe_check):
    if "/admin/" not in page.url:  # the administration shows the button without a menu
        page.get_by_role("button", name=user.full_name).click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{live_server.url}/connexion/")
    axe_check(page)


def test_an_administrator_invites_a_colleague_with_a_role_and_a_committee_seat(
    page,
    live_server,
    maternity,
    committee,
    administrator,
    coordinator,
    log_in,
    screenshot,
    axe_check,
):
    # --- The administrator invites, from the administration's "Utilisateurs" page ---------------
    log_in(page, administrator.email, TEST_PASSWORD)
    page.get_by_role("link", name="Administration").click()
    # The administration's own page first (a heading's absence holds before it loads too).
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Administration du site")).to_have_count(0)
    axe_check(page)
    page.get_by_role("link", name="Utilisateurs").first.click()
    expect(page.get_by_role("heading", name="Utilisateurs")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Inviter un utilisateur").click()
    expect(page.get_by_role("heading", name="Inviter un utilisateur")).to_be_visible()
    expect(page.locator("input[type=password]")).to_have_count(0)
    axe_check(page)

    page.locator("#id_email").fill(NEW_EMAIL)
    page.locator("#id_full_name").fill("Nina Nouvelle")
    page.locator("#id_job_title").fill("Pédiatre")
    page.locator("#id_organisation").select_option(label=str(maternity))
    page.locator("#id_role").select_option(label=str(Role.CLINICIAN.label))
    page.locator("#id_committee").select_option(label=committee.name)
    page.locator("#id_committee_role").select_option(label="Membre")
    page.locator("#id_specialty").fill("Pédiatrie")
    screenshot(page, "admin-invite")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(page.get_by_text(f"Invitation envoyée à {NEW_EMAIL}")).to_be_visible()
    expect(page.get_by_text("ouvre l'identité des patients")).to_be_visible()
    expect(page.get_by_role("button", name="Renvoyer l'invitation")).to_be_visible()
    # The tables' add buttons say what they add, and the title is French.
    expect(page.get_by_role("button", name="Ajouter un rôle", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Ajouter un siège de comité")).to_be_visible()
    expect(page.get_by_text("Ajouter un objet")).to_have_count(0)
    expect(page).to_have_title(re.compile(r"\| Administration de RMM$"))
    axe_check(page)
    invited = User.objects.get(email=NEW_EMAIL)
    assert not invited.has_usable_password()
    seat = CommitteeMember.objects.get(user=invited)
    assert (seat.committee, seat.role, seat.specialty) == (committee, "member", "Pédiatrie")
    log_out(page, live_server, administrator, axe_check)

    # --- The colleague opens the link they received and chooses their password ----------------
    (invitation,) = [message for message in mail.outbox if message.to == [NEW_EMAIL]]
    path = re.search(r"https?://[^/\s]+(/invitation/\S+/)", invitation.body).group(1)
    page.goto(f"{live_server.url}{path}")
    welcome = page.get_by_role("heading", name=re.compile("choisissez votre mot de passe"))
    expect(welcome).to_be_visible()
    axe_check(page)
    expect(page).to_have_url(re.compile(r"/choisir-mot-de-passe/$"))
    # A password the rules refuse: the error sits under "Nouveau mot de passe".
    page.locator("#id_new_password1").fill("court")
    page.locator("#id_new_password2").fill("court")
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(page.locator("#div_id_new_password1")).to_contain_text("trop court")
    expect(page.locator("#div_id_new_password2")).not_to_contain_text("trop court")
    axe_check(page)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(page.get_by_text("Votre mot de passe est enregistré")).to_be_visible()
    axe_check(page)
    log_in(page, NEW_EMAIL, NEW_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Mes organisations")).to_be_visible()
    # The seat's role is there at once; the declarant role waits for the coordinator.
    assert Membership.objects.get(user=invited, role=Role.COMMITTEE_MEMBER).is_active
    assert not Membership.objects.get(user=invited, role=Role.CLINICIAN).is_active
    log_out(page, live_server, invited, axe_check)

    # The link served once.
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_text("Ce lien d'invitation a déjà servi")).to_be_visible()
    axe_check(page)

    # --- The coordinator confirms the declarant role ------------------------------------------
    log_in(page, coordinator.email, TEST_PASSWORD)
    page.get_by_role("link", name="Habilitations").first.click()
    pending = page.locator("#grants-to-decide")
    expect(pending).to_contain_text("Nina Nouvelle")
    axe_check(page)
    pending.get_by_role("button", name="Confirmer").click()
    expect(page.locator("#nothing-to-decide")).to_be_visible()
    axe_check(page)
    assert Membership.objects.get(user=invited, role=Role.CLINICIAN).is_active
    assert User.objects.get(pk=invited.pk).check_password(NEW_PASSWORD)  # still theirs
