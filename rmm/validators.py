"""Validation every form shares: input a person could type but the application cannot store or
compute with (a date in year 1 or 9999) is refused with a French message, never a server error."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def validate_plausible_date(value) -> None:
    """A date or datetime between 1900 and 2100: outside, it is a typing error (and year 1 or
    9999 overflows once converted between time zones)."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            _("Saisissez une date entre %(earliest)s et %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        )
