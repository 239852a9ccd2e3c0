"""The case state machine (DESIGN §3): permissions, guards with French reasons, one audit row
per transition, conflicts instead of double moves."""

import pytest
from django.db import connection

from accounts.models import Role
from cases.exceptions import NotAllowed, TransitionConflict, TransitionRefused
from cases.models import CareEvent, Case, CaseTransition
from cases.services.transitions import case_transition, transitions_for
from tests.factories import member

pytestmark = pytest.mark.django_db


def move(case, name, by, comment=""):
    """Act as a user on an up-to-date page: the status they saw is the current one."""
    current = Case.objects.get(pk=case.pk).status
    return case_transition(
        case_id=case.pk, name=name, by=by, comment=comment, expected_status=current
    )


def add_event(case, text="Consultation à 20 SA + 1 j, échographie normale."):
    return CareEvent.objects.create(
        case=case,
        period="antenatal",
        gestational_weeks=20,
        gestational_days=1,
        place_type="maternity_3",
        description=text,
    )


def past_session(*, committee, by):
    from committees.models import Session
    from tests.committees.conftest import days_from_now

    return Session.objects.create(committee=committee, starts_at=days_from_now(-1), created_by=by)


def test_full_happy_path_writes_one_record_per_transition(
    case_factory, clinician, coordinator, secretary, chair, committee_member
):
    from committees.services.reviews import review_record
    from committees.services.sessions import agenda_add, session_transition
    from tests.committees.conftest import all_present, full_review

    case = case_factory()
    move(case, "declare", clinician)
    move(case, "accept", coordinator)
    add_event(case)
    case.refresh_from_db()
    Case.objects.filter(pk=case.pk).update(summary="Nouveau-né de 27 SA + 2 j, 980 g, décédé à J2.")
    from cases.services.cases import summary_save

    summary_save(
        case=case,
        by=coordinator,
        summary="Nouveau-né de 27 SA + 2 j, 980 g, décédé à J2.",
        validate=True,
    )
    move(case, "submit_for_review", coordinator)
    # The committee's steps go through its services: they write the agenda item and the review
    # that the `schedule` and `record_review` guards ask for (tests/committees test the guards).
    session = past_session(committee=chair.committee_memberships.get().committee, by=secretary)
    agenda_add(session=session, case=case, by=secretary)
    session_transition(session=session, name="send_agenda", by=secretary, expected_status="planned")
    all_present(session, secretary)
    review_record(session=session, case=case, by=chair, review=full_review())
    from actions.services import no_action_decide

    no_action_decide(case=case, session=session, by=chair, reason="Prise en charge optimale.")
    move(case, "close", chair, comment="Aucune action nécessaire : prise en charge optimale.")
    move(case, "reopen", chair, comment="Résultats d'autopsie reçus.")
    case.refresh_from_db()
    assert case.status == "reviewed"
    records = list(case.transitions.values_list("transition", "source", "target", "actor_id"))
    assert records == [
        ("declare", "draft", "declared", clinician.pk),
        ("accept", "declared", "documenting", coordinator.pk),
        ("submit_for_review", "documenting", "ready", coordinator.pk),
        ("schedule", "ready", "scheduled", secretary.pk),
        ("record_review", "scheduled", "reviewed", chair.pk),
        ("close", "reviewed", "closed", chair.pk),
        ("reopen", "closed", "reviewed", chair.pk),
    ]
    assert case.transitions.get(transition="reopen").comment == "Résultats d'autopsie reçus."


def test_declare_refused_while_incomplete_explains_in_french(case_factory, clinician):
    case = case_factory(birth_weight_g=None, sex="")
    with pytest.raises(TransitionRefused) as refused:
        move(case, "declare", clinician)
    assert "La déclaration est incomplète" in refused.value.message
    assert "poids" in refused.value.message.lower()
    case.refresh_from_db()
    assert case.status == "draft"
    assert not CaseTransition.objects.exists()


def test_submit_for_review_lists_every_missing_step(case_factory, coordinator):
    case = case_factory(status="documenting")
    with pytest.raises(TransitionRefused) as refused:
        move(case, "submit_for_review", coordinator)
    reasons = refused.value.reasons
    assert "La chronologie est vide." in reasons
    assert "Le résumé pseudonymisé est vide." in reasons
    assert "L'anonymisation n'a pas été validée par le référent." in reasons


def test_submit_for_review_refused_while_summary_still_names_the_mother(case_factory, coordinator):
    case = case_factory(status="documenting")
    add_event(case)
    Case.objects.filter(pk=case.pk).update(summary="Mme Zanzibarova admise à 27 SA + 2 j.")
    with pytest.raises(TransitionRefused, match="Des identifiants subsistent dans le résumé"):
        move(case, "submit_for_review", coordinator)
    assert case.transitions.count() == 0


def test_identifier_in_the_chronology_blocks_submission(case_factory, coordinator):
    case = case_factory(status="documenting", summary="Résumé neutre à 27 SA + 2 j.")
    add_event(case, text="Appel du Dr Martin au 06 12 34 56 78.")
    with pytest.raises(TransitionRefused, match="l'événement 1 de la chronologie"):
        move(case, "submit_for_review", coordinator)


PLANNERS = {Role.COMMITTEE_CHAIR, Role.COMMITTEE_SECRETARY}


