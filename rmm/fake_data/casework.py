"""Cases from their plan: pseudonymised facts with the real derivations, an encrypted identity
vault, a chronology of care and the audit trail of every transition they went through."""

import contextlib
from datetime import timedelta
from functools import cache

from cases import crypto
from cases.models import CareEvent, Case, CaseCodeCounter, CaseTransition, IdentityVault
from cases.models.case import _days_between

from .bulk import backdated, bulk
from .plan import not_after_now

LAST_NAMES = [
    "Martin",
    "Bernard",
    "Diallo",
    "Nguyen",
    "Traoré",
    "Moreau",
    "Benali",
    "Petit",
    "Lefebvre",
    "Da Silva",
    "Kaya",
    "Haddad",
    "Mendy",
    "Roux",
    "Fofana",
    "Girard",
]
FIRST_NAMES = [
    "Awa",
    "Sophie",
    "Samira",
    "Thi",
    "Julie",
    "Mariam",
    "Claire",
    "Inès",
    "Fatou",
    "Léa",
    "Elif",
    "Aminata",
    "Camille",
    "Yasmine",
    "Ana",
    "Chloé",
]
# Each followed by "; naissance à <term> ; <weight> g."
SUMMARIES = [
    "Suivi prénatal débuté au 3e trimestre, orientation PMI tardive",
    "Transfert in utero refusé faute de place en niveau 3",
    "Consultation aux urgences pour contractions sans interprète",
    "Grossesse suivie, anomalie du rythme cardiaque fœtal en travail",
    "Infection néonatale tardive en néonatologie",
    "Sortie de maternité à J3, pas de visite à domicile",
]
EVENTS = [
    (
        "antenatal",
        "pmi",
        "midwife",
        "Première consultation prénatale, entretien prénatal proposé.",
        False,
    ),
    (
        "antenatal",
        "emergency",
        "obstetrician",
        "Consultation aux urgences obstétricales, retour à domicile.",
        True,
    ),
    (
        "antenatal",
        "maternity_2",
        "midwife",
        "Hospitalisation pour menace d'accouchement prématuré.",
        False,
    ),
    (
        "antenatal",
        "maternity_3",
        "obstetrician",
        "Admission en salle de naissance, travail avancé.",
        True,
    ),
    ("postnatal", "nicu", "neonatologist", "Prise en charge en réanimation néonatale.", False),
    (
        "postnatal",
        "transport",
        "emergency",
        "Transfert postnatal médicalisé vers le niveau 3.",
        False,
    ),
    (
        "postnatal",
        "neonatal_unit",
        "paediatrician",
        "Dégradation respiratoire, antibiothérapie.",
        True,
    ),
    ("postnatal", "home", "family", "Retour à domicile, pas de visite de PMI programmée.", False),
]
PLACE_OF_DEATH = [
    ("nicu", 45),
    ("neonatal_unit", 20),
    ("maternity_ward", 20),
    ("home", 10),
    ("in_transit", 5),
]
INSURANCE = [
    ("puma_with_complementary", 60),
    ("puma_without_complementary", 15),
    ("ame", 10),
    ("none", 5),
    ("unknown", 10),
]
HOUSING = [("stable", 80), ("precarious", 8), ("emergency_shelter", 5), ("none", 2), ("unknown", 5)]
FIRST_VISIT = [("first", 70), ("second", 15), ("third", 6), ("not_followed", 4), ("unknown", 5)]
DELIVERY = [
    ("spontaneous_vaginal", 45),
    ("instrumental_vaginal", 8),
    ("planned_caesarean", 12),
    ("caesarean_in_labour", 25),
    ("unknown", 10),
]
ROOT_OUTCOME = {"stillbirth": "stillbirth", "severe_morbidity": "severe_morbidity"}


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


@contextlib.contextmanager
def reused_ciphertexts():
    """The vault's names, numbers and narratives come from small pools: each distinct value is
    encrypted once and its token reused (an invented region; real vaults never repeat tokens).
    Dates, unique to each case, are encrypted one by one."""
    original = crypto.encrypt
    crypto.encrypt = cache(original)
    try:
        yield
    finally:
        crypto.encrypt = original


