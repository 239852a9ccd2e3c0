"""Corrective actions through the workflow engine, and the guards `actions` adds to the case
transitions: no plan adopted without an approved action (or a recorded reason for none), no
case closed while its actions are unfinished."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionTransition, CorrectiveAction
from actions.services import (
    action_hand_over,
    action_propose,
    action_transition,
    effectiveness_record,
    no_action_decide,
    progress_note_add,
)
from cases.exceptions import InvalidInput, NotAllowed, TransitionRefused
from cases.models import Case
from cases.services.transitions import case_transition
from committees.services import reviews, sessions
from tests.committees.conftest import all_present, full_review
from tests.factories import CANARY_IDENTITY

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(session, ready_case, secretary, chair):
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(session, secretary)
    reviews.review_record(session=session, case=ready_case, by=chair, review=full_review())
    return session, Case.objects.get(pk=ready_case.pk)


def propose(session, case, chair, **overrides):
    today = timezone.localdate()
    fields = {
        "what_changes": "Protocole de transfert in utero révisé et affiché",
        "barrier": "recovery",
        "nature": "protocol",
        "owner_organisation": case.organisation,
        "owner_function": "Cadre de la salle de naissance",
        "due_date": today + timedelta(days=30),
        "indicator": "Audit de 20 dossiers",
        "indicator_check_date": today + timedelta(days=90),
        **overrides,
    }
    return action_propose(session=session, cases=[case], by=chair, fields=fields)


def move(action, name, by, comment=""):
    current = CorrectiveAction.objects.get(pk=action.pk).status
    return action_transition(
        action_id=action.pk, name=name, by=by, expected_status=current, comment=comment
    )


def test_no_plan_is_adopted_without_an_approved_action_on_any_route(client, reviewed, chair):
    session, case = reviewed
    with pytest.raises(TransitionRefused, match="Aucune action n'est approuvée"):
        case_transition(
            case_id=case.pk, name="adopt_action_plan", by=chair, expected_status="reviewed"
        )
    client.force_login(chair)
    client.post(
        reverse("cases:transition", args=[case.pk, "adopt_action_plan"]),
        {"expected_status": "reviewed", "comment": ""},
    )
    assert Case.objects.get(pk=case.pk).status == "reviewed"
    action = propose(session, case, chair)
    with pytest.raises(TransitionRefused):  # proposed is not approved
        case_transition(
            case_id=case.pk, name="adopt_action_plan", by=chair, expected_status="reviewed"
        )
    move(action, "approve", chair)
    case_transition(case_id=case.pk, name="adopt_action_plan", by=chair, expected_status="reviewed")
    assert Case.objects.get(pk=case.pk).status == "action_follow_up"


def test_a_case_closes_only_once_its_actions_are_finished(
    reviewed, chair, coordinator, quality_manager
):
    session, case = reviewed
    done, dropped = propose(session, case, chair), propose(session, case, chair)
    for action in (done, dropped):
        move(action, "approve", chair)
    case_transition(case_id=case.pk, name="adopt_action_plan", by=chair, expected_status="reviewed")
    with pytest.raises(TransitionRefused, match="2 actions ne sont pas terminées"):
        case_transition(
            case_id=case.pk, name="close", by=chair, expected_status="action_follow_up", comment="x"
        )
    move(done, "start", coordinator)
    with pytest.raises(TransitionRefused, match="Aucune note d'avancement"):
        move(done, "complete", coordinator)
    progress_note_add(action=done, by=coordinator, text="Protocole affiché le mois dernier.")
    move(done, "complete", coordinator)
    with pytest.raises(TransitionRefused, match="Un motif est obligatoire"):
        move(dropped, "cancel", chair)
    move(dropped, "cancel", chair, comment="Remplacée par l'action sur le protocole.")
    with pytest.raises(TransitionRefused, match="Le résultat de la mesure"):
        move(done, "verify", quality_manager)
    effectiveness_record(action=done, by=quality_manager, result="19 dossiers sur 20 conformes.")
    move(done, "verify", quality_manager)
    case_transition(
        case_id=case.pk,
        name="close",
        by=chair,
        expected_status="action_follow_up",
        comment="Actions terminées.",
    )
    assert Case.objects.get(pk=case.pk).status == "closed"
    history = list(
        ActionTransition.objects.filter(action=done).values_list("transition", flat=True)
    )
    assert history == ["approve", "start", "complete", "verify"]


def test_an_action_handed_over_to_the_quality_programme_does_not_block_closing(reviewed, chair):
    session, case = reviewed
    action = propose(session, case, chair)
    move(action, "approve", chair)
    case_transition(case_id=case.pk, name="adopt_action_plan", by=chair, expected_status="reviewed")
    CorrectiveAction.objects.filter(pk=action.pk).update(paqss_reference="PAQSS 2026-14")
    case_transition(
        case_id=case.pk, name="close", by=chair, expected_status="action_follow_up", comment="x"
    )
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_closing_straight_after_review_needs_a_recorded_reason_when_a_plan_is_required(
    reviewed, chair
):
    session, case = reviewed  # full_review: potentially avoidable, care graded C
    with pytest.raises(TransitionRefused, match="Un plan d'actions est requis"):
        case_transition(
            case_id=case.pk, name="close", by=chair, expected_status="reviewed", comment="x"
        )
    no_action_decide(case=case, session=session, by=chair, reason="Soins jugés optimaux.")
    case_transition(
        case_id=case.pk, name="close", by=chair, expected_status="reviewed", comment="x"
    )
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_roles_who_may_move_an_action(
    reviewed, chair, committee_member, coordinator, quality_manager, outsider
):
    session, case = reviewed
    action = propose(session, case, chair)
    for user in (committee_member, coordinator, quality_manager, outsider):
        with pytest.raises(NotAllowed):
            move(action, "approve", user)
    move(action, "approve", chair)
    for user in (committee_member, outsider):
        with pytest.raises(NotAllowed):
            move(action, "start", user)
    with pytest.raises(NotAllowed):
        progress_note_add(action=action, by=committee_member, text="Fait.")
    with pytest.raises(NotAllowed):
        effectiveness_record(action=action, by=coordinator, result="OK")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"due_date": "past"}, "dans le passé"),
        ({"owner_organisation": "other"}, "organisation des cas concernés"),
        ({"what_changes": "Rappel à Mme Dupont de vérifier le monitoring"}, "identifiants"),
        ({"indicator": ""}, "Ce champ ne peut pas être vide"),
    ],
)
def test_bad_proposals_are_refused_and_nothing_is_saved(
    reviewed, chair, other_maternity, override, message
):
    session, case = reviewed
    values = dict(override)
    if values.get("due_date") == "past":
        values["due_date"] = timezone.localdate() - timedelta(days=1)
    if values.get("owner_organisation") == "other":
        values["owner_organisation"] = other_maternity
    with pytest.raises((InvalidInput, TransitionRefused), match=message):
        propose(session, case, chair, **values)
    assert not CorrectiveAction.objects.exists()


@pytest.mark.parametrize(("name", "size"), [("preuve.exe", 10), ("preuve.pdf", 6 * 1024 * 1024)])
def test_evidence_of_the_wrong_type_or_too_big_is_refused(reviewed, chair, coordinator, name, size):
    session, case = reviewed
    action = propose(session, case, chair)
    move(action, "approve", chair)
    upload = SimpleUploadedFile(name, b"x" * size)
    with pytest.raises(InvalidInput):
        progress_note_add(action=action, by=coordinator, text="Preuve jointe.", evidence=upload)
    assert not action.progress_notes.exists()


def test_overdue_is_derived_from_the_due_date(reviewed, chair):
    session, case = reviewed
    action = propose(session, case, chair)
    assert not action.is_overdue
    CorrectiveAction.objects.filter(pk=action.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    action.refresh_from_db()
    assert action.is_overdue
    assert list(CorrectiveAction.objects.overdue()) == [action]
    move(action, "approve", chair)
    move(action, "cancel", chair, comment="Abandonnée.")
    assert not CorrectiveAction.objects.overdue().exists()


def test_the_review_form_box_no_action_needed_lets_the_case_close(
    session, ready_case, secretary, chair
):
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(session, secretary)
    reviews.review_record(
        session=session, case=ready_case, by=chair, review=full_review(no_action_needed=True)
    )
    case_transition(
        case_id=ready_case.pk, name="close", by=chair, expected_status="reviewed", comment="x"
    )
    assert Case.objects.get(pk=ready_case.pk).status == "closed"


def test_the_demo_has_actions_in_every_state_one_overdue_one_shared_one_handed_over(
    settings, tmp_path
):
    from django.core.management import call_command

    from actions.models import ActionStatus, ProgressNote
    from committees.home import validated_minutes_extracts

    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo")
    assert set(CorrectiveAction.objects.values_list("status", flat=True)) == set(
        ActionStatus.values
    )
    assert CorrectiveAction.objects.overdue().count() == 1
    handed_over = CorrectiveAction.objects.exclude(paqss_reference="").get()
    # Handed over through the service: its progress note records it.
    assert handed_over.progress_notes.filter(text__contains="PAQSS").exists()
    assert any(action.cases.count() == 2 for action in CorrectiveAction.objects.all())
    assert ProgressNote.objects.exclude(evidence="").filter(evidence_pseudonymised=True).exists()
    # The validated minutes (a corrected version) show the plan under its case, and the
    # maternity's quality team reads that part on the case page.
    planned = Case.objects.get(status="action_follow_up")
    extracts = validated_minutes_extracts(planned)
    assert extracts and extracts[-1].version == 2
    for action in planned.corrective_actions.exclude(status=ActionStatus.CANCELLED):
        assert f"A{action.pk} — " in extracts[-1].body_html


def test_every_text_of_an_action_is_compared_with_its_cases_identity(
    reviewed, chair, coordinator, quality_manager
):
    """The mother's birth name alone is no name to the general rules: each route that writes
    a text the committee reads compares it with the identity of the action's cases."""
    session, case = reviewed
    known = CANARY_IDENTITY["mother_birth_name"]
    for field in ("what_changes", "owner_function", "indicator"):
        with pytest.raises(TransitionRefused, match="identifiants"):
            propose(session, case, chair, **{field: f"Entretien famille {known}"})
    assert not CorrectiveAction.objects.exists()
    with pytest.raises(TransitionRefused, match="identifiants"):
        no_action_decide(case=case, session=session, by=chair, reason=f"Famille {known}")
    action = propose(session, case, chair)
    move(action, "approve", chair)
    move(action, "start", coordinator)
    with pytest.raises(TransitionRefused, match="identifiants"):
        progress_note_add(action=action, by=coordinator, text=f"Appel de M. {known.lower()}")
    assert not action.progress_notes.exists()
    with pytest.raises(TransitionRefused, match="identifiants"):
        action_hand_over(action=action, by=quality_manager, reference=f"PAQSS {known}")
    with pytest.raises(TransitionRefused, match="identifiant"):
        move(action, "cancel", chair, comment=f"Famille {known} partie")
    progress_note_add(action=action, by=coordinator, text="Protocole affiché en salle.")
    move(action, "complete", coordinator)
    with pytest.raises(TransitionRefused, match="identifiants"):
        effectiveness_record(action=action, by=quality_manager, result=f"Vu avec {known}")
    action.refresh_from_db()
    assert action.status == "done"
    assert action.effectiveness_result == "" and action.paqss_reference == ""


