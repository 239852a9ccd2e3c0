"""The parents' pathway on the committee's side (issue 15): the questions gathered beforehand
are shown beside the answers on the review screen; the minutes say only whether they were
answered; once reviewed, only the coordinators of the declaring organisation print the letter
to the parents, with the identity from the vault inserted at print time and each print in the
identity access log. Canaries: the vault's values reach the letter, and nothing else."""

import importlib
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Role
from cases.exceptions import InvalidInput, NotAllowed, TransitionRefused
from cases.models import Case, CaseContribution, IdentityAccessLog, ParentsContact
from cases.services.parents import parents_contact_save
from committees.forms import ReviewForm
from committees.models import CaseReview
from committees.parents_letter import latest_review, parents_letter_pdf
from committees.services import reviews, sessions
from tests.committees.conftest import all_present, full_review
from tests.factories import CANARY_IDENTITY, MaternityFactory, canary_fragments, member

pytestmark = pytest.mark.django_db

QUESTIONS = "Le transfert aurait-il pu être plus rapide ?\nPourquoi la sonde a-t-elle été posée ?"
ANSWERS = "Le transfert a pris quarante minutes, un délai habituel.\nLa sonde aidait à respirer."
TOLD_DAYS_AGO = 11


def told(case, coordinator, *, status="told", questions=QUESTIONS):
    return parents_contact_save(
        case=case,
        by=coordinator,
        status=status,
        told_on=timezone.localdate() - timedelta(days=TOLD_DAYS_AGO),
        told_by_function="midwife" if status in ("told", "declined") else "",
        questions=questions if status == "told" else "",
        expected_version=0,
    )


def told_on_text() -> str:
    return (timezone.localdate() - timedelta(days=TOLD_DAYS_AGO)).strftime("%d/%m/%Y")


@pytest.fixture
def on_agenda(session, ready_case, secretary, coordinator, chair, committee_member):
    told(ready_case, coordinator)
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(session, secretary)
    return session, Case.objects.get(pk=ready_case.pk)


@pytest.fixture
def reviewed(on_agenda, chair, secretary):
    session, case = on_agenda
    reviews.review_record(
        session=session, case=case, by=chair, review=full_review(answers_to_parents=ANSWERS)
    )
    sessions.session_transition(
        session=session, name="hold", by=secretary, expected_status="agenda_sent"
    )
    reviews.minutes_draft(session=session, by=secretary)
    return session, Case.objects.get(pk=case.pk)


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def assert_no_identity(where: str, text: str) -> None:
    leaks = [fragment for fragment in canary_fragments() if fragment in text]
    assert leaks == [], f"{where} leaks {leaks}"


# --- Review screen ----------------------------------------------------------------------------
def test_the_review_screen_shows_the_questions_beside_the_answers(
    client, on_agenda, secretary, committee_member
):
    session, case = on_agenda
    url = reverse("committees:review", args=[session.pk, case.pk])
    client.force_login(secretary)
    page = client.get(url).content.decode()
    form_part = page[page.index('id="review-form"') :]
    assert 'id="parents-answers"' in form_part and "id_answers_to_parents" in form_part
    assert "Le transfert aurait-il pu être plus rapide ?" in form_part
    assert "par : sage-femme" in page and told_on_text() not in page
    client.force_login(committee_member)
    page = client.get(url).content.decode()
    assert "Pourquoi la sonde" in page and 'id="review-form"' not in page
    assert told_on_text() not in page


def test_questions_asked_need_the_committees_answers(on_agenda, chair):
    session, case = on_agenda
    assert ReviewForm(case=case).fields["answers_to_parents"].required
    with pytest.raises(TransitionRefused, match="Les parents ont posé des questions"):
        reviews.review_record(session=session, case=case, by=chair, review=full_review())
    assert not CaseReview.objects.exists()
    reviews.review_record(
        session=session, case=case, by=chair, review=full_review(answers_to_parents=ANSWERS)
    )
    assert Case.objects.get(pk=case.pk).status == "reviewed"


# --- Minutes ----------------------------------------------------------------------------------
def test_minutes_say_the_questions_were_answered_never_what_they_were(reviewed, client, chair):
    session, case = reviewed
    minutes = session.minutes.get()
    extract = minutes.case_extracts.get(case=case).body_html
    for text in (minutes.body_html, extract):
        assert "Questions des parents : oui, réponses apportées" in text
        for line in (*QUESTIONS.splitlines(), *ANSWERS.splitlines()):
            assert line not in text
    client.force_login(chair)
    pdf = pdf_text(client.get(reverse("committees:minutes_pdf", args=[session.pk, 1])).content)
    assert "réponses apportées" in pdf and "sonde" not in pdf and "quarante" not in pdf
    assert_no_identity("minutes PDF", pdf)


