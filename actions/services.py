"""Writing corrective actions: propose them in session, move them through the workflow engine,
record progress and effectiveness, or record why a case needs none."""

import zipfile

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.conditions import places_with_identifiers_of_cases
from cases.models import Case
from cases.status import CaseStatus
from committees.models import ContributingFactor, Session
from committees.permissions import can_plan_session
from rmm import workflow
from rmm.errors import InvalidInput, NotAllowed, TransitionConflict, TransitionRefused

from .evidence_text import evidence_text, text_pieces
from .models import ActionStatus, CorrectiveAction, NoActionDecision, ProgressNote
from .permissions import can_follow_action, can_verify_action

EVIDENCE_TYPES = {".pdf", ".png", ".jpg", ".jpeg", ".odt", ".docx", ".xlsx", ".ods", ".csv"}
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024


def _refuse_identifiers(texts: list[tuple[str, str]], cases) -> None:
    """Refused when the rules, or the identity of a case the text is about, find an identifier:
    the mother's surname alone is no name to the rules, but the committee reads these texts."""
    places = places_with_identifiers_of_cases(cases, texts)
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
    closed = [case.code for case in cases if case.status == CaseStatus.CLOSED]
    if closed:
        raise InvalidInput(
            _(
                "Cas clôturé (%(codes)s) : le président le rouvre avant qu'une nouvelle action "
                "lui soit rattachée."
            )
            % {"codes": ", ".join(closed)}
        )
    agenda = set(session.agenda.values_list("case_id", flat=True))
    if any(case.pk not in agenda for case in cases):
        raise NotAllowed(_("Ce cas n'est pas à l'ordre du jour de cette séance."))
    owner = fields.get("owner_organisation")
    if owner is None or owner.pk not in {case.organisation_id for case in cases}:
        raise InvalidInput(
            _("L'organisation responsable doit être une organisation des cas concernés.")
        )
    person = fields.get("owner_person")
    if (
        person is not None
        and not person.memberships.filter(organisation_id=owner.pk, is_active=True).exists()
    ):
        raise InvalidInput(
            _("La personne responsable doit appartenir à l'organisation responsable.")
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
        ],
        cases,
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


SNIFF_BYTES = 64 * 1024
# What the first bytes of each accepted type must be: a renamed program is refused.
MAGIC = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
# Office documents are zip archives holding a known member.
ZIP_MEMBERS = {
    ".docx": "word/document.xml",
    ".xlsx": "xl/workbook.xml",
    ".odt": "content.xml",
    ".ods": "content.xml",
}


def _extension(name: str) -> str:
    name = (name or "").lower()
    return next((ext for ext in EVIDENCE_TYPES if name.endswith(ext)), "")


def _content_matches(upload, extension: str) -> bool:
    """The file's content is what its name says (never a program or a page renamed)."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if extension in MAGIC:
        return head.startswith(MAGIC[extension])
    if extension in ZIP_MEMBERS:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(upload) as archive:
                return ZIP_MEMBERS[extension] in archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        finally:
            upload.seek(0)
    # .csv: text, never binary.
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as error:
            if encoding == "utf-8" and error.start >= len(head) - 3:
                return True  # a character cut by the sample's end
            continue
        return True
    return False


def _check_evidence(upload) -> None:
    extension = _extension(upload.name)
    if not extension:
        raise InvalidInput(
            _("Type de pièce refusé : PDF, image, texte ou tableur uniquement (%(types)s).")
            % {"types": ", ".join(sorted(EVIDENCE_TYPES))}
        )
    if upload.size > EVIDENCE_MAX_BYTES:
        raise InvalidInput(_("La pièce dépasse 5 Mo."))
    if not _content_matches(upload, extension):
        raise InvalidInput(
            _(
                "Le contenu de la pièce ne correspond pas à son type (%(type)s) : "
                "joignez le document d'origine."
            )
            % {"type": extension}
        )
    # The original name may carry a name or a date (« CR Dupont 12-03.pdf »): it is not kept.
    upload.name = f"piece-justificative{extension}"


def _refuse_identifiers_in_evidence(upload, cases) -> None:
    """A text or office document is read: the rules and the identity of the action's cases
    must find nothing in it, whatever its "pseudonymisée" tick says (committee members open
    it)."""
    try:
        pieces = text_pieces(evidence_text(upload, _extension(upload.name)))
    except (ValueError, OSError, zipfile.BadZipFile) as error:
        raise InvalidInput(
            _("La pièce n'a pas pu être lue pour vérifier son anonymat : joignez-la en PDF.")
        ) from error
    if places_with_identifiers_of_cases(cases, [(str(n), piece) for n, piece in enumerate(pieces)]):
        raise InvalidInput(
            _(
                "La pièce jointe contient des identifiants (nom, date, numéro…) : "
                "pseudonymisez-la avant de la joindre. Rien n'a été enregistré."
            )
        )


NOTE_CLOSED_STATUSES = (ActionStatus.CANCELLED, ActionStatus.VERIFIED)


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
    if action.status in NOTE_CLOSED_STATUSES:
        raise TransitionConflict(
            _(
                "L'action A%(pk)s est « %(status)s » : elle ne reçoit plus de note "
                "d'avancement. Rien n'a été enregistré."
            )
            % {"pk": action.pk, "status": action.get_status_display()}
        )
    if evidence is not None:
        _check_evidence(evidence)
        _refuse_identifiers_in_evidence(evidence, action.cases.all())
    _refuse_identifiers([(_("la note d'avancement"), text)], action.cases.all())
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
    if action.status != ActionStatus.DONE:
        raise TransitionConflict(
            _(
                "L'efficacité se mesure une fois l'action réalisée et avant sa vérification "
                "(action A%(pk)s : « %(status)s »). Rien n'a été enregistré."
            )
            % {"pk": action.pk, "status": action.get_status_display()}
        )
    _refuse_identifiers([(_("le résultat"), result)], action.cases.all())
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
    _refuse_identifiers([(_("la référence"), reference)], action.cases.all())
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
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.REVIEWED:
        raise TransitionConflict(
            _(
                "Le cas %(code)s est « %(status)s » : l'absence d'action se décide après la "
                "revue, avant l'adoption du plan ou la clôture. Rien n'a été enregistré."
            )
            % {"code": case.code, "status": case.get_status_display()}
        )
    live = CorrectiveAction.objects.filter(cases=case).exclude(status=ActionStatus.CANCELLED)
    if live.exists():
        raise TransitionConflict(
            _(
                "Des actions sont proposées ou décidées pour le cas %(code)s : annulez-les "
                "avant d'enregistrer qu'aucune action n'est nécessaire. Rien n'a été enregistré."
            )
            % {"code": case.code}
        )
    _refuse_identifiers([(_("le motif"), reason)], [case])
    decision, _created = NoActionDecision.objects.update_or_create(
        case=case, defaults={"reason": reason, "decided_by": by}
    )
    return decision
