"""The series by period shows empty periods (a chart that skips them reads as a steady series),
labels months as MM/YYYY, and choosing a network (or an ARS) in the organisation filter counts
the organisations attached to it, not only the cases the network declared itself."""

import pytest

from territory.selectors import MONTH, TerritoryFilters, cases_by_period, territory_cases

from .conftest import make_case

pytestmark = pytest.mark.django_db


def death(organisation, by, year, month):
    return make_case(
        organisation, by, status="declared", kind="early_neonatal", year=year, month=month,
        to_declaration=2, to_review=None,
    )  # fmt: skip


def series(user, **filters):
    chosen = TerritoryFilters(**filters)
    cases = territory_cases(user=user, filters=chosen)
    return cases_by_period(
        cases=cases, granularity=chosen.granularity, start=chosen.start, end=chosen.end
    )


def test_months_without_deaths_are_shown_with_zeros_over_the_chosen_period(
    maternity, clinician, observer
):
    death(maternity, clinician, 2025, 9)
    death(maternity, clinician, 2025, 10)
    death(maternity, clinician, 2025, 10)

    rows = series(observer, granularity=MONTH, start=(2025, 1), end=(2025, 12))

    assert [row.label for row in rows] == [f"{month:02d}/2025" for month in range(1, 13)]
    assert [row.total for row in rows] == [0] * 8 + [1, 2, 0, 0]


def test_years_without_deaths_are_filled_between_the_first_and_the_last(
    maternity, clinician, observer
):
    death(maternity, clinician, 2022, 5)
    death(maternity, clinician, 2025, 5)

    rows = series(observer)

    assert [(row.label, row.total) for row in rows] == [
        ("2022", 1),
        ("2023", 0),
        ("2024", 0),
        ("2025", 1),
    ]


def test_a_network_chosen_as_organisation_counts_its_maternities(
    network, maternity, clinician, observer, client
):
    death(maternity, clinician, 2025, 3)

    chosen = TerritoryFilters(organisation_id=network.pk)

    assert territory_cases(user=observer, filters=chosen).count() == 1
    client.force_login(observer)
    page = client.get("/territoire/", {"organisation": network.pk})
    assert page.context["d"].total == 1
