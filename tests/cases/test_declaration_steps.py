"""The declaration in steps (issue 14, point 1): essentials first, each step saved as it goes,
required fields marked, the whole list of what is still missing, clinical messages, a time with
each date, errors tied to their fields, drafts their author (or the coordinator) can delete,
nothing created from an empty or repeated submission."""

import html
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.clinical import DECLARATION_STEPS, FIELD_GROUPS, step_of_field
from cases.models import Case, CaseTransition, IdentityAccessLog, IdentityVault
from cases.permissions import can_delete_draft, drafts_deletable_by
from cases.services.cases import case_draft_delete, identity_for_display
from tests.factories import member

pytestmark = pytest.mark.django_db
DECLARE = reverse("cases:declare")


def text(response) -> str:
    return html.unescape(response.content.decode())


def moment(days_ago: int, hour: str) -> str:
    """A date in the past, as typed (no hard-coded year: CI moves the clock)."""
    return f"{timezone.localdate() - timedelta(days=days_ago):%d/%m/%Y} {hour}"


def essentials(maternity, **overrides) -> dict:
    data = {
        "organisation": maternity.pk,
        "outcome": "live_birth_death",
        "born_at": moment(10, "10:30"),
        "died_at": moment(8, "14:30"),
        "gestational_age_weeks": "27",
        "gestational_age_days": "2",
        "birth_weight_g": "980",
        "sex": "female",
        "birth_place_type": "maternity",
        "place_of_death": "nicu",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def step_url(case, slug):
    return reverse("cases:edit_step", args=[case.pk, slug])


# --- Layout -----------------------------------------------------------------------------------
def test_every_fact_and_identity_field_is_on_exactly_one_step():
    from cases.models import IdentityVault

    facts = [name for step in DECLARATION_STEPS for name in step.facts]
    identity = [name for step in DECLARATION_STEPS for name in step.identity]
    assert sorted(facts) == sorted(name for _legend, names in FIELD_GROUPS for name in names)
    assert sorted(identity) == sorted(IdentityVault.ENCRYPTED_FIELDS)
    assert [step.slug for step in DECLARATION_STEPS][:6] == [
        "essentiel",
        "mere",
        "grossesse",
        "travail",
        "enfant",
        "deces",
    ]


def test_everything_a_declaration_needs_is_on_the_first_step():
    from types import SimpleNamespace

    from cases.clinical.derivation import declaration_missing_fields

    empty = SimpleNamespace(outcome="live_birth_death")
    needed = [
        name for name, _label in declaration_missing_fields(empty, born_at=None, died_at=None)
    ]
    assert needed and all(step_of_field(name).slug == "essentiel" for name in needed)


# --- First step: essentials, required marks, creation -----------------------------------------
def test_the_first_step_marks_required_fields_visibly_and_for_assistive_technology(
    client, clinician
):
    client.force_login(clinician)
    body = client.get(DECLARE).content.decode()
    for name in ("outcome", "gestational_age_weeks", "birth_weight_g", "sex"):
        control = re.search(rf'<(?:input|select)[^>]*name="{name}"[^>]*>', body).group(0)
        assert " required" in control and 'aria-required="true"' in control, name
    label = re.search(r'<label[^>]*for="id_birth_weight_g"[^>]*>(.*?)</label>', body, re.S)
    assert "*" in label.group(1) and "(obligatoire)" in label.group(1)
    # Needed for a death after live birth only: said beside the field, announced with it.
    died_at = re.search(r'<input[^>]*name="died_at"[^>]*>', body).group(0)
    assert 'aria-describedby="id_died_at_helptext"' in died_at
    assert "Nécessaire pour déclarer un décès après naissance vivante." in html.unescape(body)


def test_saving_the_essentials_creates_the_draft_and_goes_to_the_next_step(
    client, clinician, maternity
):
    client.force_login(clinician)
    response = client.post(DECLARE, {**essentials(maternity), "continue": ""})
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == step_url(case, "mere")
    assert case.status == "draft"
    assert (case.age_at_death_days, case.age_at_death_hours) == (2, 52)
    assert case.kind == "early_neonatal"


def test_an_empty_submission_creates_nothing(client, clinician, maternity):
    client.force_login(clinician)
    for button in ("declare", "continue"):
        response = client.post(DECLARE, {"organisation": maternity.pk, button: ""})
        assert response.status_code == 400
        assert "le formulaire est vide" in text(response)
    # The page as a browser sends it untouched: empty selects, empty inputs.
    blank = dict.fromkeys(essentials(maternity), "") | {"organisation": maternity.pk}
    response = client.post(DECLARE, {**blank, "declare": ""})
    assert response.status_code == 400
    assert not Case.objects.exists()
    assert not IdentityVault.objects.exists()


def test_the_same_form_sent_twice_creates_one_draft(client, clinician, maternity):
    client.force_login(clinician)
    body = client.get(DECLARE).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    data = {**essentials(maternity), "token": token, "continue": ""}
    first = client.post(DECLARE, data)
    second = client.post(DECLARE, data)
    case = Case.objects.get()
    assert first["Location"] == step_url(case, "mere")
    assert second["Location"] == reverse("cases:detail", args=[case.pk])
    assert "déjà été enregistré" in text(client.get(second["Location"]))


# --- Times, messages, errors ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("born_at", "Indiquez aussi l'heure de naissance"),
        ("died_at", "Indiquez aussi l'heure du décès"),
    ],
)
def test_a_date_without_its_time_is_refused_never_midnight(
    client, clinician, maternity, field, message
):
    client.force_login(clinician)
    day = moment(9, "").strip()
    response = client.post(DECLARE, {**essentials(maternity, **{field: day}), "continue": ""})
    assert response.status_code == 400
    assert message in text(response)
    assert not Case.objects.exists()


