"""Reviewer's findings on the declaration in steps (issue 14, point 1): the timing of a
stillbirth (ICD-PM A or I), live-birth-only questions not asked of a stillbirth, conditional
required markers, the unit shown once, a plausible first antenatal visit."""

import html
import re

import pytest
from django.urls import reverse

from cases.clinical.summary import clinical_summary
from cases.conditions import declaration_complete
from cases.models import Case
from committees.models import IcdPmGroup
from committees.models.review import icd_pm_timing_error, icd_pm_timings_fitting
from tests.cases.test_declaration_steps import essentials, step_url

pytestmark = pytest.mark.django_db
DECLARE = reverse("cases:declare")


def text(response) -> str:
    return html.unescape(response.content.decode())


def stillbirth(case_factory, **facts):
    values = {"outcome": "stillbirth", "place_of_death": "", **facts}
    return case_factory(status="draft", **values)


def test_a_stillbirth_cannot_be_declared_without_the_timing_of_death(case_factory):
    case = stillbirth(case_factory)
    assert "Moment du décès" in case.missing_for_declaration()
    assert "Moment du décès" in declaration_complete(case)
    case.stillbirth_timing = "unknown"  # "Inconnu" is an answer
    assert declaration_complete(case) is None


def test_the_timing_of_death_is_refused_for_a_live_birth():
    from types import SimpleNamespace

    from cases.clinical.derivation import clinical_facts_errors

    facts = SimpleNamespace(outcome="live_birth_death", stillbirth_timing="antepartum")
    assert "stillbirth_timing" in clinical_facts_errors(facts)
    facts.outcome = "stillbirth"
    assert "stillbirth_timing" not in clinical_facts_errors(facts)


def test_the_first_step_asks_the_timing_marked_for_a_stillbirth(client, clinician, maternity):
    client.force_login(clinician)
    body = text(client.get(DECLARE))
    assert 'name="stillbirth_timing"' in body
    assert "Pendant le travail (intrapartum)" in body
    label = re.search(r'<label[^>]*for="id_stillbirth_timing"[^>]*>(.*?)</label>', body, re.S)
    assert "* si mort-né" in label.group(1)
    client.post(
        DECLARE,
        essentials(
            maternity,
            outcome="stillbirth",
            place_of_death=None,
            died_at=None,
            born_at=None,
            stillbirth_timing="intrapartum",
        ),
    )
    assert Case.objects.get().stillbirth_timing == "intrapartum"


def test_the_review_facts_show_the_timing_of_a_stillbirth(case_factory):
    case = stillbirth(case_factory, stillbirth_timing="antepartum")
    facts = {fact.label: fact.value for group in clinical_summary(case) for fact in group.facts}
    assert facts["Moment du décès"] == "Avant le travail (antepartum)"


@pytest.mark.parametrize(
    ("timing", "fitting"),
    [("antepartum", {"A"}), ("intrapartum", {"I"}), ("unknown", {"A", "I"}), ("", {"A", "I"})],
)
def test_the_timing_narrows_the_icd_pm_groups_of_a_stillbirth(case_factory, timing, fitting):
    case = stillbirth(case_factory, stillbirth_timing=timing)
    assert set(icd_pm_timings_fitting(case)) == fitting


def test_an_intrapartum_group_does_not_fit_an_antepartum_death(case_factory):
    case = stillbirth(case_factory, stillbirth_timing="antepartum")
    group = IcdPmGroup.objects.filter(timing="I").first()
    assert group is not None
    assert "avant le travail" in icd_pm_timing_error(group, case)


LIVE_BIRTH_ONLY_NAMES = ("apgar_5min", "resuscitation_at_birth", "neonatal_admission")


def test_the_baby_step_of_a_stillbirth_does_not_ask_live_birth_questions(
    client, case_factory, clinician
):
    client.force_login(clinician)
    case = stillbirth(case_factory, declared_by=clinician, organisation=clinician_org(clinician))
    body = text(client.get(step_url(case, "enfant")))
    assert 'name="stillbirth_state"' in body
    for name in (*LIVE_BIRTH_ONLY_NAMES, "first_week_respiratory_distress"):
        assert f'name="{name}"' not in body, name
    live = case_factory(status="draft", declared_by=clinician, organisation=case.organisation)
    body = text(client.get(step_url(live, "enfant")))
    for name in LIVE_BIRTH_ONLY_NAMES:
        assert f'name="{name}"' in body, name


def test_an_answer_already_recorded_stays_shown_on_a_stillbirth(client, case_factory, clinician):
    client.force_login(clinician)
    case = stillbirth(
        case_factory,
        declared_by=clinician,
        organisation=clinician_org(clinician),
        neonatal_admission="none",
    )
    body = text(client.get(step_url(case, "enfant")))
    assert 'name="neonatal_admission"' in body
    assert 'name="apgar_5min"' not in body


def clinician_org(user):
    return user.memberships.first().organisation