@pytest.mark.parametrize(
    ("status", "name", "allowed_roles"),
    [
        ("draft", "declare", {Role.CLINICIAN}),
        ("declared", "accept", {Role.COORDINATOR}),
        ("declared", "exclude", {Role.COORDINATOR}),
        ("documenting", "submit_for_review", {Role.COORDINATOR}),
        ("ready", "schedule", PLANNERS),
        ("ready", "send_back", PLANNERS),
        ("scheduled", "postpone", PLANNERS),
        ("scheduled", "record_review", PLANNERS),
        ("reviewed", "adopt_action_plan", PLANNERS),
        ("reviewed", "close", {Role.COMMITTEE_CHAIR}),
        ("action_follow_up", "close", {Role.COMMITTEE_CHAIR, Role.QUALITY_MANAGER}),
        ("closed", "reopen", {Role.COMMITTEE_CHAIR}),
    ],
)
def test_each_transition_is_refused_to_every_other_role(
    case_factory, every_role, outsider, status, name, allowed_roles
):
    case = case_factory(status=status)
    refused = [user for role, user in every_role.items() if role not in allowed_roles]
    for user in [*refused, outsider]:
        with pytest.raises(NotAllowed):
            move(case, name, user, comment="motif")
    assert not CaseTransition.objects.exists()
    assert Case.objects.get(pk=case.pk).status == status


def test_another_networks_committee_cannot_schedule(case_factory, other_network):
    foreign_secretary = member(Role.COMMITTEE_SECRETARY, other_network)
    case = case_factory(status="ready")
    with pytest.raises(NotAllowed):
        move(case, "schedule", foreign_secretary)


def test_a_clinician_cannot_declare_someone_elses_draft(case_factory, maternity):
    colleague = member(Role.CLINICIAN, maternity)
    case = case_factory()
    with pytest.raises(NotAllowed):
        move(case, "declare", colleague)


def test_exclude_send_back_close_and_reopen_need_a_reason(case_factory, coordinator, chair):
    case = case_factory(status="declared")
    with pytest.raises(TransitionRefused, match="Un motif est obligatoire"):
        move(case, "exclude", coordinator)
    move(case, "exclude", coordinator, comment="Décès hors champ (> 1 an).")
    case.refresh_from_db()
    assert case.status == "excluded"
    assert case.exclusion_reason == "Décès hors champ (> 1 an)."
    closed = case_factory(status="closed")
    with pytest.raises(TransitionRefused, match="Un motif est obligatoire"):
        move(closed, "reopen", chair)


def test_stale_page_gets_a_conflict_and_nothing_changes(case_factory, coordinator):
    case = case_factory(status="declared")
    move(case, "accept", coordinator)
    with pytest.raises(TransitionConflict, match="modifié entre-temps"):
        case_transition(
            case_id=case.pk, name="exclude", by=coordinator, comment="x", expected_status="declared"
        )
    case.refresh_from_db()
    assert case.status == "documenting"
    assert case.transitions.count() == 1


def test_transition_from_the_wrong_state_is_explained(case_factory, coordinator):
    case = case_factory(status="documenting")
    with pytest.raises(TransitionConflict, match="pas possible au statut"):
        case_transition(case_id=case.pk, name="accept", by=coordinator)


def test_status_cannot_be_assigned_directly(case_factory):
    case = case_factory()
    with pytest.raises(AttributeError):
        case.status = "closed"


def test_buttons_show_only_what_the_user_may_do(
    case_factory, clinician, coordinator, chair, quality_manager
):
    declared = case_factory(status="declared")
    assert [t.name for t in transitions_for(case=declared, user=coordinator)] == [
        "accept",
        "exclude",
    ]
    assert transitions_for(case=declared, user=clinician) == []
    assert transitions_for(case=declared, user=quality_manager) == []
    documenting = case_factory(status="documenting")
    [submit] = transitions_for(case=documenting, user=coordinator)
    assert submit.name == "submit_for_review"
    assert "La chronologie est vide." in submit.blocking_reasons
    closed = case_factory(status="closed")
    [reopen] = transitions_for(case=closed, user=chair)
    assert reopen.name == "reopen" and reopen.needs_reason


def test_audit_rows_are_append_only_in_the_model(case_factory, clinician):
    from cases.models.audit import AppendOnlyError

    case = case_factory()
    move(case, "declare", clinician)
    record = case.transitions.get()
    record.comment = "réécrit"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()


@pytest.mark.postgres
def test_the_database_refuses_update_and_delete_of_audit_rows(case_factory, clinician):
    from django.db import DatabaseError, transaction

    case = case_factory()
    move(case, "declare", clinician)
    for statement in (
        "UPDATE cases_casetransition SET comment = 'x'",
        "DELETE FROM cases_casetransition",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert case.transitions.count() == 1
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseTransition.objects.all().update(comment="x")


def test_other_apps_hear_of_a_transition_only_after_commit(
    case_factory, clinician, django_capture_on_commit_callbacks
):
    from rmm.workflow import transitioned

    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs)

    transitioned.connect(listener, sender=Case)
    try:
        case = case_factory()
        with django_capture_on_commit_callbacks(execute=True):
            move(case, "declare", clinician)
            assert heard == []  # nothing before the transaction commits
    finally:
        transitioned.disconnect(listener, sender=Case)
    assert heard == [
        {
            "signal": transitioned,
            "instance_id": case.pk,
            "transition": "declare",
            "source": "draft",
            "target": "declared",
            "actor_id": clinician.pk,
        }
    ]