def test_a_date_without_its_time_is_refused_on_a_draft_step_too(client, case_factory, clinician):
    case = case_factory()
    before = IdentityVault.objects.get(case=case).died_at
    client.force_login(clinician)
    day = moment(2, "").strip()
    response = client.post(step_url(case, "essentiel"), {"died_at": day, "continue": ""})
    assert response.status_code == 400
    assert "Indiquez aussi l'heure du décès" in text(response)
    assert IdentityVault.objects.get(case=case).died_at == before


@pytest.mark.parametrize(
    ("step", "field", "value", "message"),
    [
        ("essentiel", "birth_weight_g", "7000", "entre 200 et 6 500 g."),
        ("essentiel", "birth_weight_g", "lourd", "s'indique en grammes, en chiffres"),
        ("enfant", "apgar_5min", "11", "Le score d'Apgar est compris entre 0 et 10."),
        (
            "mere",
            "mother_age_years",
            "70",
            "L'âge de la mère doit être compris entre 10 et 65 ans.",
        ),
        ("mere", "previous_stillbirths", "25", "Indiquez une valeur entre 0 et 20."),
        (
            "enfant",
            "head_circumference_cm",
            "12.25",
            "entre 15 et 45 cm. Un chiffre après la virgule au plus.",
        ),
    ],
)
def test_messages_are_clinical_beside_the_field_and_in_the_summary(
    client, case_factory, clinician, step, field, value, message
):
    case = case_factory()
    client.force_login(clinician)
    response = client.post(step_url(case, step), {field: value, "continue": ""})
    assert response.status_code == 400
    body = text(response)
    assert message in body
    assert "Assurez-vous" not in body and "Saisissez un nombre" not in body
    # The summary at the top links to the field and takes the focus; the message beside the
    # field is announced with it.
    assert re.search(r'id="error-summary"[^>]*tabindex="-1"[^>]*autofocus', body)
    assert f'href="#id_{field}"' in body
    control = re.search(rf'<input[^>]*name="{field}"[^>]*>', body).group(0)
    assert f"id_{field}_error" in control and 'aria-invalid="true"' in control
    assert re.search(rf'id="id_{field}_error"[^>]*>[^<]*{re.escape(message)}', body)
    # What was typed is shown back.
    assert f'value="{value}"' in control