@pytest.mark.parametrize(
    ("status", "questions", "line"),
    [
        ("told", "", "Questions des parents : pas de questions"),
        ("unreachable", "", "Questions des parents : parents non joints"),
    ],
)
def test_minutes_say_when_there_was_no_question_or_no_parent_reached(
    session, ready_case, secretary, chair, committee_member, coordinator, status, questions, line
):
    told(ready_case, coordinator, status=status, questions=questions)
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(session, secretary)
    reviews.review_record(session=session, case=ready_case, by=chair, review=full_review())
    sessions.session_transition(
        session=session, name="hold", by=secretary, expected_status="agenda_sent"
    )
    assert line in reviews.minutes_draft(session=session, by=secretary).body_html


# --- The letter -------------------------------------------------------------------------------
def test_the_coordinator_prints_the_letter_with_the_identity_and_each_print_is_logged(
    reviewed, client, coordinator
):
    _session, case = reviewed
    client.force_login(coordinator)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    url = reverse("committees:parents_letter", args=[case.pk])
    assert url in detail and "quarante minutes" in detail
    assert_no_identity("case page", detail)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    # The canaries are there: the letter is the one place the issue allows them.
    for value in ("Philomene", "Zanzibarova", "Canaris", "Créteil", "Anastabelle"):
        assert value in text, value
    assert "Pourquoi la sonde" in text and "quarante minutes" in text
    assert "[à compléter" in text and "sage-femme" in text
    for value in ("285037512345698", "IPP778899001", "NDA554433221", "06 71 72 73 74"):
        assert value not in text  # only names and postal address are inserted
    logs = IdentityAccessLog.objects.filter(case=case)
    assert list(logs.values_list("user_id", "purpose")) == [(coordinator.pk, "parents_letter")]
    client.get(url)
    assert logs.count() == 2
    assert not ParentsContact.objects.filter(questions__contains="Zanzibarova").exists()


def reviewed_with_parents(session, case, secretary, chair, coordinator, status):
    """A reviewed case whose parents record says `status` (None: nothing recorded)."""
    if status is not None:
        told(case, coordinator, status=status, questions="")
    sessions.agenda_add(session=session, case=case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(session, secretary)
    reviews.review_record(session=session, case=case, by=chair, review=full_review())
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("declined", "Les parents ont refusé de participer : pas de courrier."),
        ("unreachable", "Les parents n'ont pas pu être joints : pas de courrier."),
        ("not_yet", "Les parents n'ont pas été informés de la revue : pas de courrier."),
        (None, "Les parents n'ont pas été informés de la revue : pas de courrier."),
    ],
)
def test_no_letter_to_parents_who_were_not_told_of_the_review(
    session, ready_case, secretary, chair, committee_member, coordinator, client, status, reason
):
    case = reviewed_with_parents(session, ready_case, secretary, chair, coordinator, status)
    with pytest.raises(NotAllowed, match=reason):
        parents_letter_pdf(case=case, review=latest_review(case), by=coordinator)
    client.force_login(coordinator)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reason.replace("'", "&#x27;") in detail
    assert 'id="parents-letter-download"' not in detail
    assert 'id="parents-letter-prepare"' not in detail
    for url, method in (
        (reverse("committees:parents_letter", args=[case.pk]), client.get),
        (reverse("committees:parents_letter_page", args=[case.pk]), client.get),
        (reverse("committees:parents_letter_page", args=[case.pk]), client.post),
    ):
        response = method(url, follow=True)
        assert response["Content-Type"].startswith("text/html"), url
        assert reason.replace("'", "&#x27;") in response.content.decode(), url
    assert not IdentityAccessLog.objects.exists()


def test_the_letter_is_plain_french_for_the_parents_and_its_note_is_a_page_apart(
    reviewed, client, coordinator
):
    _session, case = reviewed
    client.force_login(coordinator)
    pages = PdfReader(
        io.BytesIO(client.get(reverse("committees:parents_letter", args=[case.pk])).content)
    ).pages
    letter = "".join(page.extract_text() for page in pages[:-1])
    note = pages[-1].extract_text()
    assert "RMM" not in letter and "morbidité" not in letter
    assert "Comme vous l'avait expliqué le professionnel qui vous a contactés (sage-femme)" in (
        " ".join(letter.split())
    )
    assert "page à ne pas envoyer" in note and "[à compléter" not in note.split("laissés")[0]
    assert "complétez à la main les passages laissés [à compléter]" in " ".join(note.split())
    assert "retirez cette mention" not in letter + note


