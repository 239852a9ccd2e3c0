"""The review screen (issue 14, point 2): the committee sees every clinical fact that matters,
grouped as in the declaration, beside the chronology; ICD-PM groups offered only when they fit
the death; errors beside each field; no review before the session has begun, on any route."""

import html
import re

import pytest
from django.urls import reverse

from cases.models import CareEvent, Case
from cases.services.transitions import case_transition
from committees.forms import ReviewForm
from committees.models import (
    AgendaItem,
    AlarmItem,
    CaseReview,
    IcdPmGroup,
    MaternalCondition,
    Session,
)
from committees.services import reviews, sessions
from rmm.errors import TransitionConflict, TransitionRefused
from tests.committees.conftest import all_present, days_from_now, full_review
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

RICH_FACTS = {
    "birth_place_type": "maternity",
    "maternity_level_at_birth": "2A",
    "transfer_in_utero": False,
    "postnatal_transfer": True,
    "postnatal_transfer_level": "3",
    "postnatal_transfer_unit": "Réanimation néonatale du CHU",
    "postnatal_transfer_age_hours": 3,
    "postnatal_transfer_mode": "medical",
    "mother_age_years": 31,
    "first_antenatal_visit_trimester": "first",
    "antenatal_visits_count": 4,
    "antenatal_corticosteroids": "incomplete",
    "magnesium_sulphate": False,
    "labour_onset": "spontaneous",
    "presentation": "breech",
    "delivery_mode": "caesarean_in_labour",
    "decision_to_delivery_minutes": 42,
    "apgar_1min": 2,
    "apgar_5min": 5,
    "apgar_10min": 7,
    "resuscitation_at_birth": True,
    "resuscitation_mask_ventilation": True,
    "resuscitation_intubation": True,
    "neonatal_admission": "nicu",
    "therapeutic_hypothermia": False,
    "treatment_limitation": True,
    "treatment_limitation_age_hours": 40,
    "place_of_death": "nicu",
    "autopsy_offered": True,
    "autopsy_accepted": False,
    "placental_histology_done": True,
    "placental_histology_findings": "Chorioamniotite aiguë.",
}


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def scheduled(session, maternity, clinician, secretary):
    case = CaseFactory(
        organisation=maternity,
        territory=maternity.parent,
        declared_by=clinician,
        status="scheduled",
        **RICH_FACTS,
    )
    CareEvent.objects.create(
        case=case,
        period="postnatal",
        day_of_life=0,
        hour_of_day=1,
        place_type="nicu",
        description="Intubation, surfactant.",
    )
    AgendaItem.objects.create(session=session, case=case, presenter=secretary)
    Session.objects.filter(pk=session.pk).update(status="agenda_sent")
    session.refresh_from_db()
    return case


def review_url(session, case):
    return reverse("committees:review", args=[session.pk, case.pk])


def facts_block(page: str) -> str:
    return page[page.index('id="case-facts"') : page.index('id="case-summary"')]


# --- the whole pseudonymised picture ------------------------------------------------------
@pytest.mark.parametrize("role", ["chair", "committee_member"])
def test_every_group_of_facts_is_shown_as_in_the_declaration(
    request, client, role, session, scheduled
):
    client.force_login(request.getfixturevalue(role))
    response = client.get(review_url(session, scheduled))
    assert response.status_code == 200
    facts = facts_block(text(response))
    for title in (
        "Cas",
        "Mère",
        "Grossesse et suivi prénatal",
        "Travail et accouchement",
        "Enfant",
        "Décès et investigations",
    ):
        assert f">{title}</h3>" in facts, title
    expected = [
        # place and level of birth, transfers
        ("Niveau de la maternité de naissance", "Niveau 2A"),
        ("Transfert in utero", "Non"),
        ("Transfert postnatal de l'enfant", "Oui"),
        ("Niveau de l'unité d'accueil (transfert postnatal)", "Réanimation néonatale (type 3)"),
        ("Âge de l'enfant au transfert postnatal (heures)", "H+3"),
        # antenatal care and corticosteroids
        ("Corticothérapie anténatale", "Cure incomplète"),
        ("Nombre de consultations prénatales", "4"),
        # labour
        ("Présentation", "Siège"),
        ("Délai décision-naissance", "42 min"),  # the unit once, after the value
        # Apgar, resuscitation
        ("Apgar à 1 minute", "2"),
        ("Apgar à 5 minutes", "5"),
        ("Apgar à 10 minutes", "7"),
        ("Réanimation à la naissance", "Oui : Ventilation au masque, Intubation"),
        ("Âge gestationnel", "27 SA + 2 j"),
        # care in the unit, LATA
        ("Hospitalisation néonatale", "Réanimation néonatale"),
        ("Limitation ou arrêt des thérapeutiques actives (LATA)", "Oui"),
        ("Âge à la décision de LATA (heures)", "H+40"),
        # death (age computed from the vault, shown relative), autopsy and placenta
        ("Âge au décès", "J2 (H+52)"),
        ("Autopsie acceptée", "Non"),
        ("Examen anatomopathologique du placenta réalisé", "Oui"),
        ("Résultats de l'examen du placenta", "Chorioamniotite aiguë."),
    ]
    for label, value in expected:
        pattern = rf">{re.escape(label)}</dt>\s*<dd[^>]*>{re.escape(value)}</dd>"
        assert re.search(pattern, facts), (label, value)
    # Beside the chronology.
    assert "Intubation, surfactant." in text(response)


