"""Clinical facts: derived values, cross-field rules, completeness for declaration, form groups.

The rules are pure functions over any object with the right attributes, tested here on
SimpleNamespace objects; a throwaway concrete model in an isolated app registry checks that the
abstract model wires them into full_clean() and ModelForm without touching the database.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.test.utils import isolate_apps

from cases.clinical import (
    FIELD_GROUPS,
    BirthWeightCategory,
    CaseKind,
    ClinicalFacts,
    GestationalAgeCategory,
    Outcome,
    age_at_death,
    birth_weight_category,
    body_mass_index,
    clinical_facts_compute_derived_values,
    clinical_facts_errors,
    clinical_facts_missing_for_declaration,
    derive_kind,
    format_gestational_age,
    gestational_age_category,
    icd10_validator,
    normalise_icd10,
)

PARIS = ZoneInfo("Europe/Paris")
BORN = datetime(2025, 3, 1, 8, 30, tzinfo=PARIS)
BEYOND_SCOPE = "Au-delà de 364 jours, le décès n'entre pas dans le champ des RMM périnatales."
STILLBIRTH_THRESHOLD = "Un mort-né est enregistré à partir de 22 SA ou 500 g."


def facts(**values) -> SimpleNamespace:
    return SimpleNamespace(**values)


def complete_live_birth_death(**overrides) -> SimpleNamespace:
    values = {
        "outcome": Outcome.LIVE_BIRTH_DEATH,
        "gestational_age_weeks": 27,
        "gestational_age_days": 2,
        "birth_weight_g": 950,
        "sex": "female",
        "birth_place_type": "maternity",
        "place_of_death": "nicu",
    }
    return facts(**(values | overrides))


# --------------------------------------------------------------------------------------
# Age at death and kind
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("elapsed", "expected"),
    [
        (timedelta(0), (0, 0)),
        (timedelta(minutes=59), (0, 0)),
        (timedelta(hours=1), (0, 1)),
        (timedelta(hours=23, minutes=59), (0, 23)),
        (timedelta(hours=24), (1, 24)),
        (timedelta(days=2, hours=5, minutes=30), (2, 53)),
        (timedelta(days=6, hours=23), (6, 167)),
        (timedelta(days=7), (7, 168)),
        (timedelta(days=364, hours=23), (364, 8759)),
    ],
)
def test_age_at_death_counts_completed_days_and_hours_from_birth(elapsed, expected):
    assert age_at_death(BORN, BORN + elapsed) == expected


def test_age_at_death_counts_real_hours_across_a_clock_change():
    # Clocks went forward at 02:00 on 30 March 2025 in Paris: 00:00 to 04:00 lasted 3 hours.
    born_at = datetime(2025, 3, 30, 0, 0, tzinfo=PARIS)
    died_at = datetime(2025, 3, 30, 4, 0, tzinfo=PARIS)
    assert age_at_death(born_at, died_at) == (0, 3)


def test_age_at_death_works_on_naive_datetimes():
    assert age_at_death(datetime(2025, 1, 1, 10), datetime(2025, 1, 8, 9)) == (6, 167)


def test_death_before_birth_is_refused_in_french():
    with pytest.raises(ValueError, match=r"^Le décès ne peut pas précéder la naissance\.$"):
        age_at_death(BORN, BORN - timedelta(minutes=1))


@pytest.mark.parametrize(
    ("days", "kind"),
    [
        (0, CaseKind.EARLY_NEONATAL),
        (6, CaseKind.EARLY_NEONATAL),
        (7, CaseKind.LATE_NEONATAL),
        (27, CaseKind.LATE_NEONATAL),
        (28, CaseKind.POST_NEONATAL),
        (364, CaseKind.POST_NEONATAL),
    ],
)
def test_kind_of_a_death_after_live_birth_follows_the_age_at_death(days, kind):
    assert derive_kind(outcome=Outcome.LIVE_BIRTH_DEATH, age_at_death_days=days) == kind
    assert derive_kind(outcome="live_birth_death", age_at_death_days=days) == kind.value


def test_a_death_at_365_days_is_outside_perinatal_reviews():
    with pytest.raises(ValueError, match=BEYOND_SCOPE):
        derive_kind(outcome=Outcome.LIVE_BIRTH_DEATH, age_at_death_days=365)


def test_a_negative_age_at_death_is_refused():
    with pytest.raises(ValueError, match="précéder la naissance"):
        derive_kind(outcome=Outcome.LIVE_BIRTH_DEATH, age_at_death_days=-1)


@pytest.mark.parametrize(
    ("outcome", "days", "kind"),
    [
        (Outcome.LIVE_BIRTH_DEATH, None, None),
        ("", 3, None),
        (None, None, None),
        (Outcome.STILLBIRTH, None, CaseKind.STILLBIRTH),
        (Outcome.STILLBIRTH, 400, CaseKind.STILLBIRTH),
        (Outcome.SEVERE_MORBIDITY, None, CaseKind.SEVERE_MORBIDITY),
    ],
)
def test_kind_without_an_age_at_death(outcome, days, kind):
    assert derive_kind(outcome=outcome, age_at_death_days=days) == kind


def test_derive_kind_takes_keyword_arguments_only():
    with pytest.raises(TypeError):
        derive_kind(Outcome.STILLBIRTH, None)


# --------------------------------------------------------------------------------------
# Classes and display
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weeks", "category"),
    [
        (22, GestationalAgeCategory.EXTREMELY_PRETERM),
        (27, GestationalAgeCategory.EXTREMELY_PRETERM),
        (28, GestationalAgeCategory.VERY_PRETERM),
        (31, GestationalAgeCategory.VERY_PRETERM),
        (32, GestationalAgeCategory.MODERATELY_PRETERM),
        (33, GestationalAgeCategory.MODERATELY_PRETERM),
        (34, GestationalAgeCategory.LATE_PRETERM),
        (36, GestationalAgeCategory.LATE_PRETERM),
        (37, GestationalAgeCategory.TERM),
        (41, GestationalAgeCategory.TERM),
        (42, GestationalAgeCategory.POST_TERM),
        (44, GestationalAgeCategory.POST_TERM),
        (None, None),
    ],
)
def test_gestational_age_category(weeks, category):
    assert gestational_age_category(weeks) == category


@pytest.mark.parametrize(
    ("grams", "category"),
    [
        (200, BirthWeightCategory.ELBW),
        (999, BirthWeightCategory.ELBW),
        (1000, BirthWeightCategory.VLBW),
        (1499, BirthWeightCategory.VLBW),
        (1500, BirthWeightCategory.LBW),
        (2499, BirthWeightCategory.LBW),
        (2500, BirthWeightCategory.NORMAL),
        (3999, BirthWeightCategory.NORMAL),
        (4000, BirthWeightCategory.MACROSOMIA),
        (6500, BirthWeightCategory.MACROSOMIA),
        (None, None),
    ],
)
def test_birth_weight_category(grams, category):
    assert birth_weight_category(grams) == category


@pytest.mark.parametrize(
    ("weeks", "days", "text"),
    [
        (27, 2, "27 SA + 2 j"),
        (40, 0, "40 SA + 0 j"),
        (33, None, "33 SA"),
        (None, None, "—"),
        (None, 3, "—"),
    ],
)
def test_format_gestational_age(weeks, days, text):
    assert format_gestational_age(weeks, days) == text


@pytest.mark.parametrize(
    ("weight", "height", "bmi"),
    [
        (Decimal("60.0"), 165, Decimal("22.0")),
        (Decimal("95.5"), 158, Decimal("38.3")),
        (None, 165, None),
        (Decimal("60.0"), None, None),
    ],
)
def test_body_mass_index(weight, height, bmi):
    assert body_mass_index(weight, height) == bmi


@pytest.mark.parametrize("code", ["P07.2", "Q89.9", "P07", "P07.20", "A41.9"])
def test_icd10_codes_in_their_stored_form_are_accepted(code):
    icd10_validator(code)


@pytest.mark.parametrize(
    "code", ["p07.2", "P072", "P7.2", "07.2", "PP7.2", "P07.", "P07.2 ", "P07.123", "P07-2"]
)
def test_malformed_icd10_codes_are_refused(code):
    with pytest.raises(ValidationError, match="CIM-10"):
        icd10_validator(code)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("p072", "P07.2"), (" Q89.9 ", "Q89.9"), ("p0720", "P07.20"), ("P07", "P07"), ("", "")],
)
def test_icd10_codes_are_normalised_as_typed(typed, stored):
    assert normalise_icd10(typed) == stored
    if stored:
        icd10_validator(stored)


# --------------------------------------------------------------------------------------
# Derived values
# --------------------------------------------------------------------------------------


def test_derived_values_come_from_the_facts_and_the_vault_datetimes():
    case = complete_live_birth_death()
    clinical_facts_compute_derived_values(
        case, born_at=BORN, died_at=BORN + timedelta(days=3, hours=4)
    )
    assert (case.age_at_death_days, case.age_at_death_hours) == (3, 76)
    assert case.kind == CaseKind.EARLY_NEONATAL
    assert case.gestational_age_category == GestationalAgeCategory.EXTREMELY_PRETERM
    assert case.birth_weight_category == BirthWeightCategory.ELBW


@pytest.mark.parametrize(
    ("elapsed", "kind"),
    [
        (timedelta(days=6, hours=23, minutes=59), CaseKind.EARLY_NEONATAL),
        (timedelta(days=7), CaseKind.LATE_NEONATAL),
        (timedelta(days=27, hours=23), CaseKind.LATE_NEONATAL),
        (timedelta(days=28), CaseKind.POST_NEONATAL),
        (timedelta(days=364, hours=23), CaseKind.POST_NEONATAL),
    ],
)
def test_kind_boundaries_from_exact_datetimes(elapsed, kind):
    case = complete_live_birth_death()
    clinical_facts_compute_derived_values(case, born_at=BORN, died_at=BORN + elapsed)
    assert case.kind == kind


def test_a_death_at_365_days_cannot_be_derived():
    case = complete_live_birth_death()
    with pytest.raises(ValueError, match=BEYOND_SCOPE):
        clinical_facts_compute_derived_values(
            case, born_at=BORN, died_at=BORN + timedelta(days=365)
        )


def test_derived_values_keep_the_stored_age_when_no_datetimes_are_given():
    case = complete_live_birth_death(age_at_death_days=10, age_at_death_hours=250)
    clinical_facts_compute_derived_values(case)
    assert (case.age_at_death_days, case.age_at_death_hours) == (10, 250)
    assert case.kind == CaseKind.LATE_NEONATAL


def test_a_stillbirth_has_no_age_at_death_even_when_death_preceded_delivery():
    case = facts(
        outcome=Outcome.STILLBIRTH,
        gestational_age_weeks=38,
        gestational_age_days=1,
        birth_weight_g=3100,
        age_at_death_days=0,
        age_at_death_hours=2,
    )
    clinical_facts_compute_derived_values(case, born_at=BORN, died_at=BORN - timedelta(days=2))
    assert (case.age_at_death_days, case.age_at_death_hours) == (None, None)
    assert case.kind == CaseKind.STILLBIRTH
    assert case.gestational_age_category == GestationalAgeCategory.TERM
    assert case.birth_weight_category == BirthWeightCategory.NORMAL


def test_an_empty_draft_derives_blank_values():
    case = facts()
    clinical_facts_compute_derived_values(case)
    assert (case.kind, case.gestational_age_category, case.birth_weight_category) == ("", "", "")


def test_the_model_method_delegates_to_the_rule():
    case = complete_live_birth_death()
    ClinicalFacts.compute_derived_values(case, BORN, BORN + timedelta(days=30))
    assert case.kind == CaseKind.POST_NEONATAL


# --------------------------------------------------------------------------------------
# Cross-field rules
# --------------------------------------------------------------------------------------


def test_an_empty_draft_is_consistent():
    assert clinical_facts_errors(facts()) == {}


def test_a_complete_case_is_consistent():
    assert clinical_facts_errors(complete_live_birth_death(apgar_1min=3, apgar_5min=6)) == {}


def test_gestational_age_weeks_and_days_go_together():
    # Weeks without days: incomplete, not contradictory (listed as missing to declare).
    assert clinical_facts_errors(facts(gestational_age_weeks=30)) == {}
    assert list(clinical_facts_errors(facts(gestational_age_days=3))) == ["gestational_age_weeks"]
    assert clinical_facts_errors(facts(gestational_age_weeks=30, gestational_age_days=0)) == {}


@pytest.mark.parametrize(
    ("weeks", "days", "grams", "refused"),
    [
        (21, 6, 480, True),
        (21, 0, 499, True),
        (22, 0, 480, False),
        (23, 0, 480, False),
        (21, 6, 500, False),
        (21, 6, None, False),
        (None, None, 480, False),
    ],
)
def test_a_stillbirth_is_registered_from_22_weeks_or_500_grams(weeks, days, grams, refused):
    case = facts(
        outcome=Outcome.STILLBIRTH,
        gestational_age_weeks=weeks,
        gestational_age_days=days,
        birth_weight_g=grams,
    )
    errors = clinical_facts_errors(case)
    if refused:
        assert errors == {"outcome": [STILLBIRTH_THRESHOLD]}
    else:
        assert "outcome" not in errors


def test_the_stillbirth_threshold_does_not_apply_to_live_births():
    case = complete_live_birth_death(gestational_age_weeks=21, birth_weight_g=480)
    assert clinical_facts_errors(case) == {}


def test_birth_weight_is_not_checked_against_gestational_age():
    case = complete_live_birth_death(gestational_age_weeks=24, birth_weight_g=4200)
    assert clinical_facts_errors(case) == {}


@pytest.mark.parametrize("field", ["apgar_1min", "apgar_5min", "apgar_10min"])
def test_apgar_is_for_live_births_only(field):
    stillbirth = facts(outcome=Outcome.STILLBIRTH, **{field: 0})
    assert clinical_facts_errors(stillbirth) == {
        field: ["Le score d'Apgar ne concerne qu'un enfant né vivant."]
    }
    for outcome in (Outcome.LIVE_BIRTH_DEATH, Outcome.SEVERE_MORBIDITY, ""):
        assert clinical_facts_errors(facts(outcome=outcome, **{field: 0})) == {}


def test_treatment_limitation_is_for_live_births_only():
    stillbirth = facts(
        outcome=Outcome.STILLBIRTH, treatment_limitation=True, treatment_limitation_age_hours=2
    )
    errors = clinical_facts_errors(stillbirth)
    assert errors["treatment_limitation"] == ["Une LATA ne concerne qu'un enfant né vivant."]
    assert "treatment_limitation_age_hours" in errors
    assert (
        clinical_facts_errors(facts(outcome=Outcome.STILLBIRTH, treatment_limitation=False)) == {}
    )
    live = complete_live_birth_death(treatment_limitation=True, treatment_limitation_age_hours=30)
    assert clinical_facts_errors(live) == {}


def test_stillbirth_state_is_for_stillbirths_only():
    assert "stillbirth_state" in clinical_facts_errors(
        complete_live_birth_death(stillbirth_state="macerated")
    )
    assert clinical_facts_errors(facts(outcome="stillbirth", stillbirth_state="macerated")) == {}


@pytest.mark.parametrize(
    ("transfer", "level_field"),
    [
        ("transfer_in_utero", "transfer_in_utero_level"),
        ("postnatal_transfer", "postnatal_transfer_level"),
    ],
)
def test_a_transfer_requires_its_target_level(transfer, level_field):
    errors = clinical_facts_errors(facts(**{transfer: True}))
    assert list(errors) == [level_field]
    assert "Précisez le niveau" in errors[level_field][0]
    assert clinical_facts_errors(facts(**{transfer: True, level_field: "3"})) == {}
    assert clinical_facts_errors(facts(**{transfer: True, level_field: "unknown"})) == {}
    assert clinical_facts_errors(facts(**{transfer: False})) == {}
    assert clinical_facts_errors(facts(**{transfer: None})) == {}


@pytest.mark.parametrize(
    ("gravidity", "parity", "refused"), [(1, 0, False), (3, 2, False), (2, 2, True), (1, 1, True)]
)
def test_parity_counts_previous_deliveries_only(gravidity, parity, refused):
    errors = clinical_facts_errors(facts(gravidity=gravidity, parity=parity))
    assert ("parity" in errors) is refused


@pytest.mark.parametrize(
    ("plurality", "order", "refused"),
    [
        ("singleton", 1, False),
        ("singleton", 2, True),
        ("twins", 2, False),
        ("twins", 3, True),
        ("triplets_or_more", 4, False),
        ("unknown", 3, False),
    ],
)
def test_birth_order_within_plurality(plurality, order, refused):
    errors = clinical_facts_errors(facts(plurality=plurality, birth_order=order))
    assert ("birth_order" in errors) is refused


def test_a_caesarean_indication_needs_a_caesarean():
    vaginal = facts(delivery_mode="instrumental_vaginal", caesarean_indication="fetal")
    assert list(clinical_facts_errors(vaginal)) == ["caesarean_indication"]
    caesarean = facts(delivery_mode="caesarean_in_labour", caesarean_indication="fetal")
    assert clinical_facts_errors(caesarean) == {}


def test_resuscitation_steps_contradict_no_resuscitation():
    assert list(
        clinical_facts_errors(facts(resuscitation_at_birth=False, resuscitation_intubation=True))
    ) == ["resuscitation_at_birth"]
    assert (
        clinical_facts_errors(facts(resuscitation_at_birth=None, resuscitation_intubation=True))
        == {}
    )
    assert (
        clinical_facts_errors(facts(resuscitation_at_birth=True, resuscitation_intubation=True))
        == {}
    )


def test_a_stored_age_beyond_364_days_is_a_non_field_error():
    errors = clinical_facts_errors(complete_live_birth_death(age_at_death_days=400))
    assert errors == {NON_FIELD_ERRORS: [BEYOND_SCOPE]}


def test_errors_on_fields_a_form_lacks_become_non_field_errors():
    case = facts(outcome=Outcome.STILLBIRTH, apgar_1min=0, apgar_5min=0)
    errors = clinical_facts_errors(case, exclude={"apgar_1min", "apgar_5min"})
    assert errors == {NON_FIELD_ERRORS: ["Le score d'Apgar ne concerne qu'un enfant né vivant."]}


# --------------------------------------------------------------------------------------
# Completeness for declaration
# --------------------------------------------------------------------------------------


def test_an_empty_draft_lacks_the_declaration_facts():
    assert clinical_facts_missing_for_declaration(facts()) == [
        "Événement déclaré",
        "Âge gestationnel (SA + j)",
        "Poids de naissance (g)",
        "Sexe",
        "Lieu de naissance",
    ]


def test_a_complete_live_birth_death_can_be_declared():
    assert clinical_facts_missing_for_declaration(complete_live_birth_death()) == []


def test_a_death_after_live_birth_needs_its_place_of_death():
    case = complete_live_birth_death(place_of_death="")
    assert clinical_facts_missing_for_declaration(case) == ["Lieu du décès"]


def test_a_stillbirth_does_not_need_a_place_of_death():
    case = complete_live_birth_death(
        outcome=Outcome.STILLBIRTH, place_of_death="", stillbirth_timing="antepartum"
    )
    assert clinical_facts_missing_for_declaration(case) == []


def test_half_a_gestational_age_is_missing_and_unknown_is_an_answer():
    case = complete_live_birth_death(gestational_age_days=None, sex="unknown")
    assert ClinicalFacts.missing_for_declaration(case) == ["Âge gestationnel (SA + j)"]


# --------------------------------------------------------------------------------------
# The abstract model and the declaration form's fieldsets
# --------------------------------------------------------------------------------------

DERIVED_FIELDS = {
    "kind",
    "age_at_death_days",
    "age_at_death_hours",
    "gestational_age_category",
    "birth_weight_category",
}


def model_fields():
    return [f for f in ClinicalFacts._meta.get_fields() if f.concrete]


def test_clinical_facts_is_abstract():
    assert ClinicalFacts._meta.abstract


def test_field_groups_cover_each_editable_field_exactly_once():
    grouped = [name for _legend, names in FIELD_GROUPS for name in names]
    editable = [f.name for f in model_fields() if f.editable]
    assert len(grouped) == len(set(grouped))
    assert sorted(grouped) == sorted(editable)
    assert {f.name for f in model_fields() if not f.editable} == DERIVED_FIELDS


def test_field_groups_legends():
    assert [str(legend) for legend, _names in FIELD_GROUPS] == [
        "Cas",
        "Mère",
        "Grossesse et suivi prénatal",
        "Travail et accouchement",
        "Enfant",
        "Décès et investigations",
    ]


def test_every_fact_may_be_left_empty_in_a_draft():
    for field in model_fields():
        assert field.blank, field.name
        empty_string_ok = isinstance(field, (models.CharField, models.TextField))
        unticked_ok = isinstance(field, models.BooleanField) and field.default is False
        assert field.null or empty_string_ok or unticked_ok, field.name


def test_every_fact_has_a_french_label_and_an_english_name():
    for field in model_fields():
        assert field.name.isascii() and field.name == field.name.lower(), field.name
        assert str(field.verbose_name) != field.name.replace("_", " "), field.name


def test_lists_offer_unknown_where_a_clinician_may_not_know():
    without_unknown = {"outcome"} | DERIVED_FIELDS
    for field in model_fields():
        if field.choices and field.name not in without_unknown:
            assert "unknown" in dict(field.choices), field.name
            assert dict(field.choices)["unknown"] == "Inconnu"
        if field.choices:
            assert max(len(value) for value, _label in field.choices) <= field.max_length


def test_numeric_ranges():
    def limits(name):
        field = ClinicalFacts._meta.get_field(name)
        return [v.limit_value for v in field.validators if hasattr(v, "limit_value")][-2:]

    assert limits("gestational_age_weeks") == [22, 44]
    assert limits("gestational_age_days") == [0, 6]
    assert limits("birth_weight_g") == [200, 6500]
    assert limits("apgar_1min") == limits("apgar_5min") == limits("apgar_10min") == [0, 10]
    assert limits("mother_age_years") == [10, 65]


@pytest.fixture
def concrete_facts_model():
    """A concrete subclass in a throwaway app registry: full_clean() and forms need no table."""
    with isolate_apps("cases"):

        class Facts(ClinicalFacts):
            class Meta:
                app_label = "cases"

        yield Facts


def test_full_clean_reports_cross_field_errors_on_their_fields(concrete_facts_model):
    case = concrete_facts_model(
        outcome=Outcome.STILLBIRTH, gestational_age_weeks=21, gestational_age_days=6
    )
    case.birth_weight_g = 480
    case.apgar_5min = 0
    case.cause_of_death_icd10 = "P072"
    with pytest.raises(ValidationError) as caught:
        case.full_clean()
    errors = caught.value.message_dict
    assert errors["outcome"] == [STILLBIRTH_THRESHOLD]
    assert errors["apgar_5min"] == ["Le score d'Apgar ne concerne qu'un enfant né vivant."]
    assert "CIM-10" in errors["cause_of_death_icd10"][0]


def test_full_clean_accepts_an_empty_draft_and_the_model_derives_values(concrete_facts_model):
    draft = concrete_facts_model()
    draft.full_clean()
    draft.outcome = Outcome.LIVE_BIRTH_DEATH
    draft.gestational_age_weeks, draft.gestational_age_days = 27, 2
    draft.compute_derived_values(born_at=BORN, died_at=BORN + timedelta(hours=20))
    assert (draft.kind, draft.age_at_death_days, draft.age_at_death_hours) == (
        CaseKind.EARLY_NEONATAL,
        0,
        20,
    )
    assert draft.gestational_age_display == "27 SA + 2 j"
    assert "Lieu du décès" in draft.missing_for_declaration()
    draft.full_clean()


def test_a_form_without_the_faulty_field_shows_a_non_field_error(concrete_facts_model):
    form_class = forms.modelform_factory(
        concrete_facts_model, fields=["outcome", "gestational_age_weeks", "gestational_age_days"]
    )
    instance = concrete_facts_model(apgar_1min=2)
    form = form_class(
        data={"outcome": "stillbirth", "gestational_age_weeks": "30", "gestational_age_days": "1"},
        instance=instance,
    )
    assert not form.is_valid()
    assert form.non_field_errors() == ["Le score d'Apgar ne concerne qu'un enfant né vivant."]
