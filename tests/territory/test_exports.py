"""The exports of the territorial diagnosis: pseudonymised rows (coded columns only, no vault
field, no exact date, no free text), aggregated tables with small-cell suppression that no
subtraction undoes, and the anonymous annual report PDF."""

import csv
import io
import itertools
import random
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from territory.exports import ROW_PREAMBLE_LINES
from territory.suppression import (
    MASK,
    cross_table_masks,
    linked_cross_table_masks,
    linked_cross_tables,
    list_masks,
    pinned,
)
from tests.factories import CANARY_IDENTITY, canary_fragments

pytestmark = pytest.mark.django_db

ROWS = reverse("territory:export_rows")
AGGREGATES = reverse("territory:export_aggregates")
REPORT = reverse("territory:annual_report")


def body_of(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def read_csv(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def case_rows(text: str) -> list[list[str]]:
    """The row export after its preamble: the column names, then one line per case."""
    return read_csv(text)[ROW_PREAMBLE_LINES:]


def assert_no_identity(text: str, *people):
    for fragment in canary_fragments():
        assert fragment not in text, fragment
    assert "04/03/2026" not in text and "2026-03-04" not in text  # the canary's birth date
    for person in people:
        assert person.full_name not in text and person.email not in text


# --- Pseudonymised rows ---------------------------------------------------------------------
def test_rows_export_one_coded_line_per_case(client, coordinator, clinician, chair, world):
    client.force_login(coordinator)
    response = client.get(ROWS)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = body_of(response)
    rows = case_rows(text)
    header, lines = rows[0], rows[1:]
    assert header[0] == "Code du cas" and len(header) == 21
    by_code = {line[0]: line for line in lines}
    assert set(by_code) == {
        world.cases[name].code for name in ("reviewed", "closed", "documenting")
    }
    reviewed = by_code[world.cases["reviewed"].code]
    assert reviewed[1] == "Maternité Nord" and reviewed[2] == "Niveau 3"
    assert reviewed[3] == "Décès néonatal précoce (0-6 j)"
    assert reviewed[4:12] == ["2025", "3", "27", "2", "980", "5", "40", "45"]
    assert reviewed[13:] == ["Évitable", "N9", "M2", "C", "B", "A", "2", "1"]
    assert_no_identity(text, clinician, chair, coordinator)
    assert "Nouveau-né" not in text  # no free text (summary)


def test_rows_export_follows_the_filters_and_the_quality_managers_view(
    client, quality_manager, coordinator, world
):
    client.force_login(coordinator)
    rows = case_rows(body_of(client.get(ROWS, {"period_from": "2026"})))[1:]
    assert [row[0] for row in rows] == [world.cases["documenting"].code]
    client.force_login(quality_manager)
    codes = {row[0] for row in case_rows(body_of(client.get(ROWS)))[1:]}
    assert codes == {world.cases["reviewed"].code, world.cases["closed"].code}


def test_rows_export_neutralises_formulas(client, coordinator, world, maternity):
    maternity.name = "=cmd|' /C calc'!A0"
    maternity.save()
    client.force_login(coordinator)
    rows = case_rows(body_of(client.get(ROWS)))[1:]
    assert all(row[1] == "'=cmd|' /C calc'!A0" for row in rows)


def test_rows_export_says_when_and_with_which_filters_in_a_fixed_preamble(
    client, coordinator, world, maternity
):
    from django.utils import timezone

    client.force_login(coordinator)
    rows = read_csv(body_of(client.get(ROWS, {"period_from": "2025", "level": "3"})))
    assert rows[0] == ["Diagnostic territorial RMM — cas pseudonymisés"]
    assert rows[1] == [f"Produit le {timezone.localdate():%d/%m/%Y}"]
    assert rows[2][0].startswith("Périmètre : ") and "Maternité Nord" in rows[2][0]
    assert rows[3] == ["Filtres : Décès à partir de : 01/2025 ; Niveau de maternité : Niveau 3"]
    assert rows[4] == [] and rows[5][0] == "Code du cas"
    unfiltered = read_csv(body_of(client.get(ROWS)))
    assert unfiltered[3] == ["Filtres : aucun"] and unfiltered[5][0] == "Code du cas"


@pytest.mark.parametrize(
    ("url", "query", "label"),
    [
        (AGGREGATES, {"organisation": "999"}, "Organisation déclarante"),
        (ROWS, {"period_from": "abcd"}, "Décès à partir de"),
        (ROWS, {"period_from": "2026", "period_to": "2025"}, "Décès jusqu'à"),
        (AGGREGATES, {"committee": "999"}, "Comité"),
    ],
)
def test_an_export_with_an_invalid_filter_is_refused_never_widened(
    client, coordinator, world, url, query, label
):
    client.force_login(coordinator)
    response = client.get(url, query)
    assert response.status_code == 302 and "attachment" not in response.get(
        "Content-Disposition", ""
    )
    page = client.get(response["Location"])
    shown = [str(message) for message in page.context["messages"]]
    assert shown[0].startswith("Export refusé : le filtre « " + label)
    assert "périmètre plus large" in shown[0]
    # the dashboard shows the same filters, with the field's error
    assert page.context["form"].errors
    # and nothing is left over for the page after
    assert not list(client.get(reverse("territory:dashboard")).context["messages"])


def test_a_valid_export_leaves_no_message_for_the_next_page(client, coordinator, world):
    client.force_login(coordinator)
    body_of(client.get(AGGREGATES, {"level": "3"}))
    body_of(client.get(ROWS, {"period_from": "2025"}))
    assert not list(client.get(reverse("territory:dashboard")).context["messages"])


def test_observers_and_chairs_get_no_rows(client, observer, chair, world):
    for user in (observer, chair):
        client.force_login(user)
        assert client.get(ROWS).status_code == 404


# --- Small-cell suppression -----------------------------------------------------------------
def recoverable(cells, masked):
    """Brute force: for each masked entry, the values it can take given everything published
    (cells, totals); an entry with a single possible value is recoverable."""
    rows, columns = len(cells), len(cells[0])
    row_totals = [sum(row) for row in cells]
    column_totals = [sum(cells[i][j] for i in range(rows)) for j in range(columns)]
    grand = sum(row_totals)
    hidden_cells = [(i, j) for i in range(rows) for j in range(columns) if ("cell", i, j) in masked]
    possible = {key: set() for key in hidden_cells}
    bound = grand + 1
    for guess in itertools.product(range(bound), repeat=len(hidden_cells)):
        trial = [row[:] for row in cells]
        for (i, j), value in zip(hidden_cells, guess, strict=True):
            trial[i][j] = value
        ok = True
        for i in range(rows):
            if ("row", i) not in masked and sum(trial[i]) != row_totals[i]:
                ok = False
        for j in range(columns):
            if ("col", j) not in masked and sum(trial[i][j] for i in range(rows)) != (
                column_totals[j]
            ):
                ok = False
        if ("grand",) not in masked and sum(map(sum, trial)) != grand:
            ok = False
        if ok:
            for key, value in zip(hidden_cells, guess, strict=True):
                possible[key].add(value)
    return {key for key, values in possible.items() if len(values) == 1}


def test_naive_masking_would_be_undone_by_subtraction_complementary_masking_is_not():
    cells = [[3, 6, 7], [5, 8, 9]]  # the 3 alone: 16 - 6 - 7 = 3
    naive = {("cell", 0, 0)}
    assert recoverable(cells, naive) == {(0, 0)}
    masked, *_totals = cross_table_masks(cells)
    assert ("cell", 0, 0) in masked
    assert recoverable(cells, masked) == set()
    # no line (row, column, totals) is left with a single masked entry
    for i in range(2):
        line = [("cell", i, j) for j in range(3)] + [("row", i)]
        assert sum(key in masked for key in line) != 1
    for j in range(3):
        line = [("cell", i, j) for i in range(2)] + [("col", j)]
        assert sum(key in masked for key in line) != 1


def test_one_way_tables_and_zeros():
    masked, total = list_masks([3, 10, 0, 12])
    assert total == 25
    assert masked == {("cell", 0), ("cell", 1)}  # the 3, and the next smallest non-zero count
    masked, _total = list_masks([2, 0, 0])
    assert ("cell", 0) in masked and ("grand",) in masked  # nothing else to hide it behind
    masked, _total = list_masks([0, 7, 12])
    assert masked == set()
    # a total masked in another table is masked here, with a count so that no sum gives it back
    masked, _total = list_masks([10, 0, 20, 13], hide_total=True)
    assert masked == {("grand",), ("cell", 0)}
    assert list_masks([0, 0], hide_total=True)[0] == set()  # a zero stays shown


def network_of(cells):
    return linked_cross_tables([cells], len(cells[0]) if cells else 0)


def _linked(key):
    """A key of cross_table_masks as a key of the one-table network."""
    if key[0] == "cell":
        return ("cell", 0, key[1], key[2])
    if key[0] == "row":
        return ("row", 0, key[1])
    return key


def feasible_by_brute_force(cells, masked, cap):
    """Every value each masked entry (cells and totals) can take, given what is published:
    published cells and totals, zeros shown (a masked entry is at least 1), masked cells tried
    from 1 to `cap`. Independent of the network audit it checks."""
    rows, columns = len(cells), len(cells[0])
    row_totals = [sum(row) for row in cells]
    column_totals = [sum(cells[i][j] for i in range(rows)) for j in range(columns)]
    grand = sum(row_totals)
    published_rows = {i: row_totals[i] for i in range(rows) if ("row", i) not in masked}
    published_columns = {j: column_totals[j] for j in range(columns) if ("col", j) not in masked}
    possible = {key: set() for key in masked}

    def row_options(i):
        hidden = [j for j in range(columns) if ("cell", i, j) in masked]
        for guess in itertools.product(range(1, cap + 1), repeat=len(hidden)):
            row = cells[i][:]
            for j, value in zip(hidden, guess, strict=True):
                row[j] = value
            if i in published_rows and sum(row) != published_rows[i]:
                continue
            yield row

    def walk(i, chosen, partial):
        if i == rows:
            if any(partial[j] != total for j, total in published_columns.items()):
                return
            total = sum(partial)
            if ("grand",) not in masked and total != grand:
                return
            for r, row in enumerate(chosen):
                for j, value in enumerate(row):
                    if ("cell", r, j) in masked:
                        possible[("cell", r, j)].add(value)
                if ("row", r) in masked:
                    possible[("row", r)].add(sum(row))
            for j in range(columns):
                if ("col", j) in masked:
                    possible[("col", j)].add(partial[j])
            if ("grand",) in masked:
                possible[("grand",)].add(total)
            return
        for row in row_options(i):
            following = [a + b for a, b in zip(partial, row, strict=True)]
            if any(following[j] > total for j, total in published_columns.items()):
                continue
            walk(i + 1, [*chosen, row], following)

    walk(0, [], [0] * columns)
    return possible


# The reviewer's table (cases by declaring organisation, five kinds): with the old rule it was
# published as Sud "s;s;0;0;0;5", Tilleuls "s;s;0;0;0;s", Néonatologie "s;0;0;0;0;s", Total
# "s;s;0;0;0;8", which gives Tilleuls = 2 and Néonatologie = 1 (every "s" is at least 1).
REVIEWER_TABLE = [[3, 2, 0, 0, 0], [1, 1, 0, 0, 0], [1, 0, 0, 0, 0]]


def test_the_reviewers_table_leaves_no_masked_count_pinned():
    old_rule = {
        *(("cell", i, j) for i, j in ((0, 0), (0, 1), (1, 0), (1, 1), (2, 0))),
        ("row", 1),
        ("row", 2),
        ("col", 0),
        ("col", 1),
    }
    leaked = feasible_by_brute_force(REVIEWER_TABLE, old_rule, cap=8)
    assert leaked[("row", 1)] == {2} and leaked[("row", 2)] == {1}  # what the reviewer found
    values, arcs = network_of(REVIEWER_TABLE)
    assert pinned(values, arcs, {_linked(key) for key in old_rule}) == {
        ("row", 0, 1),
        ("row", 0, 2),
        ("cell", 0, 1, 0),
        ("cell", 0, 1, 1),
        ("cell", 0, 2, 0),
    }  # Tilleuls' two 1s and Néonatologie's 1 follow from the totals
    masked, *_totals = cross_table_masks(REVIEWER_TABLE)
    assert ("row", 0) in masked  # Hôpital Sud's 5 is masked too
    for key, values_found in feasible_by_brute_force(REVIEWER_TABLE, masked, cap=8).items():
        assert len(values_found) > 1, (key, values_found)
    assert not any(("cell", i, j) in masked for i in range(3) for j in range(2, 5))  # zeros


def test_no_masked_count_is_ever_pinned_brute_force_over_random_tables():
    generator = random.Random(13)
    checked = 0
    for _attempt in range(400):
        rows, columns = generator.randint(1, 3), generator.randint(1, 3)
        cells = [
            [generator.choice([0, 0, 1, 1, 2, 3, 4, 5, 6, 9]) for _j in range(columns)]
            for _i in range(rows)
        ]
        masked, *_totals = cross_table_masks(cells)
        hidden = sum(key[0] == "cell" for key in masked)
        assert all(
            cells[key[1]][key[2]] >= 1 for key in masked if key[0] == "cell"
        )  # zeros stay shown
        assert all(
            ("cell", i, j) in masked
            for i in range(rows)
            for j in range(columns)
            if 1 <= cells[i][j] <= 4
        )
        if hidden > 6:
            continue
        cap = max(max(row) for row in cells) + 2
        for key, values_found in feasible_by_brute_force(cells, masked, cap).items():
            assert len(values_found) > 1, (cells, sorted(masked), key, values_found)
        values, arcs = network_of(cells)
        assert pinned(values, arcs, {_linked(key) for key in masked}) == set()
        checked += 1
    assert checked > 250


def test_the_audit_agrees_with_brute_force_on_arbitrary_masks():
    """The network audit says 'pinned' exactly when brute force finds a single value."""
    generator = random.Random(7)
    for _attempt in range(300):
        rows, columns = generator.randint(1, 3), generator.randint(1, 3)
        cells = [[generator.randint(0, 5) for _j in range(columns)] for _i in range(rows)]
        values, arcs = network_of(cells)
        keys = [key for key, value in values.items() if value > 0]
        chosen = {key for key in keys if generator.random() < 0.4}
        if sum(key[0] == "cell" for key in chosen) > 5:
            continue
        single = {
            ("cell", k[2], k[3]) if k[0] == "cell" else ("row", k[2]) if k[0] == "row" else k
            for k in chosen
        }
        found = feasible_by_brute_force(cells, single, cap=sum(map(sum, cells)) + 2)
        by_brute_force = {_linked(key) for key, vals in found.items() if len(vals) == 1}
        assert pinned(values, arcs, chosen) == by_brute_force, (cells, sorted(single))


def test_the_two_cross_tables_of_the_export_are_masked_together():
    """By period and by organisation count the same cases: a column total published by one
    table would give away the same total masked in the other."""
    by_period = [[6, 1, 0], [5, 7, 0]]
    by_organisation = [[11, 8, 0]]
    masked = linked_cross_table_masks([by_period, by_organisation], 3)
    values, arcs = linked_cross_tables([by_period, by_organisation], 3)
    assert pinned(values, arcs, masked) == set()
    assert ("cell", 0, 0, 1) in masked
    # the organisation's single row repeats the column totals: masked with them
    for j in range(2):
        assert (("col", j) in masked) == (("cell", 1, 0, j) in masked)


def test_aggregated_export_masks_small_counts_and_states_its_rule(client, observer, world):
    client.force_login(observer)
    text = body_of(client.get(AGGREGATES))
    rows = read_csv(text)
    assert rows[0] == ["Diagnostic territorial RMM — tableaux agrégés"]
    assert any("Secret statistique" in row[0] for row in rows[:8] if row)
    assert any("Suppression complémentaire" in row[0] for row in rows[:8] if row)
    start = rows.index(["Cas par période de décès et catégorie"])
    table = rows[start + 2 : start + 5]
    # every count of this small territory is 1-4, and shown as masked
    assert table[0][0] == "2025" and set(table[0][1:]) <= {MASK, "0"}
    counts = [cell for row in rows for cell in row[1:] if cell.isdigit()]
    assert not any(1 <= int(cell) <= 4 for cell in counts if len(cell) < 3), counts
    assert_no_identity(text)
    for case in world.cases.values():
        assert case.code not in text


def test_aggregated_export_shows_counts_of_five_and_more(
    client, coordinator, world, maternity, chair
):
    from tests.territory.test_dashboard import bulk_cases

    bulk_cases(maternity, chair, world.session, 60)
    client.force_login(coordinator)
    rows = read_csv(body_of(client.get(AGGREGATES)))
    start = rows.index(["Cas par organisation déclarante et catégorie"])
    nord = rows[start + 2]
    assert nord[0] == "Maternité Nord (Niveau 3)"
    assert nord[-1] == "63"  # the world's 3 counted cases and 60 more
    assert int(nord[1]) >= 5


# --- Annual report --------------------------------------------------------------------------
def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_annual_report_pdf_is_anonymous_and_complete(client, observer, world, chair, clinician):
    from committees.models import Attendance, CommitteeMember

    for person in CommitteeMember.objects.filter(committee=world.session.committee):
        Attendance.objects.create(session=world.session, member=person, status="present")
    # A report is for a completed year: the session is moved a year back.
    held_at = world.session.starts_at - timedelta(days=366)
    world.session.__class__.objects.filter(pk=world.session.pk).update(
        status="held", starts_at=held_at
    )
    year = held_at.year
    client.force_login(observer)
    response = client.get(REPORT, {"year": year})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"rapport-annuel-rmm-{year}.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    for heading in (
        "Activité",
        "Séances et participation",
        "Classifications",
        "Évitabilité",
        "Facteurs contributifs",
        "Actions correctives",
    ):
        assert heading in text, heading
    assert "Séances tenues" in text
    for fragment in canary_fragments():
        assert fragment not in text, fragment
    for person in (chair, clinician, observer):
        assert person.full_name not in text
    for case in world.cases.values():
        assert case.code not in text
    assert CANARY_IDENTITY["mother_last_name"] not in text


def test_annual_report_of_a_year_shows_that_years_deaths(client, quality_manager, world):
    client.force_login(quality_manager)
    text = pdf_text(client.get(REPORT, {"year": 2025}).content)
    assert "Cas déclarés (décès survenus en 2025)" in text
    # The report leaves the organisations: this small year's deaths (1-4) are masked, and so is
    # their rate, which would give them back with the live births.
    assert "Rapport diffusable" in text and "masqué" in text
    assert "2,00 ‰" not in text


def _printed_cells(context) -> list[str]:
    from territory.report import ShownTable

    tables = []
    for value in context["t"].values():
        if isinstance(value, ShownTable):
            tables.append(value)
        elif isinstance(value, list):
            tables.extend(value)
        elif isinstance(value, dict):
            tables.extend(v for v in value.get("distributions", []))
    cells = [cell for table in tables for row in table.rows for cell in row.cells]
    activity, social = context["t"]["activity"], context["t"]["social"]
    return [*cells, *activity.values(), social["vulnerable"], social["total"]]


@pytest.mark.parametrize("year", [2024, 2025])
def test_annual_report_prints_no_count_from_1_to_4_and_no_chart_of_masked_counts(
    quality_manager, world, year
):
    from territory.report import annual_report_context
    from territory.selectors import TerritoryFilters

    context = annual_report_context(
        user=quality_manager, filters=TerritoryFilters(), year=year, scope="Nord", described=[]
    )
    cells = _printed_cells(context)
    assert not [cell for cell in cells if cell in {"1", "2", "3", "4"}], cells
    assert context["cases_presented"] in {MASK, "0"} or int(context["cases_presented"]) >= 5
    for key in ("period", "icd_pm", "avoidability", "factors"):
        table = context["t"][key]
        assert table.chart is None or not table.masked
    if year == 2025:  # the world's deaths of 2025 are 1-4: masked, and their chart not drawn
        assert context["t"]["period"].masked and context["t"]["period"].chart is None


def test_annual_report_shows_counts_of_five_and_more_with_rate_and_chart(
    client, quality_manager, world, maternity, chair
):
    from territory.models import LiveBirths
    from territory.report import annual_report_context
    from territory.selectors import TerritoryFilters
    from tests.territory.test_dashboard import bulk_cases

    bulk_cases(maternity, chair, world.session, 240)  # 40 deaths in each year 2020-2025
    # 2024: 20 early neonatal deaths in May and 20 post-neonatal ones in November, nothing small.
    LiveBirths.objects.create(
        organisation=maternity, year=2024, count=1000, source="PMSI 2024", entered_by=chair
    )
    context = annual_report_context(
        user=quality_manager, filters=TerritoryFilters(), year=2024, scope="Nord", described=[]
    )
    assert context["t"]["activity"]["total"] == "40"
    assert not context["t"]["period"].masked and context["t"]["period"].chart is not None
    rate = context["t"]["rates"].rows[0]
    assert rate.cells[0] == "40" and "‰" in rate.cells[2]
    assert not [cell for cell in _printed_cells(context) if cell in {"1", "2", "3", "4"}]
    client.force_login(quality_manager)
    text = pdf_text(client.get(REPORT, {"year": 2024}).content)
    assert rate.cells[2] in text
    # 2025 adds the world's single early neonatal death of March to the 40: with the other
    # column totals, the year's total would give it back (43 - 21 - 21 = 1), so the total is
    # masked too, and so are the year's deaths and rate.
    context = annual_report_context(
        user=quality_manager, filters=TerritoryFilters(), year=2025, scope="Nord", described=[]
    )
    assert context["t"]["activity"]["total"] == MASK
    assert context["t"]["rates"].rows[0].cells[0] == MASK
    # the social markers are counted over the same cases: their total is masked with it, and
    # each of their tables hides enough not to be summed back to it
    assert context["t"]["social"]["total"] == MASK
    for table in context["t"]["social"]["distributions"]:
        assert table.rows[-1].cells == [MASK]
        assert sum(row.cells == [MASK] for row in table.rows[:-1]) >= 1
    assert not [cell for cell in _printed_cells(context) if cell in {"1", "2", "3", "4"}]
    cells = [row.counts for row in context["diagnosis"].by_period]
    masks, *_totals = cross_table_masks(cells)
    values, arcs = network_of(cells)
    assert pinned(values, arcs, {_linked(key) for key in masks}) == set()


def test_annual_report_refuses_a_bad_year_in_french(client, quality_manager, world):
    client.force_login(quality_manager)
    response = client.get(REPORT, {"year": "3000"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("territory:dashboard")
    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1 and shown[0].startswith("Le rapport annuel porte sur une année terminée")
    response = client.get(REPORT, {"year": "abcd"}, follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1 and shown[0].startswith("Choisissez l'année du rapport")


def test_annual_report_is_for_a_completed_year_and_defaults_to_last_year(
    client, quality_manager, world
):
    """An ARS asks for the report of a closed year: the current one is refused (its figures
    still move), and the dashboard offers last year first."""
    from django.utils import timezone

    this_year = timezone.localdate().year
    client.force_login(quality_manager)
    response = client.get(REPORT, {"year": this_year}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("territory:dashboard")
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [
        f"Le rapport annuel porte sur une année terminée : choisissez {this_year - 1} ou une "
        f"année antérieure (l'année {this_year} n'est pas terminée)."
    ]
    dashboard = client.get(reverse("territory:dashboard"))
    assert dashboard.context["report_year"] == this_year - 1
    assert dashboard.context["report_years"][0] == this_year - 1
    assert this_year not in dashboard.context["report_years"]
    # a period ending this year still preselects last year
    dashboard = client.get(reverse("territory:dashboard"), {"period_to": str(this_year)})
    assert dashboard.context["report_year"] == this_year - 1
    response = client.get(REPORT, {"year": this_year - 1})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_annual_report_with_an_invalid_filter_is_refused(client, quality_manager, world):
    from django.utils import timezone

    client.force_login(quality_manager)
    year = timezone.localdate().year - 1
    response = client.get(REPORT, {"year": year, "level": "9"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("territory:dashboard"))
    shown = [str(message) for message in response.context["messages"]]
    assert shown[0].startswith("Rapport refusé : le filtre « Niveau")
    # the dashboard it lands on ignores the same filter, and says so
    assert shown[1:] == ["Filtre non appliqué (valeur invalide) : Niveau de maternité."]
    assert not list(client.get(reverse("territory:dashboard")).context["messages"])


# --- No subtraction across the tables of one document ----------------------------------------
NOT_COUNTS = {"Médiane", "90e percentile", "Naissances vivantes", "Taux (‰)", "Taux", "Remarque"}


def csv_tables(rows: list[list[str]]) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, data rows) of each table of the aggregated export."""
    tables = []
    for i in range(len(rows) - 1):
        if len(rows[i]) == 1 and rows[i + 1][:1] == [""] and len(rows[i + 1]) >= 2:
            body = []
            for row in rows[i + 2 :]:
                if not row:
                    break
                body.append(row)
            tables.append((rows[i][0], rows[i + 1], body))
    return tables


def published_counts(tables) -> set[int]:
    """Every count the document prints (medians, births and rates are not counts of cases)."""
    numbers = set()
    for _title, header, body in tables:
        for row in body:
            for heading, cell in zip(header[1:], row[1:], strict=False):
                if heading not in NOT_COUNTS and cell.isdigit():
                    numbers.add(int(cell))
    return numbers


def subtraction_leaks(shown_tables, true_tables, extra_numbers=()) -> list:
    """Every subtraction a reader can try: a line's masked total, taken as equal to any count
    printed anywhere in the document, minus the line's published cells, when one cell only is
    masked. Returns the small counts (1-4) that come back that way."""
    numbers = published_counts(shown_tables) | set(extra_numbers)
    leaks = []
    for (title, header, shown), (_t, _h, true) in zip(shown_tables, true_tables, strict=True):
        lines = []  # (shown cells, true cells, shown total, true total)
        has_total_column = header[-1] == "Total"
        data = [(s, t) for s, t in zip(shown, true, strict=True) if s[0] != "Total"]
        if has_total_column:
            lines += [(s[1:-1], t[1:-1], s[-1], t[-1]) for s, t in zip(shown, true, strict=True)]
        totals = [(s, t) for s, t in zip(shown, true, strict=True) if s[0] == "Total"]
        for s_total, t_total in totals:
            for j in range(1, len(s_total)):
                lines.append(
                    ([s[j] for s, _t in data], [t[j] for _s, t in data], s_total[j], t_total[j])
                )
        for cells, true_cells, total, true_total in lines:
            if total != MASK or int(true_total) not in numbers:
                continue
            hidden = [k for k, cell in enumerate(cells) if cell == MASK]
            if len(hidden) == 1:
                recovered = int(true_total) - sum(int(c) for c in cells if c != MASK)
                assert recovered == int(true_cells[hidden[0]])
                if 1 <= recovered <= 4:
                    leaks.append((title, true_total, recovered))
    return leaks


def unmasked(monkeypatch, produce):
    """The same document with nothing masked (the truth a reader would be after)."""
    from territory import suppression

    with monkeypatch.context() as patched:
        patched.setattr(suppression, "SMALL_MAX", 0)
        return produce()


def test_no_masked_count_comes_back_by_subtraction_anywhere_in_the_aggregated_export(
    client, coordinator, world, maternity, chair, monkeypatch
):
    from tests.territory.test_dashboard import bulk_cases

    # 2025: the world's 3 cases and 40 more; the grand total (43) is masked to protect the
    # world's single early neonatal death of March, and the social tables with it.
    bulk_cases(maternity, chair, world.session, 240)
    client.force_login(coordinator)
    query = {"period_from": "2025", "period_to": "2025", "granularity": "month"}

    def produce():
        return read_csv(body_of(client.get(AGGREGATES, query)))

    rows, truth = produce(), unmasked(monkeypatch, produce)
    shown_tables, true_tables = csv_tables(rows), csv_tables(truth)
    assert [t[0] for t in shown_tables] == [t[0] for t in true_tables]
    period = next(t for t in shown_tables if t[0] == "Cas par période de décès et catégorie")
    assert period[2][-1][-1] == MASK  # the grand total is masked (the case under test)
    assert subtraction_leaks(shown_tables, true_tables) == []
    # the delays' first line counts the declared cases, i.e. that total: masked with it
    delays = rows[rows.index(["Délais (jours)"]) + 2]
    assert delays[0] == "Du décès à la déclaration" and delays[1] == MASK


def report_tables(context) -> tuple[list, list[str]]:
    """The report's tables as the export's (title, header, rows), and its counts printed alone."""
    from territory.report import ShownTable

    t = context["t"]
    tables = [value for value in t.values() if isinstance(value, ShownTable)]
    tables += [*t["grades"], *t["social"]["distributions"]]
    alone = [*t["activity"].values(), t["social"]["vulnerable"], t["social"]["total"]]
    alone.append(context["cases_presented"])
    shaped = [
        (table.title, table.header, [[row.label, *row.cells] for row in table.rows])
        for table in tables
    ]
    return shaped, alone


def test_annual_report_masks_what_the_export_masks_and_no_subtraction_undoes_it(
    client, observer, maternity, second_maternity, clinician, monkeypatch
):
    """Two maternities of a past year: 4 early neonatal deaths in January and 3 in February at
    Nord, one stillbirth in March at Nord-Est. The period table alone would let the grand total
    (8) be printed; with the organisation table the export prints, it is masked. The report is
    shared with the export: it masks the same figures, and its declared cases, delays and
    reviewed cases do not print that total under another name."""
    from territory.report import annual_report_context
    from territory.selectors import TerritoryFilters
    from tests.territory.conftest import make_case

    year = timezone.localdate().year - 10  # a completed year, away from the shared world's
    for organisation, kind, month, count in (
        (maternity, "early_neonatal", 1, 4),
        (maternity, "early_neonatal", 2, 3),
        (second_maternity, "stillbirth", 3, 1),
    ):
        for _n in range(count):
            make_case(
                organisation,
                clinician,
                status="reviewed",
                kind=kind,
                year=year,
                month=month,
                to_declaration=3,
                to_review=40,
            )

    def report():
        context = annual_report_context(
            user=observer, filters=TerritoryFilters(), year=year, scope="Nord", described=[]
        )
        return report_tables(context)

    (tables, alone), (true_tables, _true) = report(), unmasked(monkeypatch, report)
    totals = {title: rows for title, _header, rows in tables}
    assert totals["Cas par catégorie"][-1] == ["Total", MASK]
    assert alone[0] == MASK  # "Cas déclarés": the same total
    extra = {int(value) for value in alone if value.isdigit()}
    assert subtraction_leaks(tables, true_tables, extra) == []
    masked_totals = {
        int(true[-1])
        for (_t, _h, rows), (_tt, _th, true_rows) in zip(tables, true_tables, strict=True)
        for row, true in zip(rows, true_rows, strict=True)
        if row[0] == "Total" and row[-1] == MASK
    }
    printed = published_counts(tables) | extra
    assert not masked_totals & printed, (masked_totals, printed)
    # the export of the same year, by month, prints the same period table
    client.force_login(observer)
    query = {"period_from": str(year), "period_to": str(year), "granularity": "month"}
    rows = read_csv(body_of(client.get(AGGREGATES, query)))
    start = rows.index(["Cas par période de décès et catégorie"])
    assert rows[start + 2 : start + 14] == totals["Cas par période de décès et catégorie"]
    kinds = [row[1] for row in totals["Cas par catégorie"]]
    assert rows[start + 14] == ["Total", *kinds]
