"""Pseudonymised clinical facts of a case, their value sets and the rules between them.

The value sets follow the French *premier certificat de santé* (CS8) and the neonatal death
certificate so that a declaration can be cross-checked with them. Identity data (names, exact
dates, addresses...) live in the identity vault and the narrative summary on the case: neither is
held here. Exact dates of birth and death are only ever passed in, to compute relative values.

Every rule is a module-level function working on any object with the right attributes (a case,
or a `types.SimpleNamespace` in tests); the abstract model's methods only delegate to them.
A draft may be incomplete: every field accepts "no answer", and "inconnu" where a clinician may
genuinely not know. Completeness is required only at declaration (`missing_for_declaration`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .fields import (
    FINDINGS_MAX_LENGTH,
    FREE_TEXT_MAX_LENGTH,
    MaxTextLength,
    ReviewCharField,
    ReviewTextField,
)

__all__ = [
    "FIELD_GROUPS",
    "ICD10_PATTERN",
    "AmnioticFluid",
    "Analgesia",
    "AntenatalCareStart",
    "AntenatalCorticosteroids",
    "BirthAttendant",
    "BirthPlaceType",
    "BirthWeightCategory",
    "CaesareanIndication",
    "CaseKind",
    "ClinicalFacts",
    "CongenitalAnomalyType",
    "DeliveryMode",
    "EducationLevel",
    "FetalHeartOnAdmission",
    "GestationalAgeCategory",
    "HealthInsurance",
    "Housing",
    "LabourOnset",
    "MaternityLevel",
    "NeonatalAdmission",
    "OccupationGroup",
    "Outcome",
    "PlaceOfDeath",
    "Plurality",
    "PostnatalTransferLevel",
    "Presentation",
    "Sex",
    "StillbirthState",
    "TobaccoUse",
    "TransportMode",
    "age_at_death",
    "birth_weight_category",
    "body_mass_index",
    "clinical_facts_compute_derived_values",
    "clinical_facts_errors",
    "clinical_facts_missing_for_declaration",
    "derive_kind",
    "format_gestational_age",
    "gestational_age_category",
    "icd10_validator",
    "normalise_icd10",
]

# Thresholds of the French stillbirth registration (WHO definition used by the civil registry).
STILLBIRTH_MIN_WEEKS = 22
STILLBIRTH_MIN_WEIGHT_G = 500
# Perinatal M&M reviews cover deaths up to the first birthday (post-neonatal: 28-364 days).
LAST_DAY_IN_SCOPE = 364


# --------------------------------------------------------------------------------------
# Value sets
# --------------------------------------------------------------------------------------


class Outcome(models.TextChoices):
    LIVE_BIRTH_DEATH = "live_birth_death", _("Décès après naissance vivante")
    STILLBIRTH = "stillbirth", _("Mort-né")
    SEVERE_MORBIDITY = "severe_morbidity", _("Morbidité sévère")


class CaseKind(models.TextChoices):
    EARLY_NEONATAL = "early_neonatal", _("Décès néonatal précoce (0-6 j)")
    LATE_NEONATAL = "late_neonatal", _("Décès néonatal tardif (7-27 j)")
    POST_NEONATAL = "post_neonatal", _("Décès post-néonatal (28-364 j)")
    STILLBIRTH = "stillbirth", _("Mortinatalité")
    SEVERE_MORBIDITY = "severe_morbidity", _("Morbidité sévère")


class GestationalAgeCategory(models.TextChoices):
    EXTREMELY_PRETERM = "extremely_preterm", _("Prématurité extrême (< 28 SA)")
    VERY_PRETERM = "very_preterm", _("Grande prématurité (28-31 SA)")
    MODERATELY_PRETERM = "moderately_preterm", _("Prématurité moyenne (32-33 SA)")
    LATE_PRETERM = "late_preterm", _("Prématurité tardive (34-36 SA)")
    TERM = "term", _("À terme (37-41 SA)")
    POST_TERM = "post_term", _("Terme dépassé (≥ 42 SA)")


class BirthWeightCategory(models.TextChoices):
    ELBW = "elbw", _("Extrême petit poids (< 1000 g)")
    VLBW = "vlbw", _("Très petit poids (1000-1499 g)")
    LBW = "lbw", _("Petit poids (1500-2499 g)")
    NORMAL = "normal", _("Poids normal (2500-3999 g)")
    MACROSOMIA = "macrosomia", _("Macrosomie (≥ 4000 g)")


class BirthPlaceType(models.TextChoices):
    MATERNITY = "maternity", _("Maternité")
    PLANNED_HOME = "planned_home", _("Domicile, accouchement programmé")
    UNPLANNED_HOME = "unplanned_home", _("Domicile, accouchement inopiné")
    IN_TRANSIT = "in_transit", _("Pendant le trajet")
    OTHER = "other", _("Autre lieu")
    UNKNOWN = "unknown", _("Inconnu")


class MaternityLevel(models.TextChoices):
    # Same codes as accounts.Organisation.Level, so declared and organisation levels compare.
    LEVEL_1 = "1", _("Niveau 1")
    LEVEL_2A = "2A", _("Niveau 2A")
    LEVEL_2B = "2B", _("Niveau 2B")
    LEVEL_3 = "3", _("Niveau 3")
    UNKNOWN = "unknown", _("Inconnu")


class PostnatalTransferLevel(models.TextChoices):
    LEVEL_1 = "1", _("Maternité de niveau 1 (rapprochement)")
    LEVEL_2A = "2A", _("Néonatologie (type 2A)")
    LEVEL_2B = "2B", _("Soins intensifs néonatals (type 2B)")
    LEVEL_3 = "3", _("Réanimation néonatale (type 3)")
    PAEDIATRIC_ICU = "paediatric_icu", _("Réanimation pédiatrique")
    PAEDIATRIC_SURGERY = "paediatric_surgery", _("Chirurgie ou cardiologie pédiatrique")
    OTHER = "other", _("Autre service")
    UNKNOWN = "unknown", _("Inconnu")


class TransportMode(models.TextChoices):
    MEDICAL = "medical", _("Transport médicalisé (SMUR)")
    AMBULANCE = "ambulance", _("Ambulance non médicalisée")
    PRIVATE_VEHICLE = "private_vehicle", _("Véhicule personnel")
    INTERNAL = "internal", _("Transfert interne au même établissement")
    OTHER = "other", _("Autre")
    UNKNOWN = "unknown", _("Inconnu")


class TobaccoUse(models.TextChoices):
    NONE = "none", _("Non-fumeuse")
    STOPPED = "stopped", _("Arrêt en cours de grossesse")
    CONTINUED = "continued", _("Poursuite pendant la grossesse")
    UNKNOWN = "unknown", _("Inconnu")


class HealthInsurance(models.TextChoices):
    NONE = "none", _("Aucun droit ouvert")
    AME = "ame", _("AME (aide médicale de l'État)")
    PUMA_WITHOUT_COMPLEMENTARY = "puma_without_complementary", _("PUMa sans complémentaire")
    PUMA_WITH_COMPLEMENTARY = (
        "puma_with_complementary",
        _("PUMa avec complémentaire (mutuelle ou C2S)"),
    )
    UNKNOWN = "unknown", _("Inconnu")


class Housing(models.TextChoices):
    STABLE = "stable", _("Logement stable")
    PRECARIOUS = "precarious", _("Logement précaire (hébergée par un tiers, squat…)")
    EMERGENCY_SHELTER = "emergency_shelter", _("Hôtel ou hébergement d'urgence (SIAO / 115)")
    NONE = "none", _("Sans hébergement")
    UNKNOWN = "unknown", _("Inconnu")


class EducationLevel(models.TextChoices):
    NONE_OR_PRIMARY = "none_or_primary", _("Non scolarisée ou primaire")
    LOWER_SECONDARY = "lower_secondary", _("Collège")
    UPPER_SECONDARY = "upper_secondary", _("Lycée (CAP, BEP, baccalauréat)")
    HIGHER = "higher", _("Études supérieures")
    UNKNOWN = "unknown", _("Inconnu")


class OccupationGroup(models.TextChoices):
    # INSEE socio-professional groups, as asked on the CS8.
    FARMER = "farmer", _("Agricultrice exploitante")
    SELF_EMPLOYED = "self_employed", _("Artisane, commerçante, cheffe d'entreprise")
    MANAGER_OR_PROFESSIONAL = (
        "manager_or_professional",
        _("Cadre, profession intellectuelle supérieure"),
    )
    INTERMEDIATE = "intermediate", _("Profession intermédiaire")
    EMPLOYEE = "employee", _("Employée")
    MANUAL_WORKER = "manual_worker", _("Ouvrière")
    STUDENT = "student", _("Étudiante")
    NOT_EMPLOYED = "not_employed", _("Sans activité professionnelle")
    UNKNOWN = "unknown", _("Inconnu")


class AntenatalCareStart(models.TextChoices):
    NOT_FOLLOWED = "not_followed", _("Grossesse non suivie")
    FIRST_TRIMESTER = "first", _("1er trimestre")
    SECOND_TRIMESTER = "second", _("2e trimestre")
    THIRD_TRIMESTER = "third", _("3e trimestre")
    UNKNOWN = "unknown", _("Inconnu")


class AntenatalCorticosteroids(models.TextChoices):
    COMPLETE = "complete", _("Cure complète")
    INCOMPLETE = "incomplete", _("Cure incomplète")
    NONE = "none", _("Non")
    UNKNOWN = "unknown", _("Inconnu")


class LabourOnset(models.TextChoices):
    SPONTANEOUS = "spontaneous", _("Spontané")
    INDUCED = "induced", _("Déclenché")
    CAESAREAN_BEFORE_LABOUR = "caesarean_before_labour", _("Césarienne avant travail")
    UNKNOWN = "unknown", _("Inconnu")


class Presentation(models.TextChoices):
    CEPHALIC = "cephalic", _("Céphalique")
    BREECH = "breech", _("Siège")
    OTHER = "other", _("Autre (transverse, épaule…)")
    UNKNOWN = "unknown", _("Inconnu")


class AmnioticFluid(models.TextChoices):
    CLEAR = "clear", _("Clair")
    MECONIUM = "meconium", _("Méconial")
    BLOOD_STAINED = "blood_stained", _("Teinté de sang")
    UNKNOWN = "unknown", _("Inconnu")


class FetalHeartOnAdmission(models.TextChoices):
    NORMAL = "normal", _("Normal")
    ABNORMAL = "abnormal", _("Anomalies du rythme")
    ABSENT = "absent", _("Absent")
    UNKNOWN = "unknown", _("Inconnu")


class DeliveryMode(models.TextChoices):
    SPONTANEOUS_VAGINAL = "spontaneous_vaginal", _("Voie basse spontanée")
    INSTRUMENTAL_VAGINAL = "instrumental_vaginal", _("Voie basse instrumentale")
    PLANNED_CAESAREAN = "planned_caesarean", _("Césarienne programmée")
    UNPLANNED_CAESAREAN_BEFORE_LABOUR = (
        "unplanned_caesarean_before_labour",
        _("Césarienne non programmée avant travail"),
    )
    CAESAREAN_IN_LABOUR = "caesarean_in_labour", _("Césarienne pendant le travail")
    UNKNOWN = "unknown", _("Inconnu")


VAGINAL_DELIVERIES = (DeliveryMode.SPONTANEOUS_VAGINAL, DeliveryMode.INSTRUMENTAL_VAGINAL)

# Tick boxes under "Réanimation à la naissance".
RESUSCITATION_STEPS = (
    "resuscitation_stimulation",
    "resuscitation_mask_ventilation",
    "resuscitation_intubation",
    "resuscitation_chest_compressions",
    "resuscitation_adrenaline",
)


class CaesareanIndication(models.TextChoices):
    MATERNAL = "maternal", _("Maternelle")
    FETAL = "fetal", _("Fœtale")
    BOTH = "both", _("Maternelle et fœtale")
    UNKNOWN = "unknown", _("Inconnu")


class Analgesia(models.TextChoices):
    NONE = "none", _("Aucune")
    EPIDURAL = "epidural", _("Péridurale")
    SPINAL = "spinal", _("Rachianesthésie")
    GENERAL = "general", _("Anesthésie générale")
    UNKNOWN = "unknown", _("Inconnu")


class BirthAttendant(models.TextChoices):
    OBSTETRICIAN = "obstetrician", _("Gynécologue-obstétricien")
    MIDWIFE = "midwife", _("Sage-femme")
    RESIDENT = "resident", _("Interne")
    GENERAL_PRACTITIONER = "general_practitioner", _("Médecin généraliste")
    EMERGENCY_TEAM = "emergency_team", _("Équipe d'urgence (SMUR, pompiers)")
    NO_PROFESSIONAL = "no_professional", _("Aucun professionnel de santé")
    OTHER = "other", _("Autre")
    UNKNOWN = "unknown", _("Inconnu")


class Sex(models.TextChoices):
    MALE = "male", _("Masculin")
    FEMALE = "female", _("Féminin")
    UNDETERMINED = "undetermined", _("Indéterminé")
    UNKNOWN = "unknown", _("Inconnu")


class Plurality(models.TextChoices):
    SINGLETON = "singleton", _("Grossesse unique")
    TWINS = "twins", _("Grossesse gémellaire")
    TRIPLETS_OR_MORE = "triplets_or_more", _("Grossesse triple ou plus")
    UNKNOWN = "unknown", _("Inconnu")


class StillbirthState(models.TextChoices):
    FRESH = "fresh", _("Frais")
    MACERATED = "macerated", _("Macéré")
    UNKNOWN = "unknown", _("Inconnu")


class CongenitalAnomalyType(models.TextChoices):
    NERVOUS_SYSTEM = "nervous_system", _("Système nerveux")
    HEART = "heart", _("Cardiopathie")
    CHROMOSOMAL = "chromosomal", _("Anomalie chromosomique")
    GENETIC_SYNDROME = "genetic_syndrome", _("Syndrome génique")
    DIGESTIVE = "digestive", _("Appareil digestif, paroi abdominale")
    URINARY = "urinary", _("Appareil urinaire")
    RESPIRATORY = "respiratory", _("Appareil respiratoire, hernie diaphragmatique")
    OROFACIAL_CLEFT = "orofacial_cleft", _("Fente orofaciale")
    LIMBS = "limbs", pgettext_lazy("congenital anomaly", "Membres")
    MULTIPLE = "multiple", _("Anomalies multiples")
    OTHER = "other", _("Autre")
    UNKNOWN = "unknown", _("Inconnu")


class NeonatalAdmission(models.TextChoices):
    NONE = "none", _("Aucune")
    NEONATOLOGY = "neonatology", _("Néonatologie")
    INTENSIVE_CARE = "intensive_care", _("Soins intensifs néonatals")
    NICU = "nicu", _("Réanimation néonatale")
    UNKNOWN = "unknown", _("Inconnu")


class PlaceOfDeath(models.TextChoices):
    MATERNITY_WARD = "maternity_ward", _("Maternité (salle de naissance, suites de couches)")
    NEONATAL_UNIT = "neonatal_unit", _("Néonatologie ou soins intensifs néonatals")
    NICU = "nicu", _("Réanimation néonatale")
    HOME = "home", _("Domicile")
    IN_TRANSIT = "in_transit", _("Pendant un transport")
    OTHER = "other", _("Autre")
    UNKNOWN = "unknown", _("Inconnu")


# --------------------------------------------------------------------------------------
# Validators and labels shared by the model and the rules
# --------------------------------------------------------------------------------------

ICD10_PATTERN = r"^[A-Z][0-9]{2}(\.[0-9]{1,2})?$"
icd10_validator = RegexValidator(
    ICD10_PATTERN,
    message=_(
        "Code CIM-10 attendu : une lettre majuscule, deux chiffres, puis éventuellement un point "
        "et un ou deux chiffres (par exemple P07.2 ou Q89.9)."
    ),
)

LABELS = {
    "outcome": _("Événement déclaré"),
    "gestational_age": _("Âge gestationnel (SA + j)"),
    "gestational_age_weeks": _("Âge gestationnel (semaines d'aménorrhée)"),
    "gestational_age_days": _("Âge gestationnel (jours en plus des SA)"),
    "birth_weight_g": _("Poids de naissance (g)"),
    "sex": _("Sexe"),
    "birth_place_type": _("Lieu de naissance"),
    "place_of_death": _("Lieu du décès"),
}


def _between(low: int | Decimal, high: int | Decimal) -> list:
    return [MinValueValidator(low), MaxValueValidator(high)]


def _number(label, low: int, high: int, help_text: str = "") -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=_between(low, high), help_text=help_text
    )


def _measure(label, low: str, high: str, max_digits: int) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=max_digits,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_between(Decimal(low), Decimal(high)),
    )


def _choice(label, choices: type[models.TextChoices], **kwargs: Any) -> models.CharField:
    return models.CharField(label, max_length=40, choices=choices.choices, blank=True, **kwargs)


def _yes_no(label, help_text: str = "") -> models.BooleanField:
    """Yes / no / unknown: None means the answer is not known (or not given yet)."""
    return models.BooleanField(label, null=True, blank=True, help_text=help_text)


def _ticked(label) -> models.BooleanField:
    return models.BooleanField(label, default=False, blank=True)


def _short_text(label, help_text: str = "") -> models.CharField:
    # Read by the committee: stored in normal form, checked by the scrubber like the summary.
    return ReviewCharField(label, max_length=200, blank=True, help_text=help_text)


def _long_text(label, limit: int) -> models.TextField:
    return ReviewTextField(label, blank=True, validators=[MaxTextLength(limit)])


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
    if weeks is not None and days is None:
        refuse("gestational_age_days", gettext("Indiquez aussi les jours (0 à 6)."))

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


def clinical_facts_missing_for_declaration(facts: Any) -> list[str]:
    """French labels of the facts still needed before the case can be declared.

    The event, gestational age, birth weight, sex and place of birth; the place of death too for
    a death after live birth. "Inconnu" is an answer: only facts left empty are missing.
    """
    missing = []
    outcome = _get(facts, "outcome")
    if not outcome:
        missing.append(LABELS["outcome"])
    if _get(facts, "gestational_age_weeks") is None or _get(facts, "gestational_age_days") is None:
        missing.append(LABELS["gestational_age"])
    for field in ("birth_weight_g", "sex", "birth_place_type"):
        if _get(facts, field) in (None, ""):
            missing.append(LABELS[field])
    if outcome == Outcome.LIVE_BIRTH_DEATH and not _get(facts, "place_of_death"):
        missing.append(LABELS["place_of_death"])
    return [str(label) for label in missing]


# --------------------------------------------------------------------------------------
# The abstract model
# --------------------------------------------------------------------------------------


class ClinicalFacts(models.Model):
    """Pseudonymised clinical facts of a case, aligned with the CS8 certificate (DESIGN §4)."""

    # --- Case ---------------------------------------------------------------------------
    outcome = _choice(LABELS["outcome"], Outcome)
    kind = models.CharField(
        _("Catégorie de cas"),
        max_length=40,
        choices=CaseKind.choices,
        blank=True,
        editable=False,
        help_text=_("Déduite de l'événement et de l'âge au décès."),
    )
    birth_place_type = _choice(LABELS["birth_place_type"], BirthPlaceType)
    maternity_level_at_birth = _choice(_("Niveau de la maternité de naissance"), MaternityLevel)
    transfer_in_utero = _yes_no(_("Transfert in utero"))
    transfer_in_utero_level = _choice(
        _("Niveau de la maternité d'accueil (transfert in utero)"), MaternityLevel
    )
    transfer_in_utero_unit = _short_text(
        _("Maternité d'accueil (transfert in utero)"),
        help_text=_("Établissement ou service, jamais un nom de personne."),
    )
    transfer_in_utero_days_before_birth = _number(
        _("Transfert in utero : jours avant la naissance"), 0, 280
    )
    transfer_in_utero_mode = _choice(_("Mode du transfert in utero"), TransportMode)
    postnatal_transfer = _yes_no(_("Transfert postnatal de l'enfant"))
    postnatal_transfer_level = _choice(
        _("Niveau de l'unité d'accueil (transfert postnatal)"), PostnatalTransferLevel
    )
    postnatal_transfer_unit = _short_text(
        _("Unité d'accueil (transfert postnatal)"),
        help_text=_("Établissement ou service, jamais un nom de personne."),
    )
    postnatal_transfer_age_hours = models.PositiveIntegerField(
        _("Âge de l'enfant au transfert postnatal (heures)"),
        null=True,
        blank=True,
        validators=_between(0, 8760),
    )
    postnatal_transfer_mode = _choice(_("Mode du transfert postnatal"), TransportMode)

    # --- Mother -------------------------------------------------------------------------
    mother_age_years = _number(_("Âge de la mère (années)"), 10, 65)
    gravidity = _number(
        _("Gestité"), 1, 30, help_text=_("Nombre de grossesses, y compris la grossesse actuelle.")
    )
    parity = _number(
        _("Parité"), 0, 30, help_text=_("Nombre d'accouchements antérieurs (≥ 22 SA).")
    )
    previous_preterm_births = _number(_("Enfants antérieurs nés prématurés (< 37 SA)"), 0, 20)
    previous_low_birth_weight_births = _number(_("Enfants antérieurs de moins de 2500 g"), 0, 20)
    previous_stillbirths = _number(_("Mort-nés antérieurs"), 0, 20)
    previous_neonatal_deaths = _number(_("Décès néonatals antérieurs"), 0, 20)
    previous_caesareans = _number(_("Césariennes antérieures"), 0, 10)
    mother_height_cm = _number(_("Taille de la mère (cm)"), 120, 220)
    mother_pre_pregnancy_weight_kg = _measure(
        _("Poids de la mère avant la grossesse (kg)"), "30", "250", max_digits=4
    )
    tobacco_during_pregnancy = _choice(_("Tabac pendant la grossesse"), TobaccoUse)
    alcohol_during_pregnancy = _yes_no(_("Alcool pendant la grossesse"))
    other_substances_during_pregnancy = _yes_no(
        _("Autres substances psychoactives pendant la grossesse"),
        help_text=_("Cannabis, opiacés, cocaïne, etc."),
    )
    pre_existing_diabetes = _yes_no(_("Diabète préexistant (type 1 ou 2)"))
    chronic_hypertension = _yes_no(_("Hypertension artérielle chronique"))
    other_pre_existing_condition = _short_text(_("Autre pathologie maternelle préexistante"))
    health_insurance = _choice(_("Couverture maladie"), HealthInsurance)
    housing = _choice(_("Logement"), Housing)
    language_barrier = _yes_no(_("Barrière de la langue"))
    interpreter_used = _yes_no(_("Recours à un interprète professionnel"))
    social_isolation = _yes_no(_("Isolement social"))
    education_level = _choice(_("Niveau d'études de la mère"), EducationLevel)
    occupation_group = _choice(_("Catégorie socioprofessionnelle de la mère"), OccupationGroup)

    # --- Pregnancy and antenatal care ---------------------------------------------------
    first_antenatal_visit_trimester = _choice(
        _("Première consultation prénatale"), AntenatalCareStart
    )
    first_antenatal_visit_weeks = _number(_("Terme de la première consultation (SA)"), 0, 44)
    antenatal_visits_count = _number(_("Nombre de consultations prénatales"), 0, 40)
    early_prenatal_interview = _yes_no(_("Entretien prénatal précoce réalisé"))
    ultrasound_count = _number(_("Nombre d'échographies"), 0, 40)
    anomaly_scan_done = _yes_no(_("Échographie morphologique (2e trimestre) réalisée"))
    trisomy21_screening_done = _yes_no(_("Dépistage de la trisomie 21 réalisé"))
    hbsag_screening_done = _yes_no(_("Dépistage de l'antigène HBs réalisé"))
    syphilis_screening_done = _yes_no(_("Dépistage de la syphilis réalisé"))
    preeclampsia_or_hellp = _yes_no(_("Prééclampsie ou HELLP syndrome"))
    gestational_hypertension = _yes_no(_("Hypertension gestationnelle"))
    gestational_diabetes = _yes_no(_("Diabète gestationnel"))
    preterm_rupture_of_membranes = _yes_no(_("Rupture prématurée des membranes"))
    antepartum_haemorrhage = _yes_no(_("Hémorragie anténatale"))
    reduced_fetal_movements = _yes_no(_("Diminution des mouvements actifs fœtaux"))
    fetal_growth_restriction = _yes_no(_("Retard de croissance intra-utérin"))
    other_pregnancy_complication = _short_text(_("Autre complication de la grossesse"))
    antenatal_admission = _yes_no(_("Hospitalisation pendant la grossesse"))
    antenatal_admission_days = _number(_("Durée d'hospitalisation anténatale (jours)"), 0, 280)
    antenatal_admission_reason = _short_text(_("Motif de l'hospitalisation anténatale"))
    antenatal_corticosteroids = _choice(_("Corticothérapie anténatale"), AntenatalCorticosteroids)
    magnesium_sulphate = _yes_no(_("Sulfate de magnésium (neuroprotection)"))

    # --- Labour and birth ---------------------------------------------------------------
    labour_onset = _choice(_("Début du travail"), LabourOnset)
    presentation = _choice(_("Présentation"), Presentation)
    membranes_ruptured_over_12h = _yes_no(_("Membranes rompues plus de 12 h avant la naissance"))
    amniotic_fluid = _choice(_("Liquide amniotique"), AmnioticFluid)
    fetal_heart_on_admission = _choice(
        _("Rythme cardiaque fœtal à l'admission"), FetalHeartOnAdmission
    )
    delivery_mode = _choice(_("Mode d'accouchement"), DeliveryMode)
    caesarean_indication = _choice(_("Indication de la césarienne"), CaesareanIndication)
    decision_to_delivery_minutes = _number(
        _("Délai décision-naissance (minutes)"),
        0,
        1440,
        help_text=_("Pour une césarienne en urgence."),
    )
    analgesia = _choice(_("Analgésie ou anesthésie"), Analgesia)
    birth_attendant = _choice(_("Professionnel ayant réalisé l'accouchement"), BirthAttendant)

    # --- Baby ---------------------------------------------------------------------------
    sex = _choice(LABELS["sex"], Sex)
    plurality = _choice(_("Grossesse multiple"), Plurality)
    birth_order = _number(_("Rang de naissance"), 1, 8, help_text=_("Pour une grossesse multiple."))
    gestational_age_weeks = _number(LABELS["gestational_age_weeks"], 22, 44)
    gestational_age_days = _number(LABELS["gestational_age_days"], 0, 6)
    gestational_age_category = models.CharField(
        _("Classe d'âge gestationnel"),
        max_length=40,
        choices=GestationalAgeCategory.choices,
        blank=True,
        editable=False,
    )
    birth_weight_g = _number(LABELS["birth_weight_g"], 200, 6500)
    birth_weight_category = models.CharField(
        _("Classe de poids de naissance"),
        max_length=40,
        choices=BirthWeightCategory.choices,
        blank=True,
        editable=False,
    )
    birth_length_cm = _measure(_("Taille de naissance (cm)"), "20", "65", max_digits=3)
    head_circumference_cm = _measure(_("Périmètre crânien (cm)"), "15", "45", max_digits=3)
    apgar_1min = _number(_("Apgar à 1 minute"), 0, 10)
    apgar_5min = _number(_("Apgar à 5 minutes"), 0, 10)
    apgar_10min = _number(_("Apgar à 10 minutes"), 0, 10)
    stillbirth_state = _choice(_("Aspect du mort-né"), StillbirthState)
    resuscitation_at_birth = _yes_no(_("Réanimation à la naissance"))
    resuscitation_stimulation = _ticked(_("Stimulation"))
    resuscitation_mask_ventilation = _ticked(_("Ventilation au masque"))
    resuscitation_intubation = _ticked(_("Intubation"))
    resuscitation_chest_compressions = _ticked(_("Massage cardiaque externe"))
    resuscitation_adrenaline = _ticked(_("Adrénaline"))
    congenital_anomaly = _yes_no(_("Anomalie congénitale"))
    congenital_anomaly_type = _choice(_("Type d'anomalie congénitale"), CongenitalAnomalyType)
    congenital_anomaly_details = _short_text(_("Précisions sur l'anomalie congénitale"))
    first_week_respiratory_distress = _yes_no(_("Détresse respiratoire (1re semaine)"))
    first_week_infection_treated_over_48h = _yes_no(
        _("Infection traitée plus de 48 h (1re semaine)")
    )
    first_week_neurological_disorder = _yes_no(_("Atteinte neurologique (1re semaine)"))
    first_week_surgical_emergency = _yes_no(_("Urgence chirurgicale (1re semaine)"))
    neonatal_admission = _choice(_("Hospitalisation néonatale"), NeonatalAdmission)
    therapeutic_hypothermia = _yes_no(_("Hypothermie thérapeutique"))
    treatment_limitation = _yes_no(_("Limitation ou arrêt des thérapeutiques actives (LATA)"))
    treatment_limitation_age_hours = models.PositiveIntegerField(
        _("Âge à la décision de LATA (heures)"),
        null=True,
        blank=True,
        validators=_between(0, 8760),
    )

    # --- Death and investigations -------------------------------------------------------
    place_of_death = _choice(LABELS["place_of_death"], PlaceOfDeath)
    age_at_death_days = models.PositiveIntegerField(
        _("Âge au décès (jours révolus)"), null=True, blank=True, editable=False
    )
    age_at_death_hours = models.PositiveIntegerField(
        _("Âge au décès (heures révolues)"), null=True, blank=True, editable=False
    )
    cause_of_death_text = _long_text(
        _("Cause du décès (telle que certifiée)"), FREE_TEXT_MAX_LENGTH
    )
    cause_of_death_icd10 = models.CharField(
        _("Code CIM-10 de la cause du décès"),
        max_length=6,
        blank=True,
        validators=[icd10_validator],
        help_text=_("Facultatif, par exemple P07.2."),
    )
    sudden_unexpected_infant_death = _yes_no(_("Mort inattendue du nourrisson"))
    autopsy_offered = _yes_no(_("Autopsie proposée"))
    autopsy_accepted = _yes_no(_("Autopsie acceptée"))
    autopsy_done = _yes_no(_("Autopsie réalisée"))
    autopsy_findings = _long_text(_("Résultats de l'autopsie"), FINDINGS_MAX_LENGTH)
    placental_histology_done = _yes_no(_("Examen anatomopathologique du placenta réalisé"))
    placental_histology_findings = _long_text(
        _("Résultats de l'examen du placenta"), FINDINGS_MAX_LENGTH
    )

    class Meta:
        abstract = True

    @property
    def gestational_age_display(self) -> str:
        return format_gestational_age(self.gestational_age_weeks, self.gestational_age_days)

    @property
    def mother_bmi(self) -> Decimal | None:
        return body_mass_index(self.mother_pre_pregnancy_weight_kg, self.mother_height_cm)

    def compute_derived_values(
        self, born_at: datetime | None = None, died_at: datetime | None = None
    ) -> None:
        """Recompute age at death, kind and classes from the facts and the vault's datetimes."""
        clinical_facts_compute_derived_values(self, born_at=born_at, died_at=died_at)

    def missing_for_declaration(self) -> list[str]:
        """French labels of the facts a draft still lacks before it can be declared."""
        return clinical_facts_missing_for_declaration(self)

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        # Remember which fields the caller (a form) leaves out, so that clean() can report an
        # error on them without ModelForm raising "has no field named ...".
        self._clinical_facts_exclude = frozenset(exclude or ())
        try:
            super().full_clean(
                exclude=exclude,
                validate_unique=validate_unique,
                validate_constraints=validate_constraints,
            )
        finally:
            del self._clinical_facts_exclude

    def clean(self) -> None:
        """Refuse contradictory clinical facts, each message on the field to correct."""
        super().clean()
        exclude = getattr(self, "_clinical_facts_exclude", frozenset())
        errors = clinical_facts_errors(self, exclude=exclude)
        if errors:
            raise ValidationError(errors)


