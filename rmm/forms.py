"""Form fields every app shares for what views read from a POST besides their main form."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ASCII_DIGITS = re.compile(r"[0-9]{1,10}")
# The largest value of a PostgreSQL integer: a larger id matches no row and must not reach the
# database (SQLite raises OverflowError on it).
MAX_ID = 2**31 - 1


class IdField(forms.IntegerField):
    """The id of a row, as a form sends it: ASCII digits only ("²" and "١٢" pass str.isdigit()
    and int() accepts the second), within the range of a database integer."""

    default_error_messages = {"invalid": _("Identifiant invalide.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not ASCII_DIGITS.fullmatch(str(value).strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(str(value).strip())


def strict_id(value) -> int | None:
    """An id from a POST or a URL query, or None when it is not one (tampered or missing)."""
    try:
        return IdField(required=False).clean(value)
    except ValidationError:
        return None


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows that checks each posted id before querying: Django's own
    field sends "999...9" (40 digits) to the database, where SQLite overflows."""

    def _check_values(self, value):
        for pk in value:
            if strict_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class RowChoiceField(forms.ModelChoiceField):
    """A choice of one row that checks the posted id before querying (see IdsChoiceField)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if strict_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class MarksInvalidFields:
    """A form mixin: after validation, each refused field says it is invalid (`aria-invalid`,
    Bootstrap's `is-invalid`) and names its message and help text (`aria-describedby`), so a
    screen reader reads the error beside the field (WCAG 2.1 AA)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                described = [f"{self[name].auto_id}_error"]
                if self.fields[name].help_text:
                    described.append(f"{self[name].auto_id}_helptext")
                attrs["aria-describedby"] = " ".join(described)
