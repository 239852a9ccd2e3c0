"""The territorial dashboard: its figures on a known territory, its filters (invalid ones
reported in French, valid ones applied), its charts (inline SVG with their tables, nothing
fetched from elsewhere), rates per 1,000 live births with their sources, and a number of SQL
queries that does not grow with the number of cases."""

import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from cases.models import Case
from committees.models import AlarmItem, CaseReview, ContributingFactor, IcdPmGroup, PathwayStage
from territory.percentiles import PercentileCont, percentile_cont
from tests.factories import canary_fragments, member

pytestmark = pytest.mark.django_db

URL = reverse("territory:dashboard")


def get(client, user, params=None):
    client.force_login(user)
    response = client.get(URL, params or {})
    assert response.status_code == 200
    return response


def test_figures_of_the_quality_managers_maternity(client, quality_manager, world):
    d = get(client, quality_manager).context["d"]
    assert d.total == 3  # neither the draft nor the excluded case
    assert [(row.label, row.counts) for row in d.by_period] == [
        ("2025", [1, 1, 0, 0, 0]),
        ("2026", [0, 0, 1, 0, 0]),
    ]
    declaration, review, death_to_review = d.delays.rows
    assert (declaration.count, declaration.median, declaration.p90) == (3, 5.0, 9.0)
    assert (review.count, review.median, review.p90) == (2, 80.0, 112.0)
    assert (death_to_review.median, death_to_review.p90) == (87.5, 121.5)
    assert (d.delays.reviewed_within_target, d.delays.reviewed) == (1, 2)
    assert d.delays.within_target_percent == 50
    assert d.judgements.reviewed == 2
    avoidability = {row.label: row.count for row in d.judgements.avoidability.rows}
    assert avoidability["Évitable"] == 1 and avoidability["Non évitable"] == 1
    grades = {row.label[0]: row.count for row in d.judgements.grades[0].rows if row.label}
    assert grades["C"] == 1 and grades["A"] == 1
    assert {row.label[:2]: row.count for row in d.icd_pm.rows} == {"N6": 1, "N9": 1}
    assert [(row.code, row.count, row.cumulative_percent) for row in d.factors.rows] == [
        ("1.4", 2, 67),
        ("4.1", 1, 100),
    ]
    assert [(row.code, row.count) for row in d.pathway.rows] == [("P03", 1)]
    assert (d.social.total, d.social.vulnerable) == (3, 1)
    housing = {row.label: row.count for row in d.social.distributions[1].rows}
    assert housing["Hôtel ou hébergement d'urgence (SIAO / 115)"] == 1
    assert d.actions.counts.total == 2
    assert d.actions.counts.completed_on_time == 1
    assert d.actions.counts.overdue == 1


def test_rates_per_thousand_live_births_with_their_source(client, quality_manager, world):
    response = get(client, quality_manager)
    rates = response.context["d"].rates
    by_year = {row.label: row for row in rates.rows}
    assert by_year["2025"].deaths == 2 and by_year["2025"].births == 1000
    assert by_year["2025"].rate_display == "2,00 ‰"
    assert by_year["2026"].rate_display == "—"
    assert by_year["2026"].missing == ["Maternité Nord"]
    assert rates.total.rate_display == "—"
    page = response.content.decode()
    assert "2,00 ‰" in page and "PMSI 2025" in page
    assert "Naissances non renseignées pour : Maternité Nord" in page


def test_a_rate_is_withheld_when_births_are_missing_for_part_of_the_scope(
    client, observer, world, second_maternity
):
    response = get(client, observer, {"period_from": "2025", "period_to": "2025"})
    row = response.context["d"].rates.rows[0]
    assert row.rate_display == "—" and row.missing == ["Maternité Nord-Est"]
    from territory.models import LiveBirths

    LiveBirths.objects.create(
        organisation=second_maternity, year=2025, count=250, source="Registre", entered_by=observer
    )
    response = get(client, observer, {"period_from": "2025", "period_to": "2025"})
    row = response.context["d"].rates.rows[0]
    assert (row.deaths, row.births, row.rate_display) == (2, 1250, "1,60 ‰")


