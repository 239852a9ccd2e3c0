"""What a careless or hostile user tries on corrective actions (issue 9, points 1, 3 and 5):
evidence that is not what its name says, a file name that names someone, notes and results on
an action that is over, "no action needed" next to live actions, a plan for a closed case, a
named owner from elsewhere, a date in year 9999; and what a committee member may not read (a
colleague's name), the dashboard's owner filter, the case page's actions, the coordinator's home."""

import html
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from actions.models import CorrectiveAction, NoActionDecision, ProgressNote
from actions.services import (
    effectiveness_record,
    no_action_decide,
    progress_note_add,
)
from cases.exceptions import InvalidInput, TransitionConflict
from cases.models import Case
from tests.actions.test_action_plan import move, propose, reviewed  # noqa: F401
from tests.factories import member

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def started(reviewed, chair, coordinator):  # noqa: F811
    session, case = reviewed
    action = propose(session, case, chair)
    move(action, "approve", chair)
    move(action, "start", coordinator)
    return action


def office(member_name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member_name, "<document/>")
    return buffer.getvalue()


# --- Evidence: its content must be what its name says ----------------------------------------
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rapport.pdf", EXE),  # a program renamed .pdf
        ("photo.png", b"<html><script>alert(1)</script></html>"),  # a page renamed .png
        ("photo.jpg", PDF),
        ("tableau.xlsx", PDF),  # not a zip
        ("compte-rendu.docx", office("autre.xml")),  # a zip, but not a Word document
        ("export.csv", EXE),  # binary, not text
    ],
    ids=["exe-as-pdf", "html-as-png", "pdf-as-jpg", "pdf-as-xlsx", "zip-as-docx", "exe-as-csv"],
)
def test_evidence_whose_content_is_not_its_type_is_refused(started, coordinator, name, content):
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(InvalidInput, match="ne correspond pas à son type"):
        progress_note_add(action=started, by=coordinator, text="Preuve jointe.", evidence=upload)
    assert not started.progress_notes.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("audit.pdf", PDF),
        ("AUDIT.PDF", PDF),
        ("affiche.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16),
        ("affiche.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 16),
        ("compte-rendu.docx", office("word/document.xml")),
        ("suivi.xlsx", office("xl/workbook.xml")),
        ("note.odt", office("content.xml")),
        ("audit.csv", "Dossier;Conforme\n1;oui\n2;non — à revoir\n".encode()),
        ("audit-excel.csv", "Dossier;Conformité\n1;oui\n".encode("cp1252")),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_evidence_of_each_accepted_type_is_stored(started, coordinator, name, content):
    note = progress_note_add(
        action=started,
        by=coordinator,
        text="Preuve jointe.",
        evidence=SimpleUploadedFile(name, content),
    )
    assert note.evidence.read() == content


def test_a_program_renamed_pdf_is_refused_on_the_page(client, started, coordinator, media):
    client.force_login(coordinator)
    response = client.post(
        reverse("actions:progress_note_add", args=[started.pk]),
        {"text": "Preuve jointe.", "evidence": SimpleUploadedFile("rapport.pdf", EXE)},
        follow=True,
    )
    assert response.status_code == 200
    assert "ne correspond pas à son type" in " ".join(str(m) for m in response.context["messages"])
    assert not ProgressNote.objects.exists()
    assert not list(media.rglob("*.*"))


def test_the_evidence_file_name_is_not_kept(client, started, coordinator, committee_member):
    """A file name may name the mother or give a date: it is stored and shown under a neutral
    name, also to the committee when the evidence is marked pseudonymised."""
    note = progress_note_add(
        action=started,
        by=coordinator,
        text="Compte rendu joint.",
        evidence=SimpleUploadedFile("CR Dupont Marie 12-03-2026.pdf", PDF),
        pseudonymised=True,
    )
    assert "Dupont" not in note.evidence.name and "2026" not in note.evidence.name.split("/")[-1]
    assert note.evidence.name.endswith(".pdf")
    client.force_login(committee_member)
    page = client.get(reverse("actions:detail", args=[started.pk])).content.decode()
    assert "Dupont" not in page and "piece-justificative" in page
    response = client.get(reverse("actions:evidence", args=[started.pk, note.pk]))
    assert "Dupont" not in response["Content-Disposition"]


# --- An action that is over takes no more notes or results ----------------------------------
def test_no_note_on_a_cancelled_or_verified_action(started, chair, coordinator):
    move(started, "cancel", chair, comment="Redondante avec le protocole régional.")
    with pytest.raises(TransitionConflict, match="ne reçoit plus de note"):
        progress_note_add(action=started, by=coordinator, text="Fait quand même.")
    assert not started.progress_notes.exists()


def test_the_effectiveness_result_is_recorded_once_done_and_frozen_once_verified(
    started, coordinator, quality_manager
):
    with pytest.raises(TransitionConflict, match="une fois l'action réalisée"):
        effectiveness_record(action=started, by=quality_manager, result="Trop tôt.")
    progress_note_add(action=started, by=coordinator, text="Protocole affiché.")
    move(started, "complete", coordinator)
    effectiveness_record(action=started, by=quality_manager, result="19 dossiers sur 20.")
    move(started, "verify", quality_manager)
    with pytest.raises(TransitionConflict, match="avant sa vérification"):
        effectiveness_record(action=started, by=quality_manager, result="Réécrit après coup.")
    assert CorrectiveAction.objects.get(pk=started.pk).effectiveness_result == (
        "19 dossiers sur 20."
    )
    with pytest.raises(TransitionConflict):
        progress_note_add(action=started, by=coordinator, text="Après vérification.")


def test_stale_page_cancel_then_note_and_result_forms_are_gone(
    client, started, chair, coordinator, quality_manager
):
    move(started, "cancel", chair, comment="Redondante.")
    client.force_login(coordinator)
    response = client.post(
        reverse("actions:progress_note_add", args=[started.pk]),
        {"text": "Note d'un onglet resté ouvert."},
        follow=True,
    )
    assert "ne reçoit plus de note" in " ".join(str(m) for m in response.context["messages"])
    assert response.context["note_form"] is None
    client.force_login(quality_manager)
    page = client.get(reverse("actions:detail", args=[started.pk]))
    assert page.context["effectiveness_form"] is None


# --- "No action needed" is an alternative to a plan, never next to one ------------------------
def test_no_action_needed_is_refused_next_to_live_actions(reviewed, chair):  # noqa: F811
    session, case = reviewed
    action = propose(session, case, chair)
    with pytest.raises(TransitionConflict, match="annulez-les"):
        no_action_decide(case=case, session=session, by=chair, reason="Aucune action.")
    assert not NoActionDecision.objects.exists()
    move(action, "cancel", chair, comment="Le comité y renonce.")
    no_action_decide(case=case, session=session, by=chair, reason="Aucune action.")
    assert NoActionDecision.objects.filter(case=case).exists()


def test_no_action_needed_is_refused_once_the_plan_is_adopted(reviewed, chair):  # noqa: F811
    from cases.services.transitions import case_transition

    session, case = reviewed
    move(propose(session, case, chair), "approve", chair)
    case_transition(case_id=case.pk, name="adopt_action_plan", by=chair, expected_status="reviewed")
    with pytest.raises(TransitionConflict, match="Suivi des actions"):
        no_action_decide(case=case, session=session, by=chair, reason="Aucune action.")


def test_the_review_screen_offers_no_action_needed_only_when_it_may_be_recorded(
    client,
    reviewed,  # noqa: F811
    chair,
):
    session, case = reviewed
    url = reverse("committees:review", args=[session.pk, case.pk])
    no_action = reverse("actions:no_action", args=[session.pk, case.pk])
    client.force_login(chair)
    assert no_action in client.get(url).content.decode()
    propose(session, case, chair)
    assert no_action not in client.get(url).content.decode()


# --- Proposals ---------------------------------------------------------------------------------
def test_no_action_is_proposed_for_a_closed_case(reviewed, chair):  # noqa: F811
    session, case = reviewed
    Case.objects.filter(pk=case.pk).update(status="closed")
    case.refresh_from_db()
    with pytest.raises(InvalidInput, match="Cas clôturé"):
        propose(session, case, chair)
    assert not CorrectiveAction.objects.exists()


def test_a_named_owner_from_another_organisation_is_refused(
    reviewed,  # noqa: F811
    chair,
    other_maternity,
):
    session, case = reviewed
    stranger = member(Role.COORDINATOR, other_maternity, email="referent@ailleurs.test")
    with pytest.raises(InvalidInput, match="appartenir à l'organisation responsable"):
        propose(session, case, chair, owner_person=stranger)
    assert not CorrectiveAction.objects.exists()


def test_a_due_date_in_year_9999_is_refused(client, reviewed, chair):  # noqa: F811
    session, case = reviewed
    client.force_login(chair)
    response = client.post(
        reverse("actions:propose", args=[session.pk, case.pk]),
        {
            "what_changes": "Check-list de transfert intégrée au dossier",
            "barrier": "prevention",
            "nature": "protocol",
            "owner_organisation": case.organisation_id,
            "owner_function": "Cadre de salle de naissance",
            "due_date": "01/01/9999",
            "priority": "high",
            "indicator": "100 % des transferts tracés",
            "indicator_check_date": "01/01/9999",
        },
    )
    assert response.status_code == 400
    assert "Saisissez une date entre 1900 et 2100" in response.content.decode()
    assert not CorrectiveAction.objects.exists()


# --- Who reads a colleague's name ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "sees_name"),
    [
        ("clinician", True),  # the named owner
        ("coordinator", True),
        ("quality_manager", True),
        ("chair", False),
        ("committee_member", False),
    ],
)
def test_the_named_owner_is_shown_to_the_maternity_never_to_the_committee(
    client,
    request,
    reviewed,  # noqa: F811
    chair,
    clinician,
    role,
    sees_name,
):
    session, case = reviewed
    action = propose(session, case, chair, owner_person=clinician)
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("actions:detail", args=[action.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Cadre de la salle de naissance" in body
    shown = clinician.full_name in body or clinician.email in body
    if role == "clinician":
        return  # the user's own name is in the navigation anyway
    assert shown == sees_name


# --- Dashboard: the owner filter ----------------------------------------------------------------
def test_the_dashboard_filters_by_owner_function(
    client,
    reviewed,  # noqa: F811
    chair,
    quality_manager,
):
    session, case = reviewed
    pharmacy = propose(session, case, chair, owner_function="Pharmacie à usage intérieur")
    delivery = propose(session, case, chair)
    client.force_login(quality_manager)
    url = reverse("actions:dashboard")
    rows = client.get(url, {"owner": "pharmacie"}).context["rows"]
    assert [row.id for row in rows] == [pharmacy.pk]
    rows = client.get(url, {"owner": "CADRE"}).context["rows"]
    assert [row.id for row in rows] == [delivery.pk]
    export = client.get(reverse("actions:dashboard_export"), {"owner": "pharmacie"})
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert len(lines) == 2 and "Pharmacie" in lines[1]
    assert client.get(url, {"owner": "x\x00\u200b" * 100}).status_code == 200


# --- The case page lists the case's actions -----------------------------------------------------
def test_the_case_page_lists_its_actions_by_function(
    client,
    reviewed,  # noqa: F811
    chair,
    clinician,
    quality_manager,
):
    session, case = reviewed
    action = propose(session, case, chair, owner_person=clinician)
    due = timezone.localdate() - timedelta(days=2)
    long_text = "Protocole <révisé> & affiché. " * 10  # 300 characters, markup to escape
    CorrectiveAction.objects.filter(pk=action.pk).update(due_date=due, what_changes=long_text)
    client.force_login(quality_manager)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    body = response.content.decode()
    assert 'id="case-actions"' in body
    assert f'<a href="{reverse("actions:detail", args=[action.pk])}">A{action.pk}</a>' in body
    assert "Cadre de la salle de naissance" in body and "en retard" in body
    assert f"<td>{due:%d/%m/%Y} <span" in body
    shortened = html.escape(long_text[:159] + "…", quote=True)
    assert f"A{action.pk}</a> — {shortened}</td>" in body
    panel = body[body.index('id="case-actions"') :]
    assert clinician.full_name not in panel


def test_the_case_actions_panel_costs_one_query_whatever_the_number_of_actions(
    reviewed,  # noqa: F811
    chair,
    quality_manager,
):
    from actions.selectors import case_actions_panel

    session, case = reviewed
    counts = []
    for _batch in range(2):
        for _index in range(5):
            propose(session, case, chair)
        with CaptureQueriesContext(connection) as queries:
            case_actions_panel(case, quality_manager)
        counts.append(len(queries))
    assert counts == [1, 1]


# --- Home: an action with no named owner falls to the coordinators ---------------------------
def test_the_coordinator_is_told_of_running_actions_with_no_named_owner(
    client, started, clinician, coordinator, quality_manager
):
    client.force_login(coordinator)
    assert "1 action dont vous devez rendre compte" in client.get(reverse("home")).content.decode()
    CorrectiveAction.objects.filter(pk=started.pk).update(owner_person=clinician)
    assert "rendre compte" not in client.get(reverse("home")).content.decode()
    client.force_login(clinician)
    assert "1 action dont vous devez rendre compte" in client.get(reverse("home")).content.decode()
    client.force_login(quality_manager)
    assert "rendre compte" not in client.get(reverse("home")).content.decode()


# --- "Mes actions" and the home page at 10 and 1,000 actions ------------------------------------
@pytest.mark.parametrize("url_name", ["actions:mine", "home"])
def test_my_actions_and_home_cost_the_same_queries_at_10_and_1000_actions(
    client, session, ready_case, chair, coordinator, url_name
):
    from tests.actions.test_dashboard import bulk_actions

    client.force_login(coordinator)
    url = reverse(url_name)
    bulk_actions(session, ready_case, chair, 10)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as ten:
        assert client.get(url).status_code == 200
    bulk_actions(session, ready_case, chair, 990)
    with CaptureQueriesContext(connection) as thousand:
        assert client.get(url).status_code == 200
    assert len(ten) == len(thousand)