def _facts(plan, rng) -> dict:
    weeks = rng.choices(
        [rng.randint(22, 27), rng.randint(28, 31), rng.randint(32, 36), rng.randint(37, 41)],
        weights=[35, 20, 20, 25],
    )[0]
    weight = max(300, min(4800, int(500 + (weeks - 22) * 170 + rng.gauss(0, 250))))
    facts = {
        "outcome": ROOT_OUTCOME.get(plan.kind, "live_birth_death"),
        "gestational_age_weeks": weeks,
        "gestational_age_days": rng.randint(0, 6),
        "birth_weight_g": weight,
        "sex": rng.choice(["male", "female"]),
        "birth_place_type": "maternity" if rng.random() < 0.95 else "unplanned_home",
        "maternity_level_at_birth": plan.unit.level or "3",
        "mother_age_years": rng.randint(17, 45),
        "gravidity": (gravidity := rng.randint(1, 6)),
        "parity": rng.randint(0, gravidity - 1),
        "health_insurance": _pick(rng, INSURANCE),
        "housing": _pick(rng, HOUSING),
        "language_barrier": rng.random() < 0.08,
        "social_isolation": rng.random() < 0.1,
        "first_antenatal_visit_trimester": _pick(rng, FIRST_VISIT),
        "delivery_mode": _pick(rng, DELIVERY),
        "antenatal_corticosteroids": rng.choice(["complete", "incomplete", "none", "unknown"])
        if weeks < 34
        else "",
    }
    if plan.kind == "stillbirth":
        facts["stillbirth_state"] = rng.choice(["fresh", "macerated"])
    elif plan.kind != "severe_morbidity":
        facts["place_of_death"] = _pick(rng, PLACE_OF_DEATH)
    return facts


def create_cases(world, plans, *, rng, now) -> list[Case]:
    counters = {}
    cases = []
    for plan in plans:
        year = plan.created_at.year
        counters[year] = counters.get(year, 0) + 1
        facts = _facts(plan, rng)
        case = Case(
            code=f"RMM-{year}-{counters[year]:04d}",
            territory=world.ars,
            organisation=plan.unit,
            declared_by=world.clinicians[plan.unit.pk][
                plan.index % len(world.clinicians[plan.unit.pk])
            ],
            status=plan.status,
            created_at=plan.created_at,
            declared_at=plan.declared_at,
            accepted_at=plan.accepted_at,
            ready_at=plan.ready_at,
            closed_at=plan.closed_at,
            **facts,
        )
        if plan.status not in ("draft", "declared", "excluded"):
            opening = rng.choice(SUMMARIES).removesuffix(".")
            term, weight = case.gestational_age_display, case.birth_weight_g
            case.summary = f"{opening} ; naissance à {term} ; {weight} g."
        if plan.ready_at is not None:
            case.summary_validated_at = plan.ready_at - timedelta(hours=2)
            case.summary_validated_by = world.coordinator[plan.unit.pk]
        if plan.status == "excluded":
            case.exclusion_reason = "Hors champ RMM : décès au-delà de 364 jours."
        case.compute_derived_values(born_at=plan.born_at, died_at=plan.died_at)
        if plan.session is not None and plan.status != "scheduled":
            case.days_declaration_to_review = _days_between(
                plan.declared_at, plan.session.starts_at
            )
        cases.append(case)
    # `updated_at` is auto_now: the moment of generation, which is what a migration would give.
    cases = bulk(Case, cases, batch=2000)
    CaseCodeCounter.objects.bulk_create(
        [
            CaseCodeCounter(territory=world.ars, year=year, last_value=last)
            for year, last in counters.items()
        ]
    )
    return cases


def create_vaults(plans, cases, *, rng) -> int:
    rows = []
    for plan, case in zip(plans, cases, strict=True):
        last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
        rows.append(
            IdentityVault(
                case=case,
                mother_last_name=last,
                mother_first_name=first,
                child_last_name=last,
                child_first_name=rng.choice(FIRST_NAMES),
                mother_nir=f"2{rng.randint(80, 99)}0{rng.randint(1, 9)}75{rng.randint(100, 130)}",
                ipp=f"IPP{rng.randint(1000, 1100)}",
                born_at=plan.born_at,
                died_at=plan.died_at,
                address=f"{rng.randint(1, 20)} rue des Lilas, 75020 Paris",
                phone=f"06 00 00 00 {rng.randint(10, 40)}",
                narrative_original=f"Mme {last} {first} arrive en salle de naissance.",
            )
        )
    with reused_ciphertexts():
        bulk(IdentityVault, rows, batch=2000)
    return len(rows)


