"""A case's journey in the browser: a clinician declares it (after one refused submission), the
coordinator documents, anonymises and submits it; a user of another network only gets a 404."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import CANARY_IDENTITY, TEST_PASSWORD, CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)

IDENTIFYING_NARRATIVE = (
    "Mme Zanzibarova, 17 rue des Canaris, appelle le 06 71 72 73 74 à 27 SA + 2 j pour des "
    "contractions. Naissance à la maternité, transfert en réanimation néonatale."
)


@pytest.fixture
def declared_case(maternity, clinician):
    return CaseFactory(
        organisation=maternity, territory=maternity.parent, declared_by=clinician, status="declared"
    )


def field(page, label):
    """The control labelled `label`, exactly (crispy appends "*" to required fields)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def test_clinician_declares_a_case_after_one_invalid_submission(
    page, live_server, maternity, clinician, log_in, screenshot
):
    log_in(page, clinician.email, TEST_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    page.get_by_role("navigation").get_by_role("link", name="Cas", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/cas/")
    page.get_by_role("link", name="Déclarer un cas").click()
    expect(page).to_have_url(f"{live_server.url}/cas/declarer/")

    # The organisation is preselected (the clinician belongs to one maternity only).
    expect(field(page, "Organisation déclarante")).to_have_value(str(maternity.pk))
    field(page, "Événement déclaré").select_option(label="Décès après naissance vivante")
    field(page, "Lieu de naissance").select_option(label="Maternité")
    field(page, "Sexe").select_option(label="Féminin")
    field(page, "Âge gestationnel (semaines d'aménorrhée)").fill("27")
    field(page, "Âge gestationnel (jours en plus des SA)").fill("2")
    field(page, "Poids de naissance (g)").fill("980")
    field(page, "Lieu du décès").select_option(label="Réanimation néonatale")
    field(page, "Nom de la mère").fill("Zanzibarova")
    field(page, "Date et heure de naissance").fill("04/03/2026 10:30")
    field(page, "Date et heure du décès").fill("03/03/2026 08:00")  # before the birth
    field(page, "Récit d'origine").fill(IDENTIFYING_NARRATIVE)

    with page.expect_response(re.compile(r"/cas/declarer/$")) as refused:
        page.get_by_role("button", name="Enregistrer et déclarer").click()
    assert refused.value.status == 400
    expect(page.get_by_role("alert").filter(has_text="rien n'a été enregistré")).to_be_visible()
    died_at = field(page, "Date et heure du décès")
    expect(died_at).to_have_class(re.compile(r"\bis-invalid\b"))
    # The error sits beside the field, and is announced with it (aria-describedby).
    expect(died_at).to_have_attribute("aria-describedby", re.compile(r"\bid_died_at_error\b"))
    expect(page.locator("#id_died_at_error")).to_have_text(
        "Le décès ne peut pas précéder la naissance."
    )
    # What was typed is kept: only the wrong field needs correcting.
    expect(field(page, "Nom de la mère")).to_have_value("Zanzibarova")
    expect(field(page, "Poids de naissance (g)")).to_have_value("980")
    assert Case.objects.count() == 0
    # The form is ~12 000 px high: show the viewport around the wrong field, not the whole page.
    # (instant: Bootstrap's smooth scrolling would still be moving when the shot is taken.)
    died_at.evaluate("element => element.scrollIntoView({block: 'center', behavior: 'instant'})")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "declare-invalid.png"))

    died_at.fill("06/03/2026 14:45")  # 2 days 4 hours after birth
    page.get_by_role("button", name="Enregistrer et déclarer").click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/cas/\d+/$"))
    case = Case.objects.get()
    expect(page).to_have_url(f"{live_server.url}/cas/{case.pk}/")
    expect(page.locator("#case-status")).to_have_text("Déclaré")
    expect(page.get_by_text("Décès néonatal précoce (0-6 j)")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text=f"Cas {case.code} déclaré")).to_be_visible()
    expect(page.get_by_text("J2 (52 h)")).to_be_visible()
    # The detail page never shows the identity itself.
    expect(page.locator("body")).not_to_contain_text("Zanzibarova")
    case.refresh_from_db()
    assert case.status == "declared"
    assert case.identity.mother_last_name == "Zanzibarova"
    assert case.identity.narrative_original == IDENTIFYING_NARRATIVE
    screenshot(page, "declare-done")


def add_event(page, *, period, place, actor, description, **when):
    field(page, "Période").select_option(label=period)
    for label, value in when.items():
        field(page, label).fill(value)
    field(page, "Lieu").select_option(label=place)
    field(page, "Intervenant (fonction)").select_option(label=actor)
    field(page, "Ce qui s'est passé").fill(description)
    page.get_by_role("button", name="Enregistrer l'événement").click()
    expect(page.get_by_role("status").filter(has_text="Chronologie enregistrée.")).to_be_visible()


