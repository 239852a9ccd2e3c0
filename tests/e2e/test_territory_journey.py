"""The territorial diagnosis in the browser (issue 13): a quality manager opens the dashboard
from the navigation, filters it by period, downloads the pseudonymised rows, the aggregated
tables and the annual report, and each download holds what it should (and no identity)."""

import io

import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, canary_fragments
from tests.territory.conftest import second_maternity, world  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def checked(request, page):
    """The accessibility check of the page shown, where the browser suite runs one."""
    try:
        axe_check = request.getfixturevalue("axe_check")
    except pytest.FixtureLookupError:
        return
    axe_check(page)


def download(page, locator) -> bytes:
    with page.expect_download() as info:
        locator.click()
    return info.value.path().read_bytes()


def test_a_quality_manager_filters_and_downloads_everything(
    page,
    live_server,
    log_in,
    screenshot,
    request,
    quality_manager,
    world,  # noqa: F811
):
    log_in(page, quality_manager.email, TEST_PASSWORD)
    page.get_by_role("link", name="Diagnostic territorial").click()
    expect(page.get_by_role("heading", name="Diagnostic territorial", level=1)).to_be_visible()
    expect(page.locator("#count-cases")).to_have_text("3")
    checked(request, page)

    page.get_by_label("Décès à partir de").fill("2025")
    page.get_by_label("Décès jusqu'à").fill("2025")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#count-cases")).to_have_text("2")
    expect(page.locator("[data-rate='2025']")).to_have_text("2,00 ‰")
    expect(page.locator("#table-factors")).to_contain_text("1.4")
    screenshot(page, "territory-dashboard")

    rows = download(page, page.locator("#export-rows")).decode("utf-8")
    preamble, columns = rows.splitlines()[:5], rows.splitlines()[5]
    assert preamble[0] == "\ufeffDiagnostic territorial RMM — cas pseudonymisés"
    assert columns.startswith("Code du cas;")
    assert world.cases["reviewed"].code in rows and world.cases["closed"].code in rows
    assert world.cases["documenting"].code not in rows  # died in 2026: filtered out

    tables = download(page, page.locator("#export-aggregates")).decode("utf-8")
    assert "Secret statistique" in tables and "Cas par période de décès et catégorie" in tables
    assert "Décès à partir de : 01/2025" in tables

    page.get_by_label("Rapport annuel anonyme (PDF) de l'année").select_option("2025")
    report = download(page, page.get_by_role("button", name="Télécharger le rapport annuel"))
    assert report.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "\n".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(report)).pages)
    assert "(RMM) — 2025" in text and "Rapport anonyme" in text
    assert "Séances et participation" in text

    for body in (rows, tables, text):
        for fragment in canary_fragments():
            assert fragment not in body
        assert quality_manager.full_name not in body
