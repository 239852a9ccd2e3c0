"""The territorial indicators need when deaths happened and how long each step took, without
the vault: the year and month of death and the delays in days are derived and stored."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Avg, Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from cases.services.cases import case_update
from cases.services.transitions import case_transition

pytestmark = pytest.mark.django_db


def days_ago(days: int, hour: int = 10):
    moment = timezone.localtime() - timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def test_declaring_stores_the_month_of_death_and_the_delay_to_declaration(case_factory, clinician):
    born = days_ago(12)
    case = case_factory(identity={"born_at": born, "died_at": born + timedelta(days=2)})
    case_transition(case_id=case.pk, name="declare", by=clinician, expected_status="draft")
    case = Case.objects.get(pk=case.pk)
    death = timezone.localtime(born + timedelta(days=2))
    assert (case.death_year, case.death_month) == (death.year, death.month)
    assert case.days_death_to_declaration == 10
    assert case.days_declaration_to_review is None


def test_correcting_the_date_of_death_recomputes_the_delay(case_factory, coordinator):
    born = days_ago(30)
    case = case_factory(
        status="declared", identity={"born_at": born, "died_at": born + timedelta(days=1)}
    )
    Case.objects.filter(pk=case.pk).update(declared_at=days_ago(5))
    case = Case.objects.get(pk=case.pk)
    case_update(
        case=case,
        by=coordinator,
        facts={},
        identity={"born_at": born, "died_at": born + timedelta(days=3)},
    )
    assert Case.objects.get(pk=case.pk).days_death_to_declaration == 22


def test_the_first_review_stores_the_delay_from_declaration(
    case_factory, clinician, chair, secretary, committee_member
):
    from committees.services.reviews import review_record
    from committees.services.sessions import agenda_add, session_transition
    from tests.cases.test_transitions import past_session
    from tests.committees.conftest import all_present, full_review

    case = case_factory(status="ready")
    Case.objects.filter(pk=case.pk).update(declared_at=days_ago(40))
    session = past_session(committee=chair.committee_memberships.get().committee, by=secretary)
    agenda_add(session=session, case=case, by=secretary)
    session_transition(session=session, name="send_agenda", by=secretary, expected_status="planned")
    all_present(session, secretary)
    review_record(session=session, case=case, by=chair, review=full_review())
    assert Case.objects.get(pk=case.pk).days_declaration_to_review == 40


def test_indicators_are_computed_in_sql_without_reading_the_vault(case_factory):
    for days in (20, 50, 80):
        born = days_ago(days)
        case = case_factory(
            status="declared", identity={"born_at": born, "died_at": born + timedelta(days=1)}
        )
        Case.objects.filter(pk=case.pk).update(
            declared_at=timezone.now(), days_death_to_declaration=days - 2
        )
    with CaptureQueriesContext(connection) as captured:
        by_month = list(
            Case.objects.values("death_year", "death_month")
            .annotate(n=Count("pk"), delay=Avg("days_death_to_declaration"))
            .order_by("death_year", "death_month")
        )
    assert sum(row["n"] for row in by_month) == 3
    assert all("identityvault" not in query["sql"] for query in captured.captured_queries)
