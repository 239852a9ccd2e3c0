"""Writing corrective actions: propose them in session, move them through the workflow engine,
record progress and effectiveness, or record why a case needs none."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.anonymisation import find_identifiers
from cases.models import Case
from committees.models import ContributingFactor, Session
from committees.permissions import can_plan_session
from rmm import workflow
from rmm.errors import InvalidInput, NotAllowed, TransitionConflict, TransitionRefused

from .models import CorrectiveAction, NoActionDecision, ProgressNote
from .permissions import can_follow_action, can_verify_action

EVIDENCE_TYPES = {".pdf", ".png", ".jpg", ".jpeg", ".odt", ".docx", ".xlsx", ".ods", ".csv"}
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024


def _refuse_identifiers(texts: list[tuple[str, str]]) -> None:
    places = [where for where, text in texts if text and find_identifiers(text, [])]
    if places:
        raise TransitionRefused(
            [_("des identifiants subsistent dans : %(places)s") % {"places": ", ".join(places)}]
        )


@transaction.atomic
def action_propose(
    *, session: Session, cases: list[Case], by, fields: dict, factors=()
) -> CorrectiveAction:
    """The chair or secretary proposes an action in session, for cases of its agenda, linked to
    contributing factors of their reviews."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not can_plan_session(by, session):
        raise NotAllowed(_("Seuls le président et le secrétaire proposent des actions."))
    if not cases:
        raise InvalidInput(_("Une action répond à au moins un cas."))
    agenda = set(session.agenda.values_list("case_id", flat=True))
    if any(case.pk not in agenda for case in cases):
        raise NotAllowed(_("Ce cas n'est pas à l'ordre du jour de cette séance."))
    owner = fields.get("owner_organisation")
    if owner is None or owner.pk not in {case.organisation_id for case in cases}:
        raise InvalidInput(
            _("L'organisation responsable doit être une organisation des cas concernés.")
        )
    due = fields.get("due_date")
    if due is not None and due < timezone.localdate():
        raise InvalidInput(_("L'échéance ne peut pas être dans le passé."))
    factor_ids = {factor.pk for factor in factors}
    allowed = set(
        ContributingFactor.objects.filter(review__case__in=cases).values_list("pk", flat=True)
    )
    if not factor_ids <= allowed:
        raise InvalidInput(_("Ces facteurs ne sont pas ceux des cas concernés."))
    action = CorrectiveAction(session=session, created_by=by, **fields)
    try:
        action.full_clean(exclude=["status"])
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error
    _refuse_identifiers(
        [
            (_("ce qui va changer"), action.what_changes),
            (_("la fonction responsable"), action.owner_function),
            (_("l'indicateur"), action.indicator),
        ]
    )
    action.save()
    action.cases.set(cases)
    action.factors.set(factor_ids)
    return action


def action_transition(
    *, action_id: int, name: str, by, expected_status: str | None = None, comment: str = ""
) -> CorrectiveAction:
    """approve, start, complete, verify or cancel, through the workflow engine."""
    return workflow.apply(
        model=CorrectiveAction,
        pk=action_id,
        name=name,
        by=by,
        expected_status=expected_status,
        comment=comment,
    )


def _check_evidence(upload) -> None:
    name = (upload.name or "").lower()
    if not any(name.endswith(ext) for ext in EVIDENCE_TYPES):
        raise InvalidInput(
            _("Type de pièce refusé : PDF, image, texte ou tableur uniquement (%(types)s).")
            % {"types": ", ".join(sorted(EVIDENCE_TYPES))}
        )
    if upload.size > EVIDENCE_MAX_BYTES:
        raise InvalidInput(_("La pièce dépasse 5 Mo."))


@transaction.atomic
def progress_note_add(
    *, action: CorrectiveAction, by, text: str, evidence=None, pseudonymised: bool = False
) -> ProgressNote:
    """The owner records what was done, with an optional piece of evidence."""
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if not can_follow_action(by, action):
        raise NotAllowed(
            _("Seuls le responsable de l'action et l'équipe qualité en rendent compte.")
        )
    if evidence is not None:
        _check_evidence(evidence)
    _refuse_identifiers([(_("la note d'avancement"), text)])
    note = ProgressNote(
        action=action,
        author=by,
        text=text,
        evidence=evidence or "",
        evidence_pseudonymised=pseudonymised,
    )
    try:
        note.full_clean()
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error
    note.save()
    return note


@transaction.atomic
def effectiveness_record(*, action: CorrectiveAction, by, result: str) -> CorrectiveAction:
    """The quality team writes what the indicator showed (needed before `verify`)."""
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if not can_verify_action(by, action):
        raise NotAllowed(_("Seule l'équipe qualité mesure l'efficacité d'une action."))
    _refuse_identifiers([(_("le résultat"), result)])
    action.effectiveness_result = result
    try:
        action.full_clean(exclude=["status"])
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error
    action.save(update_fields=["effectiveness_result"])
    return action


@transaction.atomic
def action_hand_over(*, action: CorrectiveAction, by, reference: str) -> CorrectiveAction:
    """The quality team hands an open action over to the organisation's quality programme
    (PAQSS), which follows it from then on: the case may close. A progress note records it."""
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if not can_verify_action(by, action):
        raise NotAllowed(_("Seule l'équipe qualité confie une action au programme qualité."))
    if not action.may_be_handed_over:
        raise TransitionConflict(
            _(
                "Seule une action approuvée ou en cours, pas encore confiée, se confie au "
                "programme qualité."
            )
        )
    reference = reference.strip()
    if not reference:
        raise InvalidInput(_("Indiquez la référence dans le programme qualité (PAQSS)."))
    _refuse_identifiers([(_("la référence"), reference)])
    action.paqss_reference = reference
    try:
        action.full_clean(exclude=["status"])
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error
    action.save(update_fields=["paqss_reference"])
    ProgressNote.objects.create(
        action=action,
        author=by,
        text=_("Confiée au programme qualité de l'établissement (PAQSS) : %(ref)s")
        % {"ref": reference},
    )
    return action


@transaction.atomic
def no_action_decide(*, case: Case, session: Session, by, reason: str) -> NoActionDecision:
    """The committee records why a reviewed case needs no corrective action."""
    if not can_plan_session(by, session) or not session.agenda.filter(case=case).exists():
        raise NotAllowed(_("Seuls le président et le secrétaire de la séance le décident."))
    _refuse_identifiers([(_("le motif"), reason)])
    decision, _created = NoActionDecision.objects.update_or_create(
        case=case, defaults={"reason": reason, "decided_by": by}
    )
    return decision
