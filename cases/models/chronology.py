"""The chronology of care: ordered events in time relative to birth, never exact dates."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rmm.choices import ChoiceLabelsMixin

from ..fields import EVENT_MAX_LENGTH, MaxTextLength, ReviewTextField


class CareEvent(ChoiceLabelsMixin, models.Model):
    class Period(models.TextChoices):
        ANTENATAL = "antenatal", _("Avant la naissance (SA + j)")
        POSTNATAL = "postnatal", _("Après la naissance (J / H)")

    class PlaceType(models.TextChoices):
        HOME = "home", _("Domicile")
        PMI = "pmi", _("PMI")
        COMMUNITY = "community", _("Cabinet de ville (libéral)")
        MATERNITY_1 = "maternity_1", _("Maternité niveau 1")
        MATERNITY_2 = "maternity_2", _("Maternité niveau 2")
        MATERNITY_3 = "maternity_3", _("Maternité niveau 3")
        EMERGENCY = "emergency", _("Urgences")
        NEONATAL_UNIT = "neonatal_unit", _("Néonatologie")
        NICU = "nicu", _("Réanimation néonatale")
        TRANSPORT = "transport", _("Transport (SAMU/SMUR)")
        SOCIAL = "social", _("Service social")
        OTHER = "other", _("Autre")

    class ActorFunction(models.TextChoices):
        MIDWIFE = "midwife", _("Sage-femme")
        OBSTETRICIAN = "obstetrician", _("Gynécologue-obstétricien")
        PAEDIATRICIAN = "paediatrician", _("Pédiatre")
        NEONATOLOGIST = "neonatologist", _("Néonatologue")
        ANAESTHETIST = "anaesthetist", _("Anesthésiste")
        GENERAL_PRACTITIONER = "gp", _("Médecin généraliste")
        NURSE = "nurse", _("Infirmier(e) / puéricultrice")
        EMERGENCY_PHYSICIAN = "emergency", _("Médecin urgentiste / SMUR")
        SOCIAL_WORKER = "social_worker", _("Assistant(e) social(e)")
        INTERPRETER = "interpreter", _("Interprète")
        FAMILY = "family", _("Famille")
        OTHER = "other", _("Autre")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="care_events", verbose_name=_("cas")
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)
    period = models.CharField(_("période"), max_length=10, choices=Period.choices)
    gestational_weeks = models.PositiveSmallIntegerField(
        _("SA"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(44)]
    )
    gestational_days = models.PositiveSmallIntegerField(
        _("jours"), null=True, blank=True, validators=[MaxValueValidator(6)]
    )
    day_of_life = models.PositiveSmallIntegerField(
        _("jour de vie (J)"), null=True, blank=True, validators=[MaxValueValidator(364)]
    )
    hour_of_day = models.PositiveSmallIntegerField(
        _("heure (H)"), null=True, blank=True, validators=[MaxValueValidator(23)]
    )
    place_type = models.CharField(_("lieu"), max_length=20, choices=PlaceType.choices)
    actor_function = models.CharField(
        _("intervenant (fonction)"), max_length=20, choices=ActorFunction.choices, blank=True
    )
    description = ReviewTextField(
        _("ce qui s'est passé"),
        validators=[
            MaxTextLength(
                EVENT_MAX_LENGTH,
                _(
                    "La description ne doit pas dépasser %(limit)s caractères "
                    "(actuellement %(length)s)."
                ),
            )
        ],
    )
    flag_delay = models.BooleanField(_("retard"), default=False)
    flag_transfer = models.BooleanField(_("transfert"), default=False)
    flag_missed_contact = models.BooleanField(_("contact manqué"), default=False)
    # Who wrote it: empty (events written before contributions existed) or the declaring
    # organisation means the declaring organisation; otherwise a contributing organisation,
    # whose coordinators alone (with the declaring ones) may correct or delete it.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ajouté par (organisation)"),
    )

    class Meta:
        verbose_name = _("événement de soins")
        verbose_name_plural = _("chronologie")
        ordering = ["case", "position", "pk"]
        indexes = [models.Index(fields=["case", "position"])]

    def __str__(self):
        return f"{self.relative_time} — {self.get_place_type_display()}"

    @property
    def author(self):
        """The organisation that wrote the event: its own when recorded, else the declaring
        organisation (read through the case the chronology was loaded from: no query when that
        case came with its organisation)."""
        return self.organisation if self.organisation_id else self.case.organisation

    @property
    def relative_time(self) -> str:
        if self.period == self.Period.ANTENATAL:
            return f"{self.gestational_weeks} SA + {self.gestational_days or 0} j"
        hour = f" H{self.hour_of_day}" if self.hour_of_day is not None else ""
        return f"J{self.day_of_life}{hour}"

    @property
    def time_key(self) -> tuple[int, int]:
        """Sort key in relative time: every antenatal event comes before every postnatal one."""
        if self.period == self.Period.ANTENATAL:
            return (0, (self.gestational_weeks or 0) * 7 + (self.gestational_days or 0))
        return (1, (self.day_of_life or 0) * 24 + (self.hour_of_day or 0))

    def clean(self):
        super().clean()
        if self.period == self.Period.ANTENATAL:
            if self.gestational_weeks is None:
                raise ValidationError(
                    {"gestational_weeks": _("Indiquez le terme (SA) de l'événement.")}
                )
            if self.day_of_life is not None or self.hour_of_day is not None:
                raise ValidationError(
                    {"day_of_life": _("Avant la naissance, le temps se compte en SA + j.")}
                )
        elif self.period == self.Period.POSTNATAL:
            if self.day_of_life is None:
                raise ValidationError(
                    {"day_of_life": _("Indiquez le jour de vie (J0 = naissance).")}
                )
            if self.gestational_weeks is not None or self.gestational_days is not None:
                raise ValidationError(
                    {"gestational_weeks": _("Après la naissance, le temps se compte en J / H.")}
                )