def create_chronologies(plans, cases, *, rng) -> int:
    rows = []
    for plan, case in zip(plans, cases, strict=True):
        if plan.status in ("draft", "declared", "excluded"):
            count = rng.randint(0, 1)
        else:
            count = rng.randint(2, 6)
        templates = sorted(rng.sample(EVENTS, count), key=lambda event: event[0] != "antenatal")
        for position, (period, place, actor, text, delay) in enumerate(templates):
            event = CareEvent(
                case=case,
                position=position,
                period=period,
                place_type=place,
                actor_function=actor,
                description=text,
                flag_delay=delay,
                flag_transfer=place == "transport",
            )
            if period == "antenatal":
                event.gestational_weeks = max(
                    8, (case.gestational_age_weeks or 30) - (count - position) * 3
                )
                event.gestational_days = 0
            else:
                event.day_of_life, event.hour_of_day = position, rng.randint(0, 23)
            rows.append(event)
    bulk(CareEvent, rows)
    return len(rows)


def create_case_transitions(world, plans, cases, *, now, rng) -> int:
    rows = []
    for plan, case in zip(plans, cases, strict=True):
        network = plan.network
        clinician = case.declared_by
        coordinator = world.coordinator[plan.unit.pk]
        chair, secretary = world.chair[network], world.secretary[network]

        previous = [plan.created_at]  # each move after the one before it

        def move(name, source, target, by, at, comment="", case=case, previous=previous):
            at = not_after_now(at, earliest=previous[0], now=now, rng=rng)
            previous[0] = at
            rows.append(
                CaseTransition(
                    case=case,
                    transition=name,
                    source=source,
                    target=target,
                    actor=by,
                    actor_name=by.full_name,
                    at=at,
                    comment=comment,
                )
            )

        if plan.declared_at is None:
            continue
        move("declare", "draft", "declared", clinician, plan.declared_at)
        if plan.status == "excluded":
            move(
                "exclude",
                "declared",
                "excluded",
                coordinator,
                plan.declared_at + timedelta(days=2),
                "Hors champ RMM.",
            )
            continue
        if plan.accepted_at is None:
            continue
        move("accept", "declared", "documenting", coordinator, plan.accepted_at)
        if plan.ready_at is None:
            continue
        if plan.sent_back:
            third = (plan.ready_at - plan.accepted_at) / 3
            move("submit_for_review", "documenting", "ready", coordinator, plan.accepted_at + third)
            move(
                "send_back",
                "ready",
                "documenting",
                secretary,
                plan.accepted_at + 2 * third,
                "Chronologie incomplète.",
            )
        move("submit_for_review", "documenting", "ready", coordinator, plan.ready_at)
        if plan.session is None:
            continue
        scheduled_at = max(
            plan.ready_at + timedelta(hours=1),
            plan.session.starts_at - timedelta(days=10, minutes=rng.randint(0, 600)),
        )
        if plan.postponed:
            move("schedule", "ready", "scheduled", secretary, scheduled_at - timedelta(hours=2))
            move("postpone", "scheduled", "ready", secretary, scheduled_at - timedelta(hours=1))
        move("schedule", "ready", "scheduled", secretary, scheduled_at)
        if plan.status == "scheduled":
            continue
        review_at = plan.session.starts_at + timedelta(minutes=rng.randint(10, 180))
        move("record_review", "scheduled", "reviewed", chair, review_at)
        if plan.actions:
            move(
                "adopt_action_plan",
                "reviewed",
                "action_follow_up",
                chair,
                review_at + timedelta(hours=1),
            )
        if plan.status != "closed":
            continue
        source = "action_follow_up" if plan.actions else "reviewed"
        if plan.reopened and plan.closed_at - timedelta(days=30) > review_at:
            move(
                "close",
                source,
                "closed",
                chair,
                plan.closed_at - timedelta(days=30),
                "Plan d'actions terminé.",
            )
            move(
                "reopen",
                "closed",
                "reviewed",
                chair,
                plan.closed_at - timedelta(days=20),
                "Résultats d'autopsie reçus.",
            )
            source = "reviewed"
        reason = "Aucune action nécessaire." if plan.no_action else "Plan d'actions terminé."
        move("close", source, "closed", chair, plan.closed_at, reason)
    with backdated((CaseTransition, "at")):
        bulk(CaseTransition, rows)
    return len(rows)
