"""No identity value ever reaches a committee page, agenda, review screen, minutes (HTML, print,
PDF) or invitation (.ics): canary values are planted in every vault field, the case goes
through the real workflow, and every committee output is searched for them."""

import html
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.exceptions import TransitionRefused
from cases.models import CareEvent, Case
from cases.services.cases import case_create_draft, summary_save
from cases.services.transitions import case_transition
from committees.services import reviews, sessions
from tests.committees.conftest import all_present, full_review
from tests.factories import complete_facts

pytestmark = pytest.mark.django_db

BORN = datetime(2026, 4, 7, 22, 41, tzinfo=ZoneInfo("Europe/Paris"))
CANARIES = {
    "mother_last_name": "Xylophonadze",
    "mother_birth_name": "Quarkenbush",
    "mother_first_name": "Ottilienne",
    "child_last_name": "Xylophonadze",
    "child_first_name": "Zébulonne",
    "mother_nir": "2 85 03 75 123 456 98",
    "ipp": "IPP4815162342",
    "nda": "NDA0815471100",
    "address": "42 impasse des Pélicans, 46000 Cahors",
    "phone": "+33 6 98 76 54 32",
    "email": "ottilienne.xylo@canari.example",
    "narrative_original": "Mme Xylophonadze Ottilienne, NIR 285037512345698, appelle le SAMU.",
}
FORBIDDEN = [
    "Xylophonadze",
    "Quarkenbush",
    "Ottilienne",
    "Zébulonne",
    "285037512345698",
    "2 85 03 75 123 456 98",
    "4815162342",
    "0815471100",
    "Pélicans",
    "Cahors",
    "98 76 54 32",
    "canari.example",
    "07/04/2026",
    "2026-04-07",
    "09/04/2026",
    "2026-04-09",
    "22:41",
]


# The review screen shows every clinical fact (issue 14): transfers, antenatal care, labour,
# Apgar, resuscitation, LATA, autopsy and placenta, each in relative time ("H+44"), never a date.
SHOWN_FACTS = {
    "maternity_level_at_birth": "2B",
    "postnatal_transfer": True,
    "postnatal_transfer_level": "3",
    "postnatal_transfer_unit": "Réanimation néonatale du CHU",
    "postnatal_transfer_age_hours": 6,
    "antenatal_corticosteroids": "complete",
    "labour_onset": "spontaneous",
    "apgar_5min": 4,
    "resuscitation_at_birth": True,
    "resuscitation_intubation": True,
    "neonatal_admission": "nicu",
    "treatment_limitation": True,
    "treatment_limitation_age_hours": 44,
    "autopsy_offered": True,
    "autopsy_accepted": True,
    "autopsy_done": True,
    "autopsy_findings": "Maladie des membranes hyalines.",
    "placental_histology_done": True,
    "placental_histology_findings": "Chorioamniotite aiguë.",
}
SHOWN_ON_THE_REVIEW_SCREEN = [
    "Niveau 2B",
    "Réanimation néonatale du CHU",
    "H+6",
    "Cure complète",
    "Oui : Intubation",
    "H+44",
    "J2 (H+50)",
    "Maladie des membranes hyalines.",
    "Chorioamniotite aiguë.",
]


def assert_clean(where: str, text: str) -> None:
    leaks = [value for value in FORBIDDEN if value in text]
    assert leaks == [], f"{where} leaks {leaks}"


@pytest.fixture
def reviewed_session(
    maternity, clinician, coordinator, committee, chair, secretary, committee_member
):
    case = case_create_draft(
        organisation=maternity,
        by=clinician,
        facts=complete_facts(**SHOWN_FACTS),
        identity={**CANARIES, "born_at": BORN, "died_at": BORN + timedelta(hours=50)},
    )
    case_transition(case_id=case.pk, name="declare", by=clinician, expected_status="draft")
    case_transition(case_id=case.pk, name="accept", by=coordinator, expected_status="declared")
    case = Case.objects.get(pk=case.pk)
    CareEvent.objects.create(
        case=case,
        period="postnatal",
        day_of_life=0,
        hour_of_day=1,
        place_type="nicu",
        description="Intubation, surfactant.",
    )
    summary_save(
        case=case,
        by=coordinator,
        validate=True,
        summary="Mère de 31 ans, 27 SA + 2 j, 980 g, décès à J2 en réanimation.",
    )
    case_transition(
        case_id=case.pk, name="submit_for_review", by=coordinator, expected_status="documenting"
    )
    session = sessions.session_plan(
        committee=committee,
        by=secretary,
        starts_at=datetime(2026, 6, 9, 14, 0, tzinfo=ZoneInfo("Europe/Paris")),
        place="Salle 2",
    )
    sessions.agenda_add(session=session, case=case, by=secretary, presenter=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )

    all_present(session, secretary)
    reviews.review_record(
        session=session,
        case=case,
        by=chair,
        review=full_review(conclusion="Voir actions."),
    )
    sessions.session_transition(
        session=session, name="hold", by=secretary, expected_status="agenda_sent"
    )
    reviews.minutes_draft(session=session, by=secretary)
    return session, case