# --- Steps, missing list, declaring -----------------------------------------------------------
def test_each_step_is_saved_as_it_goes_and_back_keeps_what_was_typed(client, clinician, maternity):
    client.force_login(clinician)
    client.post(DECLARE, essentials(maternity, sex=None, place_of_death=None))
    case = Case.objects.get()
    response = client.post(step_url(case, "mere"), {"mother_age_years": "31", "continue": ""})
    assert response["Location"] == step_url(case, "grossesse")
    response = client.post(
        step_url(case, "grossesse"), {"antenatal_visits_count": "4", "go": "mere"}
    )
    assert response["Location"] == step_url(case, "mere")
    case.refresh_from_db()
    assert (case.mother_age_years, case.antenatal_visits_count) == (31, 4)
    assert 'value="31"' in client.get(step_url(case, "mere")).content.decode()
    # The last step leads to the check before declaring.
    response = client.post(step_url(case, "identite"), {"ipp": "123", "continue": ""})
    assert response["Location"] == step_url(case, "verifier")


def test_the_whole_missing_list_is_shown_with_links_and_declaring_follows_the_guard(
    client, clinician, maternity
):
    client.force_login(clinician)
    client.post(DECLARE, essentials(maternity, sex=None, place_of_death=None, died_at=None))
    case = Case.objects.get()
    for slug in ("mere", "verifier"):
        body = text(client.get(step_url(case, slug)))
        assert "Il manque 3 informations pour déclarer" in body
        for field, label in (
            ("sex", "Sexe"),
            ("place_of_death", "Lieu du décès"),
            ("died_at", "Date et heure du décès"),
        ):
            assert f'href="{step_url(case, "essentiel")}#id_{field}">{label}</a>' in body
    assert "3 manquants" in text(client.get(step_url(case, "mere")))
    response = client.post(
        step_url(case, "verifier"), {"declare": "", "expected_status": "draft"}, follow=True
    )
    assert "déclaration est incomplète" in text(response)
    case.refresh_from_db()
    assert case.status == "draft"
    client.post(
        step_url(case, "essentiel"),
        {
            "sex": "female",
            "place_of_death": "nicu",
            "died_at": moment(8, "14:30"),
            "go": "verifier",
        },
    )
    body = text(client.get(step_url(case, "verifier")))
    assert "Les informations nécessaires à la déclaration sont renseignées." in body
    response = client.post(step_url(case, "verifier"), {"declare": "", "expected_status": "draft"})
    case.refresh_from_db()
    assert case.status == "declared"
    assert response["Location"] == reverse("cases:detail", args=[case.pk])


def test_declaring_twice_declares_once(client, case_factory, clinician):
    case = case_factory()
    client.force_login(clinician)
    data = {"declare": "", "expected_status": "draft"}
    client.post(step_url(case, "verifier"), data)
    response = client.post(step_url(case, "verifier"), data, follow=True)
    assert "n'est plus un brouillon" in text(response)
    assert CaseTransition.objects.filter(case=case).count() == 1


def test_a_stale_step_of_a_case_declared_meanwhile_changes_nothing(client, case_factory, clinician):
    case = case_factory(status="declared")
    client.force_login(clinician)
    response = client.post(step_url(case, "mere"), {"mother_age_years": "30", "continue": ""})
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.mother_age_years is None


