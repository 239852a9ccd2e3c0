"""The coordinator's decisions on the scrubber's findings: keep a value that is not an
identifier (remembered for the case), undo that, or replace every occurrence of a finding in
the summary by its placeholder. Each write checks that the coordinator documents the case."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..anonymisation import PLACEHOLDERS, contains_known, find_identifiers, finding_key
from ..conditions import known_identity_values
from ..detection import value_digest
from ..exceptions import InvalidInput, NotAllowed
from ..models import Case, RejectedFinding
from ..permissions import can_document_case
from ..text import normalise_text
from .cases import _invalidate_anonymisation

MAX_REJECTED_VALUE = 200


def _require_documenting(case: Case, by) -> None:
    if not can_document_case(by, case):
        raise NotAllowed(_("Seul le référent du cas, en documentation, décide des détections."))


@transaction.atomic
def finding_reject(*, case: Case, by, kind: str, value: str) -> RejectedFinding:
    """The coordinator judges a detected value not identifying on this case (an eponym, a
    drug...): it is no longer reported in this case's texts. A value of the identity vault,
    or holding one, can never be rejected."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_documenting(case, by)
    value = normalise_text(value).strip()
    if kind not in PLACEHOLDERS or not value or len(value) > MAX_REJECTED_VALUE:
        raise InvalidInput(_("Détection inconnue : rien n'a été enregistré."))
    if contains_known(value, known_identity_values(case)):
        raise InvalidInput(
            _(
                "Cette valeur figure dans l'identité du cas : elle reste un identifiant et ne "
                "peut pas être conservée."
            )
        )
    digest = value_digest(case_id=case.pk, kind=kind, value=value)
    rejection, _created = RejectedFinding.objects.get_or_create(
        case=case,
        kind=kind,
        value_digest=digest,
        defaults={
            "value": finding_key(value),
            "rejected_by": by,
            "rejected_by_name": by.get_full_name() or by.email,
        },
    )
    # What the committee will read changed meaning: the coordinator validates again.
    _invalidate_anonymisation(case)
    return rejection


@transaction.atomic
def finding_restore(*, case: Case, by, rejection_id: int) -> None:
    """Undo a rejection: the value is reported again as an identifier."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_documenting(case, by)
    deleted, _rows = RejectedFinding.objects.filter(case=case, pk=rejection_id).delete()
    if deleted:
        _invalidate_anonymisation(case)


@transaction.atomic
def summary_replace_finding(*, case: Case, by, kind: str, value: str) -> Case:
    """Accept a finding: each of its occurrences in the summary becomes its placeholder (the
    summary is saved, not validated)."""
    from .cases import summary_save

    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_documenting(case, by)
    if kind not in PLACEHOLDERS:
        raise InvalidInput(_("Détection inconnue : rien n'a été enregistré."))
    key = finding_key(value)
    summary = normalise_text(case.summary)
    # Every occurrence the scrubber itself reads as this value, in any case or accents.
    spans = [
        f
        for f in find_identifiers(summary, [value])
        if f.kind == kind or f.signal == "known"
        if finding_key(f.text) == key
    ]
    if not spans:
        return case
    pieces, cursor = [], 0
    for f in spans:
        pieces += [summary[cursor : f.start], PLACEHOLDERS[kind]]
        cursor = f.end
    pieces.append(summary[cursor:])
    return summary_save(case=case, by=by, summary="".join(pieces), validate=False)
