"""Hostile input on the case pages and services answers a French message, never a 500: dates
in year 1 or 9999 (OverflowError once converted to UTC), ids in other scripts' digits."""

import html
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cases.clinical import age_at_death
from cases.exceptions import InvalidInput
from cases.models import IdentityVault
from cases.services.cases import case_update

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    "born_at", ["01/01/0001 00:00", "31/12/9999 23:59", "31/12/1899 23:00", "01/01/2101"]
)
def test_identity_dates_outside_1900_2100_are_refused_in_french(
    client, case_factory, clinician, born_at
):
    case = case_factory()
    client.force_login(clinician)
    response = client.post(
        reverse("cases:edit", args=[case.pk]),
        {"born_at": born_at, "died_at": "01/01/0001 01:00", "save": ""},
    )
    assert response.status_code == 400
    assert "Saisissez une date entre 1900 et 2100." in text(response)
    assert IdentityVault.objects.get(case=case).born_at.year == 2026


def test_the_declaration_refuses_year_one_too(client, clinician, maternity):
    client.force_login(clinician)
    response = client.post(
        reverse("cases:declare"),
        {"organisation": maternity.pk, "born_at": "01/01/0001 00:00", "died_at": "02/01/0001"},
    )
    assert response.status_code == 400
    assert "Saisissez une date entre 1900 et 2100." in text(response)


def test_age_at_death_never_overflows():
    with pytest.raises(ValueError, match="invalides"):
        age_at_death(datetime(1, 1, 1, tzinfo=PARIS), datetime(1, 1, 2, tzinfo=PARIS))
    with pytest.raises(ValueError, match="invalides"):
        age_at_death(datetime(2026, 1, 1), datetime(2026, 1, 2, tzinfo=PARIS))


def test_the_service_refuses_dates_that_overflow_whatever_the_route(case_factory, clinician):
    case = case_factory()
    with pytest.raises(InvalidInput, match="invalides"):
        case_update(
            case=case,
            by=clinician,
            facts={},
            identity={
                "born_at": datetime(1, 1, 1, tzinfo=PARIS),
                "died_at": datetime(1, 1, 2, tzinfo=PARIS),
            },
        )
    assert IdentityVault.objects.get(case=case).born_at.year == 2026


@pytest.mark.parametrize("period", ["01/01/0001", "31/12/9999"])
def test_case_list_period_outside_1900_2100(client, coordinator, period):
    client.force_login(coordinator)
    response = client.get(reverse("cases:list"), {"period_start": period})
    assert response.status_code == 200
    assert "Saisissez une date entre 1900 et 2100." in text(response)