def test_rates_are_withheld_for_a_partial_year_and_with_a_committee_filter(
    client, quality_manager, world, committee
):
    partial = get(client, quality_manager, {"period_from": "03/2025", "period_to": "2025"})
    assert partial.context["d"].rates.rows[0].rate_display == "—"
    assert "en partie" in partial.context["d"].rates.rows[0].reason
    filtered = get(client, quality_manager, {"committee": committee.pk})
    assert all(row.rate_display == "—" for row in filtered.context["d"].rates.rows)
    assert "comité" in filtered.context["d"].rates.note


def test_each_filter(client, observer, world, second_maternity, committee, maternity):
    assert get(client, observer).context["d"].total == 4
    assert (
        get(client, observer, {"period_from": "2025", "period_to": "12/2025"}).context["d"].total
        == 3
    )
    assert get(client, observer, {"period_from": "06/2025"}).context["d"].total == 2
    assert get(client, observer, {"organisation": second_maternity.pk}).context["d"].total == 1
    assert get(client, observer, {"level": "1"}).context["d"].total == 1
    assert get(client, observer, {"level": "3"}).context["d"].total == 3
    assert get(client, observer, {"committee": committee.pk}).context["d"].total == 2
    months = get(client, observer, {"granularity": "month", "period_from": "2025"})
    labels = [row.label for row in months.context["d"].by_period]
    # every month from the period's start to the last death, empty ones included
    assert labels == [f"{month:02d}/2025" for month in range(1, 13)] + ["01/2026"]
    assert sum(row.total for row in months.context["d"].by_period) == 4


def test_an_invalid_filter_is_reported_in_french_and_the_valid_ones_still_apply(
    client, observer, world, second_maternity
):
    response = get(client, observer, {"period_from": "13/2025", "level": "1"})
    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["Filtre non appliqué (valeur invalide) : Décès à partir de."]
    assert response.context["d"].total == 1
    assert "Le mois va de 01 à 12." in response.content.decode()
    response = get(client, observer, {"period_from": "2026", "period_to": "2025"})
    assert "La fin de la période précède son début." in response.content.decode()


def test_an_organisation_outside_the_scope_is_refused(
    client, quality_manager, world, other_maternity
):
    response = get(client, quality_manager, {"organisation": other_maternity.pk})
    assert response.context["d"].total == 3  # the filter is refused, the scope unchanged
    assert "Organisation déclarante" in str(next(iter(response.context["messages"])))


def test_charts_are_inline_svg_each_with_its_table(client, quality_manager, world):
    page = get(client, quality_manager).content.decode()
    assert page.count("<svg") == 5
    for table in ("table-period", "table-avoidability", "table-icd_pm", "table-factors"):
        assert f'id="{table}"' in page
    assert 'aria-hidden="true"><svg' in page
    assert not re.search(r"(src|href)=\"https?://", page)  # no CDN, no remote asset


def test_no_identity_reaches_the_dashboard(client, observer, quality_manager, world):
    for user in (observer, quality_manager):
        page = get(client, user).content.decode()
        for fragment in canary_fragments():
            assert fragment not in page
        for case in world.cases.values():
            assert case.code not in page  # aggregates: not even the pseudonymous codes


