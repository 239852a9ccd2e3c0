"""Validation messages of the declaration in clinical words ("Le poids de naissance doit être
compris entre 200 et 6 500 g") instead of Django's generic ones ("Assurez-vous que cette valeur
est inférieure ou égale à 6500.")."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _

__all__ = ["clinical_error_messages", "range_of"]


def _number(value: int | Decimal) -> str:
    """6500 → "6 500", 2.5 → "2,5" (French typography, a plain space between thousands)."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    text = f"{value:,}".replace(",", " ").replace(".", ",")
    return text


def range_of(model_field) -> tuple[int | Decimal, int | Decimal] | None:
    low = high = None
    for validator in model_field.validators:
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value
    return None if low is None or high is None else (low, high)


def _range_sentences() -> dict[str, str]:
    # Read at each call: the sentences follow the language of the request.
    apgar = _("Le score d'Apgar est compris entre %(low)s et %(high)s.")
    return {
        "birth_weight_g": _("Le poids de naissance doit être compris entre %(low)s et %(high)s g."),
        "gestational_age_weeks": _(
            "L'âge gestationnel doit être compris entre %(low)s et %(high)s SA."
        ),
        "gestational_age_days": _(
            "Les jours en plus des semaines d'aménorrhée vont de %(low)s à %(high)s."
        ),
        "apgar_1min": apgar,
        "apgar_5min": apgar,
        "apgar_10min": apgar,
        "mother_age_years": _("L'âge de la mère doit être compris entre %(low)s et %(high)s ans."),
        "mother_height_cm": _(
            "La taille de la mère doit être comprise entre %(low)s et %(high)s cm."
        ),
        "mother_pre_pregnancy_weight_kg": _(
            "Le poids de la mère avant la grossesse doit être compris entre %(low)s et %(high)s kg."
        ),
        "birth_length_cm": _(
            "La taille de naissance doit être comprise entre %(low)s et %(high)s cm."
        ),
        "head_circumference_cm": _(
            "Le périmètre crânien doit être compris entre %(low)s et %(high)s cm."
        ),
        "first_antenatal_visit_weeks": _(
            "La première consultation prénatale a lieu entre %(low)s et %(high)s SA : une "
            "grossesse n'est pas diagnostiquée avant 4 SA."
        ),
        "gravidity": _(
            "La gestité (grossesse actuelle comprise) va de %(low)s à %(high)s grossesses."
        ),
    }


def clinical_error_messages(name: str, model_field, form_field) -> dict[str, str]:
    """The error messages of one field of the declaration, keyed by Django's error codes (the
    error summary names the field; the message beside it need not)."""
    from django import forms

    messages = {}
    if isinstance(form_field, forms.IntegerField | forms.DecimalField):
        messages["invalid"] = _("Indiquez un nombre, en chiffres.")
        if name == "birth_weight_g":
            messages["invalid"] = _(
                "Le poids de naissance s'indique en grammes, en chiffres (par exemple 980)."
            )
    if isinstance(form_field, forms.DecimalField):
        too_long = _("Un chiffre après la virgule au plus.")
        messages["max_decimal_places"] = messages["max_digits"] = too_long
        messages["max_whole_digits"] = too_long
    if isinstance(form_field, forms.ChoiceField | forms.NullBooleanField):
        messages["invalid_choice"] = _("Choisissez une réponse de la liste.")
    if hasattr(form_field, "max_length") and form_field.max_length:
        messages["max_length"] = _("%(limit)s caractères au plus (%%(show_value)d saisis).") % {
            "limit": _number(form_field.max_length)
        }
    bounds = range_of(model_field) if model_field is not None else None
    if bounds is not None:
        low, high = bounds
        sentence = _range_sentences().get(name) or _(
            "Indiquez une valeur entre %(low)s et %(high)s."
        )
        text = sentence % {"low": _number(low), "high": _number(high)}
        messages["min_value"] = messages["max_value"] = text
        if isinstance(form_field, forms.DecimalField):
            # 12.25 for a head circumference: the range says what is expected, and the decimal.
            for code in ("max_decimal_places", "max_digits", "max_whole_digits"):
                messages[code] = f"{text} {messages[code]}"
    return messages
