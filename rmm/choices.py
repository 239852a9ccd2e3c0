"""Choice labels read from a table kept per field and language.

Django's `get_FOO_display()` rebuilds a dictionary of the field's choices on every call, and
building it hashes every lazy label, which translates it: about 0.05 ms a call for a field of
thirty choices, paid for every row of a list. The labels are the model's constants, so they
are translated once per process and language."""

from functools import cache

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


@cache
def _labels(field, language: str | None) -> dict:
    # `language` is only the cache key: the labels are translated in the active language.
    return {
        make_hashable(value): force_str(label, strings_only=True)
        for value, label in field.flatchoices
    }


class ChoiceLabelsMixin:
    """Put before models.Model: its `get_FOO_display()` methods return what Django's would
    (the label in the active language, or the value itself when it is not a choice)."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        labels = _labels(field, get_language())
        return labels.get(make_hashable(value), force_str(value, strings_only=True))
