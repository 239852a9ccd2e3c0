"""Validated minutes are rendered to PDF once and served from storage; drafts are rendered on
every download; a correction is a new version with its own PDF; who may download is
unchanged."""

from unittest import mock

import pytest
from django.urls import reverse

from committees import pdf
from committees.models import MinutesVersion
from committees.services import reviews, sessions
from tests.committees.conftest import all_present, full_review

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 minutes"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def weasyprint():
    """Counts the renderings (each one is WeasyPrint's half-second a page)."""
    with mock.patch.object(pdf, "html_to_pdf", return_value=FAKE_PDF) as render:
        yield render


@pytest.fixture
def held(session, ready_case, secretary, chair):
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(session, secretary)
    reviews.review_record(session=session, case=ready_case, by=chair, review=full_review())
    sessions.session_transition(session=session, name="hold", by=secretary, expected_status=None)
    return session


def download(client, session, version):
    return client.get(reverse("committees:minutes_pdf", args=[session.pk, version]))


def test_a_draft_is_rendered_on_every_download(client, held, secretary, weasyprint):
    reviews.minutes_draft(session=held, by=secretary)
    client.force_login(secretary)
    for _ in range(2):
        response = download(client, held, 1)
        assert response.status_code == 200 and response.content == FAKE_PDF
    assert weasyprint.call_count == 2
    assert not MinutesVersion.objects.get().pdf


def test_validation_renders_the_pdf_once_and_downloads_read_it_back(
    client, held, secretary, chair, weasyprint, django_capture_on_commit_callbacks
):
    reviews.minutes_draft(session=held, by=secretary)
    with django_capture_on_commit_callbacks(execute=True):
        reviews.minutes_validate(session=held, by=chair, version=1)
    assert weasyprint.call_count == 1
    stored = MinutesVersion.objects.get()
    assert stored.pdf.name.startswith("minutes/") and stored.pdf.storage.exists(stored.pdf.name)
    client.force_login(chair)
    for _ in range(2):
        response = download(client, held, 1)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content == FAKE_PDF
    assert weasyprint.call_count == 1


def test_a_frozen_version_without_its_pdf_is_rendered_on_first_download_only(
    client, held, secretary, chair, weasyprint
):
    reviews.minutes_draft(session=held, by=secretary)
    reviews.minutes_validate(session=held, by=chair, version=1)  # on_commit never runs here
    client.force_login(secretary)
    assert download(client, held, 1).content == FAKE_PDF
    assert download(client, held, 1).content == FAKE_PDF
    assert weasyprint.call_count == 1


def test_a_correction_is_a_new_version_with_its_own_pdf(client, held, secretary, chair, weasyprint):
    reviews.minutes_draft(session=held, by=secretary)
    reviews.minutes_validate(session=held, by=chair, version=1)
    client.force_login(chair)
    download(client, held, 1)
    reviews.minutes_draft(session=held, by=secretary, correction_reason="Coquille.")
    reviews.minutes_validate(session=held, by=chair, version=2)
    weasyprint.return_value = b"%PDF-1.7 corrected"
    assert download(client, held, 2).content == b"%PDF-1.7 corrected"
    assert download(client, held, 1).content == FAKE_PDF  # the first version stays as it was
    first, second = MinutesVersion.objects.order_by("version")
    assert first.pdf.name != second.pdf.name
    assert weasyprint.call_count == 2


def test_who_may_download_is_unchanged(
    client, held, secretary, chair, outsider, coordinator, weasyprint
):
    reviews.minutes_draft(session=held, by=secretary)
    reviews.minutes_validate(session=held, by=chair, version=1)
    client.force_login(chair)
    assert download(client, held, 1).status_code == 200
    for stranger in (outsider, coordinator):
        client.force_login(stranger)
        assert download(client, held, 1).status_code == 404
    client.logout()
    assert download(client, held, 1).status_code == 302