def test_the_facts_are_read_in_the_reader_s_language_whichever_came_first(
    client, chair, session, scheduled
):
    """The facts' labels and choices are translated once per language and kept: an English
    reader after a French one gets English, and the French reader French again."""
    from django.conf import settings

    client.force_login(chair)
    french = facts_block(text(client.get(review_url(session, scheduled))))
    assert re.search(r">Transfert in utero</dt>\s*<dd[^>]*>Non</dd>", french)
    assert re.search(r">Corticothérapie anténatale</dt>\s*<dd[^>]*>Cure incomplète</dd>", french)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = facts_block(text(client.get(review_url(session, scheduled))))
    assert re.search(r">In utero transfer</dt>\s*<dd[^>]*>No</dd>", english)
    assert re.search(r"<dd[^>]*>Incomplete course</dd>", english)
    assert ">Mother</h3>" in english and "Cure incomplète" not in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert facts_block(text(client.get(review_url(session, scheduled)))) == french


def test_a_typed_fact_is_escaped_its_placeholders_set_apart_and_its_lines_kept(
    client, chair, session, scheduled
):
    Case.objects.filter(pk=scheduled.pk).update(
        placental_histology_findings="<b>Villite</b> & [NOM]\nDeuxième ligne."
    )
    client.force_login(chair)
    facts = facts_block(client.get(review_url(session, scheduled)).content.decode())
    assert (
        '<dd class="col-sm-6 mb-1">&lt;b&gt;Villite&lt;/b&gt; &amp; '
        '<span class="placeholder">[NOM]</span><br>Deuxième ligne.</dd>'
    ) in facts
    assert '<dt class="col-sm-6 fw-normal text-body-secondary" data-fact="autopsy_done">' in facts


def test_a_fact_the_committee_always_asks_about_says_when_it_was_not_given(
    client, chair, session, scheduled
):
    Case.objects.filter(pk=scheduled.pk).update(autopsy_done=None, antenatal_corticosteroids="")
    client.force_login(chair)
    facts = facts_block(text(client.get(review_url(session, scheduled))))
    assert re.search(
        r">Autopsie réalisée</dt>\s*<dd class=\"col-sm-6 mb-1 fst-italic text-body-secondary\">"
        r"Non renseigné</dd>",
        facts,
    )
    assert re.search(r">Corticothérapie anténatale</dt>\s*<dd[^>]*>Non renseigné</dd>", facts)
    # A fact nobody asks for by default is left out when not given.
    assert "Rang de naissance" not in facts


# --- ICD-PM groups offered only when they fit the death -----------------------------------
@pytest.mark.parametrize(
    ("outcome", "offered", "refused"),
    [
        ("live_birth_death", {"N"}, "A1"),
        ("stillbirth", {"A", "I"}, "N9"),
        ("severe_morbidity", {"A", "I", "N"}, None),
    ],
)
def test_icd_pm_groups_offered_fit_the_kind_of_death(outcome, offered, refused, session):
    case = CaseFactory.build(outcome=outcome)
    form = ReviewForm(case=case)
    timings = {group.timing for group in form.fields["icd_pm_group"].rows.values()}
    assert timings == offered
    choices = {str(label)[:2].strip() for value, label in form.fields["icd_pm_group"].choices}
    if refused:
        assert refused not in choices
        group = IcdPmGroup.objects.get(code=refused)
        # The same predicate as the service: the posted group is refused beside the field.
        bound = ReviewForm({"icd_pm_group": group.pk}, case=case)
        assert not bound.is_valid()
        message = bound.errors["icd_pm_group"][0]
        assert message == reviews.icd_pm_timing_error(full_review(icd=refused), case)


