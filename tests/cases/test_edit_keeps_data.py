"""Nothing silently erases a case: the edit page changes only the fields it sends, and emptying
values already recorded is refused (a few at a time, each confirmed) by the service itself."""

import html

import pytest
from django.urls import reverse

from cases.clinical import DECLARATION_STEPS
from cases.exceptions import WouldErase
from cases.forms import CLINICAL_FIELDS
from cases.models import Case, IdentityVault
from cases.services.cases import case_update
from tests.factories import CANARY_IDENTITY
from tests.html_forms import FormParser, as_post, browser_data

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def snapshot(case):
    case = Case.objects.get(pk=case.pk)
    vault = IdentityVault.objects.get(case=case)
    facts = {name: getattr(case, name) for name in CLINICAL_FIELDS}
    identity = {name: getattr(vault, name) for name in IdentityVault.ENCRYPTED_FIELDS}
    return facts, identity


def page_data(client, case, steps=None) -> dict:
    """What a browser sends when the steps of the edit page are submitted as rendered (every
    step's form merged when `steps` is None: all the page's fields at once)."""
    data: dict[str, list[str]] = {}
    for slug in steps or [step.slug for step in DECLARATION_STEPS]:
        parser = FormParser()
        url = reverse("cases:edit_step", args=[case.pk, slug])
        parser.feed(client.get(url).content.decode())
        (form,) = parser.forms[-1:]
        for name, values in as_post(browser_data(form)).items():
            if name == "shown_checkbox":
                data.setdefault(name, []).extend(values)
            else:
                data[name] = values
    return data


def test_a_post_with_every_field_missing_changes_nothing(client, case_factory, clinician):
    case = case_factory(resuscitation_intubation=True)
    before = snapshot(case)
    client.force_login(clinician)
    response = client.post(reverse("cases:edit", args=[case.pk]), {"save": ""})
    assert response.status_code == 302
    assert snapshot(case) == before
    assert before[1]["mother_last_name"] == CANARY_IDENTITY["mother_last_name"]
    assert before[0]["resuscitation_intubation"] is True


def test_the_page_as_rendered_saves_without_changing_anything(client, case_factory, clinician):
    # The canary NIR is made up (its key does not check): leave it out of this round trip.
    case = case_factory(resuscitation_intubation=True, identity={"mother_nir": ""})
    before = snapshot(case)
    client.force_login(clinician)
    data = page_data(client, case)
    assert "shown_checkbox" in data
    response = client.post(reverse("cases:edit", args=[case.pk]), {**data, "save": ""})
    assert response.status_code == 302
    assert snapshot(case) == before


def test_each_step_as_rendered_saves_without_changing_anything(client, case_factory, clinician):
    case = case_factory(resuscitation_intubation=True, identity={"mother_nir": ""})
    before = snapshot(case)
    client.force_login(clinician)
    for step in DECLARATION_STEPS:
        data = page_data(client, case, steps=[step.slug])
        url = reverse("cases:edit_step", args=[case.pk, step.slug])
        response = client.post(url, {**data, "continue": ""})
        assert response.status_code == 302, step.slug
        assert snapshot(case) == before, step.slug


def test_a_shown_checkbox_left_unticked_is_false_a_hidden_one_keeps_its_value(
    client, case_factory, clinician
):
    case = case_factory(resuscitation_intubation=True, resuscitation_stimulation=True)
    client.force_login(clinician)
    url = reverse("cases:edit", args=[case.pk])
    client.post(url, {"shown_checkbox": ["resuscitation_intubation"], "save": ""})
    case.refresh_from_db()
    assert case.resuscitation_intubation is False  # shown, unticked
    assert case.resuscitation_stimulation is True  # not on the submitted page


def test_emptying_recorded_values_is_refused_in_french_and_nothing_changes(
    client, case_factory, clinician
):
    case = case_factory()
    before = snapshot(case)
    client.force_login(clinician)
    data = {name: "" for name in page_data(client, case) if name != "shown_checkbox"}
    response = client.post(reverse("cases:edit", args=[case.pk]), {**data, "save": ""})
    assert response.status_code == 400
    body = text(response)
    assert "Ces informations déjà enregistrées seraient effacées" in body
    assert "nom de la mère" in body and "poids de naissance" in body
    assert "Rien n'a été modifié." in body
    assert 'name="clear"' not in body  # far too many at once: no confirmation offered
    assert snapshot(case) == before


def test_one_value_is_cleared_only_once_confirmed(client, case_factory, clinician):
    case = case_factory()
    client.force_login(clinician)
    url = reverse("cases:edit", args=[case.pk])
    response = client.post(url, {"birth_weight_g": "", "save": ""})
    assert response.status_code == 400
    assert 'name="clear" value="birth_weight_g"' in response.content.decode()
    case.refresh_from_db()
    assert case.birth_weight_g == 980
    response = client.post(url, {"birth_weight_g": "", "clear": "birth_weight_g", "save": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.birth_weight_g is None


def test_service_refuses_emptying_identity_or_facts_on_every_route(case_factory, clinician):
    case = case_factory()
    before = snapshot(case)
    with pytest.raises(WouldErase, match="nom de la mère") as refused:
        case_update(case=case, by=clinician, facts={}, identity={"mother_last_name": ""})
    assert refused.value.confirmable
    everything = dict.fromkeys(IdentityVault.ENCRYPTED_FIELDS, "")
    with pytest.raises(WouldErase, match="Rien n'a été modifié") as refused:
        case_update(
            case=case,
            by=clinician,
            facts={"birth_weight_g": None, "sex": ""},
            identity=everything,
            clear=frozenset(everything) | {"birth_weight_g", "sex"},
        )
    assert not refused.value.confirmable  # bulk emptying: refused even when "confirmed"
    assert snapshot(case) == before
    case_update(
        case=case,
        by=clinician,
        facts={},
        identity={"phone": ""},
        clear=frozenset({"phone"}),
    )
    assert IdentityVault.objects.get(case=case).phone == ""