def test_the_coordinator_corrects_a_declared_case_with_the_same_steps(
    client, case_factory, coordinator
):
    case = case_factory(status="declared")
    client.force_login(coordinator)
    body = text(client.get(step_url(case, "enfant")))
    assert 'aria-current="step">5. Enfant' in body
    assert "Vérifier et déclarer" not in body and "pour déclarer" not in body
    response = client.post(step_url(case, "enfant"), {"apgar_5min": "3", "save": ""})
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.apgar_5min == 3
    assert client.get(step_url(case, "verifier"))["Location"] == reverse(
        "cases:edit", args=[case.pk]
    )
    assert client.get(step_url(case, "nulle-part")).status_code == 404


def test_the_authors_own_draft_steps_are_not_logged_anyone_elses_view_is(
    client, case_factory, clinician, coordinator
):
    draft = case_factory()
    client.force_login(clinician)
    assert client.get(step_url(draft, "identite")).status_code == 200
    assert not IdentityAccessLog.objects.exists()
    declared = case_factory(status="declared")
    client.force_login(coordinator)
    assert client.get(step_url(declared, "identite")).status_code == 200
    assert client.get(step_url(declared, "mere")).status_code == 200  # no identity shown there
    assert list(IdentityAccessLog.objects.values_list("user", "case")) == [
        (coordinator.pk, declared.pk)
    ]


# --- Deleting a draft -------------------------------------------------------------------------
ALLOWED_TO_DELETE = {Role.CLINICIAN, Role.COORDINATOR}


@pytest.mark.parametrize("role", list(Role.values))
def test_deleting_a_draft_for_every_role(client, case_factory, every_role, role):
    case = case_factory()
    user = every_role[role]
    allowed = role in ALLOWED_TO_DELETE
    assert can_delete_draft(user, case) is allowed
    assert drafts_deletable_by(user).filter(pk=case.pk).exists() is allowed
    client.force_login(user)
    url = reverse("cases:delete_draft", args=[case.pk])
    response = client.post(url)
    if allowed:
        assert response["Location"] == reverse("cases:list")
        assert not Case.objects.filter(pk=case.pk).exists()
        assert not IdentityVault.objects.filter(case_id=case.pk).exists()
    else:
        assert response.status_code == 404  # a draft is never shown beyond its organisation
        assert Case.objects.filter(pk=case.pk).exists()


def test_another_clinician_or_another_organisation_cannot_delete_a_draft(
    client, case_factory, maternity, outsider
):
    case = case_factory()
    colleague = member(Role.CLINICIAN, maternity)
    other_coordinator = member(Role.COORDINATOR, maternity)
    for user in (colleague, outsider):
        assert not can_delete_draft(user, case)
        client.force_login(user)
        assert client.get(reverse("cases:delete_draft", args=[case.pk])).status_code == 404
        assert client.post(reverse("cases:delete_draft", args=[case.pk])).status_code == 404
    assert can_delete_draft(other_coordinator, case)
    assert Case.objects.filter(pk=case.pk).exists()


def test_the_author_confirms_before_a_draft_is_deleted(client, case_factory, clinician):
    case = case_factory()
    client.force_login(clinician)
    detail = text(client.get(reverse("cases:detail", args=[case.pk])))
    assert "Supprimer le brouillon" in detail
    page = text(client.get(reverse("cases:delete_draft", args=[case.pk])))
    assert f"Supprimer le brouillon {case.code} ?" in page
    assert Case.objects.filter(pk=case.pk).exists()  # asking is not deleting
    response = client.post(reverse("cases:delete_draft", args=[case.pk]), follow=True)
    assert f"Brouillon {case.code} supprimé." in text(response)


@pytest.mark.parametrize("status", ["declared", "documenting", "excluded"])
def test_only_drafts_are_deleted(client, case_factory, clinician, coordinator, status):
    case = case_factory(status=status)
    for user in (clinician, coordinator):
        assert not can_delete_draft(user, case)
        client.force_login(user)
        response = client.post(reverse("cases:delete_draft", args=[case.pk]), follow=True)
        assert "Seul un brouillon se supprime" in text(response)
        assert "Supprimer le brouillon" not in text(
            client.get(reverse("cases:detail", args=[case.pk]))
        )
    assert Case.objects.filter(pk=case.pk).exists()


