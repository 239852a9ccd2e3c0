"""Attendance that counts, in the browser: a committee member opens "Mes
attestations" from their home page and downloads this year's participation certificate (a
PDF with their name and the count of sessions attended); the secretary opens the named
attendance sheet of the held session from its page. Every page is checked with axe-core."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from committees.models import Attendance, Session
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_downloads_certificate_and_secretary_opens_the_sheet(
    page, live_server, log_in, axe_check, screenshot, committee, chair, secretary, committee_member
):
    # A session of this year (never before 1 January) whose minutes are validated: its
    # attendance is locked and counts. (The demo's held session does the same: see
    # tests/committees/test_attendance_certificates.py.)
    now = timezone.localtime()
    starts_at = max(
        (now - timedelta(days=14)).replace(hour=14, minute=0, second=0, microsecond=0),
        now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0),
    )
    held = Session.objects.create(
        committee=committee,
        starts_at=starts_at,
        place="Salle du réseau",
        created_by=secretary,
        status="minutes_validated",
    )
    Attendance.objects.bulk_create(
        Attendance(session=held, member=seat, status="present") for seat in committee.members.all()
    )
    year = now.year
    member = committee_member
    log_in(page, member.email, TEST_PASSWORD)
    page.get_by_role("link", name="Mes attestations de participation").click()
    expect(page.get_by_role("heading", name="Mes attestations de participation")).to_be_visible()
    link = page.get_by_role("link", name=f"Attestation {year} (PDF)")
    expect(link).to_have_count(1)
    screenshot(page, "attendance-certificate")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert (
        download.suggested_filename
        == f"attestation-rmm-{year}-" + (download.suggested_filename.rsplit("-", 1)[1])
    )
    content = open(download.path(), "rb").read()  # noqa: SIM115 - a temporary download
    assert content.startswith(b"%PDF")
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )
    assert member.full_name in text
    assert f"a participé à 1 revue de morbi-mortalité (RMM) en {year}" in text
    assert timezone.localtime(held.starts_at).strftime("%d/%m/%Y") in text

    page.get_by_role("button", name=member.full_name).click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{live_server.url}/connexion/")
    axe_check(page)
    log_in(page, secretary.email, TEST_PASSWORD)
    page.goto(f"{live_server.url}/seances/{held.pk}/")
    axe_check(page)
    expect(page.locator("#attendance-locked")).to_be_visible()
    page.get_by_role("link", name="Feuille d'émargement (nominative, archives du comité)").click()
    sheet = page.locator("#attendance-sheet")
    expect(sheet).to_contain_text(member.full_name)
    expect(sheet).to_contain_text("Présent")
    screenshot(page, "attendance-sheet")
