"""Corrective actions in the browser (issue 9): the chair proposes two actions on the review
screen, approves them and adopts the plan there; the coordinator of the maternity starts one,
records its progress with a piece of evidence and marks it done; the quality manager measures and
verifies its effectiveness and cancels the other with a reason; the chair closes the case."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import ActionTransition, CorrectiveAction
from cases.models import Case
from committees.models import AlarmItem, Session
from committees.services.reviews import review_record
from committees.services.sessions import agenda_add, session_transition
from tests.committees.conftest import all_present, days_from_now, full_review
from tests.factories import TEST_PASSWORD, CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)

FACTOR_COMMENT = "Barrière de la langue, pas d'interprète."
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def field(page, label):
    """The control labelled `label`, exactly (crispy appends "*" to required fields)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def status_message(page, text):
    return page.get_by_role("status").filter(has_text=text)


def switch_user(page, log_in, user):
    page.context.clear_cookies()
    log_in(page, user.email, TEST_PASSWORD)  # checks the login page and home with axe
    expect(page.get_by_role("button", name=user.full_name)).to_be_visible()


@pytest.fixture
def reviewed_case(maternity, clinician, committee, chair, secretary):
    """A case reviewed in a session that began yesterday, with one ALARM factor recorded."""
    case = CaseFactory(
        organisation=maternity,
        territory=maternity.parent,
        declared_by=clinician,
        status="ready",
        summary="Nouveau-né de 27 SA + 2 j, décès à J2 en réanimation.",
    )
    session = Session.objects.create(
        committee=committee,
        starts_at=days_from_now(-1),
        place="Salle du réseau",
        created_by=secretary,
    )
    agenda_add(session=session, case=case, by=secretary)
    session_transition(session=session, name="send_agenda", by=secretary, expected_status="planned")
    all_present(session, secretary)
    review_record(
        session=session,
        case=case,
        by=chair,
        review=full_review(),
        factors=[(AlarmItem.objects.get(code="1.4"), FACTOR_COMMENT, False)],
    )
    case.refresh_from_db()
    assert case.status == "reviewed"
    return session, case


def propose(
    page, axe_check, *, what, barrier, nature, function, due, indicator, check, factor=True
):
    page.get_by_role("link", name="Proposer une action").click()
    expect(
        page.get_by_role("heading", name=re.compile("Proposer une action corrective"))
    ).to_be_visible()
    axe_check(page)
    field(page, "Ce qui va changer").fill(what)
    field(page, "Type de barrière").select_option(label=barrier)
    field(page, "Nature").select_option(label=nature)
    field(page, "Fonction ou service responsable").fill(function)
    field(page, "Échéance").fill(f"{due:%d/%m/%Y}")
    field(page, "Indicateur d'efficacité").fill(indicator)
    field(page, "Date de mesure de l'efficacité").fill(f"{check:%d/%m/%Y}")
    if factor:
        page.get_by_label(re.compile(r"^\s*1\.4 ")).check()
    page.get_by_role("button", name="Proposer l'action").click()
    expect(status_message(page, "proposée : approuvez-la")).to_be_visible()
    axe_check(page)


