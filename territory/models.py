"""Live births per organisation and year: the denominator of the rates the regional plans quote
(deaths per 1,000 live births), entered or imported by the territory's administrators, each
figure with its source."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from cases.anonymisation import find_identifiers
from cases.text import normalise_text

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

    def clean_fields(self, exclude=None):
        # The source is printed in the anonymous annual report and on the dashboard: checked
        # (length, presence) and stored in the form the identifier search reads, on one line.
        self.source = " ".join(normalise_text(self.source or "").split())
        super().clean_fields(exclude)

    def clean(self):
        """The rules of every route (the admin's form, the CSV import): births of a maternity
        (a network, a PMI or a neonatal unit has no births of its own: adding them would count
        the same births twice in the rates), of a year that has begun, at least one, and a
        source that names no one."""
        errors = {}
        organisation = self.organisation if self.organisation_id else None
        if organisation is not None and organisation.kind != Organisation.Kind.MATERNITY:
            errors["organisation"] = gettext(
                "« %(name)s » n'est pas une maternité : les naissances vivantes se saisissent "
                "pour chaque maternité (un réseau, une PMI ou une unité de néonatologie n'a "
                "pas de naissances propres)."
            ) % {"name": organisation.name}
        this_year = timezone.localdate().year
        if self.year is not None and self.year > this_year:
            errors["year"] = gettext(
                "L'année ne peut pas dépasser l'année en cours (%(year)s)."
            ) % {"year": this_year}
        if self.count is not None and self.count < 1:
            errors["count"] = gettext("Le nombre de naissances vivantes est d'au moins 1.")
        max_length = self._meta.get_field("source").max_length
        if self.source and len(self.source) <= max_length and find_identifiers(self.source, []):
            errors["source"] = gettext(
                "La source contient un identifiant (nom, numéro, adresse e-mail…) : indiquez "
                "le document ou le registre, sans nom ni coordonnées de personne."
            )
        if errors:
            raise ValidationError(errors)
