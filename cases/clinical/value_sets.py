"""Value sets of the clinical facts (CS8 certificate and neonatal death certificate), their
thresholds, the French labels of every fact and the ICD-10 code validator."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = [
    "ICD10_PATTERN",
    "LABELS",
    "LAST_DAY_IN_SCOPE",
    "RESUSCITATION_STEPS",
    "STILLBIRTH_MIN_WEEKS",
    "STILLBIRTH_MIN_WEIGHT_G",
    "VAGINAL_DELIVERIES",
    "AmnioticFluid",
    "Analgesia",
    "AntenatalCareStart",
    "AntenatalCorticosteroids",
    "BirthAttendant",
    "BirthPlaceType",
    "BirthWeightCategory",
    "CaesareanIndication",
    "CaseKind",
    "CongenitalAnomalyType",
    "DeliveryMode",
    "EducationLevel",
    "FetalHeartOnAdmission",
    "GestationalAgeCategory",
    "HealthInsurance",
    "Housing",
    "LabourOnset",
    "MaternityLevel",
    "NeonatalAdmission",
    "OccupationGroup",
    "Outcome",
    "PlaceOfDeath",
    "Plurality",
    "PostnatalTransferLevel",
    "Presentation",
    "Sex",
    "StillbirthState",
    "StillbirthTiming",
    "TobaccoUse",
    "TransportMode",
    "icd10_validator",
]

# Thresholds of the French stillbirth registration (WHO definition used by the civil registry).
STILLBIRTH_MIN_WEEKS = 22
STILLBIRTH_MIN_WEIGHT_G = 500
# Perinatal M&M reviews cover deaths up to the first birthday (post-neonatal: 28-364 days).
LAST_DAY_IN_SCOPE = 364


# --------------------------------------------------------------------------------------
# Value sets
# --------------------------------------------------------------------------------------


class Outcome(models.TextChoices):
    LIVE_BIRTH_DEATH = "live_birth_death", _("Décès après naissance vivante")
    STILLBIRTH = "stillbirth", _("Mort-né")
    SEVERE_MORBIDITY = "severe_morbidity", _("Morbidité sévère")


class CaseKind(models.TextChoices):
    EARLY_NEONATAL = "early_neonatal", _("Décès néonatal précoce (0-6 j)")
    LATE_NEONATAL = "late_neonatal", _("Décès néonatal tardif (7-27 j)")
    POST_NEONATAL = "post_neonatal", _("Décès post-néonatal (28-364 j)")
    STILLBIRTH = "stillbirth", _("Mortinatalité")
    SEVERE_MORBIDITY = "severe_morbidity", _("Morbidité sévère")


class GestationalAgeCategory(models.TextChoices):
    EXTREMELY_PRETERM = "extremely_preterm", _("Prématurité extrême (< 28 SA)")
    VERY_PRETERM = "very_preterm", _("Grande prématurité (28-31 SA)")
    MODERATELY_PRETERM = "moderately_preterm", _("Prématurité moyenne (32-33 SA)")
    LATE_PRETERM = "late_preterm", _("Prématurité tardive (34-36 SA)")
    TERM = "term", _("À terme (37-41 SA)")
    POST_TERM = "post_term", _("Terme dépassé (≥ 42 SA)")


class BirthWeightCategory(models.TextChoices):
    ELBW = "elbw", _("Extrême petit poids (< 1000 g)")
    VLBW = "vlbw", _("Très petit poids (1000-1499 g)")
    LBW = "lbw", _("Petit poids (1500-2499 g)")
    NORMAL = "normal", _("Poids normal (2500-3999 g)")
    MACROSOMIA = "macrosomia", _("Macrosomie (≥ 4000 g)")


class BirthPlaceType(models.TextChoices):
    MATERNITY = "maternity", _("Maternité")
    PLANNED_HOME = "planned_home", _("Domicile, accouchement programmé")
    UNPLANNED_HOME = "unplanned_home", _("Domicile, accouchement inopiné")
    IN_TRANSIT = "in_transit", _("Pendant le trajet")
    OTHER = "other", _("Autre lieu")
    UNKNOWN = "unknown", _("Inconnu")


class MaternityLevel(models.TextChoices):
    # Same codes as accounts.Organisation.Level, so declared and organisation levels compare.
    LEVEL_1 = "1", _("Niveau 1")
    LEVEL_2A = "2A", _("Niveau 2A")
    LEVEL_2B = "2B", _("Niveau 2B")
    LEVEL_3 = "3", _("Niveau 3")
    UNKNOWN = "unknown", _("Inconnu")


class PostnatalTransferLevel(models.TextChoices):
    LEVEL_1 = "1", _("Maternité de niveau 1 (rapprochement)")
    LEVEL_2A = "2A", _("Néonatologie (type 2A)")
    LEVEL_2B = "2B", _("Soins intensifs néonatals (type 2B)")
    LEVEL_3 = "3", _("Réanimation néonatale (type 3)")
    PAEDIATRIC_ICU = "paediatric_icu", _("Réanimation pédiatrique")
    PAEDIATRIC_SURGERY = "paediatric_surgery", _("Chirurgie ou cardiologie pédiatrique")
    OTHER = "other", _("Autre service")
    UNKNOWN = "unknown", _("Inconnu")


class TransportMode(models.TextChoices):
    MEDICAL = "medical", _("Transport médicalisé (SMUR)")
    AMBULANCE = "ambulance", _("Ambulance non médicalisée")
    PRIVATE_VEHICLE = "private_vehicle", _("Véhicule personnel")
    INTERNAL = "internal", _("Transfert interne au même établissement")
    OTHER = "other", _("Autre")
    UNKNOWN = "unknown", _("Inconnu")


class TobaccoUse(models.TextChoices):
    NONE = "none", _("Non-fumeuse")
    STOPPED = "stopped", _("Arrêt en cours de grossesse")
    CONTINUED = "continued", _("Poursuite pendant la grossesse")
    UNKNOWN = "unknown", _("Inconnu")


class HealthInsurance(models.TextChoices):
    NONE = "none", _("Aucun droit ouvert")
    AME = "ame", _("AME (aide médicale de l'État)")
    PUMA_WITHOUT_COMPLEMENTARY = "puma_without_complementary", _("PUMa sans complémentaire")
    PUMA_WITH_COMPLEMENTARY = (
        "puma_with_complementary",
        _("PUMa avec complémentaire (mutuelle ou C2S)"),
    )
    UNKNOWN = "unknown", _("Inconnu")


class Housing(models.TextChoices):
    STABLE = "stable", _("Logement stable")
    PRECARIOUS = "precarious", _("Logement précaire (hébergée par un tiers, squat…)")
    EMERGENCY_SHELTER = "emergency_shelter", _("Hôtel ou hébergement d'urgence (SIAO / 115)")
    NONE = "none", _("Sans hébergement")
    UNKNOWN = "unknown", _("Inconnu")


class EducationLevel(models.TextChoices):
    NONE_OR_PRIMARY = "none_or_primary", _("Non scolarisée ou primaire")
    LOWER_SECONDARY = "lower_secondary", _("Collège")
    UPPER_SECONDARY = "upper_secondary", _("Lycée (CAP, BEP, baccalauréat)")
    HIGHER = "higher", _("Études supérieures")
    UNKNOWN = "unknown", _("Inconnu")


class OccupationGroup(models.TextChoices):
    # INSEE socio-professional groups, as asked on the CS8.
    FARMER = "farmer", _("Agricultrice exploitante")
    SELF_EMPLOYED = "self_employed", _("Artisane, commerçante, cheffe d'entreprise")
    MANAGER_OR_PROFESSIONAL = (
        "manager_or_professional",
        _("Cadre, profession intellectuelle supérieure"),
    )
    INTERMEDIATE = "intermediate", _("Profession intermédiaire")
    EMPLOYEE = "employee", _("Employée")
    MANUAL_WORKER = "manual_worker", _("Ouvrière")
    STUDENT = "student", _("Étudiante")
    NOT_EMPLOYED = "not_employed", _("Sans activité professionnelle")
    UNKNOWN = "unknown", _("Inconnu")


class AntenatalCareStart(models.TextChoices):
    NOT_FOLLOWED = "not_followed", _("Grossesse non suivie")
    FIRST_TRIMESTER = "first", _("1er trimestre")
    SECOND_TRIMESTER = "second", _("2e trimestre")
    THIRD_TRIMESTER = "third", _("3e trimestre")
    UNKNOWN = "unknown", _("Inconnu")


class AntenatalCorticosteroids(models.TextChoices):
    COMPLETE = "complete", _("Cure complète")
    INCOMPLETE = "incomplete", _("Cure incomplète")
    NONE = "none", _("Non")
    UNKNOWN = "unknown", _("Inconnu")


class LabourOnset(models.TextChoices):
    SPONTANEOUS = "spontaneous", _("Spontané")
    INDUCED = "induced", _("Déclenché")
    CAESAREAN_BEFORE_LABOUR = "caesarean_before_labour", _("Césarienne avant travail")
    UNKNOWN = "unknown", _("Inconnu")


class Presentation(models.TextChoices):
    CEPHALIC = "cephalic", _("Céphalique")
    BREECH = "breech", _("Siège")
    OTHER = "other", _("Autre (transverse, épaule…)")
    UNKNOWN = "unknown", _("Inconnu")


class AmnioticFluid(models.TextChoices):
    CLEAR = "clear", _("Clair")
    MECONIUM = "meconium", _("Méconial")
    BLOOD_STAINED = "blood_stained", _("Teinté de sang")
    UNKNOWN = "unknown", _("Inconnu")


class FetalHeartOnAdmission(models.TextChoices):
    NORMAL = "normal", _("Normal")
    ABNORMAL = "abnormal", _("Anomalies du rythme")
    ABSENT = "absent", _("Absent")
    UNKNOWN = "unknown", _("Inconnu")


class DeliveryMode(models.TextChoices):
    SPONTANEOUS_VAGINAL = "spontaneous_vaginal", _("Voie basse spontanée")
    INSTRUMENTAL_VAGINAL = "instrumental_vaginal", _("Voie basse instrumentale")
    PLANNED_CAESAREAN = "planned_caesarean", _("Césarienne programmée")
    UNPLANNED_CAESAREAN_BEFORE_LABOUR = (
        "unplanned_caesarean_before_labour",
        _("Césarienne non programmée avant travail"),
    )
    CAESAREAN_IN_LABOUR = "caesarean_in_labour", _("Césarienne pendant le travail")
    UNKNOWN = "unknown", _("Inconnu")


VAGINAL_DELIVERIES = (DeliveryMode.SPONTANEOUS_VAGINAL, DeliveryMode.INSTRUMENTAL_VAGINAL)

# Tick boxes under "Réanimation à la naissance".
RESUSCITATION_STEPS = (
    "resuscitation_stimulation",
    "resuscitation_mask_ventilation",
    "resuscitation_intubation",
    "resuscitation_chest_compressions",
    "resuscitation_adrenaline",
)


class CaesareanIndication(models.TextChoices):
    MATERNAL = "maternal", _("Maternelle")
    FETAL = "fetal", _("Fœtale")
    BOTH = "both", _("Maternelle et fœtale")
    UNKNOWN = "unknown", _("Inconnu")


class Analgesia(models.TextChoices):
    NONE = "none", _("Aucune")
    EPIDURAL = "epidural", _("Péridurale")
    SPINAL = "spinal", _("Rachianesthésie")
    GENERAL = "general", _("Anesthésie générale")
    UNKNOWN = "unknown", _("Inconnu")


class BirthAttendant(models.TextChoices):
    OBSTETRICIAN = "obstetrician", _("Gynécologue-obstétricien")
    MIDWIFE = "midwife", _("Sage-femme")
    RESIDENT = "resident", _("Interne")
    GENERAL_PRACTITIONER = "general_practitioner", _("Médecin généraliste")
    EMERGENCY_TEAM = "emergency_team", _("Équipe d'urgence (SMUR, pompiers)")
    NO_PROFESSIONAL = "no_professional", _("Aucun professionnel de santé")
    OTHER = "other", _("Autre")
    UNKNOWN = "unknown", _("Inconnu")


class Sex(models.TextChoices):
    MALE = "male", _("Masculin")
    FEMALE = "female", _("Féminin")
    UNDETERMINED = "undetermined", _("Indéterminé")
    UNKNOWN = "unknown", _("Inconnu")


class Plurality(models.TextChoices):
    SINGLETON = "singleton", _("Grossesse unique")
    TWINS = "twins", _("Grossesse gémellaire")
    TRIPLETS_OR_MORE = "triplets_or_more", _("Grossesse triple ou plus")
    UNKNOWN = "unknown", _("Inconnu")


class StillbirthState(models.TextChoices):
    FRESH = "fresh", _("Frais")
    MACERATED = "macerated", _("Macéré")
    UNKNOWN = "unknown", _("Inconnu")


class StillbirthTiming(models.TextChoices):
    # Decides between the ICD-PM antepartum (A) and intrapartum (I) groups.
    ANTEPARTUM = "antepartum", _("Avant le travail (antepartum)")
    INTRAPARTUM = "intrapartum", _("Pendant le travail (intrapartum)")
    UNKNOWN = "unknown", _("Inconnu")


class CongenitalAnomalyType(models.TextChoices):
    NERVOUS_SYSTEM = "nervous_system", _("Système nerveux")
    HEART = "heart", _("Cardiopathie")
    CHROMOSOMAL = "chromosomal", _("Anomalie chromosomique")
    GENETIC_SYNDROME = "genetic_syndrome", _("Syndrome génique")
    DIGESTIVE = "digestive", _("Appareil digestif, paroi abdominale")
    URINARY = "urinary", _("Appareil urinaire")
    RESPIRATORY = "respiratory", _("Appareil respiratoire, hernie diaphragmatique")
    OROFACIAL_CLEFT = "orofacial_cleft", _("Fente orofaciale")
    LIMBS = "limbs", pgettext_lazy("congenital anomaly", "Membres")
    MULTIPLE = "multiple", _("Anomalies multiples")
    OTHER = "other", _("Autre")
    UNKNOWN = "unknown", _("Inconnu")


class NeonatalAdmission(models.TextChoices):
    NONE = "none", _("Aucune")
    NEONATOLOGY = "neonatology", _("Néonatologie")
    INTENSIVE_CARE = "intensive_care", _("Soins intensifs néonatals")
    NICU = "nicu", _("Réanimation néonatale")
    UNKNOWN = "unknown", _("Inconnu")


class PlaceOfDeath(models.TextChoices):
    MATERNITY_WARD = "maternity_ward", _("Maternité (salle de naissance, suites de couches)")
    NEONATAL_UNIT = "neonatal_unit", _("Néonatologie ou soins intensifs néonatals")
    NICU = "nicu", _("Réanimation néonatale")
    HOME = "home", _("Domicile")
    IN_TRANSIT = "in_transit", _("Pendant un transport")
    OTHER = "other", _("Autre")
    UNKNOWN = "unknown", _("Inconnu")


# --------------------------------------------------------------------------------------
# Validators and labels shared by the model and the rules
# --------------------------------------------------------------------------------------

ICD10_PATTERN = r"^[A-Z][0-9]{2}(\.[0-9]{1,2})?$"
icd10_validator = RegexValidator(
    ICD10_PATTERN,
    message=_(
        "Code CIM-10 attendu : une lettre majuscule, deux chiffres, puis éventuellement un point "
        "et un ou deux chiffres (par exemple P07.2 ou Q89.9)."
    ),
)

LABELS = {
    "outcome": _("Événement déclaré"),
    "gestational_age": _("Âge gestationnel (SA + j)"),
    "gestational_age_weeks": _("Âge gestationnel (semaines d'aménorrhée)"),
    "gestational_age_days": _("Âge gestationnel (jours en plus des SA)"),
    "birth_weight_g": _("Poids de naissance (g)"),
    "sex": _("Sexe"),
    "birth_place_type": _("Lieu de naissance"),
    "place_of_death": _("Lieu du décès"),
    "stillbirth_timing": _("Moment du décès"),
}
