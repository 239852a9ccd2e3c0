"""The clinical facts of a case as the committee reads them: grouped as in the declaration
(`layout.FIELD_GROUPS`), each fact with its French label and a display value, pseudonymised by
construction (the facts hold no identity; times are relative: "H+106", "J-3", ages, "SA + j").

Pure: reads the case's own fields only (no query), so the review screen's cost does not depend
on how much was declared. Facts that were not given are left out, except the ones a committee
always asks about (`ALWAYS_SHOWN`), shown as "Non renseigné" so that a gap is visible."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import models
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .derivation import body_mass_index, format_gestational_age
from .layout import FIELD_GROUPS
from .value_sets import RESUSCITATION_STEPS

# What the committee always asks about: shown even when the declaration is silent.
ALWAYS_SHOWN = frozenset(
    {
        "outcome",
        "birth_place_type",
        "maternity_level_at_birth",
        "transfer_in_utero",
        "postnatal_transfer",
        "antenatal_corticosteroids",
        "labour_onset",
        "delivery_mode",
        "gestational_age_weeks",
        "birth_weight_g",
        "apgar_5min",
        "resuscitation_at_birth",
        "neonatal_admission",
        "treatment_limitation",
        "place_of_death",
        "autopsy_done",
        "placental_histology_done",
    }
)
# Folded into another line (gestational age "SA + j"; resuscitation steps listed together).
FOLDED = frozenset({"gestational_age_days", *RESUSCITATION_STEPS})
# Relative times: hours after birth, days before birth.
HOURS_AFTER_BIRTH = frozenset({"postnatal_transfer_age_hours", "treatment_limitation_age_hours"})
DAYS_BEFORE_BIRTH = frozenset({"transfer_in_utero_days_before_birth"})
UNITS = {
    "birth_weight_g": "g",
    "birth_length_cm": "cm",
    "head_circumference_cm": "cm",
    "mother_height_cm": "cm",
    "mother_pre_pregnancy_weight_kg": "kg",
    "decision_to_delivery_minutes": "min",
    "antenatal_admission_days": gettext_lazy("j"),
    "mother_age_years": gettext_lazy("ans"),
    "first_antenatal_visit_weeks": gettext_lazy("SA"),
}
NOT_GIVEN = gettext_lazy("Non renseigné")


@dataclass(frozen=True)
class Fact:
    name: str
    label: str
    value: str
    given: bool = True
    # Typed freely by the declarant (screened by the scrubber before the committee sees it):
    # the template sets the scrubber's placeholders apart.
    free_text: bool = False


@dataclass
class FactGroup:
    title: str
    facts: list[Fact] = field(default_factory=list)

    index: int = 0


@dataclass(frozen=True)
class _Words:
    """ "Oui", "Non" and "Non renseigné" translated once per summary, not once per field."""

    yes: str
    no: str
    not_given: str

    def yes_no(self, value: bool | None) -> str:
        return {True: self.yes, False: self.no}.get(value, self.not_given)


@dataclass(frozen=True)
class _Shape:
    """What `_display` needs of one model field, in the active language: labels and choices
    translated once per process and language rather than for each of the hundred fields of
    every case shown (they are the model's constants)."""

    name: str
    label: str
    choices: dict | None
    boolean: bool
    free_text: bool
    unit: str | None


def _display(
    case, shape: _Shape, steps: tuple[tuple[str, str], ...], words: _Words
) -> tuple[str, bool, bool]:
    """(display value, given, free text) of one field of the case."""
    name = shape.name
    value = getattr(case, name)
    if name == "gestational_age_weeks":
        return format_gestational_age(value, case.gestational_age_days), value is not None, False
    if name == "resuscitation_at_birth":
        done = [label for step, label in steps if getattr(case, step)]
        shown = words.yes_no(value)
        if done:
            shown = f"{shown} : {', '.join(done)}" if value is not None else ", ".join(done)
        return shown, value is not None or bool(done), False
    if value is None or value == "":
        return words.not_given, False, False
    if shape.choices is not None:
        return shape.choices.get(value, str(value)), True, False
    if shape.boolean:
        return words.yes_no(value), True, False
    if name in HOURS_AFTER_BIRTH:
        return f"H+{value}", True, False
    if name in DAYS_BEFORE_BIRTH:
        return _("J-%(days)s (avant la naissance)") % {"days": value}, True, False
    if shape.free_text:
        return str(value), True, True
    text = str(value).replace(".", ",")
    return (f"{text} {shape.unit}" if shape.unit else text), True, False


def _label(model_field: models.Field) -> str:
    if model_field.name == "gestational_age_weeks":
        return _("Âge gestationnel")
    label = str(model_field.verbose_name)
    unit = UNITS.get(model_field.name)
    if unit is not None:
        # The unit follows the value ("2900 g", "42 min"): not again in the label, whether it
        # names it short or in full ("(minutes)").
        label = re.sub(r"\s*\([^()]*\)$", "", label)
    return label


def _shape(model_field: models.Field) -> _Shape:
    unit = UNITS.get(model_field.name)
    return _Shape(
        name=model_field.name,
        label=_label(model_field),
        choices=(
            {value: str(label) for value, label in model_field.flatchoices}
            if model_field.choices
            else None
        ),
        boolean=isinstance(model_field, models.BooleanField),
        free_text=isinstance(model_field, models.CharField | models.TextField),
        unit=None if unit is None else str(unit),
    )


@lru_cache(maxsize=8)
def _layout(model, language: str | None):
    """The declaration's groups as (title, field names, shapes of the facts shown), and the
    resuscitation steps' labels, for `model` in `language` (the cache key: nothing else
    changes them while the process runs)."""
    groups = tuple(
        (
            str(title),
            frozenset(names),
            tuple(_shape(model._meta.get_field(name)) for name in names if name not in FOLDED),
        )
        for title, names in FIELD_GROUPS
    )
    steps = tuple(
        (step, str(model._meta.get_field(step).verbose_name)) for step in RESUSCITATION_STEPS
    )
    return groups, steps


def _derived(case, names) -> list[Fact]:
    """Values computed from the declaration, shown at the head of the group of the facts they
    come from (wherever the declaration puts them)."""
    facts = []
    if "outcome" in names and case.kind:
        facts.append(Fact("kind", _("Catégorie de cas"), case.get_kind_display()))
    if "mother_height_cm" in names:
        bmi = body_mass_index(case.mother_pre_pregnancy_weight_kg, case.mother_height_cm)
        if bmi is not None:
            facts.append(
                Fact("mother_bmi", _("IMC avant la grossesse"), str(bmi).replace(".", ","))
            )
    if "place_of_death" in names and case.age_at_death_days is not None:
        facts.append(
            Fact(
                "age_at_death",
                _("Âge au décès"),
                _("J%(days)s (H+%(hours)s)")
                % {"days": case.age_at_death_days, "hours": case.age_at_death_hours},
            )
        )
    return facts


def clinical_summary(case) -> list[FactGroup]:
    """The case's clinical facts for the committee, in the declaration's groups and order."""
    groups = []
    layout, steps = _layout(type(case), get_language())
    words = _Words(_("Oui"), _("Non"), str(NOT_GIVEN))
    for index, (title, names, shapes) in enumerate(layout):
        group = FactGroup(title, _derived(case, names), index)
        for shape in shapes:
            value, given, free_text = _display(case, shape, steps, words)
            if given or shape.name in ALWAYS_SHOWN:
                group.facts.append(Fact(shape.name, shape.label, value, given, free_text))
        if group.facts:
            groups.append(group)
    return groups
