"""A whole RMM session in the browser: the secretary plans it, builds the agenda, sends it and
records attendance; a new member must accept the confidentiality charter before reading the
(pseudonymised) case and its clinical facts; the chair records the review (an incomplete one is
refused beside each field first), holds the session, validates the minutes and downloads them
as PDF. Every page loaded is checked with axe-core (WCAG 2.1 AA)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from cases.models import CareEvent, Case
from committees.models import CaseReview, CharterAcceptance, Session
from tests.conftest import committee_person
from tests.factories import CANARY_IDENTITY, TEST_PASSWORD, CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The session took place yesterday: a session can only be marked as held once it has begun.
SESSION_DAY = timezone.localdate() - timedelta(days=1)
SUMMARY = "Nouveau-né de 27 SA + 2 j, décès à J2 en réanimation."
# Clinical facts the committee reads on the review screen (issue 14), and how they are shown.
FACTS = {
    "maternity_level_at_birth": "2A",
    "postnatal_transfer": True,
    "postnatal_transfer_level": "3",
    "postnatal_transfer_age_hours": 3,
    "antenatal_corticosteroids": "incomplete",
    "apgar_5min": 4,
    "resuscitation_at_birth": True,
    "resuscitation_intubation": True,
    "neonatal_admission": "nicu",
    "treatment_limitation": True,
    "treatment_limitation_age_hours": 40,
    "autopsy_offered": True,
    "autopsy_accepted": False,
}
SHOWN = ["Niveau 2A", "H+3", "Cure incomplète", "Oui : Intubation", "H+40", "J2 (H+52)"]


def field(page, label):
    """The control labelled `label`, exactly (crispy appends "*" to required fields; the review
    form marks them "(obligatoire)" for screen readers, its "*" being hidden from them)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*(\(obligatoire\))?\s*$"))


def status_message(page, text):
    return page.get_by_role("status").filter(has_text=text)


def choose(select, starting: str):
    """Select the option whose visible label starts with `starting` (select_option takes exact
    labels only)."""
    option = select.locator("option").filter(has_text=re.compile(rf"^\s*{re.escape(starting)}"))
    expect(option).to_have_count(1)
    select.select_option(label=option.text_content().strip())


def log_out(page, live_server, user, axe_check):
    page.get_by_role("button", name=user.full_name).click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{live_server.url}/connexion/")
    axe_check(page)