def test_a_stillbirth_review_posting_a_neonatal_group_is_refused_beside_the_field(
    client, chair, secretary, session, scheduled
):
    Case.objects.filter(pk=scheduled.pk).update(outcome="stillbirth")
    all_present(session, secretary)
    client.force_login(chair)
    response = client.post(review_url(session, scheduled), review_data(icd="N9"))
    assert response.status_code == 400
    page = text(response)
    assert 'id="id_icd_pm_group_error"' in page
    assert "Une mortinatalité se classe dans un groupe CIM-PM antepartum ou intrapartum" in page
    assert 'aria-describedby="id_icd_pm_group_error' in page
    assert not CaseReview.objects.exists()


# --- errors beside each field, required markers, error summary ----------------------------
def review_data(*, icd="N9", **overrides):
    data = {
        "icd_pm_group": IcdPmGroup.objects.get(code=icd).pk,
        "maternal_condition": MaternalCondition.objects.get(code="M2").pk,
        "grade_care_to_death": "C",
        "grade_neonatal_care": "B",
        "grade_after_death": "A",
        "avoidability": "potentially_avoidable",
        "optimal_care": "no",
        "conclusion": "Orientation PMI à renforcer.",
    }
    data.update(overrides)
    return data


def test_errors_stand_beside_their_fields_and_are_summarised_first(
    client, chair, secretary, session, scheduled
):
    all_present(session, secretary)
    client.force_login(chair)
    item = AlarmItem.objects.get(code="1.4")
    response = client.post(
        review_url(session, scheduled),
        review_data(
            maternal_condition="",
            optimal_care="",
            **{f"factor_{item.pk}": "on", f"factor_{item.pk}_comment": "x" * 5000},
        ),
    )
    assert response.status_code == 400
    page = text(response)
    opening = re.search(r'<div [^>]*id="review-error-summary"[^>]*>', page).group()
    assert 'tabindex="-1"' in opening and "data-focus-on-load" in opening
    start = page.index(opening)
    summary = page[start : page.index("</ul>", start)]
    assert "Le formulaire contient 3 erreurs : rien n'a été enregistré." in summary
    assert 'href="#id_maternal_condition"' in summary and 'href="#id_optimal_care"' in summary
    assert f'href="#id_factor_{item.pk}_comment"' in summary
    for name, message in (
        ("maternal_condition", "Choisissez la condition maternelle (M1 à M5)."),
        ("optimal_care", "Indiquez si les soins ont été optimaux."),
    ):
        widget = re.search(rf'<select name="{name}"[^>]*>', page).group()
        assert 'aria-invalid="true"' in widget and f'aria-describedby="id_{name}_error"' in widget
        assert re.search(rf'id="id_{name}_error">{re.escape(message)}</div>', page)
    assert f'aria-describedby="id_factor_{item.pk}_comment_error"' in page
    assert not CaseReview.objects.exists()
    assert Case.objects.get(pk=scheduled.pk).status == "scheduled"


def test_required_decisions_are_marked(client, chair, session, scheduled):
    client.force_login(chair)
    page = text(client.get(review_url(session, scheduled)))
    for name in (
        "icd_pm_group",
        "maternal_condition",
        "avoidability",
        "optimal_care",
        "conclusion",
    ):
        label = re.search(rf'<label class="form-label" for="id_{name}">.*?</label>', page).group()
        assert "(obligatoire)" in label, name
    label = re.search(r'<label class="form-label" for="id_what_went_well">.*?</label>', page)
    assert "(obligatoire)" not in label.group()


def test_a_complete_review_is_recorded_from_the_form(client, chair, secretary, session, scheduled):
    all_present(session, secretary)
    client.force_login(chair)
    response = client.post(review_url(session, scheduled), review_data())
    assert response.status_code == 302
    assert CaseReview.objects.get().icd_pm_group.code == "N9"
    assert Case.objects.get(pk=scheduled.pk).status == "reviewed"
    # The correction form comes back with the recorded values.
    page = text(client.get(review_url(session, scheduled)))
    assert re.search(r'<option value="\d+" selected>N9 ', page)


def test_members_read_the_facts_without_the_form(client, committee_member, session, scheduled):
    client.force_login(committee_member)
    response = client.get(review_url(session, scheduled))
    assert response.context["form"] is None and 'id="review-form"' not in text(response)
    assert client.post(review_url(session, scheduled), review_data()).status_code in (400, 404)
    assert not CaseReview.objects.exists()


