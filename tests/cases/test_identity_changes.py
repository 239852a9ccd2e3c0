"""Changes to the identity vault: every change to a declared case's identity is written to the
identity access log (who, when, which fields, never the values), shown in its admin; identity
values are kept in normal form, so a value made only of invisible characters is empty and
emptying a field that way needs the explicit erase confirmation (found by an attack pass)."""

import html

import pytest
from django.urls import reverse

from cases.exceptions import WouldErase
from cases.models import IdentityAccessLog, IdentityVault
from cases.services.cases import case_draft_delete, case_update
from tests.factories import CANARY_IDENTITY, canary_fragments

pytestmark = pytest.mark.django_db

IDENTITY_STEP = "identite"


def text(response) -> str:
    return html.unescape(response.content.decode())


def vault_of(case) -> IdentityVault:
    return IdentityVault.objects.get(case=case)


def edits(case):
    return list(
        IdentityAccessLog.objects.filter(
            case=case,
            purpose__in=[IdentityAccessLog.PURPOSE_EDIT, IdentityAccessLog.PURPOSE_ERASE],
        ).order_by("pk")
    )


# --- Every change is audited ---------------------------------------------------------------------
def test_editing_and_erasing_identity_are_logged_by_field_never_by_value(
    client, case_factory, coordinator
):
    case = case_factory(status="documenting")
    client.force_login(coordinator)
    url = reverse("cases:edit_step", args=[case.pk, IDENTITY_STEP])
    response = client.post(
        url,
        {
            "mother_first_name": "Capucine",
            "ipp": CANARY_IDENTITY["ipp"],  # unchanged: not a change
            "address": "",
            "clear": ["address"],
            "save": "",
        },
    )
    assert response.status_code == 302
    vault = vault_of(case)
    assert (vault.mother_first_name, vault.address) == ("Capucine", "")
    edited, erased = edits(case)
    assert (edited.purpose, edited.field_names) == ("edit", ["mother_first_name"])
    assert (erased.purpose, erased.field_names) == ("erase", ["address"])
    assert {edited.user, erased.user} == {coordinator}
    assert edited.user_name == (coordinator.get_full_name() or coordinator.email)
    for row in (edited, erased):
        for fragment in [*canary_fragments(), "Capucine"]:
            assert fragment not in row.fields and fragment not in str(row)


def test_a_save_that_changes_no_identity_value_logs_no_change(client, case_factory, coordinator):
    case = case_factory(status="declared")
    client.force_login(coordinator)
    url = reverse("cases:edit_step", args=[case.pk, IDENTITY_STEP])
    client.post(url, {"mother_last_name": CANARY_IDENTITY["mother_last_name"], "save": ""})
    assert edits(case) == []


def test_the_service_logs_a_change_whatever_the_route(case_factory, coordinator):
    case = case_factory(status="declared")
    case_update(case=case, by=coordinator, facts={}, identity={"phone": "06 11 22 33 44"})
    (row,) = edits(case)
    assert (row.purpose, row.field_names, row.user) == ("edit", ["phone"], coordinator)


def test_a_refused_erasure_logs_nothing(case_factory, coordinator):
    case = case_factory(status="declared")
    with pytest.raises(WouldErase):
        case_update(case=case, by=coordinator, facts={}, identity={"phone": ""})
    assert edits(case) == []
    assert vault_of(case).phone == CANARY_IDENTITY["phone"]


def test_the_authors_own_draft_is_not_logged_and_stays_deletable(case_factory, clinician):
    case = case_factory(status="draft")
    case_update(case=case, by=clinician, facts={}, identity={"phone": "06 11 22 33 44"})
    assert edits(case) == []
    case_draft_delete(case=case, by=clinician)


def test_the_access_log_admin_shows_the_fields_changed(client, case_factory, coordinator, admin):
    case = case_factory(status="declared")
    case_update(
        case=case,
        by=coordinator,
        facts={},
        identity={"mother_first_name": "Capucine", "email": ""},
        clear={"email"},
    )
    client.force_login(admin)
    page = text(client.get(reverse("admin:cases_identityaccesslog_changelist")))
    assert "modification" in page and "prénom de la mère" in page
    assert "effacement" in page and "e-mail" in page
    assert "Capucine" not in page


@pytest.fixture
def admin(administrator):
    return administrator


# --- Invisible characters never erase silently ---------------------------------------------------
@pytest.mark.parametrize(
    ("field", "invisible"),
    [("mother_first_name", "\u200b"), ("address", "\u00ad"), ("child_last_name", " \u2060\ufeff")],
)
def test_a_value_of_invisible_characters_is_an_erasure_to_confirm(
    client, case_factory, coordinator, field, invisible
):
    case = case_factory(status="documenting")
    client.force_login(coordinator)
    url = reverse("cases:edit_step", args=[case.pk, IDENTITY_STEP])
    response = client.post(url, {field: invisible, "save": ""})
    assert response.status_code == 400
    assert "seraient effacées" in " ".join(str(m) for m in response.context["messages"])
    assert getattr(vault_of(case), field) == CANARY_IDENTITY[field]
    assert edits(case) == []
    # Confirmed, it is an erasure like any other: emptied, and logged as one.
    response = client.post(url, {field: invisible, "clear": [field], "save": ""})
    assert response.status_code == 302
    assert getattr(vault_of(case), field) == ""
    assert [(row.purpose, row.field_names) for row in edits(case)] == [("erase", [field])]


def test_the_service_refuses_an_invisible_erasure_too(case_factory, coordinator):
    case = case_factory(status="declared")
    with pytest.raises(WouldErase):
        case_update(case=case, by=coordinator, facts={}, identity={"address": "\u00ad\u200b"})
    assert vault_of(case).address == CANARY_IDENTITY["address"]


def test_identity_values_are_stored_in_normal_form_whatever_the_route(case_factory):
    case = case_factory(status="declared")
    vault = vault_of(case)
    vault.mother_first_name = "Phi\u00adlo\u200bmène\u00a0Anna "
    vault.child_first_name = "Анна"  # a Cyrillic name keeps its letters
    vault.save()
    vault = vault_of(case)
    assert vault.mother_first_name == "Philomène Anna"
    assert vault.child_first_name == "Анна"
    IdentityVault.objects.filter(pk=vault.pk).update(ipp="\u200bIPP 12\u200b")
    assert vault_of(case).ipp == "IPP 12"


def test_an_identity_that_a_validated_text_names_withdraws_the_validation(
    case_factory, coordinator
):
    """The model flagged a word, the coordinator kept it and validated; then the identity
    entered shows it is the family's name: a contributing organisation must not read it."""
    from django.utils import timezone

    from cases.models import Case

    case = case_factory(status="documenting")
    Case.objects.filter(pk=case.pk).update(
        summary="Mère prévenue ; Zorglubienne a été informée du transfert.",
        summary_validated_at=timezone.now(),
    )
    case_update(
        case=Case.objects.get(pk=case.pk),
        by=coordinator,
        facts={},
        identity={"phone": "0611223344"},
    )
    assert Case.objects.get(pk=case.pk).summary_validated_at is not None  # nothing named
    case_update(
        case=Case.objects.get(pk=case.pk),
        by=coordinator,
        facts={},
        identity={"mother_birth_name": "Zorglubienne"},
    )
    assert Case.objects.get(pk=case.pk).summary_validated_at is None
