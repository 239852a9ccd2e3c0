"""Rules on a set of clinical facts, as pure functions on any object with the right attributes
(a case, or a `types.SimpleNamespace` in tests): derived values (age at death, kind, classes),
contradictions between facts, and what a declaration still lacks."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext

from .value_sets import (
    LABELS,
    LAST_DAY_IN_SCOPE,
    RESUSCITATION_STEPS,
    STILLBIRTH_MIN_WEEKS,
    STILLBIRTH_MIN_WEIGHT_G,
    VAGINAL_DELIVERIES,
    BirthWeightCategory,
    CaseKind,
    GestationalAgeCategory,
    Outcome,
    Plurality,
)

__all__ = [
    "age_at_death",
    "birth_weight_category",
    "body_mass_index",
    "clinical_facts_compute_derived_values",
    "clinical_facts_errors",
    "clinical_facts_missing_fields",
    "clinical_facts_missing_for_declaration",
    "declaration_missing_fields",
    "derive_kind",
    "format_gestational_age",
    "gestational_age_category",
    "normalise_icd10",
]


# --------------------------------------------------------------------------------------
# Pure functions
# --------------------------------------------------------------------------------------


def age_at_death(born_at: datetime, died_at: datetime) -> tuple[int, int]:
    """Age at death as (completed days, completed hours), each counted from birth.

    Both values measure the whole age: a death 2 days and 5 hours after birth gives (2, 53).
    Aware datetimes are compared in UTC, so a night with a clock change counts its real hours.
    """
    try:
        if born_at.tzinfo is not None and died_at.tzinfo is not None:
            born_at, died_at = born_at.astimezone(UTC), died_at.astimezone(UTC)
        elapsed = died_at - born_at
    except (OverflowError, TypeError) as error:  # year 1 or 9999 once in UTC; naive vs aware
        raise ValueError(gettext("Ces dates de naissance et de décès sont invalides.")) from error
    if died_at < born_at:
        raise ValueError(gettext("Le décès ne peut pas précéder la naissance."))
    return elapsed.days, elapsed.days * 24 + elapsed.seconds // 3600


def derive_kind(*, outcome: str | None, age_at_death_days: int | None) -> str | None:
    """The case kind from the declared event and, for a death after live birth, the age at death.

    Early neonatal 0-6 completed days, late neonatal 7-27, post-neonatal 28-364. None while the
    event is not declared or the age at death of a live-born child is unknown.
    """
    if outcome == Outcome.STILLBIRTH:
        return CaseKind.STILLBIRTH
    if outcome == Outcome.SEVERE_MORBIDITY:
        return CaseKind.SEVERE_MORBIDITY
    if outcome != Outcome.LIVE_BIRTH_DEATH or age_at_death_days is None:
        return None
    if age_at_death_days < 0:
        raise ValueError(gettext("Le décès ne peut pas précéder la naissance."))
    if age_at_death_days <= 6:
        return CaseKind.EARLY_NEONATAL
    if age_at_death_days <= 27:
        return CaseKind.LATE_NEONATAL
    if age_at_death_days <= LAST_DAY_IN_SCOPE:
        return CaseKind.POST_NEONATAL
    raise ValueError(
        gettext("Au-delà de 364 jours, le décès n'entre pas dans le champ des RMM périnatales.")
    )


def gestational_age_category(weeks: int | None) -> str | None:
    """Prematurity class from completed weeks of amenorrhoea (SA); None when unknown."""
    if weeks is None:
        return None
    if weeks < 28:
        return GestationalAgeCategory.EXTREMELY_PRETERM
    if weeks < 32:
        return GestationalAgeCategory.VERY_PRETERM
    if weeks < 34:
        return GestationalAgeCategory.MODERATELY_PRETERM
    if weeks < 37:
        return GestationalAgeCategory.LATE_PRETERM
    if weeks < 42:
        return GestationalAgeCategory.TERM
    return GestationalAgeCategory.POST_TERM


def birth_weight_category(grams: int | None) -> str | None:
    """Birth-weight class (extremely, very, low, normal weight, macrosomia); None when unknown."""
    if grams is None:
        return None
    if grams < 1000:
        return BirthWeightCategory.ELBW
    if grams < 1500:
        return BirthWeightCategory.VLBW
    if grams < 2500:
        return BirthWeightCategory.LBW
    if grams < 4000:
        return BirthWeightCategory.NORMAL
    return BirthWeightCategory.MACROSOMIA


def format_gestational_age(weeks: int | None, days: int | None) -> str:
    """Gestational age as clinicians write it ("27 SA + 2 j"); "—" when unknown."""
    if weeks is None:
        return "—"
    if days is None:
        return gettext("%(weeks)d SA") % {"weeks": weeks}
    return gettext("%(weeks)d SA + %(days)d j") % {"weeks": weeks, "days": days}


def body_mass_index(weight_kg: Decimal | float | None, height_cm: int | None) -> Decimal | None:
    """Pre-pregnancy body-mass index (kg/m², one decimal); None unless both values are known."""
    if weight_kg is None or not height_cm:
        return None
    metres = Decimal(height_cm) / 100
    return (Decimal(str(weight_kg)) / (metres * metres)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def normalise_icd10(code: str) -> str:
    """An ICD-10 code as typed ("p072", " Q89.9 ") in its stored form ("P07.2", "Q89.9")."""
    code = re.sub(r"\s+", "", code or "").upper()
    if re.fullmatch(r"[A-Z][0-9]{3,4}", code):
        code = f"{code[:3]}.{code[3:]}"
    return code


# --------------------------------------------------------------------------------------
# Rules on a set of clinical facts (a case, or any object with the same attributes)
# --------------------------------------------------------------------------------------


def _get(facts: Any, name: str) -> Any:
    return getattr(facts, name, None)


def clinical_facts_compute_derived_values(
    facts: Any, *, born_at: datetime | None = None, died_at: datetime | None = None
) -> None:
    """Fill the derived facts: age at death, kind, gestational-age and birth-weight classes.

    The exact datetimes come from the identity vault and are never stored: only the relative age
    is. Without both datetimes the stored age is kept. A stillborn child has no age at death
    (a death in utero precedes the birth). Raises ValueError for a death after 364 days.
    """
    outcome = _get(facts, "outcome")
    if outcome == Outcome.STILLBIRTH:
        facts.age_at_death_days = facts.age_at_death_hours = None
    elif born_at is not None and died_at is not None:
        facts.age_at_death_days, facts.age_at_death_hours = age_at_death(born_at, died_at)
    kind = derive_kind(outcome=outcome, age_at_death_days=_get(facts, "age_at_death_days"))
    facts.kind = kind or ""
    facts.gestational_age_category = (
        gestational_age_category(_get(facts, "gestational_age_weeks")) or ""
    )
    facts.birth_weight_category = birth_weight_category(_get(facts, "birth_weight_g")) or ""


def clinical_facts_errors(
    facts: Any, *, exclude: set[str] | frozenset[str] = frozenset()
) -> dict[str, list[str]]:
    """Cross-field inconsistencies, as {field name: [French messages]}; empty when consistent.

    Only contradictions are refused, never unusual values, and never a missing answer (a draft
    may be incomplete). An error on a field listed in `exclude` (a field the form does not show)
    is reported as a non-field error, so that a form never has to show a field it lacks.
    """
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        key = NON_FIELD_ERRORS if field in exclude else field
        if message not in errors.setdefault(key, []):
            errors[key].append(message)

    outcome = _get(facts, "outcome")
    stillbirth = outcome == Outcome.STILLBIRTH
    weeks, days = _get(facts, "gestational_age_weeks"), _get(facts, "gestational_age_days")
    weight = _get(facts, "birth_weight_g")

    if weeks is None and days is not None:
        refuse("gestational_age_weeks", gettext("Indiquez les semaines d'aménorrhée (SA)."))
    # Weeks without their days is only incomplete (a draft may be): the days are then listed
    # in what the declaration still lacks (`clinical_facts_missing_fields`).

    if (
        stillbirth
        and weeks is not None
        and weight is not None
        and weeks < STILLBIRTH_MIN_WEEKS
        and weight < STILLBIRTH_MIN_WEIGHT_G
    ):
        refuse("outcome", gettext("Un mort-né est enregistré à partir de 22 SA ou 500 g."))

    if stillbirth:
        for field in ("apgar_1min", "apgar_5min", "apgar_10min"):
            if _get(facts, field) is not None:
                refuse(field, gettext("Le score d'Apgar ne concerne qu'un enfant né vivant."))
        if _get(facts, "treatment_limitation"):
            refuse("treatment_limitation", gettext("Une LATA ne concerne qu'un enfant né vivant."))
        if _get(facts, "treatment_limitation_age_hours") is not None:
            refuse(
                "treatment_limitation_age_hours",
                gettext("Une LATA ne concerne qu'un enfant né vivant."),
            )
    elif outcome and _get(facts, "stillbirth_state"):
        refuse(
            "stillbirth_state",
            gettext("L'aspect frais ou macéré ne se renseigne que pour un mort-né."),
        )
    if outcome and not stillbirth and _get(facts, "stillbirth_timing"):
        refuse(
            "stillbirth_timing",
            gettext(
                "Le moment du décès (avant ou pendant le travail) ne se renseigne que pour "
                "un mort-né."
            ),
        )

    if _get(facts, "transfer_in_utero") and not _get(facts, "transfer_in_utero_level"):
        refuse(
            "transfer_in_utero_level",
            gettext("Précisez le niveau de la maternité d'accueil du transfert in utero."),
        )
    if _get(facts, "postnatal_transfer") and not _get(facts, "postnatal_transfer_level"):
        refuse(
            "postnatal_transfer_level",
            gettext("Précisez le niveau de l'unité d'accueil du transfert postnatal."),
        )

    gravidity, parity = _get(facts, "gravidity"), _get(facts, "parity")
    if gravidity is not None and parity is not None and parity >= gravidity:
        refuse(
            "parity",
            gettext(
                "La parité (accouchements antérieurs) doit être inférieure à la gestité, "
                "qui compte la grossesse actuelle."
            ),
        )

    plurality, birth_order = _get(facts, "plurality"), _get(facts, "birth_order")
    if birth_order is not None and (
        (plurality == Plurality.SINGLETON and birth_order > 1)
        or (plurality == Plurality.TWINS and birth_order > 2)
    ):
        refuse("birth_order", gettext("Le rang de naissance dépasse le nombre d'enfants."))

    if _get(facts, "caesarean_indication") and _get(facts, "delivery_mode") in VAGINAL_DELIVERIES:
        refuse(
            "caesarean_indication",
            gettext("Une indication de césarienne ne se renseigne que pour une césarienne."),
        )

    if _get(facts, "resuscitation_at_birth") is False and any(
        _get(facts, step) for step in RESUSCITATION_STEPS
    ):
        refuse(
            "resuscitation_at_birth",
            gettext("Des gestes de réanimation sont cochés alors que la réanimation est à non."),
        )

    try:
        derive_kind(outcome=outcome, age_at_death_days=_get(facts, "age_at_death_days"))
    except ValueError as exc:
        errors.setdefault(NON_FIELD_ERRORS, []).append(str(exc))

    return errors


def clinical_facts_missing_fields(facts: Any) -> list[tuple[str, str]]:
    """(field to fill, French label) of each fact still needed before the case can be declared.

    The event, gestational age, birth weight, sex and place of birth; the place of death too for
    a death after live birth. "Inconnu" is an answer: only facts left empty are missing.
    """
    missing = []
    outcome = _get(facts, "outcome")
    if not outcome:
        missing.append(("outcome", LABELS["outcome"]))
    if _get(facts, "gestational_age_weeks") is None:
        missing.append(("gestational_age_weeks", LABELS["gestational_age"]))
    elif _get(facts, "gestational_age_days") is None:
        missing.append(("gestational_age_days", LABELS["gestational_age"]))
    for field in ("birth_weight_g", "sex", "birth_place_type"):
        if _get(facts, field) in (None, ""):
            missing.append((field, LABELS[field]))
    if outcome == Outcome.LIVE_BIRTH_DEATH and not _get(facts, "place_of_death"):
        missing.append(("place_of_death", LABELS["place_of_death"]))
    if outcome == Outcome.STILLBIRTH and not _get(facts, "stillbirth_timing"):
        missing.append(("stillbirth_timing", LABELS["stillbirth_timing"]))
    return [(field, str(label)) for field, label in missing]


def clinical_facts_missing_for_declaration(facts: Any) -> list[str]:
    """French labels of the facts still needed before the case can be declared."""
    return [label for _field, label in clinical_facts_missing_fields(facts)]


def declaration_missing_fields(
    facts: Any, *, born_at: datetime | None, died_at: datetime | None
) -> list[tuple[str, str]]:
    """Everything a draft still lacks before "Déclarer", as (field, French label): the facts,
    and for a death after live birth the exact moments of birth and death (the same rule as the
    `declare` transition's guard, `cases.conditions.declaration_complete`)."""
    missing = clinical_facts_missing_fields(facts)
    if _get(facts, "outcome") == Outcome.LIVE_BIRTH_DEATH:
        if born_at is None:
            missing.append(("born_at", gettext("Date et heure de naissance")))
        if died_at is None:
            missing.append(("died_at", gettext("Date et heure du décès")))
    return missing
