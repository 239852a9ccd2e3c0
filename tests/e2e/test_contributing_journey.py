"""Contributing organisations in the browser (issue 15): the declaring coordinator names the
birth maternity of a transferred baby on the case; the birth maternity's coordinator logs in,
finds the case in their list, adds a chronology event, and the event shows its organisation.
The identity stays with the declaring organisation. Every page is checked with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cases.models import CareEvent
from tests.factories import CANARY_IDENTITY, TEST_PASSWORD, CaseFactory, MaternityFactory, member

pytestmark = pytest.mark.django_db(transaction=True)

EVENT = "Naissance inopinée en salle, appel du SMUR pédiatrique à H1."


def field(page, label):
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def log_out(page, live_server, user, axe_check):
    page.get_by_role("button", name=user.full_name).click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{live_server.url}/connexion/")
    axe_check(page)


def test_birth_maternity_contributes_to_the_chronology(
    page, live_server, maternity, clinician, coordinator, log_in, screenshot, axe_check, settings
):
    # The case page lists why it cannot be submitted yet; the statistical model's loading (seconds)
    # is left to the anonymisation journeys.
    settings.RMM_NER_MODEL = ""
    birth = MaternityFactory(name="Maternité des Tilleuls", parent=maternity.parent, level="1")
    contributor = member(
        Role.COORDINATOR, birth, email="referent@tilleuls.test", full_name="Tina Tilleuls"
    )
    case = CaseFactory(
        organisation=maternity,
        territory=maternity.parent,
        declared_by=clinician,
        status="documenting",
        postnatal_transfer=True,
    )
    CareEvent.objects.create(
        case=case,
        period="postnatal",
        day_of_life=0,
        hour_of_day=3,
        place_type="nicu",
        actor_function="neonatologist",
        description="Admission en réanimation néonatale après transfert médicalisé.",
    )
    case_url = f"{live_server.url}/cas/{case.pk}/"

    # --- The declaring coordinator names the birth maternity ------------------------------------
    log_in(page, coordinator.email, TEST_PASSWORD)
    page.goto(case_url)
    panel = page.get_by_role("region", name="Organisations du parcours")
    expect(panel).to_contain_text("Aucune autre organisation")
    axe_check(page)
    panel.get_by_label("Organisation", exact=True).select_option(label=birth.name + " (Niveau 1)")
    panel.get_by_label("Rôle dans le parcours").select_option(label="Maternité de naissance")
    panel.get_by_role("button", name="Ajouter l'organisation").click()
    expect(page.get_by_role("status").filter(has_text="ajoutée aux organisations")).to_be_visible()
    expect(panel).to_contain_text(f"{birth.name} — Maternité de naissance")
    axe_check(page)
    log_out(page, live_server, coordinator, axe_check)

    # --- The birth maternity's coordinator finds the case and adds an event --------------------
    log_in(page, contributor.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/cas/")
    expect(page.get_by_role("link", name=case.code)).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=case.code).click()
    expect(page.get_by_role("heading", name=case.code)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Voir l'identité"))).to_have_count(0)
    axe_check(page)
    page.get_by_role("link", name="Ajouter à la chronologie").click()
    expect(page.get_by_role("heading", name=re.compile("Chronologie du cas"))).to_be_visible()
    axe_check(page)
    field(page, "Période").select_option(value="postnatal")
    field(page, "Jour de vie (J)").fill("0")
    field(page, "Heure (H)").fill("1")
    field(page, "Lieu").select_option(value="maternity_1")
    field(page, "Intervenant (fonction)").select_option(value="midwife")
    field(page, "Ce qui s'est passé").fill(EVENT)
    page.get_by_role("button", name="Enregistrer l'événement").click()
    expect(page.get_by_role("status").filter(has_text="Chronologie enregistrée.")).to_be_visible()
    expect(page.get_by_text(f"Ajouté par {birth.name}")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Retour au cas").click()
    timeline = page.get_by_role("region", name="Chronologie")
    mine = timeline.get_by_role("listitem").filter(has_text=EVENT)
    expect(mine).to_contain_text(f"Ajouté par {birth.name}")
    # The declaring organisation's event: its time, place and author; its text once the
    # anonymisation is validated.
    theirs = timeline.get_by_role("listitem").filter(has_text="Néonatologue")
    expect(theirs).to_contain_text(f"Ajouté par {maternity.name}")
    expect(theirs).to_contain_text("Description lisible une fois l'anonymisation validée")
    expect(timeline).not_to_contain_text("Admission en réanimation")
    assert CANARY_IDENTITY["mother_last_name"] not in page.content()
    screenshot(page, "contributing-organisations")
    assert CareEvent.objects.get(description=EVENT).organisation == birth
