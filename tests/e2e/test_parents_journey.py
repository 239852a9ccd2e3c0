"""The parents' pathway in the browser (issue 15): the coordinator records that the midwife
told the parents of the review and the questions they asked; the secretary reads them on the
review screen, beside the field where the committee's answers are recorded in session; the
coordinator then downloads the letter to the parents (PDF, identity inserted at print time and
logged), as it is or with the team's details filled on the letter page. Every page loaded is
checked with axe-core (WCAG 2.1 AA)."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.models import CareEvent, Case, IdentityAccessLog, ParentsContact
from committees.models import Session
from committees.services import sessions
from tests.committees.conftest import all_present
from tests.e2e.test_session_journey import choose, field, log_out, status_message
from tests.factories import CANARY_IDENTITY, TEST_PASSWORD, CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONS = (
    "Notre fille aurait-elle survécu avec un transfert plus rapide ?\n"
    "Pourquoi n'avons-nous pas pu la prendre dans nos bras plus tôt ?"
)
ANSWERS = (
    "Le transfert a pris le temps habituel ; le comité pense qu'il n'aurait pas changé l'issue.\n"
    "Les soins de réanimation passaient d'abord ; l'équipe aurait dû vous le dire plus clairement."
)


def test_parents_questions_reach_the_committee_and_the_letter(
    page,
    live_server,
    maternity,
    clinician,
    coordinator,
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
    CareEvent.objects.create(
        case=case, period="postnatal", day_of_life=0, place_type="nicu", description="Intubation."
    )
    held = Session.objects.create(
        committee=committee,
        starts_at=timezone.now() - timedelta(hours=2),
        place="Salle du réseau",
        created_by=secretary,
    )
    sessions.agenda_add(session=held, case=case, by=secretary, presenter=secretary)
    sessions.session_transition(
        session=held, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(held, secretary)
    told_on = timezone.localdate() - timedelta(days=5)

    # --- The coordinator records that the parents were told, and their questions --------------
    log_in(page, coordinator.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/cas/{case.pk}/")
    panel = page.get_by_role("region", name="Parents")
    expect(panel).to_contain_text("Information des parents non renseignée.")
    axe_check(page)
    panel.get_by_role("link", name="Renseigner l'information des parents").click()
    expect(page.get_by_role("heading", name=re.compile("Les parents et la revue"))).to_be_visible()
    axe_check(page)
    page.get_by_label("Les parents ont-ils été informés de la revue ?").select_option(
        label="Informés de la revue"
    )
    page.get_by_label("Informés le").fill(f"{told_on:%d/%m/%Y}")
    page.get_by_label("Par (fonction)").select_option(label="sage-femme")
    page.get_by_label("Questions des parents pour le comité").fill(QUESTIONS)
    page.get_by_role("button", name="Enregistrer").click()
    expect(status_message(page, "Information des parents enregistrée.")).to_be_visible()
    panel = page.get_by_role("region", name="Parents")
    expect(panel).to_contain_text("Informés de la revue — par : sage-femme")
    expect(panel).to_contain_text(f"{told_on:%d/%m/%Y}")  # the coordinator's side only
    expect(panel).to_contain_text("Notre fille aurait-elle survécu")
    axe_check(page)
    assert ParentsContact.objects.get(case=case).told_by_function == "midwife"
    log_out(page, live_server, coordinator, axe_check)

    # --- The secretary reads them on the review screen and records the committee's answers -----
    log_in(page, secretary.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/seances/{held.pk}/cas/{case.pk}/")
    expect(page.get_by_role("heading", name=f"Revue du cas {case.code}")).to_be_visible()
    beside = page.locator("#parents-answers")
    expect(beside).to_contain_text("Pourquoi n'avons-nous pas pu la prendre dans nos bras")
    expect(beside).to_contain_text("par : sage-femme")
    expect(page.locator("body")).not_to_contain_text(f"{told_on:%d/%m/%Y}")
    expect(page.locator("body")).not_to_contain_text(CANARY_IDENTITY["mother_last_name"])
    axe_check(page)
    choose(field(page, "Groupe CIM-PM (moment et cause)"), "N9 ")
    choose(field(page, "Condition maternelle (M1-M5)"), "M2 ")
    field(page, "Soins jusqu'au décès").select_option(value="B")
    field(page, "Soins néonatals").select_option(value="B")
    field(page, "Soins après le décès et accompagnement de la famille").select_option(value="C")
    field(page, "Évitabilité").select_option(label="Non évitable")
    field(page, "Soins optimaux").select_option(label="Non")
    field(page, "Réponses apportées aux parents").fill(ANSWERS)
    field(page, "Conclusion et décisions du comité").fill(
        "Annonce et accompagnement des parents en réanimation à formaliser."
    )
    beside.scroll_into_view_if_needed()
    screenshot(page, "parents-letter")
    page.get_by_role("button", name="Enregistrer la revue").click()
    expect(status_message(page, f"Revue du cas {case.code} enregistrée.")).to_be_visible()
    axe_check(page)
    assert Case.objects.get(pk=case.pk).status == "reviewed"
    log_out(page, live_server, secretary, axe_check)

    # --- The coordinator downloads the letter, identity inserted now and logged ----------------
    log_in(page, coordinator.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/cas/{case.pk}/")
    letter = page.get_by_role("region", name="Courrier aux parents")
    expect(letter).to_contain_text("l'équipe aurait dû vous le dire plus clairement")
    axe_check(page)
    with page.expect_download() as download_info:
        letter.get_by_role("link", name="Télécharger le courrier à compléter (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"courrier-parents-{case.code}.pdf"
    with open(download.path(), "rb") as pdf:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    assert CANARY_IDENTITY["mother_last_name"] in text and "Canaris" in text
    assert "prendre dans nos bras" in text and "[à compléter" in text
    assert list(IdentityAccessLog.objects.values_list("purpose", flat=True)) == ["parents_letter"]

    # --- Or fills the team's details and the signatory first (never stored) -------------------
    letter.get_by_role("link", name=re.compile("Préparer le courrier")).click()
    expect(
        page.get_by_role("heading", name=f"Courrier aux parents du cas {case.code}")
    ).to_be_visible()
    axe_check(page)
    page.get_by_label("Téléphone").fill("01 45 17 50 00")
    page.get_by_role("textbox", name="Nom du signataire (facultatif)", exact=True).fill("Martin")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger le courrier (PDF)").click()
    with open(download_info.value.path(), "rb") as pdf:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    assert "01 45 17 50 00" in text and "Martin" in text and "[à compléter : service]" in text
    assert IdentityAccessLog.objects.count() == 2
