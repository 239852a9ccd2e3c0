"""The parents' pathway on the coordinator's side: whether the parents were told of the review,
by which function and when, and the questions they asked for the committee."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import InvalidInput, NotAllowed, TransitionConflict
from ..fields import too_long
from ..models import Case, ParentsContact, ParentsContactStatus
from ..models.parents import max_parents_questions_length
from ..permissions import can_record_parents_contact
from ..status import CaseStatus
from ..text import normalise_text

# The parents were reached: when and by whom is recorded. Otherwise both are cleared.
REACHED = (ParentsContactStatus.TOLD, ParentsContactStatus.DECLINED)
# The death precedes the declaration (exact dates stay in the vault): a date of information
# earlier than the case's creation minus this is a typing error (01/01/1900...).
TOLD_ON_EARLIEST_BEFORE_CASE = datetime.timedelta(days=365)


def told_on_earliest(case: Case) -> datetime.date:
    """The earliest plausible date the parents were told of the review of this case."""
    return timezone.localtime(case.created_at).date() - TOLD_ON_EARLIEST_BEFORE_CASE


def parents_contact_of(case: Case) -> ParentsContact:
    """The case's record (an unsaved empty one when nothing was recorded yet)."""
    try:
        return case.parents_contact
    except ParentsContact.DoesNotExist:
        return ParentsContact(case=case)


@transaction.atomic
def parents_contact_save(
    *,
    case: Case,
    by,
    status: str,
    told_on: datetime.date | None,
    told_by_function: str,
    questions: str,
    expected_version: int,
) -> ParentsContact:
    """The coordinator records that the parents were told of the review (or why not), and
    their questions. While documenting, the questions are checked with the summary when the
    case is submitted; once the committee holds the case (ready, scheduled), they are checked
    here, before anything is saved: the committee reads only what was checked."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not can_record_parents_contact(by, case):
        raise NotAllowed(
            _(
                "L'information des parents se renseigne par le référent de l'organisation "
                "déclarante, jusqu'à la séance. Rien n'a été enregistré."
            )
        )
    contact = ParentsContact.objects.select_for_update().filter(
        case=case
    ).first() or ParentsContact(case=case)
    if contact.version != expected_version:
        raise TransitionConflict(
            _(
                "L'information des parents a été modifiée entre-temps par quelqu'un d'autre : "
                "rechargez la page. Rien n'a été enregistré."
            )
        )
    if status not in ParentsContactStatus.values and status != "":
        raise InvalidInput(_("Choix inconnu : rien n'a été enregistré."))
    questions = normalise_text(questions or "").strip()
    problems = []
    length_problem = too_long(
        questions, max_parents_questions_length.limit, max_parents_questions_length.message
    )
    if length_problem:
        problems.append(length_problem)
    if status in REACHED:
        if told_on is None:
            problems.append(_("Indiquez la date à laquelle les parents ont été informés."))
        elif told_on > timezone.localdate():
            problems.append(_("La date d'information des parents ne peut pas être future."))
        elif told_on < told_on_earliest(case):
            problems.append(
                _(
                    "La date d'information des parents est trop ancienne : elle ne peut pas "
                    "précéder le %(date)s (un an avant la création du cas)."
                )
                % {"date": told_on_earliest(case).strftime("%d/%m/%Y")}
            )
        if not told_by_function:
            problems.append(_("Indiquez la fonction du professionnel qui a informé les parents."))
    else:
        told_on, told_by_function = None, ""
    if questions and status != ParentsContactStatus.TOLD:
        problems.append(
            _(
                "Les questions des parents se notent une fois les parents informés de la revue "
                "(choisissez « Informés de la revue »)."
            )
        )
    if problems:
        raise InvalidInput(" ".join([*problems, _("Rien n'a été enregistré.")]))
    changed_questions = questions != (contact.questions or "")
    if changed_questions and questions and case.status != CaseStatus.DOCUMENTING:
        _refuse_identifiers(case, questions)
    contact.status = status
    contact.told_on = told_on
    contact.told_by_function = told_by_function
    contact.questions = questions
    contact.version = expected_version + 1
    contact.updated_by = by
    contact.full_clean(exclude=["case"])
    contact.save()
    if changed_questions and case.status == CaseStatus.DOCUMENTING:
        # A text the committee will read changed: the anonymisation needs a new validation.
        Case.objects.filter(pk=case.pk).update(summary_validated_at=None, summary_validated_by=None)
    return contact


def _refuse_identifiers(case: Case, questions: str) -> None:
    from ..conditions import parents_questions_where, places_with_identifiers

    if places_with_identifiers(case, [(parents_questions_where(), questions)], both_signals=True):
        # Where only, never the value: messages can end up in logs.
        raise InvalidInput(
            _(
                "Des identifiants (nom, date, adresse, numéro...) subsistent dans les questions "
                "des parents : le comité a déjà le cas, reformulez-les sans identifiant. Rien "
                "n'a été enregistré."
            )
        )


def parents_panel(*, case: Case, user) -> dict | None:
    """The "Parents" panel of the case page: the date only on the coordinator's side, the
    form's link while the coordinator may still record; nothing before documentation."""
    from ..permissions import can_read_case_texts, coordinates_case

    if case.status in (CaseStatus.DRAFT, CaseStatus.DECLARED, CaseStatus.EXCLUDED):
        return None
    return {
        "contact": parents_contact_of(case),
        "coordinator_side": coordinates_case(user, case),
        "editable": can_record_parents_contact(user, case),
        # Unchecked for identifiers until the anonymisation is validated (or the case
        # submitted): a contributing organisation reads them as the summary, no sooner.
        "questions_shown": can_read_case_texts(user, case),
    }


def parents_letter_refusal(case: Case) -> str | None:
    """Why there is no letter to the parents (a French reason), or None: the letter answers
    parents who were told of the review; it makes no sense to parents who declined, who could
    not be reached or were never told (nor when nothing was recorded)."""
    status = parents_contact_of(case).status
    if status == ParentsContactStatus.TOLD:
        return None
    return {
        ParentsContactStatus.DECLINED: _("Les parents ont refusé de participer : pas de courrier."),
        ParentsContactStatus.UNREACHABLE: _(
            "Les parents n'ont pas pu être joints : pas de courrier."
        ),
    }.get(status, _("Les parents n'ont pas été informés de la revue : pas de courrier."))


def identity_for_parents_letter(*, case: Case, by):
    """The vault, for the letter to the parents at print time only (never stored): only the
    coordinators of the declaring organisation, once the case is reviewed, for parents who were
    told of the review (`parents_letter_refusal`); each print is written to the identity access
    log as "courrier aux parents", a refused one is not."""
    from ..models import IdentityAccessLog, IdentityVault
    from ..permissions import can_write_to_parents

    if not can_write_to_parents(by, case):
        raise NotAllowed(
            _("Seuls les référents de l'organisation déclarante écrivent aux parents.")
        )
    refusal = parents_letter_refusal(case)
    if refusal:
        raise NotAllowed(refusal)
    with transaction.atomic():
        IdentityAccessLog.objects.create(
            case=case,
            user=by,
            user_name=by.get_full_name() or by.email,
            purpose=IdentityAccessLog.PURPOSE_PARENTS_LETTER,
        )
        vault = IdentityVault.objects.filter(case=case).first() or IdentityVault(case=case)
    return vault
