"""Guards of the case transitions (named on each transition in models/case.py). Each guard
returns None when satisfied, or the French reason shown to the user when it is not ("la
chronologie est vide"...)."""

from django.db import models
from django.utils.translation import gettext as _

from .anonymisation import TextTooLong, find_identifiers


def declaration_complete(case) -> str | None:
    missing = case.missing_for_declaration()
    identity = getattr(case, "identity", None)
    if case.outcome == "live_birth_death" and (
        identity is None or not identity.born_at or not identity.died_at
    ):
        missing.append(_("dates et heures de naissance et de décès"))
    if missing:
        return _("La déclaration est incomplète : %(missing)s.") % {"missing": ", ".join(missing)}
    return None


def chronology_present(case) -> str | None:
    return None if case.care_events.exists() else _("La chronologie est vide.")


def summary_present(case) -> str | None:
    return None if case.summary.strip() else _("Le résumé pseudonymisé est vide.")


def free_text_fields(case) -> list:
    """Clinical fields typed freely (no value set): any of them could carry a name or a date."""
    return [
        field
        for field in type(case)._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and field.editable
        and field.name not in ("summary", "cause_of_death_icd10")
    ]


def review_texts(case) -> list[tuple[str, str]]:
    """(where, text) for every text the committee will read."""
    texts = [(_("le résumé"), case.summary)]
    for index, event in enumerate(case.care_events.all(), start=1):
        texts.append((_("l'événement %(n)s de la chronologie") % {"n": index}, event.description))
    for field in free_text_fields(case):
        texts.append(
            (
                _("le champ « %(label)s »") % {"label": field.verbose_name},
                getattr(case, field.name) or "",
            )
        )
    texts.append((parents_questions_where(), parents_questions(case)))
    return texts


def parents_questions_where() -> str:
    """Where the parents' questions are, in a refusal (translated when asked)."""
    return _("les questions des parents")


def parents_questions(case) -> str:
    """The parents' questions recorded on the case (shown to the committee), or ""."""
    from .models import ParentsContact

    if case.pk is None:
        return ""
    try:
        contact = case.parents_contact
    except ParentsContact.DoesNotExist:
        return ""
    return contact.questions or ""


def known_identity_values(case) -> list[str]:
    """The case's own identity values, for the scrubber (never displayed)."""
    from .models import IdentityVault

    vault = IdentityVault.objects.filter(case_id=case.pk).first()
    return vault.known_values() if vault is not None else []


def places_with_identifiers_of_cases(cases, texts: list[tuple[str, str]]) -> list[str]:
    """Where, among (where, text) pairs written about several cases (a corrective action and
    its notes), the rules or any of these cases' identity values find an identifier."""
    from .models import IdentityVault

    known = []
    for vault in IdentityVault.objects.filter(case_id__in=[case.pk for case in cases]):
        known += vault.known_values()
    return [where for where, text in texts if text and _has_identifiers(text, known)]


def identifiers_in_comment_of_cases(cases, comment: str, *, reason: bool = False) -> list[str]:
    """`identifiers_in_comment`, the identity values of the cases it is about compared too."""
    if not places_with_identifiers_of_cases(cases, [("comment", comment)]):
        return []
    if reason:
        return [_("Le motif contient un identifiant (nom, date, numéro…).")]
    return [_("Le commentaire contient un identifiant (nom, date, numéro…).")]


def places_with_identifiers(
    case, texts: list[tuple[str, str]], *, both_signals: bool = False
) -> list[str]:
    """Where, among (where, text) pairs, the scrubber still finds an identifier (texts are
    checked in normal form; one too long to be scanned counts as not anonymised).

    `both_signals`: the statistical model too, less what the coordinator rejected on this
    case (the texts handed to the committee); otherwise the rules and the vault values."""
    if both_signals:
        from .detection import case_findings

        return [result.where for result in case_findings(case, texts)]
    known = known_identity_values(case)
    return [where for where, text in texts if text and _has_identifiers(text, known)]


def _has_identifiers(text: str, known: list[str]) -> bool:
    try:
        return bool(find_identifiers(text, known))
    except TextTooLong:
        return True


def no_identifier_left(case) -> str | None:
    """Nothing either signal finds in the texts the committee will read (the coordinator's
    anonymisation screen names each remaining identifier; this reason names only where)."""
    places = places_with_identifiers(case, review_texts(case), both_signals=True)
    if places:
        return _(
            "Des identifiants subsistent dans %(places)s (détail sur l'écran d'anonymisation)."
        ) % {"places": ", ".join(places)}
    return None


def summary_validated(case) -> str | None:
    if case.summary_validated_at is None:
        return _("L'anonymisation n'a pas été validée par le référent.")
    return None


def identifiers_in_comment(comment: str, *, reason: bool = False) -> list[str]:
    """For a history its readers share (sessions, corrective actions): the French refusal when
    a comment (or a reason) holds an identifier, with no case vault to compare with."""
    if not find_identifiers(comment, []):
        return []
    if reason:
        return [_("Le motif contient un identifiant (nom, date, numéro…).")]
    return [_("Le commentaire contient un identifiant (nom, date, numéro…).")]
