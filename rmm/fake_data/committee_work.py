"""What the committees did with the cases: agendas with presenters, attendance, the review
record of every reviewed case (ICD-PM, care grades, avoidability, ALARM factors, delays,
pathway breaks) and frozen minutes for every session whose minutes were validated."""

from datetime import timedelta

from committees.models import (
    AgendaItem,
    AlarmItem,
    Attendance,
    CaseReview,
    ContributingFactor,
    Delay,
    IcdPmGroup,
    MaternalCondition,
    MinutesCaseExtract,
    MinutesVersion,
    PathwayStage,
)

from .bulk import backdated, bulk
from .plan import REVIEWED

GRADES = [("A", 30), ("B", 35), ("C", 25), ("D", 10)]
AVOIDABILITY = [
    ("not_avoidable", 50),
    ("potentially_avoidable", 28),
    ("avoidable", 10),
    ("not_assessable", 12),
]
CONCLUSIONS = [
    "Suivi prénatal tardif ; orientation PMI à renforcer.",
    "Délai de transfert in utero ; protocole régional à revoir.",
    "Absence d'interprète aux urgences ; interprétariat à organiser.",
    "Prise en charge conforme ; décès non évitable.",
    "Surveillance du rythme cardiaque fœtal à reprendre en formation.",
]
FACTOR_COMMENTS = [
    "Barrière de la langue.",
    "Protocole non connu de l'équipe de garde.",
    "",
    "Effectif réduit la nuit.",
    "",
]


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def create_agendas(world, plans, cases) -> int:
    positions = {}
    rows = []
    for plan, case in zip(plans, cases, strict=True):
        if plan.session is None:
            continue
        position = positions[plan.session.pk] = positions.get(plan.session.pk, 0) + 1
        rows.append(
            AgendaItem(
                session=plan.session,
                case=case,
                position=position,
                presenter=world.coordinator[plan.unit.pk],
            )
        )
    bulk(AgendaItem, rows)
    return len(rows)


def create_attendance(world, sessions, *, rng) -> int:
    rows = []
    for members, committee_sessions in zip(world.committee_members, sessions, strict=True):
        for session in committee_sessions:
            if session.status not in ("held", "minutes_validated"):
                continue
            for member in members:
                status = (
                    "present"
                    if member.role != "member"
                    else _pick(rng, [("present", 75), ("excused", 15), ("absent", 10)])
                )
                rows.append(Attendance(session=session, member=member, status=status))
    bulk(Attendance, rows)
    return len(rows)


def create_reviews(world, plans, cases, *, rng) -> dict:
    """Reviews and their factors; returns {case pk: [factor pks]} for the actions."""
    groups = {timing: list(IcdPmGroup.objects.filter(timing=timing)) for timing in "AIN"}
    maternal = list(MaternalCondition.objects.all())
    items = list(AlarmItem.objects.all())
    delays = list(Delay.objects.all())
    stages = list(PathwayStage.objects.all())
    reviewed = [
        (plan, case) for plan, case in zip(plans, cases, strict=True) if plan.status in REVIEWED
    ]
    reviews = []
    for plan, case in reviewed:
        if plan.kind == "stillbirth":
            group = rng.choice(groups["A"] + groups["I"])
        elif plan.kind == "severe_morbidity":
            group = None
        else:
            group = rng.choice(groups["N"])
        grade = _pick(rng, GRADES)
        reviews.append(
            CaseReview(
                case=case,
                session=plan.session,
                recorded_by=world.chair[plan.network],
                recorded_at=plan.session.starts_at + timedelta(hours=1),
                icd_pm_group=group,
                maternal_condition=rng.choice(maternal),
                grade_care_to_death=grade,
                grade_neonatal_care=_pick(rng, GRADES),
                grade_after_death=_pick(rng, GRADES[:2]),
                avoidability=_pick(rng, AVOIDABILITY),
                optimal_care=grade in "AB",
                what_went_well="Accompagnement du deuil par l'équipe.",
                answers_to_parents="Entretien avec le pédiatre référent.",
                conclusion=rng.choice(CONCLUSIONS),
                no_action_needed=plan.no_action,
            )
        )
    with backdated((CaseReview, "recorded_at")):
        reviews = bulk(CaseReview, reviews)

    factors, delay_links, stage_links = [], [], []
    DelayLink = CaseReview.delays.through
    StageLink = CaseReview.pathway_breaks.through
    for review in reviews:
        for item in rng.sample(items, rng.randint(1, 4)):
            factors.append(
                ContributingFactor(
                    review=review,
                    item=item,
                    comment=rng.choice(FACTOR_COMMENTS),
                    recovery_barrier=rng.random() < 0.2,
                )
            )
        delay_links += [
            DelayLink(casereview_id=review.pk, delay_id=d.pk)
            for d in rng.sample(delays, rng.randint(0, 2))
        ]
        stage_links += [
            StageLink(casereview_id=review.pk, pathwaystage_id=s.pk)
            for s in rng.sample(stages, rng.randint(0, 2))
        ]
    factors = bulk(ContributingFactor, factors)
    bulk(DelayLink, delay_links)
    bulk(StageLink, stage_links)
    case_of_review = {review.pk: review.case_id for review in reviews}
    factors_of_case = {}
    for factor in factors:
        factors_of_case.setdefault(case_of_review[factor.review_id], []).append(factor.pk)
    return {"reviews": len(reviews), "factors": len(factors), "factors_of_case": factors_of_case}


def create_minutes(world, sessions, plans, cases) -> int:
    """One version per held session: validated (frozen) once the session says so, a draft for
    the session still waiting for its minutes; one extract per reviewed case."""
    cases_of_session = {}
    for plan, case in zip(plans, cases, strict=True):
        if plan.status in REVIEWED:
            cases_of_session.setdefault(plan.session.pk, []).append(case)
    versions, extracts = [], []
    for n, committee_sessions in enumerate(sessions):
        for session in committee_sessions:
            if session.status not in ("held", "minutes_validated"):
                continue
            listed = cases_of_session.get(session.pk, [])
            body = "".join(
                f"<section><h2>{case.code}</h2><p>Analyse, facteurs et décisions.</p></section>"
                for case in listed
            )
            validated = session.status == "minutes_validated"
            versions.append(
                MinutesVersion(
                    session=session,
                    version=1,
                    body_html=f"<h1>Séance du {session.starts_at:%d/%m/%Y}</h1>{body}",
                    created_by=world.secretary[n],
                    created_at=session.starts_at + timedelta(days=2),
                    validated_by=world.chair[n] if validated else None,
                    validated_at=session.starts_at + timedelta(days=6) if validated else None,
                )
            )
    with backdated((MinutesVersion, "created_at")):
        versions = bulk(MinutesVersion, versions, batch=500)
    for version in versions:
        for case in cases_of_session.get(version.session_id, []):
            extracts.append(
                MinutesCaseExtract(
                    minutes=version,
                    case=case,
                    body_html=f"<section><h2>{case.code}</h2><p>Analyse du comité.</p></section>",
                )
            )
    bulk(MinutesCaseExtract, extracts)
    return len(versions)
