"""Issue 11, the coordinator's side: every finding highlighted with its type, replaced or kept
(remembered for the case, never a vault value), edits checked again, the refusal naming what
remains on this screen only, the 'second signal off' notice, placeholders set apart on the
pages others read."""

import html
import logging

import pytest
from django.template import Context, Template
from django.urls import reverse

from accounts.models import Role
from cases.conditions import no_identifier_left
from cases.exceptions import InvalidInput, NotAllowed
from cases.models import Case, RejectedFinding
from cases.services.anonymisation import finding_reject, finding_restore
from tests.factories import member

pytestmark = pytest.mark.django_db

SUMMARY = (
    "Appel de Julie Martin, cadre, le 12/03. Séquence de Potter évoquée. "
    "Hébergée à l'hôtel Ibis de Créteil."
)


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def documenting(case_factory):
    return case_factory(status="documenting", summary=SUMMARY)


def url(case) -> str:
    return reverse("cases:anonymisation", args=[case.pk])


def test_every_finding_is_highlighted_with_its_type(client, documenting, coordinator):
    client.force_login(coordinator)
    response = client.get(url(documenting))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-kind="name"' in body and 'data-kind="date"' in body
    assert 'data-kind="place"' in body
    rows = {(row["value"], row["kind"]) for row in response.context["findings"]}
    assert {("Julie Martin", "name"), ("12/03", "date"), ("Ibis de Créteil", "place")} <= rows
    assert "Soumission impossible" in page(response)
    assert "Second signal désactivé" not in page(response)


@pytest.mark.parametrize(
    "role",
    [
        "clinician",
        "committee_member",
        "chair",
        "secretary",
        "quality_manager",
        "administrator",
        "outsider",
    ],
)
def test_only_the_coordinator_of_the_declaring_organisation_sees_the_screen(
    client, documenting, request, role
):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url(documenting)).status_code == 404
    response = client.post(url(documenting), {"action": "reject", "kind": "name", "value": "X"})
    assert response.status_code == 404
    assert not RejectedFinding.objects.exists()


def test_a_coordinator_of_another_maternity_is_refused(client, documenting, other_maternity):
    client.force_login(member(Role.COORDINATOR, other_maternity))
    assert client.get(url(documenting)).status_code == 404


def test_rejecting_a_finding_is_remembered_for_this_case_only(
    client, case_factory, documenting, coordinator
):
    other = case_factory(status="documenting", summary=SUMMARY)
    client.force_login(coordinator)
    client.post(url(documenting), {"action": "reject", "kind": "name", "value": "Julie Martin"})
    [rejection] = RejectedFinding.objects.all()
    assert rejection.case == documenting and rejection.rejected_by == coordinator
    assert rejection.value == "julie martin"  # stored encrypted, read back decrypted
    values = {row["value"] for row in client.get(url(documenting)).context["findings"]}
    assert "Julie Martin" not in values and "12/03" in values
    # scoped to the case: the same text elsewhere is still reported
    values = {row["value"] for row in client.get(url(other)).context["findings"]}
    assert "Julie Martin" in values
    # case and accents do not matter; undo brings it back
    client.post(url(documenting), {"action": "reject", "kind": "name", "value": "JULIE MARTIN"})
    assert RejectedFinding.objects.count() == 1
    client.post(url(documenting), {"action": "restore", "rejection": rejection.pk})
    assert not RejectedFinding.objects.exists()


def test_a_vault_value_can_never_be_rejected(documenting, coordinator):
    # The canary identity of the factory: mother "Philomene Zanzibarova".
    for value in ("Zanzibarova", "Philomene ZANZIBAROVA", "Mme Zanzibarova"):
        with pytest.raises(InvalidInput, match="identité du cas"):
            finding_reject(case=documenting, by=coordinator, kind="name", value=value)
    assert not RejectedFinding.objects.exists()


def test_a_rejection_never_hides_a_value_that_became_a_vault_value(documenting, coordinator):
    finding_reject(case=documenting, by=coordinator, kind="name", value="Julie Martin")
    vault = documenting.identity
    vault.mother_first_name = "Julie"
    vault.save()
    assert no_identifier_left(documenting) is not None
    Case.objects.filter(pk=documenting.pk).update(summary="Appel de Julie Martin, cadre.")
    documenting.refresh_from_db()
    assert "résumé" in no_identifier_left(documenting)


def test_only_the_coordinator_decides(documenting, clinician, quality_manager, coordinator):
    for user in (clinician, quality_manager):
        with pytest.raises(NotAllowed):
            finding_reject(case=documenting, by=user, kind="name", value="Julie Martin")
    rejection = finding_reject(case=documenting, by=coordinator, kind="name", value="Julie Martin")
    with pytest.raises(NotAllowed):
        finding_restore(case=documenting, by=clinician, rejection_id=rejection.pk)
    assert RejectedFinding.objects.count() == 1