def test_the_quality_team_cancels_an_approved_action_never_a_proposed_one(
    reviewed, chair, quality_manager
):
    session, case = reviewed
    proposed = propose(session, case, chair)
    with pytest.raises(NotAllowed):
        move(proposed, "cancel", quality_manager, comment="Doublon")
    assert CorrectiveAction.objects.get(pk=proposed.pk).status == "proposed"
    move(proposed, "approve", chair)
    move(proposed, "cancel", quality_manager, comment="Remplacée par le protocole régional")
    assert CorrectiveAction.objects.get(pk=proposed.pk).status == "cancelled"


def office_file(name: str, member: str, text: str, *, raw: str = "") -> SimpleUploadedFile:
    """An office document with `text` in `member` (or `raw`, written as it is)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if name.endswith(".xlsx") and member != "xl/workbook.xml":
            archive.writestr("xl/workbook.xml", "<workbook/>")
        if name.endswith(".docx") and member != "word/document.xml":
            archive.writestr("word/document.xml", "<w:document/>")
        body = raw or f"<w:document><w:p><w:t>{text}</w:t></w:p></w:document>"
        archive.writestr(member, body)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.mark.parametrize(
    "make",
    [
        lambda text: SimpleUploadedFile("audit.csv", f"Dossier;Remarque\n1;{text}\n".encode()),
        lambda text: SimpleUploadedFile(
            "audit.csv", f"Dossier;Remarque\n1;{text}\n".encode("cp1252")
        ),
        lambda text: office_file("compte-rendu.docx", "word/document.xml", text),
        lambda text: office_file("audit.xlsx", "xl/sharedStrings.xml", text),
        lambda text: office_file("audit.ods", "content.xml", text),
        # Beyond the body: a header, the properties, a sheet's own cells and its name.
        lambda text: office_file("compte-rendu.docx", "word/header1.xml", text),
        lambda text: office_file(
            "compte-rendu.docx", "docProps/core.xml", "", raw=f"<dc:creator>{text}</dc:creator>"
        ),
        lambda text: office_file(
            "audit.xlsx",
            "xl/worksheets/sheet1.xml",
            "",
            raw=f'<c t="inlineStr"><is><t>{text}</t></is></c>',
        ),
        lambda text: office_file(
            "audit.xlsx", "xl/workbook.xml", "", raw=f'<workbook><sheet name="{text}"/></workbook>'
        ),
    ],
)
def test_evidence_that_can_be_read_is_refused_when_it_names_the_family(
    reviewed, chair, coordinator, make
):
    session, case = reviewed
    action = propose(session, case, chair)
    move(action, "approve", chair)
    known = CANARY_IDENTITY["mother_birth_name"]
    with pytest.raises(InvalidInput, match="pièce jointe contient des identifiants"):
        progress_note_add(
            action=action,
            by=coordinator,
            text="Audit joint.",
            evidence=make(f"Entretien avec Mme {known} à domicile"),
            pseudonymised=True,  # a tick is no proof: the text is read
        )
    assert not action.progress_notes.exists()
    note = progress_note_add(
        action=action,
        by=coordinator,
        text="Audit joint.",
        evidence=make("Partogramme conforme ; transfert à H+3 ; 27 SA + 2 j"),
        pseudonymised=True,
    )
    assert note.evidence