def test_live_birth_fields_are_marked_and_required_once_the_outcome_is_saved(
    client, case_factory, clinician
):
    client.force_login(clinician)
    body = text(client.get(DECLARE))
    for name in ("born_at", "died_at", "place_of_death"):
        label = re.search(rf'<label[^>]*for="id_{name}"[^>]*>(.*?)</label>', body, re.S)
        assert "* si naissance vivante" in label.group(1), name
    case = case_factory(
        status="draft", declared_by=clinician, organisation=clinician_org(clinician)
    )
    body = text(client.get(step_url(case, "essentiel")))
    for name in ("born_at", "died_at", "place_of_death"):
        control = re.search(rf'<(?:input|select)[^>]*name="{name}"[^>]*>', body).group(0)
        assert " required" in control and 'aria-required="true"' in control, name
        label = re.search(rf'<label[^>]*for="id_{name}"[^>]*>(.*?)</label>', body, re.S)
        assert "(obligatoire)" in label.group(1), name


def test_the_unit_is_shown_once_in_the_facts(case_factory):
    case = case_factory(birth_weight_g=2900)
    facts = {fact.label: fact.value for group in clinical_summary(case) for fact in group.facts}
    assert facts["Poids de naissance"] == "2900 g"
    assert "Poids de naissance (g)" not in facts


def test_a_first_antenatal_visit_before_4_weeks_is_refused_with_a_clinical_message(
    client, case_factory, clinician
):
    client.force_login(clinician)
    case = case_factory(
        status="draft", declared_by=clinician, organisation=clinician_org(clinician)
    )
    response = client.post(
        step_url(case, "grossesse"), {"first_antenatal_visit_weeks": "3", "continue": ""}
    )
    assert response.status_code == 400
    assert "pas diagnostiquée avant 4 SA" in text(response)
    response = client.post(
        step_url(case, "grossesse"), {"first_antenatal_visit_weeks": "6", "continue": ""}
    )
    assert response.status_code == 302


# --- Step links save; a refused "Déclarer" stays on the check page; drafts may lack days ------
def test_the_step_links_save_the_current_step_before_leaving_it(client, case_factory, clinician):
    client.force_login(clinician)
    case = case_factory(
        status="draft", declared_by=clinician, organisation=clinician_org(clinician)
    )
    body = text(client.get(step_url(case, "mere")))
    start = body.index('id="declaration-steps"')
    nav = body[start : body.index("</nav>", start)]
    # Every other step is a submit button of the step's form, none a plain link.
    assert 'form="step-form"' in nav and 'name="go" value="enfant"' in nav
    assert "<a " not in nav
    assert 'id="step-form"' in body
    response = client.post(step_url(case, "mere"), {"mother_age_years": "31", "go": "enfant"})
    assert response["Location"] == step_url(case, "enfant")
    case.refresh_from_db()
    assert case.mother_age_years == 31
    # The same validation as "Enregistrer et revenir": an error keeps the step, saves nothing.
    response = client.post(step_url(case, "mere"), {"mother_age_years": "3", "go": "enfant"})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.mother_age_years == 31


def test_declaring_an_incomplete_draft_stays_on_the_check_page_with_the_missing_items(
    client, case_factory, clinician
):
    client.force_login(clinician)
    case = case_factory(
        status="draft", declared_by=clinician, organisation=clinician_org(clinician), sex=""
    )
    body = text(client.get(step_url(case, "verifier")))
    # Not offered while something is missing: what is missing is said instead.
    assert 'name="declare"' not in body
    assert "Le cas ne peut pas encore être déclaré" in body
    response = client.post(step_url(case, "verifier"), {"declare": "", "expected_status": "draft"})
    assert response.status_code == 400
    body = text(response)
    summary = re.search(
        r'<section class="alert alert-danger"[^>]*tabindex="-1"[^>]*data-focus-on-load[^>]*>'
        r"(.*?)</section>",
        body,
        re.S,
    ).group(1)
    assert "la déclaration est incomplète" in summary
    assert f'href="{step_url(case, "essentiel")}#id_sex">Sexe</a>' in summary
    case.refresh_from_db()
    assert case.status == "draft"


def test_a_draft_may_have_weeks_without_days_but_cannot_be_declared(
    client, case_factory, clinician
):
    client.force_login(clinician)
    case = case_factory(
        status="draft",
        declared_by=clinician,
        organisation=clinician_org(clinician),
        gestational_age_weeks=None,
        gestational_age_days=None,
    )
    response = client.post(
        step_url(case, "essentiel"),
        {"gestational_age_weeks": "30", "gestational_age_days": "", "go": "verifier"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.gestational_age_weeks, case.gestational_age_days) == (30, None)
    body = text(client.get(step_url(case, "verifier")))
    assert '#id_gestational_age_days">Âge gestationnel (SA + j)</a>' in body
    assert "La déclaration est incomplète" in declaration_complete(case)


def test_an_empty_first_step_says_so_in_the_focused_error_summary(client, clinician, maternity):
    client.force_login(clinician)
    response = client.post(DECLARE, {"organisation": maternity.pk, "continue": ""})
    assert response.status_code == 400
    body = text(response)
    summary = re.search(r'<div[^>]*id="error-summary"[^>]*>(.*?)</div>', body, re.S)
    assert summary is not None and "data-focus-on-load" in summary.group(0)
    assert "le formulaire est vide" in summary.group(1)
