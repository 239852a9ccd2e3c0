"""Quality managers read the minutes and decisions of their organisation's cases: each case's
part of the validated minutes, frozen with them, and nothing of the other organisations' cases
that a territorial committee reviewed in the same session."""

import pytest
from django.urls import reverse

from accounts.models import Role
from committees.models import MinutesCaseExtract
from committees.services import reviews, sessions
from tests.committees.conftest import all_present, full_review
from tests.factories import CaseFactory, MaternityFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour_case(network, clinician):
    """A case of another maternity of the same network, reviewed in the same session."""
    neighbour = MaternityFactory(name="Maternité Voisine", parent=network)
    author = member(Role.CLINICIAN, neighbour, email="clinicien@voisine.test")
    return CaseFactory(
        organisation=neighbour,
        territory=network,
        declared_by=author,
        status="ready",
        summary="Décès à J5.",
    )


@pytest.fixture
def held_with_two_cases(session, ready_case, neighbour_case, secretary, chair):
    for case in (ready_case, neighbour_case):
        sessions.agenda_add(session=session, case=case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(session, secretary)
    reviews.review_record(
        session=session,
        case=ready_case,
        by=chair,
        review=full_review(conclusion="Transfert in utero trop tardif pour ce cas."),
    )
    reviews.review_record(
        session=session,
        case=neighbour_case,
        by=chair,
        review=full_review(conclusion="Sortie précoce sans relais PMI chez le voisin."),
    )
    sessions.session_transition(session=session, name="hold", by=secretary, expected_status=None)
    return session


def validate(session, secretary, chair, reason=""):
    minutes = reviews.minutes_draft(session=session, by=secretary, correction_reason=reason)
    return reviews.minutes_validate(session=session, by=chair, version=minutes.version)


def case_page(client, user, case):
    client.force_login(user)
    return client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_quality_manager_reads_only_their_case_part_of_validated_minutes(
    client, held_with_two_cases, ready_case, neighbour_case, secretary, chair, quality_manager
):
    session = held_with_two_cases
    reviews.minutes_draft(session=session, by=secretary)
    page = case_page(client, quality_manager, ready_case)
    assert "Transfert in utero trop tardif" not in page  # a draft is not a decision yet

    validate(session, secretary, chair)
    page = case_page(client, quality_manager, ready_case)
    assert f'id="minutes-extract-{session.pk}"' in page
    assert "Transfert in utero trop tardif pour ce cas." in page
    assert "Sortie précoce sans relais PMI" not in page
    assert neighbour_case.code not in page
    # The whole minutes stay the committee's.
    client.force_login(quality_manager)
    assert client.get(reverse("committees:minutes", args=[session.pk])).status_code == 404


def test_an_extract_is_frozen_with_its_version_until_a_correction_is_validated(
    client, held_with_two_cases, ready_case, secretary, chair, quality_manager
):
    session = held_with_two_cases
    first = validate(session, secretary, chair)
    frozen = first.case_extracts.get(case=ready_case).body_html
    review = session.reviews.get(case=ready_case)
    reviews.minutes_draft(session=session, by=secretary, correction_reason="Coquille.")
    review.conclusion = "Conclusion corrigée après relecture."
    review.save()
    draft = reviews.minutes_draft(session=session, by=secretary)
    assert draft.version == 2
    assert first.case_extracts.get(case=ready_case).body_html == frozen
    page = case_page(client, quality_manager, ready_case)
    assert "compte rendu v1" in page and "Conclusion corrigée" not in page

    reviews.minutes_validate(session=session, by=chair, version=2)
    page = case_page(client, quality_manager, ready_case)
    assert "compte rendu v2" in page and "Conclusion corrigée après relecture." in page
    assert "compte rendu v1" not in page


def test_extracts_are_redone_with_a_regenerated_draft(
    held_with_two_cases, ready_case, neighbour_case, secretary
):
    session = held_with_two_cases
    reviews.minutes_draft(session=session, by=secretary)
    minutes = reviews.minutes_draft(session=session, by=secretary)
    assert sorted(minutes.case_extracts.values_list("case_id", flat=True)) == sorted(
        [ready_case.pk, neighbour_case.pk]
    )
    assert MinutesCaseExtract.objects.count() == 2


def test_other_organisations_never_read_the_extract(
    client, held_with_two_cases, ready_case, neighbour_case, secretary, chair, outsider
):
    validate(held_with_two_cases, secretary, chair)
    neighbour_quality = member(
        Role.QUALITY_MANAGER, neighbour_case.organisation, email="qualite@voisine.test"
    )
    page = case_page(client, neighbour_quality, neighbour_case)
    assert "Sortie précoce sans relais PMI" in page
    assert "Transfert in utero trop tardif" not in page
    client.force_login(neighbour_quality)
    assert client.get(reverse("cases:detail", args=[ready_case.pk])).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("cases:detail", args=[ready_case.pk])).status_code == 404
