"""The share of cases reviewed within three months of the death counts, beside the reviewed
cases, the declared cases still waiting whose three months are over: a territory that leaves
cases unreviewed cannot show 100 %. Only the delay from death to declaration is stored, never the
date of death."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from territory.selectors import REVIEW_TARGET_DAYS, delays, territory_cases

from .conftest import make_case

pytestmark = pytest.mark.django_db


def waiting(maternity, clinician, *, declared_days_ago, to_declaration):
    case = make_case(
        maternity,
        clinician,
        status="ready",
        kind="early_neonatal",
        year=timezone.localdate().year,
        month=1,
        to_declaration=to_declaration,
        to_review=None,
    )
    Case.objects.filter(pk=case.pk).update(
        declared_at=timezone.now() - timedelta(days=declared_days_ago)
    )
    return case


def reviewed(maternity, clinician, *, death_to_review):
    return make_case(
        maternity,
        clinician,
        status="reviewed",
        kind="early_neonatal",
        year=timezone.localdate().year,
        month=1,
        to_declaration=2,
        to_review=death_to_review - 2,
    )


def test_waiting_cases_past_three_months_count_against_the_target(
    maternity, clinician, coordinator
):
    reviewed(maternity, clinician, death_to_review=30)  # on time
    reviewed(maternity, clinician, death_to_review=REVIEW_TARGET_DAYS + 20)  # late
    waiting(maternity, clinician, declared_days_ago=REVIEW_TARGET_DAYS + 5, to_declaration=1)
    # declared ten days ago, but the death was 85 days before that: the three months are over
    waiting(maternity, clinician, declared_days_ago=10, to_declaration=85)
    # declared ten days ago, twenty days after the death: still within its three months
    waiting(maternity, clinician, declared_days_ago=10, to_declaration=20)

    result = delays(cases=territory_cases(user=coordinator))

    assert (result.reviewed, result.reviewed_within_target) == (2, 1)
    assert result.unreviewed_past_target == 2
    assert result.due == 4
    assert result.within_target_percent == 25


def test_no_case_due_gives_no_share(maternity, clinician, coordinator):
    waiting(maternity, clinician, declared_days_ago=3, to_declaration=2)

    result = delays(cases=territory_cases(user=coordinator))

    assert result.due == 0
    assert result.within_target_percent is None


def test_the_dashboard_says_how_many_wait(client, maternity, clinician, coordinator):
    reviewed(maternity, clinician, death_to_review=30)
    waiting(maternity, clinician, declared_days_ago=REVIEW_TARGET_DAYS + 5, to_declaration=1)
    client.force_login(coordinator)

    page = client.get("/territoire/").content.decode()

    assert "1 sur 2 cas dont le délai est échu, dont 1 encore en attente de revue" in page


def test_the_annual_report_uses_the_dashboards_denominator(maternity, clinician, coordinator):
    from territory.report import annual_report_context
    from territory.selectors import TerritoryFilters

    for _index in range(5):
        reviewed(maternity, clinician, death_to_review=30)
    for _index in range(5):
        waiting(maternity, clinician, declared_days_ago=REVIEW_TARGET_DAYS + 5, to_declaration=1)

    context = annual_report_context(
        user=coordinator,
        filters=TerritoryFilters(),
        year=timezone.localdate().year,
        scope="Nord",
        described=[],
    )

    assert (context["t"]["activity"]["within_target"], context["t"]["activity"]["due"]) == (
        "5",
        "10",
    )