def test_a_draft_whose_identity_was_read_by_someone_else_stays(
    case_factory, clinician, coordinator
):
    from cases.exceptions import InvalidInput

    case = case_factory()
    identity_for_display(case=case, by=coordinator)
    with pytest.raises(InvalidInput, match="journal des accès"):
        case_draft_delete(case=case, by=clinician)
    assert Case.objects.filter(pk=case.pk).exists()
    assert IdentityVault.objects.filter(case=case).exists()


# --- The nights the clocks change ------------------------------------------------------------
def last_clock_night(month: int):
    """The last Sunday of `month` (3: clocks forward, 10: clocks back) most recently past."""
    today = timezone.localdate()
    for year in (today.year, today.year - 1):
        last_day = (date(year, month % 12 + 1, 1) if month < 12 else date(year + 1, 1, 1)) - (
            timedelta(days=1)
        )
        night = last_day - timedelta(days=(last_day.weekday() + 1) % 7)
        if night < today - timedelta(days=3):
            return night
    raise AssertionError("no clock change night found")


def test_the_hour_lived_twice_asks_which_and_is_kept_as_said(client, clinician, maternity):
    night = last_clock_night(10)
    typed = f"{night:%d/%m/%Y} 02:30"
    died = f"{night + timedelta(days=2):%d/%m/%Y} 10:00"
    client.force_login(clinician)
    response = client.post(
        DECLARE, {**essentials(maternity, born_at=typed, died_at=died), "continue": ""}
    )
    assert response.status_code == 400
    assert f"02:30 a eu lieu deux fois le {night:%d/%m/%Y}" in text(response)
    assert "ajoutez « été » pour la première, « hiver » pour la seconde" in text(response)
    assert not Case.objects.exists()

    response = client.post(
        DECLARE,
        {**essentials(maternity, born_at=f"{typed} hiver", died_at=died), "continue": ""},
    )
    assert response.status_code == 302
    vault = IdentityVault.objects.get()
    local = timezone.localtime(vault.born_at)
    assert (f"{local:%d/%m/%Y %H:%M}", local.fold) == (typed, 1)  # the second 02:30
    page = client.get(step_url(vault.case, "essentiel"))
    assert f'value="{typed} hiver"' in text(page)  # saved again as it was said


def test_the_hour_skipped_in_spring_is_refused_in_french(client, clinician, maternity):
    night = last_clock_night(3)
    client.force_login(clinician)
    response = client.post(
        DECLARE,
        {
            **essentials(
                maternity,
                born_at=f"{night:%d/%m/%Y} 02:30",
                died_at=f"{night + timedelta(days=2):%d/%m/%Y} 10:00",
            ),
            "continue": "",
        },
    )
    assert response.status_code == 400
    assert f"02:30 n'a pas existé le {night:%d/%m/%Y}" in text(response)
    assert not Case.objects.exists()


def test_a_step_page_older_than_a_change_made_since_changes_nothing(
    client, case_factory, coordinator
):
    """Two coordinators on the same step: the second page, older than the first one's save,
    would put back what it corrected; refused, the correction kept."""
    case = case_factory(status="documenting")
    client.force_login(coordinator)
    url = step_url(case, "deces")
    shown = re.search(r'name="case_version" value="([^"]+)"', text(client.get(url))).group(1)
    first = client.post(url, {"case_version": shown, "autopsy_findings": "Corrigé", "save": ""})
    assert first.status_code == 302
    stale = client.post(url, {"case_version": shown, "autopsy_findings": "Ancien", "save": ""})
    assert stale.status_code == 400
    assert "Ce cas a été modifié entre-temps" in text(stale)
    assert Case.objects.get(pk=case.pk).autopsy_findings == "Corrigé"
