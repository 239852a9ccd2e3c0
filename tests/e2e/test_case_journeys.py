"""A case's journey in the browser: a clinician declares it in steps (after one refused
submission) or deletes a draft, the coordinator documents, anonymises and submits it; a user of
another network only gets a 404. Every page loaded is checked with axe-core."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
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
    """The control labelled `label`, exactly (a required field's label adds "(obligatoire)" for
    screen readers after a "*" they do not read; a conditionally required one says "* si ...")."""
    return page.get_by_label(
        re.compile(
            rf"^\s*{re.escape(label)}\s*(\*\s*(si (naissance vivante|mort-né))?)?\s*"
            r"(\(obligatoire\))?\s*$"
        )
    )


def moment(days_ago: int, hour: str) -> str:
    """A past date and time as typed (no hard-coded year: CI moves the clock)."""
    return f"{timezone.localdate() - timedelta(days=days_ago):%d/%m/%Y} {hour}"


def continue_to(page, live_server, slug, axe_check):
    """ "Enregistrer et continuer", then the next step is shown and checked."""
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page).to_have_url(
        re.compile(rf"^{re.escape(live_server.url)}/cas/\d+/modifier/{slug}/$")
    )
    axe_check(page)


def test_clinician_declares_a_case_in_steps_after_one_invalid_submission(
    page, live_server, maternity, clinician, log_in, screenshot, axe_check
):
    log_in(page, clinician.email, TEST_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    page.get_by_role("navigation").get_by_role("link", name="Cas", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/cas/")
    axe_check(page)
    page.get_by_role("link", name="Déclarer un cas").click()
    expect(page).to_have_url(f"{live_server.url}/cas/declarer/")
    axe_check(page)
    steps = page.get_by_role("navigation", name="Étapes de la déclaration")
    expect(steps.locator('[aria-current="step"]')).to_have_text("1. L'essentiel")

    # The essentials first; the organisation is preselected (the clinician has one maternity).
    expect(field(page, "Organisation déclarante")).to_have_value(str(maternity.pk))
    expect(field(page, "Poids de naissance (g)")).to_have_attribute("aria-required", "true")
    field(page, "Événement déclaré").select_option(label="Décès après naissance vivante")
    field(page, "Date et heure de naissance").fill(moment(10, "10:30"))
    field(page, "Date et heure du décès").fill(moment(11, "08:00"))  # before the birth
    field(page, "Âge gestationnel (semaines d'aménorrhée)").fill("27")
    field(page, "Âge gestationnel (jours en plus des SA)").fill("2")
    field(page, "Poids de naissance (g)").fill("980")
    field(page, "Sexe").select_option(label="Féminin")
    field(page, "Lieu de naissance").select_option(label="Maternité")
    field(page, "Lieu du décès").select_option(label="Réanimation néonatale")

    with page.expect_response(re.compile(r"/cas/declarer/$")) as refused:
        page.get_by_role("button", name="Enregistrer et continuer").click()
    assert refused.value.status == 400
    axe_check(page)
    expect(page.get_by_role("alert").filter(has_text="rien n'a été enregistré")).to_be_visible()
    # The focus is on the summary of what to correct, which links to the field.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    died_at = field(page, "Date et heure du décès")
    expect(died_at).to_have_class(re.compile(r"\bis-invalid\b"))
    # The error sits beside the field, and is announced with it (aria-describedby).
    expect(died_at).to_have_attribute("aria-describedby", re.compile(r"\bid_died_at_error\b"))
    expect(page.locator("#id_died_at_error")).to_have_text(
        "Le décès ne peut pas précéder la naissance."
    )
    summary.get_by_role("link", name="Date et heure du décès").click()
    expect(died_at).to_be_focused()
    # What was typed is kept: only the wrong field needs correcting.
    expect(field(page, "Poids de naissance (g)")).to_have_value("980")
    assert Case.objects.count() == 0
    died_at.evaluate("element => element.scrollIntoView({block: 'center', behavior: 'instant'})")
    screenshot(page, "declare-invalid")

    died_at.fill(moment(8, "14:45"))  # 2 days 4 hours after birth
    continue_to(page, live_server, "mere", axe_check)
    case = Case.objects.get()
    assert case.status == "draft"
    expect(
        page.get_by_role("status").filter(has_text=f"Brouillon {case.code} enregistré")
    ).to_be_visible()
    # Inside a step, the other steps are buttons that save this one before leaving it.
    expect(steps.get_by_role("button", name=re.compile("L'essentiel.*renseignée"))).to_be_visible()
    field(page, "Âge de la mère (années)").fill("31")
    continue_to(page, live_server, "grossesse", axe_check)
    field(page, "Corticothérapie anténatale").select_option(index=1)
    continue_to(page, live_server, "travail", axe_check)
    # Back to the previous step: what was entered is there.
    page.get_by_role("button", name="← Enregistrer et revenir").click()
    expect(page).to_have_url(f"{live_server.url}/cas/{case.pk}/modifier/grossesse/")
    axe_check(page)
    expect(field(page, "Corticothérapie anténatale")).not_to_have_value("")
    continue_to(page, live_server, "travail", axe_check)
    continue_to(page, live_server, "enfant", axe_check)
    field(page, "Apgar à 5 minutes").fill("3")
    steps.get_by_role("button", name=re.compile(r"^6\. Décès et investigations")).click()
    expect(page).to_have_url(f"{live_server.url}/cas/{case.pk}/modifier/deces/")
    axe_check(page)
    continue_to(page, live_server, "identite", axe_check)
    field(page, "Nom de la mère").fill("Zanzibarova")
    field(page, "Récit d'origine").fill(IDENTIFYING_NARRATIVE)
    continue_to(page, live_server, "verifier", axe_check)
    expect(page.locator("#missing-for-declaration")).to_have_text(
        "Les informations nécessaires à la déclaration sont renseignées."
    )
    screenshot(page, "declaration-steps")

    page.get_by_role("button", name="Déclarer", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/cas/{case.pk}/")
    axe_check(page)
    expect(page.locator("#case-status")).to_have_text("Déclaré")
    expect(page.get_by_text("Décès néonatal précoce (0-6 j)")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text=f"Cas {case.code} déclaré")).to_be_visible()
    expect(page.get_by_text("J2 (52 h)")).to_be_visible()
    # The detail page never shows the identity itself.
    expect(page.locator("body")).not_to_contain_text("Zanzibarova")
    case.refresh_from_db()
    assert case.status == "declared"
    assert (case.mother_age_years, case.apgar_5min) == (31, 3)
    assert case.identity.mother_last_name == "Zanzibarova"
    assert case.identity.narrative_original == IDENTIFYING_NARRATIVE
    screenshot(page, "declare-done")


def test_clinician_sees_what_is_missing_then_deletes_the_draft(
    page, live_server, maternity, clinician, log_in, axe_check
):
    log_in(page, clinician.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/cas/declarer/")
    axe_check(page)
    field(page, "Événement déclaré").select_option(label="Mort-né")
    page.get_by_role("button", name="Enregistrer et déclarer").click()
    case = Case.objects.get()
    # Not declared: the check page, its focused summary listing what is missing.
    expect(page).to_have_url(f"{live_server.url}/cas/{case.pk}/modifier/verifier/?refus=1")
    axe_check(page)
    missing = page.locator("#missing-for-declaration")
    expect(missing).to_be_focused()
    expect(missing).to_contain_text("la déclaration est incomplète")
    expect(missing).to_contain_text("Il manque 5 informations pour déclarer")
    expect(missing.get_by_role("link", name="Moment du décès")).to_be_visible()
    expect(page.get_by_role("button", name="Déclarer", exact=True)).to_have_count(0)
    assert case.status == "draft"
    missing.get_by_role("link", name="Poids de naissance (g)").click()
    expect(page).to_have_url(
        f"{live_server.url}/cas/{case.pk}/modifier/essentiel/#id_birth_weight_g"
    )
    axe_check(page)
    page.get_by_role("link", name="Revenir au cas sans enregistrer cette étape").click()
    expect(page).to_have_url(f"{live_server.url}/cas/{case.pk}/")
    axe_check(page)
    page.get_by_role("link", name="Supprimer le brouillon").click()
    expect(page).to_have_url(f"{live_server.url}/cas/{case.pk}/supprimer/")
    axe_check(page)
    page.get_by_role("button", name="Supprimer définitivement le brouillon").click()
    expect(page).to_have_url(f"{live_server.url}/cas/")
    axe_check(page)
    expect(
        page.get_by_role("status").filter(has_text=f"Brouillon {case.code} supprimé.")
    ).to_be_visible()
    assert not Case.objects.exists()


def add_event(page, axe_check, *, period, place, actor, description, **when):
    field(page, "Période").select_option(label=period)
    for label, value in when.items():
        field(page, label).fill(value)
    field(page, "Lieu").select_option(label=place)
    field(page, "Intervenant (fonction)").select_option(label=actor)
    field(page, "Ce qui s'est passé").fill(description)
    page.get_by_role("button", name="Enregistrer l'événement").click()
    expect(page.get_by_role("status").filter(has_text="Chronologie enregistrée.")).to_be_visible()
    axe_check(page)


def test_coordinator_documents_anonymises_and_submits(
    page, live_server, declared_case, coordinator, log_in, screenshot, axe_check
):
    case = declared_case
    log_in(page, coordinator.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/cas/{case.pk}/")
    status = page.locator("#case-status")
    expect(status).to_have_text("Déclaré")
    axe_check(page)

    page.get_by_role("button", name="Prendre en charge").click()
    expect(status).to_have_text("En documentation")
    axe_check(page)

    # Submitting too early is refused, in French, and nothing moves.
    page.get_by_role("button", name="Soumettre au comité").click()
    refusal = page.get_by_role("alert").filter(has_text="Refusé")
    expect(refusal).to_contain_text("La chronologie est vide.")
    expect(status).to_have_text("En documentation")
    axe_check(page)

    page.get_by_role("link", name="Chronologie", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/cas/{case.pk}/chronologie/")
    axe_check(page)
    add_event(
        page,
        axe_check,
        period="Après la naissance (J / H)",
        place="Réanimation néonatale",
        actor="Néonatologue",
        description="Intubation en salle de naissance, surfactant, transfert en réanimation.",
        **{"Jour de vie (J)": "0", "Heure (H)": "1"},
    )
    add_event(
        page,
        axe_check,
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
    axe_check(page)
    events.nth(0).get_by_role("button", name="Descendre").click()
    expect(events.nth(0)).to_contain_text("27 SA")
    expect(events.nth(0)).to_contain_text("Appel pour contractions")
    expect(events.nth(1)).to_contain_text("J0")
    screenshot(page, "chronology")

    page.get_by_role("link", name="Retour au cas").click()
    expect(page).to_have_url(f"{live_server.url}/cas/{case.pk}/")
    axe_check(page)
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
    axe_check(page)

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


def test_other_organisation_user_gets_404(
    page, live_server, declared_case, outsider, log_in, axe_check
):
    log_in(page, outsider.email, TEST_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    response = page.goto(f"{live_server.url}/cas/{declared_case.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    axe_check(page)
    body = page.locator("body")
    for secret in [declared_case.code, *(v for v in CANARY_IDENTITY.values() if len(v) < 40)]:
        expect(body).not_to_contain_text(secret)
    for secret in ("Zanzibarova", "Canaris", declared_case.code):
        assert secret not in page.content()


def test_deleting_a_chronology_event_asks_for_confirmation(
    page, live_server, maternity, clinician, coordinator, log_in, axe_check
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
    axe_check(page)
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Supprimer").click()
    expect(page.get_by_text("Intubation en salle de naissance.")).to_be_visible()
    assert CareEvent.objects.filter(case=case).count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Supprimer").click()
    expect(page.get_by_role("status").filter(has_text="Événement supprimé.")).to_be_visible()
    axe_check(page)
    assert CareEvent.objects.filter(case=case).count() == 0
