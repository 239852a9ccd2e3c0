"""The action page, "Mes actions", evidence downloads, the home items and the navigation: every
role on every page, transitions through the page, bad input explained in French."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from actions.models import ActionTransition, CorrectiveAction, ProgressNote
from actions.services import progress_note_add
from committees.services.sessions import agenda_add
from tests.factories import canary_fragments, member

pytestmark = pytest.mark.django_db


def make_action(session, case, by, *, status="approved", owner_person=None, due_days=30, **extra):
    """An action in any status (set at creation: the pages under test move it)."""
    today = timezone.localdate()
    action = CorrectiveAction(
        what_changes="Protocole de transfert in utero révisé et affiché",
        barrier="recovery",
        nature="protocol",
        owner_organisation=case.organisation,
        owner_function="Cadre de la salle de naissance",
        owner_person=owner_person,
        due_date=today + timedelta(days=due_days),
        indicator="Audit de 20 dossiers",
        indicator_check_date=today + timedelta(days=90),
        session=session,
        created_by=by,
        **extra,
    )
    action.__dict__["status"] = status
    action.save()
    action.cases.add(case)
    return action


@pytest.fixture
def action(session, ready_case, chair, clinician):
    return make_action(session, ready_case, chair, owner_person=clinician)


@pytest.fixture
def other_coordinator(other_maternity):
    return member(Role.COORDINATOR, other_maternity, email="referent@sud.test")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def text(response) -> str:
    return response.content.decode()


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --- Who sees the action page -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "status_code"),
    [
        ("clinician", 200),  # the declarant, here the named owner
        ("coordinator", 200),
        ("quality_manager", 200),
        ("chair", 200),
        ("secretary", 200),
        ("outsider", 404),
        ("other_coordinator", 404),
        ("administrator", 404),
    ],
)
def test_action_page_by_role(client, request, action, role, status_code):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("actions:detail", args=[action.pk])).status_code == status_code
    if status_code == 404:  # every route of the action answers 404, and nothing moves
        for name, args in [
            ("transition", [action.pk, "start"]),
            ("transition", [action.pk, "cancel"]),
            ("progress_note_add", [action.pk]),
            ("effectiveness_record", [action.pk]),
        ]:
            data = {"expected_status": "approved", "comment": "x", "text": "x", "result": "x"}
            response = client.post(reverse(f"actions:{name}", args=args), data)
            assert response.status_code == 404, name
        assert CorrectiveAction.objects.get(pk=action.pk).status == "approved"
        assert not ProgressNote.objects.exists()


def test_anonymous_is_sent_to_login(client, action):
    response = client.get(reverse("actions:detail", args=[action.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_action_page_shows_the_action_without_identity(client, action, coordinator, ready_case):
    client.force_login(coordinator)
    body = text(client.get(reverse("actions:detail", args=[action.pk])))
    assert "Protocole de transfert in utero" in body
    assert action.due_date.strftime("%d/%m/%Y") in body
    assert "Récupération" in body and "Protocole" in body
    assert f'href="{reverse("cases:detail", args=[ready_case.pk])}"' in body
    assert "Démarrer" in body  # the follower's button
    for fragment in canary_fragments():
        assert fragment not in body


def test_overdue_badge_and_blocking_reasons(client, session, ready_case, chair, coordinator):
    action = make_action(session, ready_case, chair, status="in_progress", due_days=-3)
    client.force_login(coordinator)
    body = text(client.get(reverse("actions:detail", args=[action.pk])))
    assert "En retard" in body
    assert "Aucune note d&#x27;avancement n&#x27;a été enregistrée" in body


# --- Transitions through the page -------------------------------------------------------------
def test_follower_starts_the_action_from_the_page(client, action, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("actions:transition", args=[action.pk, "start"]),
        {"expected_status": "approved"},
        follow=True,
    )
    assert "En cours" in messages_of(response)
    assert CorrectiveAction.objects.get(pk=action.pk).status == "in_progress"
    entry = ActionTransition.objects.get(action=action)
    assert entry.transition == "start" and entry.actor == coordinator


def test_forbidden_role_is_refused(client, action, chair):
    client.force_login(chair)  # the committee approves and cancels, it does not start
    response = client.post(
        reverse("actions:transition", args=[action.pk, "start"]),
        {"expected_status": "approved"},
        follow=True,
    )
    assert "Votre rôle ne permet pas cette action" in messages_of(response)
    assert CorrectiveAction.objects.get(pk=action.pk).status == "approved"
    assert not ActionTransition.objects.exists()


def test_stale_page_is_a_conflict(client, action, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("actions:transition", args=[action.pk, "start"]),
        {"expected_status": "proposed"},
        follow=True,
    )
    assert "Déjà modifié entre-temps" in messages_of(response)
    assert CorrectiveAction.objects.get(pk=action.pk).status == "approved"


def test_cancel_needs_a_reason(client, action, chair):
    client.force_login(chair)
    url = reverse("actions:transition", args=[action.pk, "cancel"])
    response = client.post(url, {"expected_status": "approved", "comment": ""}, follow=True)
    assert "Un motif est obligatoire" in messages_of(response)
    assert CorrectiveAction.objects.get(pk=action.pk).status == "approved"
    client.post(url, {"expected_status": "approved", "comment": "Remplacée par une autre."})
    action.refresh_from_db()
    assert action.status == "cancelled" and action.cancellation_reason == "Remplacée par une autre."


def test_bad_transition_form_is_explained(client, action, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("actions:transition", args=[action.pk, "start"]),
        {"expected_status": "nonsense"},
        follow=True,
    )
    assert "Rien n'a été enregistré" in messages_of(response)
    assert CorrectiveAction.objects.get(pk=action.pk).status == "approved"


# --- Progress notes and evidence --------------------------------------------------------------
def pdf(name="audit.pdf", size=100):
    return SimpleUploadedFile(name, b"%PDF-1.4 " + b"x" * size, content_type="application/pdf")


def test_progress_note_with_evidence_is_stored(client, action, clinician, media):
    client.force_login(clinician)
    response = client.post(
        reverse("actions:progress_note_add", args=[action.pk]),
        {"text": "Protocole rédigé, en relecture.", "evidence": pdf()},
        follow=True,
    )
    assert "Note d'avancement enregistrée" in messages_of(response)
    note = ProgressNote.objects.get(action=action)
    assert note.author == clinician and not note.evidence_pseudonymised
    assert (media / note.evidence.name).exists()
    # Stored and shown under a neutral name (the original may name someone).
    assert "piece-justificative" in text(response) and "audit" not in note.evidence.name


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("script.exe", b"MZ"), "Type de pièce refusé"),
        (pdf(size=5 * 1024 * 1024 + 1), "La pièce dépasse 5 Mo"),
    ],
)
def test_bad_evidence_is_refused(client, action, clinician, media, upload, message):
    client.force_login(clinician)
    response = client.post(
        reverse("actions:progress_note_add", args=[action.pk]),
        {"text": "Protocole rédigé.", "evidence": upload},
        follow=True,
    )
    assert message in messages_of(response)
    assert not ProgressNote.objects.exists()
    assert not list(media.rglob("*.*"))


def test_empty_note_is_refused(client, action, clinician):
    client.force_login(clinician)
    response = client.post(
        reverse("actions:progress_note_add", args=[action.pk]), {"text": ""}, follow=True
    )
    assert "Décrivez l'avancement" in messages_of(response)
    assert not ProgressNote.objects.exists()


def test_committee_may_not_add_notes(client, action, chair):
    client.force_login(chair)
    response = client.post(
        reverse("actions:progress_note_add", args=[action.pk]), {"text": "Fait."}, follow=True
    )
    assert "Seuls le responsable" in messages_of(response)
    assert not ProgressNote.objects.exists()


@pytest.mark.parametrize("pseudonymised", [False, True])
@pytest.mark.parametrize(
    ("role", "always", "when_pseudonymised"),
    [
        ("clinician", True, True),  # the owner
        ("coordinator", True, True),
        ("quality_manager", True, True),
        ("chair", False, True),
        ("committee_member", False, True),
        ("outsider", False, False),
        ("administrator", False, False),
    ],
)
def test_evidence_download(
    client, request, action, clinician, pseudonymised, role, always, when_pseudonymised
):
    # On the agenda, the case is open to every member of the committee.
    agenda_add(
        session=action.session, case=action.cases.get(), by=request.getfixturevalue("secretary")
    )
    note = progress_note_add(
        action=action, by=clinician, text="Audit fait.", evidence=pdf(), pseudonymised=pseudonymised
    )
    allowed = always or (pseudonymised and when_pseudonymised)
    client.force_login(request.getfixturevalue(role))
    url = reverse("actions:evidence", args=[action.pk, note.pk])
    response = client.get(url)
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]
    page = client.get(reverse("actions:detail", args=[action.pk]))
    if page.status_code == 200:
        assert (url in text(page)) == allowed


def test_effectiveness_result_by_quality_manager(
    client, session, ready_case, chair, quality_manager
):
    action = make_action(session, ready_case, chair, status="done")
    client.force_login(quality_manager)
    url = reverse("actions:effectiveness_record", args=[action.pk])
    response = client.post(url, {"result": ""}, follow=True)
    assert "Indiquez le résultat" in messages_of(response)
    response = client.post(url, {"result": "19 dossiers sur 20 conformes."}, follow=True)
    assert "Résultat de la mesure d'efficacité enregistré" in messages_of(response)
    response = client.post(
        reverse("actions:transition", args=[action.pk, "verify"]),
        {"expected_status": "done"},
        follow=True,
    )
    assert CorrectiveAction.objects.get(pk=action.pk).status == "verified"


def test_coordinator_may_not_record_effectiveness(client, session, ready_case, chair, coordinator):
    action = make_action(session, ready_case, chair, status="done")
    client.force_login(coordinator)
    response = client.post(
        reverse("actions:effectiveness_record", args=[action.pk]), {"result": "Bon."}, follow=True
    )
    assert "Seule l'équipe qualité" in messages_of(response)
    assert CorrectiveAction.objects.get(pk=action.pk).effectiveness_result == ""


# --- Mes actions ------------------------------------------------------------------------------
def groups_of(client):
    response = client.get(reverse("actions:mine"))
    assert response.status_code == 200
    return {group.key: [row.pk for row in group.rows] for group in response.context["groups"]}


def test_my_actions_grouping(client, session, ready_case, chair, clinician, quality_manager):
    overdue = make_action(session, ready_case, chair, status="in_progress", due_days=-2)
    soon = make_action(session, ready_case, chair, status="approved", due_days=10)
    stale = make_action(session, ready_case, chair, status="in_progress", due_days=90)
    fresh = make_action(session, ready_case, chair, status="in_progress", due_days=90)
    progress_note_add(action=fresh, by=quality_manager, text="En bonne voie.")
    done = make_action(session, ready_case, chair, status="done", due_days=60)
    client.force_login(quality_manager)
    groups = groups_of(client)
    assert groups == {
        "overdue": [overdue.pk],
        "due_soon": [soon.pk],
        "evidence": [stale.pk],
        "to_verify": [done.pk],
        "others": [fresh.pk],
    }
    body = text(client.get(reverse("actions:mine")))
    for fragment in canary_fragments():
        assert fragment not in body
    # The named owner sees only what they own; the declarant of the case owns nothing here.
    owned = make_action(session, ready_case, chair, owner_person=clinician, due_days=5)
    client.force_login(clinician)
    assert groups_of(client) == {"due_soon": [owned.pk]}


def test_my_actions_for_planners_and_outsiders(client, session, ready_case, chair, outsider):
    proposed = make_action(session, ready_case, chair, status="proposed", due_days=60)
    client.force_login(chair)
    assert groups_of(client) == {"to_approve": [proposed.pk]}
    client.force_login(outsider)
    assert groups_of(client) == {}
    assert "Aucune action ne vous concerne" in text(client.get(reverse("actions:mine")))


def _queries_for_my_actions(client, count, session, case, chair):
    CorrectiveAction.objects.all().delete()
    for index in range(count):
        make_action(
            session,
            case,
            chair,
            status=["approved", "in_progress", "done"][index % 3],
            due_days=(index % 60) - 10,
        )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("actions:mine")).status_code == 200
    return len(queries)


def test_my_actions_query_count_is_constant(client, session, ready_case, chair, quality_manager):
    client.force_login(quality_manager)
    client.get(reverse("actions:mine"))  # warm the per-process caches
    small = _queries_for_my_actions(client, 10, session, ready_case, chair)
    large = _queries_for_my_actions(client, 200, session, ready_case, chair)
    assert small == large


# --- Home page and navigation -----------------------------------------------------------------
def test_home_items(client, session, ready_case, chair, clinician, quality_manager, outsider):
    make_action(session, ready_case, chair, status="proposed")
    make_action(session, ready_case, chair, status="in_progress", owner_person=clinician)
    make_action(session, ready_case, chair, status="done")
    client.force_login(chair)
    assert "1 action corrective à approuver" in text(client.get(reverse("home")))
    client.force_login(clinician)
    assert "1 action dont vous devez rendre compte" in text(client.get(reverse("home")))
    client.force_login(quality_manager)
    body = text(client.get(reverse("home")))
    assert "1 action dont l&#x27;efficacité est à vérifier" in body
    assert f'href="{reverse("actions:mine")}"' in body
    client.force_login(outsider)
    body = text(client.get(reverse("home")))
    assert "à approuver" not in body and "rendre compte" not in body
    assert f'href="{reverse("actions:mine")}"' not in body


def test_navigation_section(client, action, coordinator, outsider, administrator):
    url = f'href="{reverse("actions:mine")}"'
    client.force_login(coordinator)
    assert url in text(client.get(reverse("home")))
    client.force_login(outsider)
    assert url not in text(client.get(reverse("home")))


# --- Admin ------------------------------------------------------------------------------------
def test_admin_is_read_only_and_scoped(client, action, administrator, other_administrator):
    client.force_login(administrator)
    response = client.get(reverse("admin:actions_correctiveaction_changelist"))
    assert response.status_code == 200
    assert "Protocole de transfert" in text(response)
    change = client.get(reverse("admin:actions_correctiveaction_change", args=[action.pk]))
    assert change.status_code == 200 and 'name="_save"' not in text(change)
    assert client.get(reverse("admin:actions_correctiveaction_add")).status_code == 403
    client.force_login(other_administrator)
    response = client.get(reverse("admin:actions_correctiveaction_changelist"))
    assert "Protocole de transfert" not in text(response)
    assert client.get(reverse("admin:actions_actiontransition_changelist")).status_code == 200


def test_my_actions_for_every_role(client, action, every_role, outsider, other_coordinator):
    """Everyone gets the page; each sees only what they own, follow or must approve."""
    expected = {
        Role.CLINICIAN: [action.pk],  # the named owner
        Role.COORDINATOR: [action.pk],
        Role.QUALITY_MANAGER: [action.pk],
        Role.COMMITTEE_MEMBER: [],
        Role.COMMITTEE_CHAIR: [],  # approved already: nothing to approve
        Role.COMMITTEE_SECRETARY: [],
        Role.ADMINISTRATOR: [],
    }
    users = {**every_role, "outsider": outsider, "other_coordinator": other_coordinator}
    for role, user in users.items():
        client.force_login(user)
        shown = [pk for pks in groups_of(client).values() for pk in pks]
        assert shown == expected.get(role, []), role


def test_administrator_has_no_actions_menu(client, action, administrator):
    client.force_login(administrator)
    assert f'href="{reverse("actions:mine")}"' not in text(client.get(reverse("home")))


def test_the_quality_team_hands_an_action_over_to_the_quality_programme(
    client, action, quality_manager, coordinator
):
    from actions.models import CorrectiveAction

    url = reverse("actions:hand_over", args=[action.pk])
    client.force_login(coordinator)  # follows the action, but is not the quality team
    client.post(url, {"reference": "PAQSS fiche 3"})
    assert CorrectiveAction.objects.get(pk=action.pk).paqss_reference == ""
    client.force_login(quality_manager)
    page = client.get(reverse("actions:detail", args=[action.pk])).content.decode()
    assert url in page
    refused = client.post(url, {"reference": "Mme Dupont s'en charge"}, follow=True)
    assert "identifiants" in refused.content.decode()
    assert CorrectiveAction.objects.get(pk=action.pk).paqss_reference == ""
    client.post(url, {"reference": "PAQSS maternité, fiche 3"})
    action.refresh_from_db()
    assert action.paqss_reference == "PAQSS maternité, fiche 3"
    assert action.progress_notes.filter(text__contains="fiche 3").exists()


@pytest.mark.parametrize("status", ["proposed", "done", "verified", "cancelled"])
def test_only_an_approved_or_running_action_is_handed_over(
    session, ready_case, chair, quality_manager, status
):
    from actions.services import action_hand_over
    from cases.exceptions import TransitionConflict

    finished = make_action(session, ready_case, chair, status=status)
    with pytest.raises(TransitionConflict):
        action_hand_over(action=finished, by=quality_manager, reference="PAQSS fiche 9")
    finished.refresh_from_db()
    assert finished.paqss_reference == ""


def test_an_action_is_handed_over_once(action, quality_manager):
    from actions.services import action_hand_over
    from cases.exceptions import TransitionConflict

    action_hand_over(action=action, by=quality_manager, reference="PAQSS fiche 3")
    with pytest.raises(TransitionConflict):
        action_hand_over(action=action, by=quality_manager, reference="PAQSS fiche 4")
    action.refresh_from_db()
    assert action.paqss_reference == "PAQSS fiche 3"
    assert action.progress_notes.count() == 1
