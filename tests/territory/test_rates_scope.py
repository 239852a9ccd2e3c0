"""Rates per 1,000 live births over the territory's maternities: a death declared by a neonatal
unit (which has no births) counts in the numerator without withholding the rate, and births
entered for years before the first declared death do not dilute the rate of the period."""

import pytest

from accounts.models import Organisation
from territory.models import LiveBirths
from territory.rates import rates
from territory.selectors import TerritoryFilters, territory_cases
from tests.factories import OrganisationFactory

from .conftest import make_case

pytestmark = pytest.mark.django_db


def births(organisation, year, count, by):
    LiveBirths.objects.create(
        organisation=organisation, year=year, count=count, source="PMSI", entered_by=by
    )


def rates_for(user, **filters):
    chosen = TerritoryFilters(**filters)
    return rates(user=user, cases=territory_cases(user=user, filters=chosen), filters=chosen)


def test_a_neonatal_units_death_counts_over_the_maternities_births(
    network, maternity, second_maternity, clinician, observer
):
    neonatal_unit = OrganisationFactory(
        name="Néonatologie Nord", kind=Organisation.Kind.NEONATOLOGY, parent=network
    )
    make_case(
        neonatal_unit, clinician, status="declared", kind="early_neonatal", year=2025, month=4,
        to_declaration=2, to_review=None,
    )  # fmt: skip
    make_case(
        maternity, clinician, status="declared", kind="late_neonatal", year=2025, month=6,
        to_declaration=2, to_review=None,
    )  # fmt: skip
    births(maternity, 2025, 1500, observer)
    births(second_maternity, 2025, 500, observer)

    row = rates_for(observer).rows[0]

    assert row.missing == []
    assert (row.deaths, row.births, row.rate_display) == (2, 2000, "1,00 ‰")


def test_years_before_the_first_declared_death_are_left_out_unless_asked(
    maternity, clinician, quality_manager
):
    births(maternity, 2023, 2000, quality_manager)
    births(maternity, 2024, 2000, quality_manager)
    make_case(
        maternity, clinician, status="declared", kind="early_neonatal", year=2024, month=3,
        to_declaration=2, to_review=None,
    )  # fmt: skip

    default = rates_for(quality_manager)
    asked = rates_for(quality_manager, start=(2023, 1), end=(2024, 12))

    assert [row.label for row in default.rows] == ["2024"]
    assert default.rows[0].rate_display == "0,50 ‰"
    assert [row.label for row in asked.rows] == ["2023", "2024"]
    assert asked.total.rate_display == "0,25 ‰"


def test_the_dashboard_says_the_numerator_is_the_declared_deaths(client, quality_manager):
    client.force_login(quality_manager)

    page = client.get("/territoire/").content.decode()

    assert "décès déclarés dans RMM" in page


def test_births_left_on_an_organisation_that_is_not_a_maternity_are_not_counted(
    network, maternity, clinician, observer
):
    """Figures entered for the network before the model refused them (objects.create skips
    full_clean, as an old import did) would count the maternity's births twice."""
    make_case(
        maternity, clinician, status="declared", kind="late_neonatal", year=2025, month=6,
        to_declaration=2, to_review=None,
    )  # fmt: skip
    births(maternity, 2025, 4848, observer)
    births(network, 2025, 4848, observer)

    result = rates_for(observer)

    assert (result.rows[0].births, result.rows[0].missing) == (4848, [])
    assert [source.organisation for source in result.sources] == [maternity.name]
