"""A known territory: the network Nord with two maternities (Nord, level 3, and Nord-Est,
level 1), cases in several statuses, kinds and years, two of them reviewed by the network's
committee with factors, pathway breaks and actions; one case in the network Sud that nobody of
Nord may ever count; live births for Maternité Nord in 2025 only."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from actions.models import ActionTransition, CorrectiveAction
from cases.models import Case
from committees.models import (
    AgendaItem,
    AlarmItem,
    CaseReview,
    ContributingFactor,
    IcdPmGroup,
    MaternalCondition,
    PathwayStage,
    Session,
)
from territory.models import LiveBirths
from tests.factories import CaseFactory, MaternityFactory, member


@dataclass
class World:
    cases: dict
    session: Session
    second_maternity: object


def make_case(organisation, by, *, status, kind, year, month, to_declaration, to_review, **facts):
    case = CaseFactory(
        organisation=organisation,
        territory=organisation.parent or organisation,
        declared_by=by,
        status=status,
        summary="Nouveau-né de 27 SA + 2 j.",
        **facts,
    )
    Case.objects.filter(pk=case.pk).update(
        kind=kind,
        death_year=year,
        death_month=month,
        days_death_to_declaration=to_declaration,
        days_declaration_to_review=to_review,
    )
    return Case.objects.get(pk=case.pk)


def review(case, session, by, *, avoidability, grades, icd, maternal, factors=(), stages=()):
    item = AgendaItem.objects.create(session=session, case=case)
    assert item.pk
    recorded = CaseReview.objects.create(
        case=case,
        session=session,
        recorded_by=by,
        icd_pm_group=IcdPmGroup.objects.get(code=icd),
        maternal_condition=MaternalCondition.objects.get(code=maternal),
        grade_care_to_death=grades[0],
        grade_neonatal_care=grades[1],
        grade_after_death=grades[2],
        avoidability=avoidability,
        optimal_care=False,
    )
    for code in factors:
        ContributingFactor.objects.create(review=recorded, item=AlarmItem.objects.get(code=code))
    for code in stages:
        recorded.pathway_breaks.add(PathwayStage.objects.get(code=code))
    return recorded


def action(session, case, by, *, status, days):
    created = CorrectiveAction.objects.create(
        session=session,
        created_by=by,
        what_changes='=HYPERLINK("http://evil") protocole révisé',
        barrier="recovery",
        nature="protocol",
        owner_organisation=case.organisation,
        owner_function="Cadre de la salle de naissance",
        due_date=timezone.localdate() + timedelta(days=days),
        indicator="Audit de 20 dossiers",
        indicator_check_date=timezone.localdate() + timedelta(days=90),
    )
    created.cases.add(case)
    CorrectiveAction.objects.filter(pk=created.pk).update(status=status)
    if status == "done":
        ActionTransition.objects.create(
            action=created,
            transition="complete",
            source="in_progress",
            target="done",
            actor=by,
            actor_name=by.full_name,
        )
    return created


@pytest.fixture
def second_maternity(network):
    return MaternityFactory(name="Maternité Nord-Est", parent=network, level="1")


@pytest.fixture
def world(maternity, second_maternity, other_maternity, clinician, committee, chair, secretary):
    session = Session.objects.create(
        committee=committee,
        starts_at=timezone.now() - timedelta(days=3),
        place="Salle du réseau",
        created_by=secretary,
    )
    other_clinician = member(Role.CLINICIAN, other_maternity, email="decl@sud.test")
    est_clinician = member(Role.CLINICIAN, second_maternity, email="decl@nord-est.test")
    cases = {
        "reviewed": make_case(
            maternity,
            clinician,
            status="reviewed",
            kind="early_neonatal",
            year=2025,
            month=3,
            to_declaration=5,
            to_review=40,
            housing="emergency_shelter",
            language_barrier=True,
            health_insurance="ame",
        ),
        "closed": make_case(
            maternity,
            clinician,
            status="closed",
            kind="late_neonatal",
            year=2025,
            month=7,
            to_declaration=10,
            to_review=120,
            housing="stable",
            health_insurance="puma_with_complementary",
        ),
        "documenting": make_case(
            maternity,
            clinician,
            status="documenting",
            kind="post_neonatal",
            year=2026,
            month=1,
            to_declaration=3,
            to_review=None,
        ),
        "draft": make_case(
            maternity,
            clinician,
            status="draft",
            kind="early_neonatal",
            year=2025,
            month=2,
            to_declaration=None,
            to_review=None,
        ),
        "excluded": make_case(
            maternity,
            clinician,
            status="excluded",
            kind="early_neonatal",
            year=2025,
            month=2,
            to_declaration=1,
            to_review=None,
        ),
        "est": make_case(
            second_maternity,
            est_clinician,
            status="ready",
            kind="stillbirth",
            year=2025,
            month=5,
            to_declaration=20,
            to_review=None,
        ),
        "south": make_case(
            other_maternity,
            other_clinician,
            status="reviewed",
            kind="early_neonatal",
            year=2025,
            month=4,
            to_declaration=2,
            to_review=30,
        ),
    }
    review(
        cases["reviewed"],
        session,
        chair,
        avoidability="avoidable",
        grades="CBA",
        icd="N9",
        maternal="M2",
        factors=("1.4", "4.1"),
        stages=("P03",),
    )
    review(
        cases["closed"],
        session,
        chair,
        avoidability="not_avoidable",
        grades="AAA",
        icd="N6",
        maternal="M5",
        factors=("1.4",),
    )
    action(session, cases["reviewed"], chair, status="done", days=10)
    action(session, cases["closed"], chair, status="approved", days=-5)
    LiveBirths.objects.create(
        organisation=maternity, year=2025, count=1000, source="PMSI 2025", entered_by=chair
    )
    return World(cases=cases, session=session, second_maternity=second_maternity)