# --- no review before the session has begun, on every route -------------------------------
NOT_BEGUN = "une fois celle-ci commencée"


@pytest.fixture
def future(committee, secretary, ready_case):
    """A session later today or in a few days, agenda sent, everyone present."""
    session = sessions.session_plan(committee=committee, by=secretary, starts_at=days_from_now(3))
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(session, secretary)
    return session


def unchanged(case):
    assert Case.objects.get(pk=case.pk).status == "scheduled"


def test_not_begun_the_review_screen_offers_no_form(client, chair, future, ready_case):
    client.force_login(chair)
    response = client.get(review_url(future, ready_case))
    assert response.status_code == 200
    assert 'id="review-form"' not in text(response) and 'id="review-not-begun"' in text(response)
    # Nor is the form built (its reference rows and fields cost the chair's page a third).
    assert response.context["form"] is None


def test_not_begun_the_review_page_refuses_a_posted_review(client, chair, future, ready_case):
    client.force_login(chair)
    response = client.post(review_url(future, ready_case), review_data())
    assert response.status_code == 400
    assert NOT_BEGUN in text(response)
    assert not CaseReview.objects.exists()
    unchanged(ready_case)


def test_not_begun_the_service_refuses(chair, future, ready_case):
    with pytest.raises(TransitionConflict, match=NOT_BEGUN):
        reviews.review_record(session=future, case=ready_case, by=chair, review=full_review())
    assert not CaseReview.objects.exists()
    unchanged(ready_case)


def test_not_begun_a_review_written_in_the_shell_moves_nothing(client, chair, future, ready_case):
    """A review saved without the service: neither the case page's transition endpoint nor the
    shell's transition moves the case, nor can it be corrected through the page."""
    review = full_review()
    review.case, review.session, review.recorded_by = ready_case, future, chair
    review.save()
    client.force_login(chair)
    response = client.post(
        reverse("cases:transition", args=[ready_case.pk, "record_review"]),
        {"expected_status": "scheduled", "comment": ""},
        follow=True,
    )
    assert "pendant ou après sa séance" in text(response)
    unchanged(ready_case)
    with pytest.raises(TransitionRefused, match="pendant ou après sa séance"):
        case_transition(
            case_id=ready_case.pk, name="record_review", by=chair, expected_status="scheduled"
        )
    unchanged(ready_case)
    correction = client.post(review_url(future, ready_case), review_data(conclusion="Autre."))
    assert correction.status_code == 400
    assert CaseReview.objects.get().conclusion == "Conclusion du comité."
    with pytest.raises(TransitionConflict):
        reviews.review_update(review=CaseReview.objects.get(), by=chair)
    unchanged(ready_case)


# --- reference rows kept a short while for display, never for what is posted --------------
def test_the_review_form_shows_reference_rows_kept_a_minute_and_checks_posts_afresh(
    client, settings, chair, secretary, session, scheduled
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from committees import reference_rows

    settings.RMM_REFERENCE_ROWS_CACHE_SECONDS = 60
    reference_rows.forget_reference_rows()
    all_present(session, secretary)
    client.force_login(chair)
    url = review_url(session, scheduled)
    client.get(url)
    with CaptureQueriesContext(connection) as kept:
        client.get(url)
    settings.RMM_REFERENCE_ROWS_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as read:
        client.get(url)
    assert len(read) == len(kept) + 5  # the five tables, read once each
    settings.RMM_REFERENCE_ROWS_CACHE_SECONDS = 60
    client.get(url)  # kept again, M2 still active in them
    # Deactivated behind the process's back (another process's admin): the display may still
    # offer it for a minute, the posted form never takes it.
    MaternalCondition.objects.filter(code="M2").update(is_active=False)

    def offered(page):  # the maternal conditions' options
        return page.split('name="maternal_condition"')[1].split("</select>")[0]

    m2 = MaternalCondition.objects.get(code="M2")
    assert f'value="{m2.pk}"' in offered(text(client.get(url)))
    response = client.post(url, review_data())
    assert response.status_code == 400
    assert not CaseReview.objects.exists()
    # Saved through the model (this process's admin): shown at once.
    condition = MaternalCondition.objects.get(code="M3")
    condition.is_active = False
    condition.save()
    assert f'value="{condition.pk}"' not in offered(text(client.get(url)))
    reference_rows.forget_reference_rows()