def test_the_coordinator_fills_the_teams_places_before_printing(reviewed, client, coordinator):
    _session, case = reviewed
    url = reverse("committees:parents_letter_page", args=[case.pk])
    client.force_login(coordinator)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert url in detail
    page = client.get(url)
    assert page.status_code == 200 and 'id="parents-letter-form"' in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert not IdentityAccessLog.objects.exists()  # showing the form reads no identity
    places = {
        "service": "Service  de néo\u00adnatalogie",
        "address": "12 rue des Lilas\n\n94000 Créteil",
        "telephone": "01 45 17 50 00",
        "signatory_first_name": "Claire",
        "signatory_last_name": "Martin",
        "signatory_function": "Sage-femme coordinatrice",
        "place": "Créteil",
    }
    response = client.post(url, places)
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    for value in ("Service de néonatalogie", "12 rue des Lilas", "01 45 17 50 00"):
        assert value in text, value
    assert "Claire Martin" in text and "Sage-femme coordinatrice" in text
    assert "Créteil, le [à compléter : date]" in text  # the date is left to the hand
    assert "à compléter : service" not in text and "à compléter : téléphone" not in text
    assert "quarante minutes" in text  # the committee's answers as drafted
    assert IdentityAccessLog.objects.filter(case=case, purpose="parents_letter").count() == 1
    partial = " ".join(pdf_text(client.post(url, {"place": "Créteil"}).content).split())
    assert "à compléter : service" in partial and "à compléter : prénom et nom" in partial
    assert IdentityAccessLog.objects.filter(case=case).count() == 2


def test_a_place_over_200_characters_is_refused_and_nothing_is_printed(
    reviewed, client, coordinator
):
    _session, case = reviewed
    with pytest.raises(InvalidInput, match="200 caractères au plus"):
        parents_letter_pdf(
            case=case, review=latest_review(case), by=coordinator, places={"service": "x" * 201}
        )
    client.force_login(coordinator)
    url = reverse("committees:parents_letter_page", args=[case.pk])
    page = client.post(url, {"signatory_function": "y" * 201})
    content = page.content.decode()
    assert page.status_code == 400 and 'id="parents-letter-error-summary"' in content
    assert "Aucun courrier n'a été imprimé." in content and 'aria-invalid="true"' in content
    assert not IdentityAccessLog.objects.exists()


def test_nobody_else_prints_the_letter(
    reviewed, client, every_role, coordinator, other_maternity, network
):
    _session, case = reviewed
    url = reverse("committees:parents_letter", args=[case.pk])
    sibling = MaternityFactory(name="Maternité Est", parent=network)
    birth_maternity = MaternityFactory(name="Maternité de naissance", parent=network)
    # The birth maternity took part in the pathway: it reads the case, never the vault.
    CaseContribution.objects.create(
        case=case,
        organisation=birth_maternity,
        pathway_role=CaseContribution.PathwayRole.BIRTH_MATERNITY,
        added_by=coordinator,
    )
    others = {
        **{role: user for role, user in every_role.items() if role != Role.COORDINATOR},
        "coordinator of another maternity of the network": member(Role.COORDINATOR, sibling),
        "coordinator of another network": member(Role.COORDINATOR, other_maternity),
        "coordinator of a contributing organisation": member(Role.COORDINATOR, birth_maternity),
    }
    for who, user in others.items():
        client.force_login(user)
        assert client.get(url).status_code == 404, who
        page = client.get(reverse("cases:detail", args=[case.pk]))
        assert url not in page.content.decode(), who
        if page.status_code == 200:
            assert_no_identity(f"case page for {who}", page.content.decode())
    assert not IdentityAccessLog.objects.exists()


def test_no_letter_before_the_review(on_agenda, client, coordinator):
    _session, case = on_agenda
    client.force_login(coordinator)
    assert client.get(reverse("committees:parents_letter", args=[case.pk])).status_code == 404
    assert not IdentityAccessLog.objects.exists()


def test_committee_pages_carry_no_identity_with_the_parents_pathway(
    reviewed, client, chair, secretary, committee_member
):
    session, case = reviewed
    urls = [
        reverse("committees:review", args=[session.pk, case.pk]),
        reverse("committees:minutes", args=[session.pk]),
        reverse("committees:minutes_print", args=[session.pk, 1]),
        reverse("cases:detail", args=[case.pk]),
    ]
    for user in (chair, secretary, committee_member):
        client.force_login(user)
        for url in urls:
            page = client.get(url).content.decode()
            assert_no_identity(f"{url} for {user.email}", page)
            assert told_on_text() not in page, url
    assert CANARY_IDENTITY["mother_last_name"] == "Zanzibarova"  # the canary really is planted


# --- Migration --------------------------------------------------------------------------------
def test_questions_typed_in_reviews_move_to_their_case_joined_once_each():
    migration = importlib.import_module("committees.migrations.0014_parents_answers")
    rows = [(1, "Pourquoi ?"), (2, "  "), (1, "Pourquoi ?"), (1, "Et ensuite ?"), (3, "x" * 5000)]
    moved = migration.questions_by_case(rows)
    assert moved[1] == "Pourquoi ?\n\nEt ensuite ?"
    assert 2 not in moved and len(moved[3]) == 4000
