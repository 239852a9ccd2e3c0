"""How the declaration form groups the clinical facts (fieldsets, in the order clinicians
fill them)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .value_sets import RESUSCITATION_STEPS

FIELD_GROUPS = [
    (
        _("Cas"),
        [
            "outcome",
            "stillbirth_timing",
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


# --------------------------------------------------------------------------------------
# The declaration in steps: what a declaration needs first, then the rest in the order of the
# story (mother, pregnancy, labour, baby, death), then the identity and the clinician's account.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeclarationStep:
    slug: str
    title: str
    facts: tuple[str, ...]
    identity: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return self.facts + self.identity


def _group(legend_index: int, *, without: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(name for name in FIELD_GROUPS[legend_index][1] if name not in without)


# The facts a declaration cannot go without (`clinical_facts_missing_for_declaration`) and the
# exact birth and death moments, on the first step; maternity level beside the place of birth.
ESSENTIAL_FACTS = (
    "outcome",
    "stillbirth_timing",
    "gestational_age_weeks",
    "gestational_age_days",
    "birth_weight_g",
    "sex",
    "birth_place_type",
    "maternity_level_at_birth",
    "place_of_death",
)
# Asked of a live-born baby only: not shown on the "Enfant" step of a stillbirth.
LIVE_BIRTH_ONLY = (
    "apgar_1min",
    "apgar_5min",
    "apgar_10min",
    "resuscitation_at_birth",
    *RESUSCITATION_STEPS,
    "first_week_respiratory_distress",
    "first_week_infection_treated_over_48h",
    "first_week_neurological_disorder",
    "first_week_surgical_emergency",
    "neonatal_admission",
    "therapeutic_hypothermia",
    "treatment_limitation",
    "treatment_limitation_age_hours",
)
_IN_UTERO_TRANSFER = tuple(name for name in FIELD_GROUPS[0][1] if "in_utero" in name)
_POSTNATAL_TRANSFER = tuple(name for name in FIELD_GROUPS[0][1] if name.startswith("postnatal"))

DECLARATION_STEPS = (
    DeclarationStep(
        "essentiel",
        _("L'essentiel"),
        ESSENTIAL_FACTS,
        identity=("born_at", "died_at"),
    ),
    DeclarationStep("mere", _("Mère"), _group(1)),
    DeclarationStep("grossesse", _("Grossesse et suivi prénatal"), _group(2) + _IN_UTERO_TRANSFER),
    DeclarationStep("travail", _("Travail et accouchement"), _group(3)),
    DeclarationStep(
        "enfant", _("Enfant"), _group(4, without=ESSENTIAL_FACTS) + _POSTNATAL_TRANSFER
    ),
    DeclarationStep("deces", _("Décès et investigations"), _group(5, without=ESSENTIAL_FACTS)),
    DeclarationStep(
        "identite",
        _("Identité et récit"),
        (),
        identity=(
            "mother_last_name",
            "mother_birth_name",
            "mother_first_name",
            "child_last_name",
            "child_first_name",
            "mother_nir",
            "ipp",
            "nda",
            "address",
            "phone",
            "email",
            "narrative_original",
        ),
    ),
)
STEPS_BY_SLUG = {step.slug: step for step in DECLARATION_STEPS}
# The last page: what is still missing, then "Déclarer".
REVIEW_STEP = "verifier"


def step_of_field(name: str) -> DeclarationStep:
    """The step on which a fact or an identity field is entered."""
    for step in DECLARATION_STEPS:
        if name in step.fields:
            return step
    raise KeyError(name)
