"""Live births per organisation and year: the denominator of the rates the regional plans quote
(deaths per 1,000 live births), entered or imported by the territory's administrators, each
figure with its source."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

FIRST_YEAR = 1990
MAX_LIVE_BIRTHS = 1_000_000


class LiveBirths(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="live_births",
        verbose_name=_("organisation"),
    )
    year = models.PositiveSmallIntegerField(
        _("année"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(2100)]
    )
    count = models.PositiveIntegerField(
        _("naissances vivantes"), validators=[MaxValueValidator(MAX_LIVE_BIRTHS)]
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("Par exemple : PMSI 2025, registre des naissances de l'établissement."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("saisi par"),
    )
    entered_at = models.DateTimeField(_("saisi le"), auto_now=True)

    class Meta:
        verbose_name = _("naissances vivantes (année)")
        verbose_name_plural = _("naissances vivantes")
        ordering = ["organisation__name", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="live_births_once_per_year"
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {self.year} : {self.count}"
