"""Demo cases, moved through the real services (so each has its audit trail) up to "ready for
review"; the committees demo takes some of them further (scheduled, reviewed, action follow-up,
closed). Idempotent: nothing is created if the demo maternity already has cases. Identities are
invented."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from accounts.demo import MATERNITY_SOUTH
from accounts.models import Organisation, User

from .anonymisation import scrub
from .models import CareEvent, Case
from .services.cases import care_event_save, case_create_draft, summary_save
from .services.transitions import case_transition

PARIS = ZoneInfo("Europe/Paris")

# Path of transitions from draft, and who performs each (demo account emails).
PATH = [
    ("declare", "declarant@rmm-demo.fr", ""),
    ("accept", "referent@rmm-demo.fr", ""),
    ("submit_for_review", "referent@rmm-demo.fr", ""),
]
STEPS_TO = {"draft": 0, "declared": 1, "documenting": 2, "ready": 3}

SCENARIOS = [
    # target status, facts, mother's names, hours lived, narrative
    (
        "draft",
        {"outcome": "live_birth_death", "gestational_age_weeks": 24, "gestational_age_days": 5},
        ("Moreau", "Lucie"),
        20,
        "Mme Moreau, suivie en PMI, accouche à 24 SA + 5 j. Décès à H20 en réanimation.",
    ),
    (
        "declared",
        {
            "gestational_age_weeks": 36,
            "gestational_age_days": 1,
            "birth_weight_g": 2150,
            "sex": "male",
            "place_of_death": "neonatal_unit",
        },
        ("Benali", "Samira"),
        30,
        "Mme Benali, hébergée via le 115, 1re consultation à 30 SA, naissance à 36 SA + 1 j.",
    ),
    (
        "excluded",
        {
            "gestational_age_weeks": 36,
            "gestational_age_days": 1,
            "birth_weight_g": 2150,
            "sex": "male",
            "place_of_death": "neonatal_unit",
        },
        ("Benali", "Samira"),
        30,
        "Doublon de la déclaration précédente.",
    ),
    (
        "documenting",
        {
            "gestational_age_weeks": 39,
            "gestational_age_days": 4,
            "birth_weight_g": 3350,
            "sex": "female",
            "place_of_death": "home",
        },
        ("Nguyen", "Thi"),
        24 * 12,
        "Sortie de maternité à J3, mort inattendue du nourrisson au domicile à J12.",
    ),
    (
        "ready",
        {},
        ("Traoré", "Awa"),
        52,
        "Mme Traoré, sans interprète, consulte aux urgences à 27 SA pour contractions.",
    ),
    (
        "ready",
        {"gestational_age_weeks": 31, "gestational_age_days": 0, "birth_weight_g": 1450},
        ("Lefebvre", "Julie"),
        24 * 9,
        "Transfert in utero refusé faute de place, naissance à 31 SA en niveau 2A.",
    ),
    (
        "ready",
        {
            "gestational_age_weeks": 40,
            "gestational_age_days": 2,
            "birth_weight_g": 3600,
            "sex": "male",
        },
        ("Martin", "Sophie"),
        6,
        "Anoxie per-partum, césarienne en urgence, décès à H6.",
    ),
    (
        "ready",
        {"gestational_age_weeks": 25, "gestational_age_days": 3, "birth_weight_g": 760},
        ("Diallo", "Mariam"),
        24 * 3,
        "Mme Diallo, AME non ouverte, aucune consultation avant 25 SA.",
    ),
    (
        "ready",
        {"gestational_age_weeks": 33, "gestational_age_days": 6, "birth_weight_g": 1980},
        ("Petit", "Claire"),
        24 * 20,
        "Infection néonatale tardive, décès à J20 en néonatologie.",
    ),
]

BASE_FACTS = {
    "outcome": "live_birth_death",
    "gestational_age_weeks": 27,
    "gestational_age_days": 2,
    "birth_weight_g": 980,
    "sex": "female",
    "birth_place_type": "maternity",
    "place_of_death": "nicu",
}


def _documented(case: Case, coordinator: User) -> None:
    events = [
        CareEvent(
            period="antenatal",
            gestational_weeks=12,
            gestational_days=0,
            place_type="pmi",
            actor_function="midwife",
            description="Première consultation prénatale, entretien prénatal proposé.",
        ),
        CareEvent(
            period="antenatal",
            gestational_weeks=case.gestational_age_weeks or 27,
            gestational_days=case.gestational_age_days or 0,
            place_type="maternity_3",
            actor_function="obstetrician",
            flag_delay=True,
            description="Admission en salle de naissance, travail avancé.",
        ),
        CareEvent(
            period="postnatal",
            day_of_life=0,
            hour_of_day=1,
            place_type="nicu",
            actor_function="neonatologist",
            description="Prise en charge en réanimation néonatale.",
        ),
    ]
    for event in events:
        care_event_save(case=case, by=coordinator, event=event)
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
    for index, (target, facts, (last_name, first_name), hours, narrative) in enumerate(SCENARIOS):
        born_at = born + timedelta(days=3 * index)
        case = case_create_draft(
            organisation=maternity,
            by=clinician,
            facts={**BASE_FACTS, **facts},
            identity={
                "mother_last_name": last_name,
                "mother_first_name": first_name,
                "born_at": born_at,
                "died_at": born_at + timedelta(hours=hours),
                "narrative_original": narrative,
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
                _documented(Case.objects.get(pk=case.pk), coordinator)
            current = Case.objects.get(pk=case.pk).status
            case_transition(
                case_id=case.pk,
                name=name,
                by=users[email],
                comment=comment,
                expected_status=current,
            )
    return {"cases": created}