def test_coordinator_documents_anonymises_and_submits(
    page, live_server, declared_case, coordinator, log_in, screenshot
):
    case = declared_case
    log_in(page, coordinator.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/cas/{case.pk}/")
    status = page.locator("#case-status")
    expect(status).to_have_text("Déclaré")

    page.get_by_role("button", name="Prendre en charge").click()
    expect(status).to_have_text("En documentation")

    # Submitting too early is refused, in French, and nothing moves.
    page.get_by_role("button", name="Soumettre au comité").click()
    refusal = page.get_by_role("alert").filter(has_text="Refusé")
    expect(refusal).to_contain_text("La chronologie est vide.")
    expect(status).to_have_text("En documentation")

    page.get_by_role("link", name="Chronologie", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/cas/{case.pk}/chronologie/")
    add_event(
        page,
        period="Après la naissance (J / H)",
        place="Réanimation néonatale",
        actor="Néonatologue",
        description="Intubation en salle de naissance, surfactant, transfert en réanimation.",
        **{"Jour de vie (J)": "0", "Heure (H)": "1"},
    )
    add_event(
        page,
        period="Avant la naissance (SA + j)",
        place="Maternité niveau 3",
        actor="Sage-femme",
        description="Appel pour contractions, consultation aux urgences obstétricales.",
        **{"SA": "27", "Jours": "2"},
    )
    events = page.locator("ol.list-group > li")
    expect(events).to_have_count(2)
    # Entered second, the antenatal event still takes its place in time, before J0.
    expect(events.nth(0)).to_contain_text("27 SA")
    expect(events.nth(1)).to_contain_text("J0")
    # Manual reordering stays possible: up, then back down.
    events.nth(1).get_by_role("button", name="Monter").click()
    expect(events.nth(0)).to_contain_text("J0")
    events.nth(0).get_by_role("button", name="Descendre").click()
    expect(events.nth(0)).to_contain_text("27 SA")
    expect(events.nth(0)).to_contain_text("Appel pour contractions")
    expect(events.nth(1)).to_contain_text("J0")
    screenshot(page, "chronology")

    page.get_by_role("link", name="Retour au cas").click()
    page.get_by_role("link", name="Anonymisation", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/cas/{case.pk}/anonymisation/")
    original, proposal = page.locator("#original-text"), page.locator("#proposal-text")
    expect(original).to_contain_text("Zanzibarova")
    expect(proposal).to_contain_text("[NOM]")
    expect(proposal).not_to_contain_text("Zanzibarova")
    # Side by side: the original (and the proposal under it) left, the editable summary right.
    original_box = original.bounding_box()
    summary = page.get_by_label("Résumé anonymisé (montré au comité)")
    summary_box = summary.bounding_box()
    assert original_box["x"] + original_box["width"] <= summary_box["x"]
    summary_text = summary.input_value()
    assert "[NOM]" in summary_text
    for value in ("Zanzibarova", "Philomene", "Canaris", "06 71 72 73 74"):
        assert value not in summary_text
    screenshot(page, "anonymisation")

    page.get_by_label(
        "Je certifie avoir relu ce résumé : il ne contient plus aucun identifiant."
    ).check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/cas/{case.pk}/")
    expect(
        page.get_by_role("status").filter(has_text="Résumé anonymisé enregistré et validé.")
    ).to_be_visible()
    expect(page.locator(".summary-text")).to_contain_text("[NOM]")

    page.get_by_role("button", name="Soumettre au comité").click()
    expect(status).to_have_text("Prêt pour revue")
    expect(page.get_by_role("alert")).to_have_count(0)
    history = page.get_by_role("region", name="Historique")
    expect(history).to_contain_text("Déclaré → En documentation")
    expect(history).to_contain_text("En documentation → Prêt pour revue")
    case.refresh_from_db()
    assert case.status == "ready"
    assert [t.target for t in case.transitions.order_by("pk")] == ["documenting", "ready"]
    screenshot(page, "submitted")


def test_other_organisation_user_gets_404(page, live_server, declared_case, outsider, log_in):
    log_in(page, outsider.email, TEST_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    response = page.goto(f"{live_server.url}/cas/{declared_case.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    body = page.locator("body")
    for secret in [declared_case.code, *(v for v in CANARY_IDENTITY.values() if len(v) < 40)]:
        expect(body).not_to_contain_text(secret)
    for secret in ("Zanzibarova", "Canaris", declared_case.code):
        assert secret not in page.content()


def test_deleting_a_chronology_event_asks_for_confirmation(
    page, live_server, maternity, clinician, coordinator, log_in
):
    from cases.models import CareEvent

    case = CaseFactory(
        organisation=maternity,
        territory=maternity.parent,
        declared_by=clinician,
        status="documenting",
    )
    CareEvent.objects.create(
        case=case,
        period="postnatal",
        day_of_life=0,
        place_type="nicu",
        description="Intubation en salle de naissance.",
    )
    log_in(page, coordinator.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/cas/{case.pk}/chronologie/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Supprimer").click()
    expect(page.get_by_text("Intubation en salle de naissance.")).to_be_visible()
    assert CareEvent.objects.filter(case=case).count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Supprimer").click()
    expect(page.get_by_role("status").filter(has_text="Événement supprimé.")).to_be_visible()
    assert CareEvent.objects.filter(case=case).count() == 0