def test_accepting_a_finding_replaces_it_in_the_summary(client, documenting, coordinator):
    client.force_login(coordinator)
    client.post(url(documenting), {"action": "replace", "kind": "name", "value": "Julie Martin"})
    documenting.refresh_from_db()
    assert "Julie Martin" not in documenting.summary
    assert documenting.summary.startswith("Appel de [NOM], cadre")
    assert documenting.summary_validated_at is None


def test_the_guard_passes_once_every_finding_is_replaced_or_kept(documenting, coordinator):
    from cases.services.anonymisation import summary_replace_finding

    for kind, value in (("name", "Julie Martin"), ("date", "12/03"), ("place", "Ibis de Créteil")):
        summary_replace_finding(case=documenting, by=coordinator, kind=kind, value=value)
    documenting.refresh_from_db()
    reason = no_identifier_left(documenting)
    if reason:  # "Potter" is an eponym: nothing else may be left
        pytest.fail(reason)


def test_the_edits_are_checked_again_without_saving(client, documenting, coordinator):
    client.force_login(coordinator)
    response = client.post(
        url(documenting), {"action": "check", "summary": "Vu par Sophie Lebrun à J2."}
    )
    assert response.status_code == 200
    assert {row["value"] for row in response.context["findings"]} >= {"Sophie Lebrun"}
    assert "Détections dans le texte vérifié" in page(response)
    documenting.refresh_from_db()
    assert documenting.summary == SUMMARY


def test_refusal_names_the_identifiers_on_this_screen_only(
    client, documenting, coordinator, caplog
):
    client.force_login(coordinator)
    with caplog.at_level(logging.DEBUG):
        refused = client.post(url(documenting), {"summary": SUMMARY, "validate": "on"})
    assert refused.status_code == 400
    assert "Des identifiants subsistent dans le résumé" in page(refused)
    assert "Julie Martin" in page(refused)  # named where the coordinator works
    assert "Julie Martin" not in caplog.text and "Julie" not in caplog.text
    detail = page(client.get(reverse("cases:detail", args=[documenting.pk])))
    assert "Des identifiants subsistent dans le résumé" in detail
    reasons = [
        r
        for t in client.get(reverse("cases:detail", args=[documenting.pk])).context["transitions"]
        for r in t.blocking_reasons
    ]
    assert reasons and not any("Julie" in reason for reason in reasons)


def test_second_signal_off_is_said_and_the_rules_still_run(
    client, documenting, coordinator, settings
):
    settings.RMM_NER_MODEL = "rmm_model_that_is_not_installed"
    client.force_login(coordinator)
    response = client.get(url(documenting))
    assert response.status_code == 200
    assert "Second signal désactivé" in page(response)
    assert 'id="second-signal-off"' in response.content.decode()
    assert {"Julie Martin", "12/03"} <= {row["value"] for row in response.context["findings"]}


def test_placeholders_are_set_apart_after_escaping():
    rendered = Template("{% load case_format %}{{ text|placeholders }}").render(
        Context({"text": '<script>alert("x")</script> [NOM] <span class="placeholder">[DATE]'})
    )
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    assert '<span class="placeholder">[NOM]</span>' in rendered
    # what the author typed stays text, even when it looks like our markup
    assert '&lt;span class=&quot;placeholder&quot;&gt;<span class="placeholder">[DATE]' in rendered
    assert rendered.count('<span class="placeholder">') == 2


def test_committee_pages_show_placeholders_in_their_style(client, case_factory, quality_manager):
    case = case_factory(status="ready", summary="Mme [NOM] admise le [DATE] <b>gras</b>.")
    client.force_login(quality_manager)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert '<span class="placeholder">[NOM]</span>' in body
    assert '<span class="placeholder">[DATE]</span>' in body
    assert "<b>gras</b>" not in body and "&lt;b&gt;gras&lt;/b&gt;" in body


def test_a_hostile_summary_never_answers_a_server_error(client, documenting, coordinator):
    client.force_login(coordinator)
    hostile = ("Jul\u200bie Ma\u00adrtin, cadre ; NGUYEN Thi Lan ; le 12/03. " * 400)[:20_000]
    response = client.post(url(documenting), {"action": "check", "summary": hostile})
    assert response.status_code == 200
    too_long = client.post(url(documenting), {"action": "check", "summary": "a" * 20_001})
    assert too_long.status_code == 400