HOSTILE = ["a\x00b", "١٢", "-1", "99999999999999999999", "x" * 10_000, "<script>", "00/0000"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_filters_never_answer_a_server_error(client, observer, world, value):
    client.force_login(observer)
    params = dict.fromkeys(
        ["period_from", "period_to", "granularity", "organisation", "level", "committee"], value
    )
    for name in ("dashboard", "export_aggregates", "annual_report"):
        response = client.get(reverse(f"territory:{name}"), params)
        assert response.status_code in (200, 302), name
    assert "<script>" not in client.get(URL, params).content.decode()


# --- Query counts -----------------------------------------------------------------------------
def bulk_cases(organisation, by, session, count, start=0):
    """`count` reviewed cases with a review, two factors and a pathway break each."""
    kinds = ["early_neonatal", "late_neonatal", "post_neonatal", "stillbirth"]
    created = Case.objects.bulk_create(
        Case(
            code=f"RMM-BULK-{start + index:05d}",
            territory=organisation.parent or organisation,
            organisation=organisation,
            declared_by=by,
            status="reviewed",
            outcome="live_birth_death",
            kind=kinds[index % 4],
            death_year=2020 + index % 6,
            death_month=1 + index % 12,
            days_death_to_declaration=index % 40,
            days_declaration_to_review=index % 150,
            housing=["stable", "precarious", ""][index % 3],
            language_barrier=[True, False, None][index % 3],
        )
        for index in range(count)
    )
    groups = list(IcdPmGroup.objects.all()[:5])
    reviews = CaseReview.objects.bulk_create(
        CaseReview(
            case=case,
            session=session,
            recorded_by=by,
            icd_pm_group=groups[index % 5],
            avoidability=["avoidable", "not_avoidable", ""][index % 3],
            grade_care_to_death="ABCD"[index % 4],
        )
        for index, case in enumerate(created)
    )
    items = list(AlarmItem.objects.all()[:6])
    ContributingFactor.objects.bulk_create(
        ContributingFactor(review=review, item=items[(index + shift) % 6])
        for index, review in enumerate(reviews)
        for shift in (0, 1)
    )
    stage = PathwayStage.objects.first()
    through = CaseReview.pathway_breaks.through
    through.objects.bulk_create(
        through(casereview_id=review.pk, pathwaystage_id=stage.pk) for review in reviews
    )


def count_queries(client, url, params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
        if response.streaming:
            b"".join(response.streaming_content)
        else:
            assert response.content
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("name", ["dashboard", "export_rows", "export_aggregates", "annual_report"])
def test_query_count_does_not_grow_with_cases(
    client, coordinator, world, maternity, chair, name, django_assert_max_num_queries
):
    url = reverse(f"territory:{name}")
    params = {
        "period_from": "2019",
        "granularity": "month",
        "level": "3",
        "organisation": maternity.pk,
        "year": "2025",
    }
    client.force_login(coordinator)
    bulk_cases(maternity, chair, world.session, 10)  # with the world's 3: 13 cases
    client.get(url, params)  # warm the session and caches
    with_ten = count_queries(client, url, params)
    bulk_cases(maternity, chair, world.session, 987, start=10)  # 1,000 cases: one export batch
    with_thousand = count_queries(client, url, params)
    assert with_ten == with_thousand
    with django_assert_max_num_queries(with_ten):
        client.get(url, {"organisation": maternity.pk, "year": "2024", "period_to": "2030"})


# --- Percentiles ----------------------------------------------------------------------------
def test_percentile_cont_interpolates_as_postgresql_does():
    assert percentile_cont([], 0.5) is None
    assert percentile_cont([7], 0.9) == 7.0
    assert percentile_cont([3, 5, 10], 0.5) == 5.0
    assert percentile_cont([3, 5, 10], 0.9) == 9.0
    assert percentile_cont([1, 2, 3, 4], 0.5) == 2.5


@pytest.mark.postgres
def test_postgresql_and_python_percentiles_agree(maternity, clinician):
    values = [random.Random(seed).randint(0, 400) for seed in range(57)]
    Case.objects.bulk_create(
        Case(
            code=f"RMM-P-{index}",
            territory=maternity.parent,
            organisation=maternity,
            declared_by=clinician,
            status="declared",
            days_death_to_declaration=value,
        )
        for index, value in enumerate(values)
    )
    row = Case.objects.aggregate(
        median=PercentileCont("days_death_to_declaration", 0.5),
        p90=PercentileCont("days_death_to_declaration", 0.9),
    )
    assert row["median"] == pytest.approx(percentile_cont(sorted(values), 0.5))
    assert row["p90"] == pytest.approx(percentile_cont(sorted(values), 0.9))


def test_the_navigation_offers_the_dashboard_to_an_observer(client, world, network):
    observer = member(Role.OBSERVER, network, email="epi@nord.test")
    client.force_login(observer)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{URL}"' in page and "Diagnostic territorial" in page