FIELD_GROUPS = [
    (
        _("Cas"),
        [
            "outcome",
            "birth_place_type",
            "maternity_level_at_birth",
            "transfer_in_utero",
            "transfer_in_utero_level",
            "transfer_in_utero_unit",
            "transfer_in_utero_days_before_birth",
            "transfer_in_utero_mode",
            "postnatal_transfer",
            "postnatal_transfer_level",
            "postnatal_transfer_unit",
            "postnatal_transfer_age_hours",
            "postnatal_transfer_mode",
        ],
    ),
    (
        _("Mère"),
        [
            "mother_age_years",
            "gravidity",
            "parity",
            "previous_preterm_births",
            "previous_low_birth_weight_births",
            "previous_stillbirths",
            "previous_neonatal_deaths",
            "previous_caesareans",
            "mother_height_cm",
            "mother_pre_pregnancy_weight_kg",
            "tobacco_during_pregnancy",
            "alcohol_during_pregnancy",
            "other_substances_during_pregnancy",
            "pre_existing_diabetes",
            "chronic_hypertension",
            "other_pre_existing_condition",
            "health_insurance",
            "housing",
            "language_barrier",
            "interpreter_used",
            "social_isolation",
            "education_level",
            "occupation_group",
        ],
    ),
    (
        _("Grossesse et suivi prénatal"),
        [
            "first_antenatal_visit_trimester",
            "first_antenatal_visit_weeks",
            "antenatal_visits_count",
            "early_prenatal_interview",
            "ultrasound_count",
            "anomaly_scan_done",
            "trisomy21_screening_done",
            "hbsag_screening_done",
            "syphilis_screening_done",
            "preeclampsia_or_hellp",
            "gestational_hypertension",
            "gestational_diabetes",
            "preterm_rupture_of_membranes",
            "antepartum_haemorrhage",
            "reduced_fetal_movements",
            "fetal_growth_restriction",
            "other_pregnancy_complication",
            "antenatal_admission",
            "antenatal_admission_days",
            "antenatal_admission_reason",
            "antenatal_corticosteroids",
            "magnesium_sulphate",
        ],
    ),
    (
        _("Travail et accouchement"),
        [
            "labour_onset",
            "presentation",
            "membranes_ruptured_over_12h",
            "amniotic_fluid",
            "fetal_heart_on_admission",
            "delivery_mode",
            "caesarean_indication",
            "decision_to_delivery_minutes",
            "analgesia",
            "birth_attendant",
        ],
    ),
    (
        _("Enfant"),
        [
            "sex",
            "plurality",
            "birth_order",
            "gestational_age_weeks",
            "gestational_age_days",
            "birth_weight_g",
            "birth_length_cm",
            "head_circumference_cm",
            "apgar_1min",
            "apgar_5min",
            "apgar_10min",
            "stillbirth_state",
            "resuscitation_at_birth",
            *RESUSCITATION_STEPS,
            "congenital_anomaly",
            "congenital_anomaly_type",
            "congenital_anomaly_details",
            "first_week_respiratory_distress",
            "first_week_infection_treated_over_48h",
            "first_week_neurological_disorder",
            "first_week_surgical_emergency",
            "neonatal_admission",
            "therapeutic_hypothermia",
            "treatment_limitation",
            "treatment_limitation_age_hours",
        ],
    ),
    (
        _("Décès et investigations"),
        [
            "place_of_death",
            "cause_of_death_text",
            "cause_of_death_icd10",
            "sudden_unexpected_infant_death",
            "autopsy_offered",
            "autopsy_accepted",
            "autopsy_done",
            "autopsy_findings",
            "placental_histology_done",
            "placental_histology_findings",
        ],
    ),
]
