"""Pseudonymised clinical facts of a case, their value sets and the rules between them.

The value sets follow the French *premier certificat de santé* (CS8) and the neonatal death
certificate so that a declaration can be cross-checked with them. Identity data (names, exact
dates, addresses...) live in the identity vault and the narrative summary on the case: neither is
held here. Exact dates of birth and death are only ever passed in, to compute relative values.

Every rule is a module-level function working on any object with the right attributes (a case,
or a `types.SimpleNamespace` in tests); the abstract model's methods only delegate to them.
A draft may be incomplete: every field accepts "no answer", and "inconnu" where a clinician may
genuinely not know. Completeness is required only at declaration (`missing_for_declaration`).

The package is split by concern: `value_sets` (choices, thresholds, labels), `derivation` (the
rules), `model_fields` (the abstract model) and `layout` (the declaration form's fieldsets).
"""

from .derivation import *  # noqa: F403
from .derivation import __all__ as _derivation
from .layout import DECLARATION_STEPS, FIELD_GROUPS, REVIEW_STEP, STEPS_BY_SLUG, step_of_field
from .model_fields import ClinicalFacts
from .value_sets import *  # noqa: F403
from .value_sets import __all__ as _value_sets

__all__ = [
    "DECLARATION_STEPS",
    "FIELD_GROUPS",
    "REVIEW_STEP",
    "STEPS_BY_SLUG",
    "ClinicalFacts",
    "step_of_field",
    *_derivation,
    *_value_sets,
]