def test_full_rmm_session(
    page,
    live_server,
    maternity,
    clinician,
    committee,
    chair,
    secretary,
    log_in,
    screenshot,
    axe_check,
):
    # Irreversible actions (validating the minutes) ask for a confirmation: the chair agrees.
    page.on("dialog", lambda dialog: dialog.accept())
    case = CaseFactory(
        organisation=maternity,
        territory=maternity.parent,
        declared_by=clinician,
        status="ready",
        summary=SUMMARY,
        **FACTS,
    )
    CareEvent.objects.create(
        case=case,
        period="postnatal",
        day_of_life=0,
        hour_of_day=3,
        place_type="nicu",
        description="Transfert en réanimation néonatale, intubation, surfactant.",
    )
    newcomer = committee_person(
        committee,
        Role.COMMITTEE_MEMBER,
        "member",
        charter=False,
        email="nouveau.membre@nord.test",
        full_name="Noé Nouveau",
    )
    canary = CANARY_IDENTITY["mother_last_name"]

    # --- The secretary plans the session and builds the agenda ---------------------------------
    log_in(page, secretary.email, TEST_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    page.get_by_role("navigation").get_by_role("link", name="Séances", exact=True).click()
    expect(page.get_by_role("heading", name="Séances RMM")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Planifier une séance").click()
    expect(field(page, "Comité")).to_have_value(str(committee.pk))
    axe_check(page)
    field(page, "Date et heure").fill(f"{SESSION_DAY:%d/%m/%Y} 14:00")
    field(page, "Lieu").fill("Salle du réseau, 2e étage")
    page.get_by_role("button", name="Planifier").click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/.+/\d+/$"))
    session = Session.objects.get()
    session_url = page.url
    expect(
        page.get_by_role("heading", name=f"Séance du {SESSION_DAY:%d/%m/%Y} 14:00")
    ).to_be_visible()
    expect(status_message(page, "Séance planifiée.")).to_be_visible()
    axe_check(page)
    session_status = page.locator("#session-status")

    choose(page.get_by_label("Cas prêt à inscrire"), case.code)
    page.locator("#add-presenter").select_option(label=secretary.full_name)
    page.get_by_role("button", name="Inscrire à l'ordre du jour").click()
    expect(status_message(page, f"Cas {case.code} inscrit à l'ordre du jour.")).to_be_visible()
    agenda = page.get_by_role("region", name="Ordre du jour")
    expect(agenda.get_by_role("link", name=case.code, exact=True)).to_be_visible()
    expect(agenda).to_contain_text(f"Présentateur : {secretary.full_name}")
    axe_check(page)

    page.get_by_role("button", name="Envoyer l'ordre du jour").click()
    expect(status_message(page, "Séance : Ordre du jour envoyé")).to_be_visible()
    axe_check(page)
    session.refresh_from_db()
    assert session.status == "agenda_sent"

    attendance = page.get_by_role("region", name="Présences")
    for person, presence in ((chair, "Présent"), (secretary, "Présent"), (newcomer, "Excusé")):
        row = attendance.get_by_role("row").filter(has_text=person.full_name)
        row.get_by_label("Présence").select_option(label=presence)
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(status_message(page, "Présences enregistrées.")).to_be_visible()
    expect(page.locator("#quorum")).to_have_text(
        re.compile(r"2 présent\(s\) — quorum : 2\s+\(atteint\)")
    )
    screenshot(page, "session-agenda")
    log_out(page, live_server, secretary, axe_check)

    # --- The new member must accept the charter before reading anything -----------------------
    log_in(page, newcomer.email, TEST_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    page.goto(session_url)
    expect(page).to_have_url(re.compile(r"\?next="))
    expect(
        page.get_by_role("heading", name=re.compile("Charte de confidentialité"))
    ).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(case.code)
    screenshot(page, "charter")
    page.get_by_role("button", name="J'accepte la charte de confidentialité").click()
    expect(page).to_have_url(session_url)
    expect(status_message(page, "Charte de confidentialité acceptée.")).to_be_visible()
    axe_check(page)
    assert CharterAcceptance.objects.filter(committee=committee, user=newcomer).exists()

    page.get_by_role("region", name="Ordre du jour").get_by_role(
        "link", name=case.code, exact=True
    ).click()
    expect(page.get_by_role("heading", name=f"Revue du cas {case.code}")).to_be_visible()
    expect(page.locator("#case-summary")).to_have_text(SUMMARY)
    expect(page.locator("body")).not_to_contain_text(canary)
    # The whole pseudonymised picture, grouped as in the declaration, beside the chronology.
    facts = page.get_by_role("region", name="Faits cliniques")
    for group in ("Cas", "Grossesse et suivi prénatal", "Travail et accouchement", "Enfant"):
        expect(facts.get_by_role("heading", name=group, exact=True)).to_be_visible()
    for shown in SHOWN:
        expect(facts).to_contain_text(shown)
    expect(page.get_by_role("region", name="Chronologie")).to_contain_text("surfactant")
    axe_check(page)
    # A member reads; only the chair and the secretary record the review.
    expect(page.get_by_role("button", name="Enregistrer la revue")).to_have_count(0)
    assert canary not in page.content()
    screenshot(page, "review-member")
    log_out(page, live_server, newcomer, axe_check)

    # --- The chair records the review --------------------------------------------------------
    log_in(page, chair.email, TEST_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    page.goto(session_url)
    axe_check(page)
    page.get_by_role("region", name="Ordre du jour").get_by_role(
        "link", name=case.code, exact=True
    ).click()
    expect(page.get_by_role("heading", name=f"Revue du cas {case.code}")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(canary)
    axe_check(page)
    # A death after a live birth: only the neonatal ICD-PM groups are offered.
    icd = field(page, "Groupe CIM-PM (moment et cause)")
    expect(icd.locator("option").filter(has_text=re.compile(r"^\s*A1 "))).to_have_count(0)
    expect(icd.locator("option").filter(has_text=re.compile(r"^\s*N9 "))).to_have_count(1)

    # Recorded too soon, the review is refused beside each missing field, the summary focused.
    page.get_by_role("button", name="Enregistrer la revue").click()
    summary = page.locator("#review-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("rien n'a été enregistré")
    expect(page.locator("#id_avoidability_error")).to_have_text("Indiquez l'évitabilité du décès.")
    expect(field(page, "Évitabilité")).to_have_attribute("aria-invalid", "true")
    assert not CaseReview.objects.exists()
    axe_check(page)
    summary.get_by_role("link", name=re.compile("^Évitabilité")).click()
    expect(field(page, "Évitabilité")).to_be_focused()
    # Back to a fresh form (the README's picture is the form being filled, not its errors).
    page.goto(page.url.split("#")[0])
    expect(page.get_by_role("heading", name=f"Revue du cas {case.code}")).to_be_visible()
    axe_check(page)

    choose(field(page, "Groupe CIM-PM (moment et cause)"), "N9 ")
    choose(field(page, "Condition maternelle (M1-M5)"), "M2 ")
    field(page, "Soins jusqu'au décès").select_option(value="C")
    field(page, "Soins néonatals").select_option(value="B")
    field(page, "Soins après le décès et accompagnement de la famille").select_option(value="A")
    field(page, "Évitabilité").select_option(label="Potentiellement évitable")
    field(page, "Soins optimaux").select_option(label="Non")
    patient = page.locator("details").filter(
        has=page.locator("summary", has_text=re.compile(r"^\s*1\. Patient\s*$"))
    )
    if patient.get_attribute("open") is None:  # the grid opens by itself after an error
        patient.locator("summary").click()
    tick = patient.get_by_label("1.4 Personnalité, facteurs sociaux ou familiaux")
    expect(tick).to_be_visible()
    tick.check()
    patient.get_by_label("Commentaire 1.4").fill("Barrière de la langue, pas d'interprète.")
    field(page, "Conclusion et décisions du comité").fill(
        "Orientation PMI à renforcer ; interprétariat à organiser dès la 1re consultation."
    )
    screenshot(page, "review-form")
    page.get_by_role("button", name="Enregistrer la revue").click()

    expect(page).to_have_url(session_url)
    expect(status_message(page, f"Revue du cas {case.code} enregistrée.")).to_be_visible()
    axe_check(page)
    expect(page.get_by_role("region", name="Ordre du jour")).to_contain_text(
        "Conclusions enregistrées"
    )
    screenshot(page, "review-recorded")
    review = CaseReview.objects.get()
    assert (review.icd_pm_group.code, review.maternal_condition.code) == ("N9", "M2")
    assert (review.grade_care_to_death, review.grade_neonatal_care, review.grade_after_death) == (
        "C",
        "B",
        "A",
    )
    assert review.avoidability == "potentially_avoidable"
    assert review.optimal_care is False
    factor = review.factors.get()
    assert (factor.item.code, factor.comment) == ("1.4", "Barrière de la langue, pas d'interprète.")
    assert Case.objects.get(pk=case.pk).status == "reviewed"

    # --- The chair holds the session, then validates and downloads the minutes ----------------
    page.get_by_role("button", name="Marquer la séance comme tenue").click()
    expect(status_message(page, "Séance :")).to_be_visible()
    session.refresh_from_db()
    assert session.status == "held"
    expect(session_status).to_have_text(session.get_status_display())
    axe_check(page)

    page.get_by_role("link", name="Compte rendu").click()
    expect(
        page.get_by_role("heading", name=f"Compte rendu — séance du {SESSION_DAY:%d/%m/%Y}")
    ).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Générer le compte rendu").click()
    expect(status_message(page, "Compte rendu (version 1) généré.")).to_be_visible()
    axe_check(page)
    state = page.locator("#minutes-state")
    expect(state).to_have_text("Projet non validé")
    expect(page.locator("body")).to_contain_text(case.code)
    page.get_by_role("button", name="Valider le compte rendu").click()
    expect(status_message(page, "Compte rendu validé : il est désormais figé.")).to_be_visible()
    expect(state).to_have_text(
        re.compile(rf"^Validé le \d\d/\d\d/\d{{4}} par {chair.full_name} — figé$")
    )
    expect(page.get_by_role("button", name="Valider le compte rendu")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(canary)
    session.refresh_from_db()
    assert session.status == "minutes_validated"
    screenshot(page, "minutes")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
