"""A clinician declares a case: French errors beside the fields, nothing saved on bad input,
derived values computed, a draft may be incomplete, declaring needs completeness."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, IdentityVault

pytestmark = pytest.mark.django_db
URL = reverse("cases:declare")


def form_data(maternity, **overrides):
    data = {
        "organisation": maternity.pk,
        "outcome": "live_birth_death",
        "gestational_age_weeks": "27",
        "gestational_age_days": "2",
        "birth_weight_g": "980",
        "sex": "female",
        "birth_place_type": "maternity",
        "place_of_death": "nicu",
        "mother_last_name": "Zanzibarova",
        "born_at": "04/03/2026 10:30",
        "died_at": "06/03/2026 14:30",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_declaring_a_complete_case_computes_derived_values(client, clinician, maternity):
    client.force_login(clinician)
    response = client.post(URL, {**form_data(maternity), "declare": "1"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == "declared"
    assert case.code.startswith(f"RMM-{timezone.localdate().year}-")  # the year of declaration
    assert case.kind == "early_neonatal"
    assert (case.age_at_death_days, case.age_at_death_hours) == (2, 52)
    assert case.gestational_age_category == "extremely_preterm"
    assert case.birth_weight_category == "elbw"
    assert case.declared_by == clinician
    assert case.transitions.get().transition == "declare"
    assert IdentityVault.objects.get(case=case).mother_last_name == "Zanzibarova"


def test_incomplete_draft_is_saved_but_not_declared(client, clinician, maternity):
    client.force_login(clinician)
    response = client.post(
        URL, {**form_data(maternity, birth_weight_g="", sex=""), "declare": "1"}, follow=True
    )
    case = Case.objects.get()
    assert case.status == "draft"
    # On the check page, whose focused error summary links each missing item to its field.
    assert response.redirect_chain[-1][0].startswith(
        reverse("cases:edit_step", args=[case.pk, "verifier"])
    )
    body = html.unescape(response.content.decode())
    assert f"Brouillon {case.code} enregistré." in body
    summary = re.search(
        r'<section class="alert alert-danger"[^>]*data-focus-on-load[^>]*>(.*?)</section>',
        body,
        re.S,
    )
    assert "la déclaration est incomplète" in summary.group(1)
    for name, label in (("birth_weight_g", "Poids de naissance (g)"), ("sex", "Sexe")):
        assert f'#id_{name}">{label}</a>' in summary.group(1)
    assert 'name="declare"' not in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("died_at", "01/03/2026 10:00", "Le décès ne peut pas précéder la naissance."),
        ("gestational_age_weeks", "19", "entre 22 et 44 SA"),
        ("gestational_age_days", "7", "vont de 0 à 6"),
        ("birth_weight_g", "150", "Le poids de naissance doit être compris entre 200 et 6 500 g."),
        ("birth_weight_g", "7000", "Le poids de naissance doit être compris entre 200 et 6 500 g."),
        ("born_at", "31/02/2026 10:00", "Saisissez la date et l'heure de naissance"),
    ],
)
def test_invalid_input_shows_french_errors_and_saves_nothing(
    client, clinician, maternity, field, value, message
):
    client.force_login(clinician)
    response = client.post(URL, {**form_data(maternity, **{field: value}), "declare": "1"})
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert "rien n'a été enregistré" in body
    assert message in body
    # An error summary at the top links to each field to correct (the form is long).
    assert f'href="#id_{field}"' in body
    assert not Case.objects.exists()
    assert not IdentityVault.objects.exists()


def test_stillbirth_below_thresholds_is_refused(client, clinician, maternity):
    client.force_login(clinician)
    response = client.post(
        URL,
        {
            **form_data(
                maternity,
                outcome="stillbirth",
                gestational_age_weeks="21",
                gestational_age_days="6",
                birth_weight_g="480",
                place_of_death="",
                died_at=None,
            ),
            "declare": "1",
        },
    )
    assert response.status_code == 400
    assert "22 SA ou 500 g" in response.content.decode()
    assert not Case.objects.exists()


def test_cannot_declare_for_another_organisation(client, clinician, other_maternity):
    client.force_login(clinician)
    response = client.post(URL, {**form_data(other_maternity), "declare": "1"})
    assert response.status_code == 400
    assert "Choisissez une de vos organisations." in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize("role", ["committee_member", "quality_manager", "administrator"])
def test_only_clinicians_and_coordinators_reach_the_declaration_page(client, every_role, role):
    client.force_login(every_role[role])
    assert client.get(URL).status_code == 404


def test_codes_are_sequential_per_territory(client, clinician, maternity):
    client.force_login(clinician)
    for _ in range(3):
        client.post(URL, form_data(maternity))
    codes = sorted(Case.objects.values_list("code", flat=True))
    year = timezone.localdate().year
    assert codes == [f"RMM-{year}-0001", f"RMM-{year}-0002", f"RMM-{year}-0003"]


def test_death_after_the_first_birthday_is_out_of_scope(client, clinician, maternity):
    client.force_login(clinician)
    response = client.post(URL, form_data(maternity, died_at="05/03/2027 10:00"))
    assert response.status_code == 400
    assert "364 jours" in html.unescape(response.content.decode())
    assert not Case.objects.exists()


def test_service_refuses_contradictory_dates_even_without_the_form(clinician, maternity):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from cases.exceptions import InvalidInput
    from cases.services.cases import case_create_draft

    born = datetime(2026, 3, 4, 10, tzinfo=ZoneInfo("Europe/Paris"))
    with pytest.raises(InvalidInput, match="précéder la naissance"):
        case_create_draft(
            organisation=maternity,
            by=clinician,
            facts={},
            identity={"born_at": born, "died_at": born - timedelta(hours=1)},
        )
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "pas-un-email", "Saisissez une adresse e-mail valide."),
        ("phone", "abc", "Saisissez un numéro de téléphone"),
        ("phone", "12", "Saisissez un numéro de téléphone"),
    ],
)
def test_identity_contact_fields_are_validated(client, clinician, maternity, field, value, message):
    client.force_login(clinician)
    response = client.post(URL, form_data(maternity, **{field: value}))
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not Case.objects.exists()


def test_dates_in_the_future_are_refused(client, clinician, maternity):
    from datetime import timedelta

    from django.utils import timezone

    tomorrow = timezone.localtime() + timedelta(days=1)
    client.force_login(clinician)
    response = client.post(
        URL,
        form_data(
            maternity, born_at=f"{tomorrow:%d/%m/%Y} 10:00", died_at=f"{tomorrow:%d/%m/%Y} 12:00"
        ),
    )
    assert response.status_code == 400
    assert "Cette date est dans le futur." in html.unescape(response.content.decode())
    assert not Case.objects.exists()


def test_the_declaration_opens_on_its_essentials_with_a_step_indicator(client, clinician):
    client.force_login(clinician)
    body = html.unescape(client.get(URL).content.decode())
    assert 'aria-label="Étapes de la déclaration"' in body
    assert 'aria-current="step">1. L\'essentiel' in body
    for step in ("Mère", "Grossesse et suivi prénatal", "Travail et accouchement", "Enfant"):
        assert step in body
    # The essentials only: organisation, event, moments of birth and death, term, weight...
    for name in ("organisation", "outcome", "born_at", "died_at", "birth_weight_g"):
        assert f'name="{name}"' in body, name
    for name in ("mother_age_years", "apgar_5min", "mother_last_name", "autopsy_done"):
        assert f'name="{name}"' not in body, name
