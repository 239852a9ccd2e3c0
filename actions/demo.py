"""Demo corrective actions: on the cases the committee reviewed in its held session, one case
gets an adopted action plan with actions in every state (one overdue, one shared with another
case, one handed over to the maternity's quality programme), another is closed with a recorded
reason for no action; the third stays reviewed."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.models import Case
from cases.services.transitions import case_transition
from cases.status import CaseStatus
from committees.demo import COMMITTEE_NAME
from committees.models import ContributingFactor, Session, SessionStatus
from committees.services.reviews import minutes_draft, minutes_validate

from .models import Barrier, CorrectiveAction, Nature, Priority
from .services import (
    action_hand_over,
    action_propose,
    action_transition,
    effectiveness_record,
    no_action_decide,
    progress_note_add,
)

# A one-page PDF the size of a note: the evidence of the verified action.
DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@transaction.atomic
def load() -> dict[str, int]:
    if CorrectiveAction.objects.exists():
        return {"actions": 0}
    session = (
        Session.objects.filter(
            committee__name=COMMITTEE_NAME, status=SessionStatus.MINUTES_VALIDATED
        )
        .order_by("starts_at")
        .first()
    )
    if session is None:
        return {"actions": 0}
    reviewed = list(
        Case.objects.filter(agenda_items__session=session, status=CaseStatus.REVIEWED).order_by(
            "pk"
        )
    )
    if len(reviewed) < 3:
        return {"actions": 0}
    users = {user.email: user for user in User.objects.filter(email__endswith="@rmm-demo.fr")}
    chair, coordinator = users["president@rmm-demo.fr"], users["referent@rmm-demo.fr"]
    today = timezone.localdate()
    planned, waived = reviewed[1], reviewed[2]
    factors = list(ContributingFactor.objects.filter(review__case=planned))

    def propose(what, barrier, nature, due_in_days, **extra):
        return action_propose(
            session=session,
            cases=extra.pop("cases", [planned]),
            by=chair,
            factors=factors[:1],
            fields={
                "what_changes": what,
                "barrier": barrier,
                "nature": nature,
                "owner_organisation": planned.organisation,
                "owner_function": extra.pop("owner_function", "Cadre de la salle de naissance"),
                "owner_person": extra.pop("owner_person", None),
                "due_date": today + timedelta(days=due_in_days),
                "priority": extra.pop("priority", Priority.MEDIUM),
                "indicator": extra.pop("indicator", "Audit trimestriel de 20 dossiers"),
                "indicator_check_date": today + timedelta(days=due_in_days + 60),
            },
        )

    interpreting = propose(
        "Interprétariat téléphonique disponible 24 h/24 aux urgences obstétricales",
        Barrier.PREVENTION,
        Nature.PATHWAY,
        45,
        priority=Priority.HIGH,
        indicator="Part des consultations allophones avec interprète (cible 90 %)",
    )
    protocol = propose(
        "Protocole de transfert in utero révisé et affiché en salle de naissance",
        Barrier.RECOVERY,
        Nature.PROTOCOL,
        5,
        owner_person=coordinator,  # a named owner: shown to the maternity, never the committee
    )
    propose(  # a training, still proposed: the committee has not decided on it yet
        "Formation annuelle à la réanimation néonatale pour les équipes de garde",
        Barrier.MITIGATION,
        Nature.TRAINING,
        90,
    )
    checklist = propose(
        "Check-list de sortie de maternité incluant l'orientation vers la PMI",
        Barrier.PREVENTION,
        Nature.ORGANISATION,
        20,
    )
    audit = propose(
        "Audit des appels au pédiatre de garde en salle de naissance",
        Barrier.RECOVERY,
        Nature.ORGANISATION,
        60,
    )
    duplicate = propose(
        "Affiche sur la barrière de la langue en salle d'attente",
        Barrier.PREVENTION,
        Nature.SOCIAL,
        30,
    )
    shared = propose(
        "Staff mensuel commun maternité-néonatologie sur les transferts",
        Barrier.RECOVERY,
        Nature.PATHWAY,
        75,
        cases=[planned, reviewed[0]],  # one problem that recurs: one action answers both cases
    )
    for action in (interpreting, protocol, checklist, audit, duplicate, shared):
        action_transition(action_id=action.pk, name="approve", by=chair, expected_status="proposed")
    for action in (interpreting, protocol, checklist):
        action_transition(
            action_id=action.pk, name="start", by=coordinator, expected_status="approved"
        )
    progress_note_add(
        action=protocol, by=coordinator, text="Protocole rédigé, en relecture par les pédiatres."
    )
    progress_note_add(
        action=checklist,
        by=coordinator,
        text="Check-list diffusée à toutes les sages-femmes ; audit de 20 sorties joint.",
        evidence=SimpleUploadedFile("audit.pdf", DEMO_PDF, content_type="application/pdf"),
        pseudonymised=True,
    )
    progress_note_add(
        action=interpreting,
        by=coordinator,
        text="Convention signée avec le service d'interprétariat.",
    )
    for action in (checklist, interpreting):
        action_transition(
            action_id=action.pk, name="complete", by=coordinator, expected_status="in_progress"
        )
    quality = users["qualite@rmm-demo.fr"]
    effectiveness_record(
        action=checklist, by=quality, result="Orientation PMI tracée dans 18 sorties sur 20."
    )
    action_transition(action_id=checklist.pk, name="verify", by=quality, expected_status="done")
    action_transition(
        action_id=duplicate.pk,
        name="cancel",
        by=chair,
        expected_status="approved",
        comment="Redondante avec l'interprétariat téléphonique.",
    )
    # Handed over to the maternity's quality programme (PAQSS), which follows it from now on.
    action_hand_over(action=audit, by=quality, reference="PAQSS maternité, fiche 14")
    # Made overdue for the demo: its due date has passed (the date is in the data, not a flag).
    CorrectiveAction.objects.filter(pk=protocol.pk).update(due_date=today - timedelta(days=3))
    case_transition(
        case_id=planned.pk, name="adopt_action_plan", by=chair, expected_status="reviewed"
    )
    no_action_decide(
        case=waived,
        session=session,
        by=chair,
        reason="Prise en charge jugée optimale : aucune action corrective nécessaire.",
    )
    case_transition(
        case_id=waived.pk,
        name="close",
        by=chair,
        expected_status="reviewed",
        comment="Le comité n'a retenu aucune action corrective.",
    )
    # The committees demo validated the session's minutes before this plan existed: a corrected
    # version (the only way to change validated minutes) now shows each case's actions, and the
    # maternity's quality team reads them on the case page.
    corrected = minutes_draft(
        session=session,
        by=chair,
        correction_reason="Plan d'actions décidé en séance ajouté au compte rendu.",
    )
    minutes_validate(session=session, by=chair, version=corrected.version)
    return {"actions": CorrectiveAction.objects.count()}
