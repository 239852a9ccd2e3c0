"""The abstract model of the clinical facts: one database field per fact, built with the value
sets and validators, and methods that delegate to the rules in `derivation`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..fields import (
    FINDINGS_MAX_LENGTH,
    FREE_TEXT_MAX_LENGTH,
    MaxTextLength,
    ReviewCharField,
    ReviewTextField,
)
from .derivation import (
    body_mass_index,
    clinical_facts_compute_derived_values,
    clinical_facts_errors,
    clinical_facts_missing_for_declaration,
    format_gestational_age,
)
from .value_sets import (
    LABELS,
    AmnioticFluid,
    Analgesia,
    AntenatalCareStart,
    AntenatalCorticosteroids,
    BirthAttendant,
    BirthPlaceType,
    BirthWeightCategory,
    CaesareanIndication,
    CaseKind,
    CongenitalAnomalyType,
    DeliveryMode,
    EducationLevel,
    FetalHeartOnAdmission,
    GestationalAgeCategory,
    HealthInsurance,
    Housing,
    LabourOnset,
    MaternityLevel,
    NeonatalAdmission,
    OccupationGroup,
    Outcome,
    PlaceOfDeath,
    Plurality,
    PostnatalTransferLevel,
    Presentation,
    Sex,
    StillbirthState,
    StillbirthTiming,
    TobaccoUse,
    TransportMode,
    icd10_validator,
)


def _between(low: int | Decimal, high: int | Decimal) -> list:
    return [MinValueValidator(low), MaxValueValidator(high)]


def _number(label, low: int, high: int, help_text: str = "") -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=_between(low, high), help_text=help_text
    )


def _measure(label, low: str, high: str, max_digits: int) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=max_digits,
        decimal_places=1,
        null=True,
        blank=True,
        validators=_between(Decimal(low), Decimal(high)),
    )


def _choice(label, choices: type[models.TextChoices], **kwargs: Any) -> models.CharField:
    return models.CharField(label, max_length=40, choices=choices.choices, blank=True, **kwargs)


def _yes_no(label, help_text: str = "") -> models.BooleanField:
    """Yes / no / unknown: None means the answer is not known (or not given yet)."""
    return models.BooleanField(label, null=True, blank=True, help_text=help_text)


def _ticked(label) -> models.BooleanField:
    return models.BooleanField(label, default=False, blank=True)


def _short_text(label, help_text: str = "") -> models.CharField:
    # Read by the committee: stored in normal form, checked by the scrubber like the summary.
    return ReviewCharField(label, max_length=200, blank=True, help_text=help_text)


def _long_text(label, limit: int) -> models.TextField:
    return ReviewTextField(label, blank=True, validators=[MaxTextLength(limit)])


# --------------------------------------------------------------------------------------
# The abstract model
# --------------------------------------------------------------------------------------


class ClinicalFacts(models.Model):
    """Pseudonymised clinical facts of a case, aligned with the CS8 certificate (DESIGN §4)."""

    # --- Case ---------------------------------------------------------------------------
    outcome = _choice(LABELS["outcome"], Outcome)
    kind = models.CharField(
        _("Catégorie de cas"),
        max_length=40,
        choices=CaseKind.choices,
        blank=True,
        editable=False,
        help_text=_("Déduite de l'événement et de l'âge au décès."),
    )
    stillbirth_timing = _choice(
        LABELS["stillbirth_timing"],
        StillbirthTiming,
        help_text=_("Pour un mort-né : décès avant ou pendant le travail."),
    )
    birth_place_type = _choice(LABELS["birth_place_type"], BirthPlaceType)
    maternity_level_at_birth = _choice(_("Niveau de la maternité de naissance"), MaternityLevel)
    transfer_in_utero = _yes_no(_("Transfert in utero"))
    transfer_in_utero_level = _choice(
        _("Niveau de la maternité d'accueil (transfert in utero)"), MaternityLevel
    )
    transfer_in_utero_unit = _short_text(
        _("Maternité d'accueil (transfert in utero)"),
        help_text=_("Établissement ou service, jamais un nom de personne."),
    )
    transfer_in_utero_days_before_birth = _number(
        _("Transfert in utero : jours avant la naissance"), 0, 280
    )
    transfer_in_utero_mode = _choice(_("Mode du transfert in utero"), TransportMode)
    postnatal_transfer = _yes_no(_("Transfert postnatal de l'enfant"))
    postnatal_transfer_level = _choice(
        _("Niveau de l'unité d'accueil (transfert postnatal)"), PostnatalTransferLevel
    )
    postnatal_transfer_unit = _short_text(
        _("Unité d'accueil (transfert postnatal)"),
        help_text=_("Établissement ou service, jamais un nom de personne."),
    )
    postnatal_transfer_age_hours = models.PositiveIntegerField(
        _("Âge de l'enfant au transfert postnatal (heures)"),
        null=True,
        blank=True,
        validators=_between(0, 8760),
    )
    postnatal_transfer_mode = _choice(_("Mode du transfert postnatal"), TransportMode)

    # --- Mother -------------------------------------------------------------------------
    mother_age_years = _number(_("Âge de la mère (années)"), 10, 65)
    gravidity = _number(
        _("Gestité"), 1, 30, help_text=_("Nombre de grossesses, y compris la grossesse actuelle.")
    )
    parity = _number(
        _("Parité"), 0, 30, help_text=_("Nombre d'accouchements antérieurs (≥ 22 SA).")
    )
    previous_preterm_births = _number(_("Enfants antérieurs nés prématurés (< 37 SA)"), 0, 20)
    previous_low_birth_weight_births = _number(_("Enfants antérieurs de moins de 2500 g"), 0, 20)
    previous_stillbirths = _number(_("Mort-nés antérieurs"), 0, 20)
    previous_neonatal_deaths = _number(_("Décès néonatals antérieurs"), 0, 20)
    previous_caesareans = _number(_("Césariennes antérieures"), 0, 10)
    mother_height_cm = _number(_("Taille de la mère (cm)"), 120, 220)
    mother_pre_pregnancy_weight_kg = _measure(
        _("Poids de la mère avant la grossesse (kg)"), "30", "250", max_digits=4
    )
    tobacco_during_pregnancy = _choice(_("Tabac pendant la grossesse"), TobaccoUse)
    alcohol_during_pregnancy = _yes_no(_("Alcool pendant la grossesse"))
    other_substances_during_pregnancy = _yes_no(
        _("Autres substances psychoactives pendant la grossesse"),
        help_text=_("Cannabis, opiacés, cocaïne, etc."),
    )
    pre_existing_diabetes = _yes_no(_("Diabète préexistant (type 1 ou 2)"))
    chronic_hypertension = _yes_no(_("Hypertension artérielle chronique"))
    other_pre_existing_condition = _short_text(_("Autre pathologie maternelle préexistante"))
    health_insurance = _choice(_("Couverture maladie"), HealthInsurance)
    housing = _choice(_("Logement"), Housing)
    language_barrier = _yes_no(_("Barrière de la langue"))
    interpreter_used = _yes_no(_("Recours à un interprète professionnel"))
    social_isolation = _yes_no(_("Isolement social"))
    education_level = _choice(_("Niveau d'études de la mère"), EducationLevel)
    occupation_group = _choice(_("Catégorie socioprofessionnelle de la mère"), OccupationGroup)

    # --- Pregnancy and antenatal care ---------------------------------------------------
    first_antenatal_visit_trimester = _choice(
        _("Première consultation prénatale"), AntenatalCareStart
    )
    first_antenatal_visit_weeks = _number(_("Terme de la première consultation (SA)"), 4, 44)
    antenatal_visits_count = _number(_("Nombre de consultations prénatales"), 0, 40)
    early_prenatal_interview = _yes_no(_("Entretien prénatal précoce réalisé"))
    ultrasound_count = _number(_("Nombre d'échographies"), 0, 40)
    anomaly_scan_done = _yes_no(_("Échographie morphologique (2e trimestre) réalisée"))
    trisomy21_screening_done = _yes_no(_("Dépistage de la trisomie 21 réalisé"))
    hbsag_screening_done = _yes_no(_("Dépistage de l'antigène HBs réalisé"))
    syphilis_screening_done = _yes_no(_("Dépistage de la syphilis réalisé"))
    preeclampsia_or_hellp = _yes_no(_("Prééclampsie ou HELLP syndrome"))
    gestational_hypertension = _yes_no(_("Hypertension gestationnelle"))
    gestational_diabetes = _yes_no(_("Diabète gestationnel"))
    preterm_rupture_of_membranes = _yes_no(_("Rupture prématurée des membranes"))
    antepartum_haemorrhage = _yes_no(_("Hémorragie anténatale"))
    reduced_fetal_movements = _yes_no(_("Diminution des mouvements actifs fœtaux"))
    fetal_growth_restriction = _yes_no(_("Retard de croissance intra-utérin"))
    other_pregnancy_complication = _short_text(_("Autre complication de la grossesse"))
    antenatal_admission = _yes_no(_("Hospitalisation pendant la grossesse"))
    antenatal_admission_days = _number(_("Durée d'hospitalisation anténatale (jours)"), 0, 280)
    antenatal_admission_reason = _short_text(_("Motif de l'hospitalisation anténatale"))
    antenatal_corticosteroids = _choice(_("Corticothérapie anténatale"), AntenatalCorticosteroids)
    magnesium_sulphate = _yes_no(_("Sulfate de magnésium (neuroprotection)"))

    # --- Labour and birth ---------------------------------------------------------------
    labour_onset = _choice(_("Début du travail"), LabourOnset)
    presentation = _choice(_("Présentation"), Presentation)
    membranes_ruptured_over_12h = _yes_no(_("Membranes rompues plus de 12 h avant la naissance"))
    amniotic_fluid = _choice(_("Liquide amniotique"), AmnioticFluid)
    fetal_heart_on_admission = _choice(
        _("Rythme cardiaque fœtal à l'admission"), FetalHeartOnAdmission
    )
    delivery_mode = _choice(_("Mode d'accouchement"), DeliveryMode)
    caesarean_indication = _choice(_("Indication de la césarienne"), CaesareanIndication)
    decision_to_delivery_minutes = _number(
        _("Délai décision-naissance (minutes)"),
        0,
        1440,
        help_text=_("Pour une césarienne en urgence."),
    )
    analgesia = _choice(_("Analgésie ou anesthésie"), Analgesia)
    birth_attendant = _choice(_("Professionnel ayant réalisé l'accouchement"), BirthAttendant)

    # --- Baby ---------------------------------------------------------------------------
    sex = _choice(LABELS["sex"], Sex)
    plurality = _choice(_("Grossesse multiple"), Plurality)
    birth_order = _number(_("Rang de naissance"), 1, 8, help_text=_("Pour une grossesse multiple."))
    gestational_age_weeks = _number(LABELS["gestational_age_weeks"], 22, 44)
    gestational_age_days = _number(LABELS["gestational_age_days"], 0, 6)
    gestational_age_category = models.CharField(
        _("Classe d'âge gestationnel"),
        max_length=40,
        choices=GestationalAgeCategory.choices,
        blank=True,
        editable=False,
    )
    birth_weight_g = _number(LABELS["birth_weight_g"], 200, 6500)
    birth_weight_category = models.CharField(
        _("Classe de poids de naissance"),
        max_length=40,
        choices=BirthWeightCategory.choices,
        blank=True,
        editable=False,
    )
    birth_length_cm = _measure(_("Taille de naissance (cm)"), "20", "65", max_digits=3)
    head_circumference_cm = _measure(_("Périmètre crânien (cm)"), "15", "45", max_digits=3)
    apgar_1min = _number(_("Apgar à 1 minute"), 0, 10)
    apgar_5min = _number(_("Apgar à 5 minutes"), 0, 10)
    apgar_10min = _number(_("Apgar à 10 minutes"), 0, 10)
    stillbirth_state = _choice(_("Aspect du mort-né"), StillbirthState)
    resuscitation_at_birth = _yes_no(_("Réanimation à la naissance"))
    resuscitation_stimulation = _ticked(_("Stimulation"))
    resuscitation_mask_ventilation = _ticked(_("Ventilation au masque"))
    resuscitation_intubation = _ticked(_("Intubation"))
    resuscitation_chest_compressions = _ticked(_("Massage cardiaque externe"))
    resuscitation_adrenaline = _ticked(_("Adrénaline"))
    congenital_anomaly = _yes_no(_("Anomalie congénitale"))
    congenital_anomaly_type = _choice(_("Type d'anomalie congénitale"), CongenitalAnomalyType)
    congenital_anomaly_details = _short_text(_("Précisions sur l'anomalie congénitale"))
    first_week_respiratory_distress = _yes_no(_("Détresse respiratoire (1re semaine)"))
    first_week_infection_treated_over_48h = _yes_no(
        _("Infection traitée plus de 48 h (1re semaine)")
    )
    first_week_neurological_disorder = _yes_no(_("Atteinte neurologique (1re semaine)"))
    first_week_surgical_emergency = _yes_no(_("Urgence chirurgicale (1re semaine)"))
    neonatal_admission = _choice(_("Hospitalisation néonatale"), NeonatalAdmission)
    therapeutic_hypothermia = _yes_no(_("Hypothermie thérapeutique"))
    treatment_limitation = _yes_no(_("Limitation ou arrêt des thérapeutiques actives (LATA)"))
    treatment_limitation_age_hours = models.PositiveIntegerField(
        _("Âge à la décision de LATA (heures)"),
        null=True,
        blank=True,
        validators=_between(0, 8760),
    )

    # --- Death and investigations -------------------------------------------------------
    place_of_death = _choice(LABELS["place_of_death"], PlaceOfDeath)
    age_at_death_days = models.PositiveIntegerField(
        _("Âge au décès (jours révolus)"), null=True, blank=True, editable=False
    )
    age_at_death_hours = models.PositiveIntegerField(
        _("Âge au décès (heures révolues)"), null=True, blank=True, editable=False
    )
    cause_of_death_text = _long_text(
        _("Cause du décès (telle que certifiée)"), FREE_TEXT_MAX_LENGTH
    )
    cause_of_death_icd10 = models.CharField(
        _("Code CIM-10 de la cause du décès"),
        max_length=6,
        blank=True,
        validators=[icd10_validator],
        help_text=_("Facultatif, par exemple P07.2."),
    )
    sudden_unexpected_infant_death = _yes_no(_("Mort inattendue du nourrisson"))
    autopsy_offered = _yes_no(_("Autopsie proposée"))
    autopsy_accepted = _yes_no(_("Autopsie acceptée"))
    autopsy_done = _yes_no(_("Autopsie réalisée"))
    autopsy_findings = _long_text(_("Résultats de l'autopsie"), FINDINGS_MAX_LENGTH)
    placental_histology_done = _yes_no(_("Examen anatomopathologique du placenta réalisé"))
    placental_histology_findings = _long_text(
        _("Résultats de l'examen du placenta"), FINDINGS_MAX_LENGTH
    )

    class Meta:
        abstract = True

    @property
    def gestational_age_display(self) -> str:
        return format_gestational_age(self.gestational_age_weeks, self.gestational_age_days)

    @property
    def mother_bmi(self) -> Decimal | None:
        return body_mass_index(self.mother_pre_pregnancy_weight_kg, self.mother_height_cm)

    def compute_derived_values(
        self, born_at: datetime | None = None, died_at: datetime | None = None
    ) -> None:
        """Recompute age at death, kind and classes from the facts and the vault's datetimes."""
        clinical_facts_compute_derived_values(self, born_at=born_at, died_at=died_at)

    def missing_for_declaration(self) -> list[str]:
        """French labels of the facts a draft still lacks before it can be declared."""
        return clinical_facts_missing_for_declaration(self)

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        # Remember which fields the caller (a form) leaves out, so that clean() can report an
        # error on them without ModelForm raising "has no field named ...".
        self._clinical_facts_exclude = frozenset(exclude or ())
        try:
            super().full_clean(
                exclude=exclude,
                validate_unique=validate_unique,
                validate_constraints=validate_constraints,
            )
        finally:
            del self._clinical_facts_exclude

    def clean(self) -> None:
        """Refuse contradictory clinical facts, each message on the field to correct."""
        super().clean()
        exclude = getattr(self, "_clinical_facts_exclude", frozenset())
        errors = clinical_facts_errors(self, exclude=exclude)
        if errors:
            raise ValidationError(errors)