def test_no_committee_output_carries_identity(
    client, reviewed_session, chair, secretary, committee_member
):
    session, case = reviewed_session
    urls = [
        reverse("committees:session_list"),
        reverse("committees:session_detail", args=[session.pk]),
        reverse("committees:review", args=[session.pk, case.pk]),
        reverse("committees:minutes", args=[session.pk]),
        reverse("committees:minutes_print", args=[session.pk, 1]),
        reverse("committees:session_ics", args=[session.pk]),
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:list"),
        reverse("home"),
    ]
    for user in (chair, secretary, committee_member):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (user.email, url)
            assert_clean(f"{url} for {user.email}", response.content.decode())
            if url == reverse("committees:review", args=[session.pk, case.pk]):
                facts = html.unescape(response.content.decode())
                assert all(value in facts for value in SHOWN_ON_THE_REVIEW_SCREEN), user.email
        pdf = client.get(reverse("committees:minutes_pdf", args=[session.pk, 1]))
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert case.code in text
        assert_clean("minutes PDF", text)
    assert_clean("stored minutes", session.minutes.get().body_html)


@pytest.mark.parametrize(
    "field",
    [
        "autopsy_findings",
        "congenital_anomaly_details",
        "antenatal_admission_reason",
        "postnatal_transfer_unit",
        "cause_of_death_text",
    ],
)
def test_a_name_typed_in_any_free_text_field_blocks_submission(
    field, maternity, clinician, coordinator
):
    case = case_create_draft(
        organisation=maternity,
        by=clinician,
        facts=complete_facts(**{field: "Vu par Mme Xylophonadze"}),
        identity={**CANARIES, "born_at": BORN, "died_at": BORN + timedelta(hours=50)},
    )
    case_transition(case_id=case.pk, name="declare", by=clinician, expected_status="draft")
    case_transition(case_id=case.pk, name="accept", by=coordinator, expected_status="declared")
    case = Case.objects.get(pk=case.pk)
    CareEvent.objects.create(
        case=case, period="postnatal", day_of_life=0, place_type="nicu", description="Intubation."
    )
    # The validation checks every text, not the summary alone (a contributing organisation
    # reads them once validated); the submission checks them again.
    with pytest.raises(TransitionRefused, match="Des identifiants subsistent dans le champ"):
        summary_save(case=case, by=coordinator, summary="Nouveau-né de 27 SA.", validate=True)
    assert Case.objects.get(pk=case.pk).summary_validated_at is None
    Case.objects.filter(pk=case.pk).update(summary_validated_at=timezone.now())
    with pytest.raises(TransitionRefused, match="Des identifiants subsistent dans le champ"):
        case_transition(
            case_id=case.pk, name="submit_for_review", by=coordinator, expected_status="documenting"
        )
    assert Case.objects.get(pk=case.pk).status == "documenting"


def test_attendance_sheet_and_certificates_carry_no_identity_nor_case(
    client, reviewed_session, chair, secretary, committee_member
):
    """Issue 15: the named attendance sheet and the participation certificates (pages and
    PDFs) name professionals, never a patient, and carry no case data at all."""
    from committees.models import CommitteeMember

    session, case = reviewed_session
    reviews.minutes_validate(session=session, by=chair, version=1)
    year = timezone.localtime(session.starts_at).year
    seat = CommitteeMember.objects.get(committee=session.committee, user=committee_member)
    certificate = reverse("committees:certificate_pdf", args=[seat.pk, year])
    pages = {
        secretary: [
            reverse("committees:attendance_sheet", args=[session.pk]),
            reverse("committees:committee_certificates_year", args=[session.committee_id, year]),
        ],
        committee_member: [reverse("committees:my_certificates")],
    }
    pdfs = {
        secretary: [reverse("committees:attendance_sheet_pdf", args=[session.pk]), certificate],
        committee_member: [certificate],
    }
    for user in (secretary, committee_member):
        client.force_login(user)
        for url in pages[user]:
            body = client.get(url).content.decode()
            assert case.code not in body, url
            assert_clean(f"{url} for {user.email}", body)
        for url in pdfs[user]:
            response = client.get(url)
            assert response.status_code == 200, url
            text = "".join(
                page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
            )
            assert case.code not in text, url
            assert_clean(f"{url} for {user.email}", text)