def test_action_plan_from_review_to_closed_case(
    page,
    live_server,
    reviewed_case,
    chair,
    coordinator,
    quality_manager,
    log_in,
    screenshot,
    axe_check,
):
    # Cancelling an action asks for a confirmation: every user agrees.
    page.on("dialog", lambda dialog: dialog.accept())
    session, case = reviewed_case
    today = timezone.localdate()
    first_due, second_due = today + timedelta(days=20), today + timedelta(days=60)
    review_url = f"{live_server.url}/seances/{session.pk}/cas/{case.pk}/"
    case_url = f"{live_server.url}/cas/{case.pk}/"

    # --- The chair proposes two actions on the review screen and approves them ------------------
    switch_user(page, log_in, chair)
    page.goto(review_url)
    expect(page.get_by_role("heading", name=f"Revue du cas {case.code}")).to_be_visible()
    axe_check(page)
    propose(
        page,
        axe_check,
        what="Interprétariat téléphonique disponible jour et nuit aux urgences obstétricales.",
        barrier="Prévention",
        nature="Organisation",
        function="Cadre des urgences obstétricales",
        due=first_due,
        indicator="Part des consultations allophones avec interprète tracée dans le dossier.",
        check=first_due + timedelta(days=30),
    )
    expect(page).to_have_url(review_url)
    propose(
        page,
        axe_check,
        what="Orientation systématique vers la PMI inscrite au protocole de sortie.",
        barrier="Récupération",
        nature="Parcours et coordination",
        function="Cadre de la maternité",
        due=second_due,
        indicator="Part des sorties avec orientation PMI tracée dans le dossier.",
        check=second_due + timedelta(days=30),
        factor=False,
    )
    first, second = CorrectiveAction.objects.order_by("due_date")
    assert [a.status for a in (first, second)] == ["proposed", "proposed"]
    assert [f.item.code for f in first.factors.all()] == ["1.4"]

    plan = page.locator("#action-plan")
    for action in (first, second):
        plan.get_by_role("row").filter(has_text=f"A{action.pk} —").get_by_role(
            "button", name="Approuver"
        ).click()
        expect(status_message(page, f"Action A{action.pk} approuvée.")).to_be_visible()
        axe_check(page)
    expect(plan.get_by_role("button", name="Approuver")).to_have_count(0)
    expect(plan).to_contain_text("Approuvée")

    # The plan is adopted where it was built: on the review screen.
    adopt = page.locator("#adopt-plan")
    expect(adopt.get_by_role("button", name="Adopter le plan d'actions")).to_be_visible()
    screenshot(page, "action-plan")
    adopt.get_by_role("button", name="Adopter le plan d'actions").click()
    expect(status_message(page, "Plan d'actions adopté")).to_be_visible()
    expect(page.locator("#adopt-plan")).to_have_count(0)
    axe_check(page)
    page.goto(case_url)
    expect(page.locator("#case-status")).to_have_text("Suivi des actions")
    axe_check(page)
    case_actions = page.locator("#case-actions")
    for action in (first, second):
        expect(case_actions.get_by_role("link", name=f"A{action.pk}", exact=True)).to_be_visible()

    # --- The coordinator of the maternity starts the first action and reports on it -----------
    switch_user(page, log_in, coordinator)
    page.goto(f"{live_server.url}/actions/")
    expect(page.get_by_role("heading", name="Mes actions")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=f"A{first.pk}", exact=True).first.click()
    expect(page.get_by_role("heading", name=f"Action corrective A{first.pk}")).to_be_visible()
    status = page.locator("#action-status")
    expect(status).to_have_text("Approuvée")
    axe_check(page)
    page.get_by_role("button", name="Démarrer").click()
    expect(status).to_have_text("En cours")
    axe_check(page)

    page.locator("#id_text").fill(
        "Convention signée avec le service d'interprétariat ; affiche en salle d'accueil."
    )
    page.get_by_label("Pièce justificative (facultatif)").set_input_files(
        {"name": "convention-interpretariat.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Enregistrer la note").click()
    expect(status_message(page, "Note d'avancement enregistrée.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Pièce justificative :"))).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Marquer comme réalisée").click()
    expect(status).to_have_text("Réalisée")
    screenshot(page, "action-detail")

    # --- The quality manager verifies its effectiveness and cancels the other ------------------
    switch_user(page, log_in, quality_manager)
    page.goto(f"{live_server.url}/actions/{first.pk}/")
    axe_check(page)
    page.get_by_label("Résultat de la mesure d'efficacité").fill(
        "Audit de dossiers : interprète tracé pour toutes les consultations allophones."
    )
    page.get_by_role("button", name="Enregistrer le résultat").click()
    expect(status_message(page, "Résultat de la mesure d'efficacité enregistré.")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Vérifier l'efficacité").click()
    expect(status).to_have_text("Efficacité vérifiée")
    axe_check(page)

    page.goto(f"{live_server.url}/actions/{second.pk}/")
    axe_check(page)
    reason = "Reprise dans le protocole régional de sortie de maternité."
    page.locator("#comment-cancel").fill(reason)
    page.get_by_role("button", name="Annuler l'action").click()
    expect(status).to_have_text("Annulée")
    expect(page.locator("body")).to_contain_text(reason)
    axe_check(page)

    # --- The chair closes the case ---------------------------------------------------------------
    switch_user(page, log_in, chair)
    page.goto(case_url)
    axe_check(page)
    page.locator("#comment-close").fill("Plan d'actions terminé : efficacité vérifiée.")
    page.get_by_role("button", name="Clôturer").click()
    expect(page.locator("#case-status")).to_have_text("Clôturé")
    axe_check(page)

    switch_user(page, log_in, quality_manager)
    page.goto(f"{live_server.url}/actions/tableau-de-bord/")
    expect(
        page.get_by_role("heading", name="Tableau de bord des actions correctives")
    ).to_be_visible()
    screenshot(page, "action-dashboard")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("verified", "cancelled")
    assert second.cancellation_reason == reason
    assert first.progress_notes.get().evidence.name.endswith(".pdf")
    assert Case.objects.get(pk=case.pk).status == "closed"
    history = list(
        ActionTransition.objects.filter(action=first)
        .order_by("pk")
        .values_list("transition", "actor_id")
    )
    assert history == [
        ("approve", chair.pk),
        ("start", coordinator.pk),
        ("complete", coordinator.pk),
        ("verify", quality_manager.pk),
    ]
    assert list(
        ActionTransition.objects.filter(action=second).values_list("transition", "actor_id")
    ) == [("approve", chair.pk), ("cancel", quality_manager.pk)]
