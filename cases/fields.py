"""Fields for the texts the committee reads: stored in normal form, and of bounded length.

Whatever the route (form, service, admin, shell, `bulk_create`, `queryset.update()`), a review
text reaches the database through `normalise_text`, the function the scrubber checks with: what
the committee reads is exactly what was checked. A soft hyphen or a zero-width space never gets
stored. Lengths are bounded so that no text can make a page or a guard slow.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .text import normalise_identity_text, normalise_text

SUMMARY_MAX_LENGTH = 20_000
NARRATIVE_MAX_LENGTH = 20_000
EVENT_MAX_LENGTH = 4_000
FINDINGS_MAX_LENGTH = 4_000
FREE_TEXT_MAX_LENGTH = 2_000
REVIEW_TEXT_MAX_LENGTH = 4_000
COMMENT_MAX_LENGTH = 2_000


@deconstructible
class MaxTextLength:
    """Refuses a text longer than `limit` characters, saying how long it is."""

    def __init__(self, limit: int, message=None):
        self.limit = limit
        self.message = message or _(
            "Ce texte ne doit pas dépasser %(limit)s caractères (actuellement %(length)s)."
        )

    def __call__(self, value) -> None:
        length = len(value or "")
        if length > self.limit:
            raise ValidationError(
                self.message,
                code="max_length",
                params={
                    "limit": number_format(self.limit, force_grouping=True),
                    "length": number_format(length, force_grouping=True),
                },
            )

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, MaxTextLength)
            and self.limit == other.limit
            and str(self.message) == str(other.message)
        )


def too_long(text: str, limit: int, message=None) -> str | None:
    """The French refusal for a text beyond `limit` characters, or None (for services)."""
    try:
        MaxTextLength(limit, message)(text)
    except ValidationError as error:
        return error.messages[0]
    return None


max_summary_length = MaxTextLength(
    SUMMARY_MAX_LENGTH,
    _("Le résumé ne doit pas dépasser %(limit)s caractères (actuellement %(length)s)."),
)
max_comment_length = MaxTextLength(
    COMMENT_MAX_LENGTH,
    _("Le commentaire ne doit pas dépasser %(limit)s caractères (actuellement %(length)s)."),
)


class NormalisedCharField(forms.CharField):
    """A form field that hands over the text in normal form (and shows it so when redisplayed)."""

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, str):
            value = normalise_text(value)
            if self.strip:
                value = value.strip()
        return value


class IdentityCharField(forms.CharField):
    """A form field for an identity value: handed over (and redisplayed) in the vault's normal
    form, so that a value made only of invisible characters is empty for the form too."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_identity_text(value) if isinstance(value, str) else value


class NormalisedTextMixin:
    """Normalises on full_clean (to_python), on save and bulk_create (pre_save, which also
    updates the instance) and on every value sent to the database (get_prep_value, which
    covers queryset.update())."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_text(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = normalise_text(value)
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return normalise_text(value) if isinstance(value, str) else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NormalisedCharField, **kwargs})


class ReviewTextField(NormalisedTextMixin, models.TextField):
    """A long text the committee reads (summary, chronology, review, comment)."""


class ReviewCharField(NormalisedTextMixin, models.CharField):
    """A short free text the committee reads (a unit, a reason, anomaly details)."""
