"""Demo cases, moved through the real services (so each has its audit trail) up to "ready for
review"; the committees demo takes some of them further (scheduled, reviewed, action follow-up,
closed). Idempotent: nothing is created if the demo maternity already has cases. Identities are
invented.

Each case is a plausible whole: the facts the committee always asks about are filled (level of
the birth maternity, transfers, corticosteroids, labour, Apgar, resuscitation, care in the unit,
LATA, autopsy, placenta), and its summary and chronology say the same as its facts and its age
at death (computed from the vault's moments). Summaries name no one."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from accounts.demo import MATERNITY_LIME, MATERNITY_SOUTH
from accounts.models import Organisation, User

from .anonymisation import scrub
from .models import CareEvent, Case
from .services.cases import care_event_save, case_create_draft, summary_save
from .services.contributions import contribution_add
from .services.transitions import case_transition

PARIS = ZoneInfo("Europe/Paris")

# Path of transitions from draft, and who performs each (demo account emails).
PATH = [
    ("declare", "declarant@rmm-demo.fr", ""),
    ("accept", "referent@rmm-demo.fr", ""),
    ("submit_for_review", "referent@rmm-demo.fr", ""),
]
STEPS_TO = {"draft": 0, "declared": 1, "documenting": 2, "ready": 3}

# A child born alive in the demo maternity (level 3), neither transferred in nor out: each
# scenario says what differs.
INBORN = {
    "outcome": "live_birth_death",
    "birth_place_type": "maternity",
    "maternity_level_at_birth": "3",
    "transfer_in_utero": False,
    "postnatal_transfer": False,
    "plurality": "singleton",
    "presentation": "cephalic",
    "treatment_limitation": False,
    "autopsy_offered": True,
    "autopsy_accepted": False,
    "autopsy_done": False,
    "placental_histology_done": True,
}
# A preterm child cared for in the neonatal intensive care unit.
PRETERM_NICU = {
    **INBORN,
    "labour_onset": "spontaneous",
    "delivery_mode": "spontaneous_vaginal",
    "resuscitation_at_birth": True,
    "resuscitation_mask_ventilation": True,
    "resuscitation_intubation": True,
    "neonatal_admission": "nicu",
    "first_week_respiratory_distress": True,
    "place_of_death": "nicu",
}


def _before(weeks, days, place, actor, description, delay=False) -> dict:
    return {
        "period": "antenatal",
        "gestational_weeks": weeks,
        "gestational_days": days,
        "place_type": place,
        "actor_function": actor,
        "flag_delay": delay,
        "description": description,
    }


def _after(day, hour, place, actor, description, delay=False) -> dict:
    return {
        "period": "postnatal",
        "day_of_life": day,
        "hour_of_day": hour,
        "place_type": place,
        "actor_function": actor,
        "flag_delay": delay,
        "description": description,
    }


SCENARIOS = [
    {
        "target": "draft",
        "mother": ("Moreau", "Lucie"),
        "hours": 20,
        "facts": {
            **PRETERM_NICU,
            "gestational_age_weeks": 24,
            "gestational_age_days": 5,
            "birth_weight_g": 640,
            "sex": "female",
            "antenatal_corticosteroids": "incomplete",
            "apgar_1min": 3,
            "apgar_5min": 6,
            "treatment_limitation": True,
            "treatment_limitation_age_hours": 16,
        },
        "narrative": "Suivie en PMI, menace d'accouchement prématuré à 24 SA + 5 j, cure de "
        "corticoïdes incomplète, naissance par voie basse, intubée en salle de naissance, "
        "limitation des thérapeutiques à H16, décès à H20 en réanimation néonatale.",
        "events": [],
    },
    {
        "target": "declared",
        "mother": ("Benali", "Samira"),
        "hours": 30,
        "facts": {
            **INBORN,
            "gestational_age_weeks": 36,
            "gestational_age_days": 1,
            "birth_weight_g": 2150,
            "sex": "male",
            "housing": "emergency_shelter",
            "first_antenatal_visit_trimester": "third",
            "first_antenatal_visit_weeks": 30,
            "antenatal_corticosteroids": "none",
            "labour_onset": "spontaneous",
            "delivery_mode": "spontaneous_vaginal",
            "apgar_1min": 5,
            "apgar_5min": 7,
            "resuscitation_at_birth": True,
            "resuscitation_stimulation": True,
            "resuscitation_mask_ventilation": True,
            "neonatal_admission": "neonatology",
            "place_of_death": "neonatal_unit",
        },
        "narrative": "Hébergée via le 115, première consultation à 30 SA, naissance à 36 SA + 1 j, "
        "détresse respiratoire, décès à J1 en néonatologie.",
        "events": [],
    },
    {
        "target": "excluded",
        "mother": ("Benali", "Samira"),
        "hours": 30,
        "facts": None,  # the same facts as the declaration it duplicates
        "narrative": "Doublon de la déclaration précédente.",
        "events": [],
    },
    {
        "target": "documenting",
        "mother": ("Nguyen", "Thi"),
        "hours": 24 * 12 + 4,
        "facts": {
            **INBORN,
            "gestational_age_weeks": 39,
            "gestational_age_days": 4,
            "birth_weight_g": 3350,
            "sex": "female",
            "antenatal_corticosteroids": "none",
            "labour_onset": "spontaneous",
            "delivery_mode": "spontaneous_vaginal",
            "apgar_1min": 9,
            "apgar_5min": 10,
            "resuscitation_at_birth": False,
            "neonatal_admission": "none",
            "place_of_death": "home",
            "sudden_unexpected_infant_death": True,
            "autopsy_accepted": True,
            "autopsy_done": True,
            "autopsy_findings": "Pas de lésion explicative ; examens complémentaires en cours.",
            "placental_histology_done": False,
        },
        "narrative": "Naissance à terme sans particularité, sortie de maternité à J3, mort "
        "inattendue du nourrisson au domicile à J12, autopsie réalisée.",
        "events": [],
    },
    # A transferred baby (issue 15): born in the level 1 maternity, transferred to the demo's
    # level 3 maternity, which declares; the birth maternity is named on the case and its
    # coordinator adds what happened before the transfer to the chronology.
    {
        "target": "documenting",
        "mother": ("Petit", "Camille"),
        "hours": 24 * 4 + 6,
        "facts": {
            **PRETERM_NICU,
            "gestational_age_weeks": 33,
            "gestational_age_days": 4,
            "birth_weight_g": 1900,
            "sex": "male",
            "maternity_level_at_birth": "1",
            "postnatal_transfer": True,
            "postnatal_transfer_level": "3",
            "postnatal_transfer_unit": "Réanimation néonatale de la maternité de niveau 3",
            "postnatal_transfer_age_hours": 3,
            "postnatal_transfer_mode": "medical",
            "antenatal_corticosteroids": "none",
            "resuscitation_intubation": False,
            "apgar_1min": 5,
            "apgar_5min": 8,
        },
        "narrative": "Accouchement inopiné à 33 SA + 4 j en maternité de niveau 1, sans "
        "corticothérapie, transfert postnatal médicalisé à H3 en réanimation néonatale, "
        "infection materno-foetale, décès à J4.",
        "events": [
            _after(0, 4, "nicu", "neonatologist", "Admission en réanimation néonatale, ventilée."),
        ],
        "contributor": (
            MATERNITY_LIME,
            "birth_maternity",
            "referent.tilleuls@rmm-demo.fr",
            [
                _after(
                    0,
                    0,
                    "maternity_1",
                    "midwife",
                    "Naissance inopinée en maternité de niveau 1, appel du SMUR pédiatrique, "
                    "attente du transport pendant deux heures.",
                    delay=True,
                ),
            ],
        ),
    },
    {
        "target": "ready",
        "mother": ("Traoré", "Awa"),
        "hours": 52,
        "facts": {
            **PRETERM_NICU,
            "gestational_age_weeks": 27,
            "gestational_age_days": 2,
            "birth_weight_g": 980,
            "sex": "female",
            "language_barrier": True,
            "interpreter_used": False,
            "antenatal_corticosteroids": "incomplete",
            "apgar_1min": 4,
            "apgar_5min": 7,
        },
        "narrative": "Sans interprète, consulte aux urgences à 27 SA pour des contractions ; "
        "naissance à 27 SA + 2 j deux heures après l'arrivée, corticoïdes incomplets, décès à J2 "
        "en réanimation néonatale.",
        "events": [
            _before(12, 0, "pmi", "midwife", "Première consultation prénatale, sans interprète."),
            _before(
                27,
                2,
                "emergency",
                "obstetrician",
                "Consultation aux urgences pour des contractions, col ouvert, première dose de "
                "corticoïdes.",
                delay=True,
            ),
            _after(0, 1, "nicu", "neonatologist", "Admission en réanimation néonatale, intubée."),
        ],
    },
    {
        "target": "ready",
        "mother": ("Lefebvre", "Julie"),
        "hours": 24 * 9 + 6,
        "facts": {
            **PRETERM_NICU,
            "gestational_age_weeks": 31,
            "gestational_age_days": 0,
            "birth_weight_g": 1450,
            "sex": "female",
            "maternity_level_at_birth": "2A",
            "postnatal_transfer": True,
            "postnatal_transfer_level": "3",
            "postnatal_transfer_unit": "Réanimation néonatale de la maternité de niveau 3",
            "postnatal_transfer_age_hours": 3,
            "postnatal_transfer_mode": "medical",
            "antenatal_corticosteroids": "complete",
            "resuscitation_intubation": False,
            "apgar_1min": 6,
            "apgar_5min": 8,
        },
        "narrative": "Menace d'accouchement prématuré à 31 SA : transfert in utero demandé puis "
        "refusé faute de place, naissance à 31 SA en maternité de niveau 2A, transfert postnatal "
        "médicalisé à H3 en réanimation néonatale, entérocolite ulcéronécrosante, décès à J9.",
        "events": [
            _before(
                30,
                6,
                "maternity_2",
                "obstetrician",
                "Menace d'accouchement prématuré, corticothérapie, transfert in utero refusé "
                "faute de place en niveau 3.",
                delay=True,
            ),
            _after(0, 3, "transport", "emergency", "Transfert postnatal médicalisé."),
            _after(7, 10, "nicu", "neonatologist", "Entérocolite ulcéronécrosante."),
        ],
    },
    {
        "target": "ready",
        "mother": ("Martin", "Sophie"),
        "hours": 6,
        "facts": {
            **INBORN,
            "gestational_age_weeks": 40,
            "gestational_age_days": 2,
            "birth_weight_g": 3600,
            "sex": "male",
            "antenatal_corticosteroids": "none",
            "labour_onset": "spontaneous",
            "fetal_heart_on_admission": "normal",
            "amniotic_fluid": "clear",
            "delivery_mode": "caesarean_in_labour",
            "caesarean_indication": "fetal",
            "decision_to_delivery_minutes": 25,
            "apgar_1min": 0,
            "apgar_5min": 2,
            "apgar_10min": 3,
            "resuscitation_at_birth": True,
            "resuscitation_mask_ventilation": True,
            "resuscitation_intubation": True,
            "resuscitation_chest_compressions": True,
            "resuscitation_adrenaline": True,
            "neonatal_admission": "nicu",
            "first_week_neurological_disorder": True,
            "therapeutic_hypothermia": True,
            "treatment_limitation": True,
            "treatment_limitation_age_hours": 5,
            "place_of_death": "nicu",
            "cause_of_death_icd10": "P21.0",
            "autopsy_accepted": True,
            "autopsy_done": True,
            "autopsy_findings": "Lésions cérébrales d'anoxie ischémique, pas de malformation.",
            "placental_histology_findings": "Pas d'anomalie placentaire.",
        },
        "narrative": "Travail spontané à 40 SA + 2 j, anomalies du rythme cardiaque fœtal, "
        "procidence du cordon, césarienne en urgence ; anoxie per-partum, réanimation avec "
        "massage cardiaque et adrénaline, décès à H6 en réanimation néonatale.",
        "events": [
            _before(40, 2, "maternity_3", "midwife", "Admission en travail, rythme normal."),
            _before(
                40,
                2,
                "maternity_3",
                "obstetrician",
                "Anomalies du rythme cardiaque fœtal, procidence du cordon, césarienne en urgence "
                "décidée 25 minutes avant la naissance.",
                delay=True,
            ),
            _after(0, 1, "nicu", "neonatologist", "Hypothermie thérapeutique."),
        ],
    },
    {
        "target": "ready",
        "mother": ("Diallo", "Mariam"),
        "hours": 24 * 3 + 2,
        "facts": {
            **PRETERM_NICU,
            "gestational_age_weeks": 25,
            "gestational_age_days": 3,
            "birth_weight_g": 760,
            "sex": "female",
            "health_insurance": "none",
            "language_barrier": True,
            "interpreter_used": False,
            "first_antenatal_visit_trimester": "not_followed",
            "antenatal_visits_count": 0,
            "antenatal_corticosteroids": "none",
            "apgar_1min": 2,
            "apgar_5min": 5,
        },
        "narrative": "Droits à l'AME non ouverts, sans interprète, aucune consultation "
        "prénatale ; arrivée en "
        "salle de naissance à 25 SA + 3 j, naissance une heure plus tard sans corticoïdes, décès "
        "à J3 en réanimation néonatale.",
        "events": [
            _before(
                25,
                3,
                "maternity_3",
                "midwife",
                "Première venue : arrivée en travail avancé, aucune consultation auparavant.",
                delay=True,
            ),
            _after(0, 1, "nicu", "neonatologist", "Admission en réanimation néonatale, intubée."),
        ],
    },
    {
        "target": "ready",
        "mother": ("Petit", "Claire"),
        "hours": 24 * 20 + 8,
        "facts": {
            **INBORN,
            "gestational_age_weeks": 33,
            "gestational_age_days": 6,
            "birth_weight_g": 1980,
            "sex": "female",
            "preterm_rupture_of_membranes": True,
            "antenatal_corticosteroids": "complete",
            "labour_onset": "spontaneous",
            "delivery_mode": "spontaneous_vaginal",
            "apgar_1min": 8,
            "apgar_5min": 9,
            "resuscitation_at_birth": False,
            "neonatal_admission": "neonatology",
            "place_of_death": "nicu",
        },
        "narrative": "Rupture prématurée des membranes, naissance à 33 SA + 6 j, bonne "
        "adaptation ; infection néonatale tardive sur cathéter à J17, antibiotiques dès les "
        "premiers signes, choc septique, décès à J20 en réanimation néonatale.",
        "events": [
            _after(0, 2, "neonatal_unit", "paediatrician", "Admission en néonatologie."),
            _after(
                17,
                9,
                "neonatal_unit",
                "nurse",
                "Fièvre et marbrures, hémocultures et antibiotiques dans l'heure.",
            ),
            _after(17, 20, "nicu", "neonatologist", "Choc septique, admission en réanimation."),
        ],
    },
    {
        # A stillbirth: no Apgar, no LATA (both refused for a stillborn child); the moment of
        # death (antepartum) is filled where the declaration has the field.
        "target": "ready",
        "mother": ("Girard", "Élodie"),
        "hours": None,
        "facts": {
            **INBORN,
            "outcome": "stillbirth",
            "treatment_limitation": None,
            "gestational_age_weeks": 34,
            "gestational_age_days": 2,
            "birth_weight_g": 1700,
            "sex": "male",
            "stillbirth_state": "macerated",
            "preeclampsia_or_hellp": True,
            "fetal_growth_restriction": True,
            "reduced_fetal_movements": True,
            "antenatal_corticosteroids": "none",
            "fetal_heart_on_admission": "absent",
            "labour_onset": "induced",
            "delivery_mode": "spontaneous_vaginal",
            "resuscitation_at_birth": False,
            "neonatal_admission": "none",
            "place_of_death": "unknown",
            "autopsy_accepted": True,
            "autopsy_done": True,
            "autopsy_findings": "Hypotrophie harmonieuse, pas de malformation.",
            "placental_histology_findings": "Infarctus placentaires étendus.",
        },
        "narrative": "Prééclampsie et retard de croissance suivis en consultation ; diminution "
        "des mouvements actifs fœtaux pendant deux jours avant de consulter, mort fœtale in utero "
        "constatée à l'admission à 34 SA + 2 j, naissance par voie basse après déclenchement.",
        "events": [
            _before(32, 0, "maternity_3", "obstetrician", "Retard de croissance, prééclampsie."),
            _before(
                34,
                2,
                "maternity_3",
                "midwife",
                "Consultation pour diminution des mouvements actifs fœtaux depuis deux jours, "
                "absence d'activité cardiaque.",
                delay=True,
            ),
        ],
    },
]
STILLBIRTH_TIMING = {"Girard": "antepartum"}


def _facts(scenario: dict, previous: dict) -> dict:
    facts = dict(scenario["facts"] or previous)
    if facts["outcome"] == "stillbirth":
        # Filled only where the declaration has the field (added with the stillbirths' steps).
        names = {field.name for field in Case._meta.get_fields()}
        if "stillbirth_timing" in names:
            facts["stillbirth_timing"] = STILLBIRTH_TIMING[scenario["mother"][0]]
    return facts


def _documented(case: Case, coordinator: User, events: list[dict]) -> None:
    for fields in events:
        care_event_save(case=case, by=coordinator, event=CareEvent(**fields))
    vault = case.identity
    summary_save(
        case=case,
        by=coordinator,
        summary=scrub(vault.narrative_original, vault.known_values()),
        validate=True,
    )


@transaction.atomic
def load() -> dict[str, int]:
    maternity = Organisation.objects.get(name=MATERNITY_SOUTH)
    if Case.objects.filter(organisation=maternity).exists():
        return {"cases": 0}
    users = {user.email: user for user in User.objects.filter(email__endswith="@rmm-demo.fr")}
    clinician = users["declarant@rmm-demo.fr"]
    coordinator = users["referent@rmm-demo.fr"]
    born = datetime(2026, 9, 1, 8, 0, tzinfo=PARIS)
    created = 0
    facts: dict = {}
    for index, scenario in enumerate(SCENARIOS):
        target, (last_name, first_name) = scenario["target"], scenario["mother"]
        born_at = born + timedelta(days=3 * index)
        hours = scenario["hours"]
        facts = _facts(scenario, facts)
        case = case_create_draft(
            organisation=maternity,
            by=clinician,
            facts=facts,
            identity={
                "mother_last_name": last_name,
                "mother_first_name": first_name,
                "born_at": born_at,
                "died_at": None if hours is None else born_at + timedelta(hours=hours),
                "narrative_original": scenario["narrative"],
            },
        )
        created += 1
        path = (
            PATH[: STEPS_TO[target]]
            if target != "excluded"
            else [
                PATH[0],
                ("exclude", "referent@rmm-demo.fr", "Doublon d'une déclaration existante."),
            ]
        )
        for name, email, comment in path:
            if name == "submit_for_review":
                _documented(Case.objects.get(pk=case.pk), coordinator, scenario["events"])
            current = Case.objects.get(pk=case.pk).status
            case_transition(
                case_id=case.pk,
                name=name,
                by=users[email],
                comment=comment,
                expected_status=current,
            )
        if "contributor" in scenario:
            _contributed(Case.objects.get(pk=case.pk), coordinator, users, scenario)
    return {"cases": created}


def _contributed(case: Case, coordinator: User, users: dict, scenario: dict) -> None:
    """The organisation of the pathway named by the declaring coordinator, then the events
    each side adds while the case is documented."""
    organisation_name, role, email, events = scenario["contributor"]
    contribution_add(
        case=case,
        by=coordinator,
        organisation=Organisation.objects.get(name=organisation_name),
        pathway_role=role,
    )
    for fields in scenario["events"]:
        care_event_save(case=case, by=coordinator, event=CareEvent(**fields))
    for fields in events:
        care_event_save(case=case, by=users[email], event=CareEvent(**fields))
