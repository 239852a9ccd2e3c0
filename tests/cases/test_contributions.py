"""Contributing organisations (issue 15, point 1): the declaring coordinators name the other
organisations of the pathway; their coordinators read the pseudonymised case, add chronology
events marked with their organisation and read the review outcome and actions once reviewed;
never the vault. Every role on every page, the service's refusals, bounded query counts."""

import html

import pytest
import rules
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from cases import permissions
from cases.exceptions import InvalidInput, NotAllowed, TransitionRefused
from cases.models import CareEvent, Case, CaseContribution
from cases.services import cases as case_services
from cases.services.contributions import contribution_add, contribution_remove
from cases.services.transitions import case_transition
from tests.factories import MaternityFactory, OrganisationFactory, canary_fragments, member

pytestmark = pytest.mark.django_db

BIRTH_EVENT = "Naissance inopinée en salle, appel du SMUR pédiatrique à H1."


def text(response) -> str:
    return html.unescape(response.content.decode())


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.fixture(autouse=True)
def _rules_only_scrubber(settings):
    """The rules and the vault values find what these tests plant: the statistical model's
    seconds of loading are left to the anonymisation tests."""
    settings.RMM_NER_MODEL = ""


@pytest.fixture
def session(committee, secretary):
    from committees.models import Session
    from tests.committees.conftest import days_from_now

    return Session.objects.create(
        committee=committee, starts_at=days_from_now(-3), place="Salle", created_by=secretary
    )


@pytest.fixture
def birth_maternity(network):
    return MaternityFactory(name="Maternité de naissance Est", parent=network)


@pytest.fixture
def contributor(birth_maternity):
    """The referent RMM of the birth maternity, named on the case."""
    return member(Role.COORDINATOR, birth_maternity, email="referent@est.test", full_name="Cora")


@pytest.fixture
def contributor_clinician(birth_maternity):
    return member(Role.CLINICIAN, birth_maternity, email="clinicien@est.test")


@pytest.fixture
def contributor_quality(birth_maternity):
    return member(Role.QUALITY_MANAGER, birth_maternity, email="qualite@est.test")


@pytest.fixture
def unrelated_coordinator(network):
    """A coordinator of the same network whose organisation is not named on the case."""
    return member(Role.COORDINATOR, MaternityFactory(name="Maternité Ouest", parent=network))


@pytest.fixture
def roles(
    clinician,
    coordinator,
    contributor,
    contributor_clinician,
    contributor_quality,
    unrelated_coordinator,
    committee_member,
    quality_manager,
    administrator,
):
    return {
        "declarant": clinician,
        "coordinator": coordinator,
        "contributor": contributor,
        "contributor_clinician": contributor_clinician,
        "contributor_quality": contributor_quality,
        "unrelated_coordinator": unrelated_coordinator,
        "committee_member": committee_member,
        "quality_manager": quality_manager,
        "administrator": administrator,
    }


def contributed(case_factory, birth_maternity, coordinator, status="documenting", **fields):
    case = case_factory(status=status, **fields)
    CaseContribution.objects.create(
        case=case,
        organisation=birth_maternity,
        pathway_role="birth_maternity",
        added_by=coordinator,
    )
    return case


def declaring_event(case, text="Admission en réanimation néonatale à J0 H2."):
    return CareEvent.objects.create(
        case=case,
        period="postnatal",
        day_of_life=0,
        hour_of_day=2,
        place_type="nicu",
        description=text,
    )


def event_post(**overrides):
    data = {
        "period": "postnatal",
        "day_of_life": "0",
        "hour_of_day": "1",
        "place_type": "maternity_2",
        "actor_function": "midwife",
        "description": BIRTH_EVENT,
        "action": "save",
    }
    data.update(overrides)
    return data


# --- The service: who names whom, and the refusals -----------------------------------------------
def test_declaring_coordinator_names_an_organisation_of_the_pathway(
    case_factory, coordinator, birth_maternity
):
    case = case_factory(status="declared")
    contribution = contribution_add(
        case=case, by=coordinator, organisation=birth_maternity, pathway_role="birth_maternity"
    )
    assert contribution.added_by == coordinator
    assert contribution.role_display == "Maternité de naissance"
    other = contribution_add(
        case=case,
        by=coordinator,
        organisation=OrganisationFactory(name="CAMSP Nord"),
        pathway_role="other",
        role_label="Suivi après la sortie",
    )
    assert other.role_display == "Autre (Suivi après la sortie)"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("declaring", "est l'organisation déclarante"),
        ("duplicate", "figure déjà parmi les organisations du parcours"),
        ("inactive", "est désactivée"),
        ("other_without_label", "Précisez le rôle"),
        ("label_with_identifier", "contient un identifiant"),
    ],
)
def test_refusals_are_explained_in_french_and_change_nothing(
    case_factory, coordinator, birth_maternity, maternity, setup, message
):
    case = case_factory(status="closed")  # a closed case still takes a contributor found late
    contribution_add(
        case=case, by=coordinator, organisation=birth_maternity, pathway_role="birth_maternity"
    )
    organisation, role, label = MaternityFactory(name="Maternité Centre"), "neonatal", ""
    if setup == "declaring":
        organisation = maternity
    elif setup == "duplicate":
        organisation = birth_maternity
    elif setup == "inactive":
        organisation.is_active = False
        organisation.save()
    elif setup == "other_without_label":
        role = "other"
    else:
        label = "Dr Martin 06 12 34 56 78"
    with pytest.raises(InvalidInput, match=message):
        contribution_add(
            case=case,
            by=coordinator,
            organisation=organisation,
            pathway_role=role,
            role_label=label,
        )
    assert CaseContribution.objects.filter(case=case).count() == 1


def test_only_the_declaring_coordinators_name_contributors(case_factory, roles, birth_maternity):
    case = case_factory(status="documenting")
    draft = case_factory()
    with pytest.raises(NotAllowed):
        contribution_add(
            case=draft,
            by=roles["coordinator"],
            organisation=birth_maternity,
            pathway_role="pmi",
        )
    for name, user in roles.items():
        if name == "coordinator":
            continue
        with pytest.raises(NotAllowed):
            contribution_add(case=case, by=user, organisation=birth_maternity, pathway_role="pmi")
    assert not CaseContribution.objects.exists()


def test_removal_withdraws_access_and_keeps_the_events(
    case_factory, coordinator, contributor, birth_maternity
):
    case = contributed(case_factory, birth_maternity, coordinator)
    event = CareEvent(
        period="postnatal", day_of_life=0, place_type="maternity_2", description=BIRTH_EVENT
    )
    case_services.care_event_save(case=case, by=contributor, event=event)
    contribution = case.contributions.get()
    assert contribution_remove(case=case, by=coordinator, contribution_id=contribution.pk) == (
        birth_maternity.name
    )
    fresh = User.objects.get(pk=contributor.pk)
    assert not permissions.can_view_case(fresh, Case.objects.get(pk=case.pk))
    assert CareEvent.objects.get(pk=event.pk).organisation == birth_maternity
    with pytest.raises(InvalidInput, match="ne figure déjà plus"):
        contribution_remove(case=case, by=coordinator, contribution_id=contribution.pk)


# --- The case page's panel -----------------------------------------------------------------------
def test_panel_adds_and_removes_with_french_messages(
    client, case_factory, coordinator, birth_maternity, maternity
):
    case = case_factory(status="documenting")
    client.force_login(coordinator)
    page = text(client.get(reverse("cases:detail", args=[case.pk])))
    assert "Organisations du parcours" in page
    assert f'value="{birth_maternity.pk}"' in page
    url = reverse("cases:contributions", args=[case.pk])
    response = client.post(
        url, {"organisation": birth_maternity.pk, "pathway_role": "birth_maternity"}, follow=True
    )
    assert "Maternité de naissance Est ajoutée aux organisations du parcours" in messages_of(
        response
    )
    assert "Maternité de naissance Est</strong> — Maternité de naissance" in text(response)
    refused = client.post(url, {"organisation": maternity.pk, "pathway_role": "pmi"})
    assert refused.status_code == 400
    assert "est l'organisation déclarante" in messages_of(refused)
    refused = client.post(url, {"organisation": birth_maternity.pk, "pathway_role": "pmi"})
    assert "figure déjà" in messages_of(refused)
    refused = client.post(url, {"organisation": "999999", "pathway_role": "pmi"})
    assert refused.status_code == 400
    assert "Cette organisation n'existe pas." in text(refused)
    contribution = case.contributions.get()
    response = client.post(url, {"action": "remove", "contribution": contribution.pk}, follow=True)
    assert "retirée des organisations du parcours" in messages_of(response)
    assert not case.contributions.exists()
    response = client.post(url, {"action": "remove", "contribution": contribution.pk}, follow=True)
    assert "ne figure déjà plus" in messages_of(response)


@pytest.mark.parametrize(
    ("name", "status_code"),
    [
        ("declarant", 403),
        ("contributor", 403),
        ("contributor_clinician", 404),
        ("unrelated_coordinator", 404),
        ("committee_member", 404),  # the case is still being documented
        ("quality_manager", 404),
        ("administrator", 404),
    ],
)
def test_panel_forms_are_the_declaring_coordinators_only(
    client, case_factory, roles, birth_maternity, name, status_code
):
    case = contributed(case_factory, birth_maternity, roles["coordinator"])
    client.force_login(roles[name])
    response = client.post(
        reverse("cases:contributions", args=[case.pk]),
        {"organisation": OrganisationFactory().pk, "pathway_role": "pmi"},
    )
    assert response.status_code == status_code
    assert case.contributions.count() == 1


def test_a_reload_of_the_panels_address_leads_back_to_the_case(
    client, case_factory, roles, birth_maternity
):
    """After a refused form the browser sits on the panel's address: a reload (or the language
    switch) lands on the case page, never on a blank 405; others still get 404."""
    case = contributed(case_factory, birth_maternity, roles["coordinator"])
    url = reverse("cases:contributions", args=[case.pk])
    client.force_login(roles["coordinator"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk]) + "#contributions-title"
    client.force_login(roles["unrelated_coordinator"])
    assert client.get(url).status_code == 404


# --- Every role on every page --------------------------------------------------------------------
PAGES = ("detail", "identity", "anonymisation", "chronology")
# (case page, identity, anonymisation, chronology) while the case is documented.
EXPECTED = {
    "declarant": (200, 200, 404, 404),
    "coordinator": (200, 200, 200, 200),
    "contributor": (200, 404, 404, 200),
    "contributor_clinician": (404, 404, 404, 404),
    "contributor_quality": (404, 404, 404, 404),
    "unrelated_coordinator": (404, 404, 404, 404),
    "committee_member": (404, 404, 404, 404),
    "quality_manager": (404, 404, 404, 404),
    "administrator": (404, 404, 404, 404),
}


def test_every_role_on_every_page_of_a_contributed_case(
    client, case_factory, roles, birth_maternity
):
    case = contributed(case_factory, birth_maternity, roles["coordinator"])
    for name, expected in EXPECTED.items():
        client.force_login(roles[name])
        got = tuple(
            client.get(reverse(f"cases:{page}", args=[case.pk])).status_code for page in PAGES
        )
        assert got == expected, name
        listed = client.get(reverse("cases:list")).context["page"].cases
        assert (case.pk in [row.pk for row in listed]) == (expected[0] == 200), name


def test_contributor_reads_but_never_edits_or_moves(
    client, case_factory, coordinator, contributor, birth_maternity
):
    case = contributed(case_factory, birth_maternity, coordinator, summary="Résumé à 27 SA.")
    client.force_login(contributor)
    page = text(client.get(reverse("cases:detail", args=[case.pk])))
    assert "Ajouter à la chronologie" in page
    for forbidden in (
        "Compléter / modifier",
        "Voir l'identité",
        "Anonymisation",
        "Actions possibles",
    ):
        assert forbidden not in page, forbidden
    # The summary waits for the declaring organisation's validation.
    assert "Résumé à 27 SA." not in page
    assert "une fois son anonymisation validée" in page
    assert client.get(reverse("cases:edit", args=[case.pk])).status_code == 302
    response = client.post(
        reverse("cases:transition", args=[case.pk, "submit_for_review"]),
        {"expected_status": "documenting"},
    )
    assert Case.objects.get(pk=case.pk).status == "documenting"
    assert response.status_code == 302
    Case.objects.filter(pk=case.pk).update(summary_validated_at=timezone.now())
    assert "Résumé à 27 SA." in text(client.get(reverse("cases:detail", args=[case.pk])))


def test_draft_is_never_shown_to_a_contributor(
    client, case_factory, coordinator, contributor, birth_maternity
):
    case = contributed(case_factory, birth_maternity, coordinator, status="draft")
    client.force_login(contributor)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


# --- Chronology ----------------------------------------------------------------------------------
def test_contributor_adds_an_event_marked_with_their_organisation(
    client, case_factory, coordinator, contributor, birth_maternity
):
    case = contributed(case_factory, birth_maternity, coordinator)
    ours = declaring_event(case)
    Case.objects.filter(pk=case.pk).update(summary_validated_at=timezone.now())
    client.force_login(contributor)
    response = client.post(reverse("cases:chronology", args=[case.pk]), event_post(), follow=True)
    assert "Chronologie enregistrée." in messages_of(response)
    event = case.care_events.get(description=BIRTH_EVENT)
    assert event.organisation == birth_maternity
    # The declaring coordinator re-validates the anonymisation after any new text.
    assert Case.objects.get(pk=case.pk).summary_validated_at is None
    page = text(client.get(reverse("cases:detail", args=[case.pk])))
    assert "Ajouté par Maternité de naissance Est" in page
    assert "Ajouté par Maternité Nord" in page
    # Their own event: editable; the declaring organisation's: neither opened nor deleted.
    own_url = reverse("cases:care_event", args=[case.pk, event.pk])
    assert client.get(own_url).status_code == 200
    response = client.post(own_url, event_post(description="Appel du SMUR à H1, arrivée H2."))
    assert CareEvent.objects.get(pk=event.pk).description.startswith("Appel du SMUR")
    assert CareEvent.objects.get(pk=event.pk).organisation == birth_maternity
    theirs = reverse("cases:care_event", args=[case.pk, ours.pk])
    assert client.get(theirs).status_code == 404
    assert client.post(theirs, {"action": "delete"}).status_code == 404
    assert client.post(theirs, event_post(description="Réécrit")).status_code == 404
    assert CareEvent.objects.get(pk=ours.pk).description.startswith("Admission")
    # Reordering is the declaring coordinator's.
    client.post(own_url, {"action": "up"})
    with pytest.raises(NotAllowed):
        case_services.care_event_move(case=case, by=contributor, event=event, offset=-1)
    response = client.post(own_url, {"action": "delete"}, follow=True)
    assert "Événement supprimé." in messages_of(response)
    assert not CareEvent.objects.filter(pk=event.pk).exists()


def test_declaring_coordinator_corrects_a_contributors_event(
    case_factory, coordinator, contributor, birth_maternity
):
    case = contributed(case_factory, birth_maternity, coordinator)
    event = case_services.care_event_save(
        case=case,
        by=contributor,
        event=CareEvent(
            period="postnatal", day_of_life=0, place_type="maternity_2", description=BIRTH_EVENT
        ),
    )
    event.description = "Naissance en salle, SMUR appelé à H1."
    case_services.care_event_save(case=case, by=coordinator, event=event)
    assert CareEvent.objects.get(pk=event.pk).organisation == birth_maternity
    case_services.care_event_delete(case=case, by=coordinator, event=event)
    assert not case.care_events.exists()


@pytest.mark.parametrize("status", ["declared", "ready", "reviewed", "closed"])
def test_contributor_adds_events_only_while_documenting(
    case_factory, coordinator, contributor, birth_maternity, status
):
    case = contributed(case_factory, birth_maternity, coordinator, status=status)
    with pytest.raises(NotAllowed):
        case_services.care_event_save(
            case=case,
            by=contributor,
            event=CareEvent(period="postnatal", day_of_life=0, place_type="nicu", description="x"),
        )
    assert not case.care_events.exists()


@pytest.mark.parametrize(
    "name", ["contributor_clinician", "contributor_quality", "unrelated_coordinator", "declarant"]
)
def test_other_roles_add_no_event(case_factory, roles, birth_maternity, name):
    case = contributed(case_factory, birth_maternity, roles["coordinator"])
    with pytest.raises(NotAllowed):
        case_services.care_event_save(
            case=case,
            by=roles[name],
            event=CareEvent(period="postnatal", day_of_life=0, place_type="nicu", description="x"),
        )


def test_identifier_in_a_contributors_event_blocks_submission(
    case_factory, coordinator, contributor, birth_maternity
):
    case = contributed(case_factory, birth_maternity, coordinator, summary="Résumé à 27 SA.")
    declaring_event(case)
    case_services.care_event_save(
        case=case,
        by=contributor,
        event=CareEvent(
            period="postnatal",
            day_of_life=1,
            place_type="maternity_2",
            description="Appel du Dr Martin au 06 12 34 56 78.",
        ),
    )
    Case.objects.filter(pk=case.pk).update(
        summary_validated_at=timezone.now(), summary_validated_by=coordinator
    )
    with pytest.raises(TransitionRefused, match="l'événement 2 de la chronologie"):
        case_transition(
            case_id=case.pk,
            name="submit_for_review",
            by=coordinator,
            expected_status="documenting",
        )
    assert Case.objects.get(pk=case.pk).status == "documenting"


def test_the_review_screen_names_each_event_s_author_as_the_case_page_does(
    client, case_factory, coordinator, birth_maternity, session, chair
):
    """An event written before contributions existed (no organisation) was the declaring
    organisation's: both screens say so, and both name a contributor's own event."""
    from committees.models import AgendaItem

    case = contributed(case_factory, birth_maternity, coordinator, status="scheduled")
    declaring_event(case)
    CareEvent.objects.create(
        case=case,
        period="postnatal",
        day_of_life=0,
        hour_of_day=1,
        place_type="smur",
        description=BIRTH_EVENT,
        organisation=birth_maternity,
    )
    AgendaItem.objects.create(session=session, case=case)
    client.force_login(chair)
    review = text(client.get(reverse("committees:review", args=[session.pk, case.pk])))
    client.force_login(coordinator)
    detail = text(client.get(reverse("cases:detail", args=[case.pk])))
    for page in (review, detail):
        assert f"Ajouté par {case.organisation.name}" in page
        assert f"Ajouté par {birth_maternity.name}" in page


# --- Review outcome and actions ------------------------------------------------------------------
def test_outcome_and_actions_once_reviewed_read_only(
    client, case_factory, roles, birth_maternity, session, chair
):
    from actions.models import CorrectiveAction
    from actions.permissions import actions_visible_to, can_follow_action
    from actions.selectors import dashboard_visible_ids
    from committees.models import CaseReview
    from tests.actions.test_pages import make_action
    from tests.committees.conftest import full_review

    case = contributed(case_factory, birth_maternity, roles["coordinator"], status="scheduled")
    review = full_review(conclusion="Conclusion partagée du comité.")
    review.case, review.session, review.recorded_by = case, session, chair
    CaseReview.objects.bulk_create([review])
    action = make_action(session, case, chair)

    def sees(name):
        user = User.objects.get(pk=roles[name].pk)
        by_queryset = actions_visible_to(user).filter(pk=action.pk).exists()
        by_dashboard = CorrectiveAction.objects.filter(
            pk__in=dashboard_visible_ids(user=user), pk=action.pk
        ).exists()
        assert by_queryset == by_dashboard, name
        return by_queryset

    assert sees("coordinator")
    assert not sees("contributor") and not sees("contributor_quality")
    client.force_login(roles["contributor"])
    page = text(client.get(reverse("cases:detail", args=[case.pk])))
    assert "Revues du comité" not in page
    assert action.what_changes not in page

    Case.objects.filter(pk=case.pk).update(status="action_follow_up")
    expected = {
        "declarant": True,
        "coordinator": True,
        "quality_manager": True,
        "contributor": True,
        "contributor_quality": True,  # read-only: the quality plan of the birth maternity
        "contributor_clinician": False,
        "unrelated_coordinator": False,
        "administrator": False,
    }
    for name, visible in expected.items():
        assert sees(name) == visible, name
    page = text(client.get(reverse("cases:detail", args=[case.pk])))
    assert "Revues du comité" in page
    assert action.what_changes in page
    assert client.get(reverse("actions:detail", args=[action.pk])).status_code == 200
    assert not can_follow_action(roles["contributor"], action)
    client.force_login(roles["contributor_quality"])
    assert client.get(reverse("actions:detail", args=[action.pk])).status_code == 200
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    client.force_login(roles["contributor_clinician"])
    assert client.get(reverse("actions:detail", args=[action.pk])).status_code == 404


# --- The vault stays with the declaring organisation ---------------------------------------------
def test_contributor_never_sees_a_vault_value(
    client, case_factory, coordinator, contributor, birth_maternity, session, chair
):
    from tests.actions.test_pages import make_action

    case = contributed(
        case_factory, birth_maternity, coordinator, summary="Nouveau-né de 27 SA, décès à J2."
    )
    declaring_event(case)
    client.force_login(contributor)
    client.post(reverse("cases:chronology", args=[case.pk]), event_post())
    event = case.care_events.get(organisation=birth_maternity)
    documenting = [
        reverse("cases:list"),
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:chronology", args=[case.pk]),
        reverse("cases:care_event", args=[case.pk, event.pk]),
    ]
    seen = {url: client.get(url) for url in documenting}
    Case.objects.filter(pk=case.pk).update(
        status="action_follow_up", summary_validated_at=timezone.now()
    )
    action = make_action(session, case, chair)
    for url in (
        reverse("cases:detail", args=[case.pk]),
        reverse("actions:detail", args=[action.pk]),
    ):
        seen[f"{url} (reviewed)"] = client.get(url)
    assert all(response.status_code == 200 for response in seen.values())
    pages = {url: text(response) for url, response in seen.items()}
    assert client.get(reverse("cases:identity", args=[case.pk])).status_code == 404
    for fragment in canary_fragments():
        for url, page in pages.items():
            assert fragment not in page, (fragment, url)


# --- Predicates and querysets agree --------------------------------------------------------------
def test_contribution_predicates_agree_with_their_querysets(case_factory, roles, birth_maternity):
    cases = []
    for status in ("draft", "declared", "documenting", "ready", "reviewed", "closed"):
        cases.append(
            contributed(case_factory, birth_maternity, roles["coordinator"], status=status)
        )
        cases.append(case_factory(status=status))
    for case in cases:
        if case.status == "documenting":
            declaring_event(case)
            CareEvent.objects.create(
                case=case,
                period="postnatal",
                day_of_life=0,
                place_type="maternity_2",
                description=BIRTH_EVENT,
                organisation=birth_maternity,
            )
    events = list(CareEvent.objects.select_related("case"))
    checked = 0
    for user in roles.values():
        fresh = User.objects.get(pk=user.pk)
        for rule_name, scope in permissions.PAIRED_SCOPES.items():
            visible = set(scope(fresh).values_list("pk", flat=True))
            for case in Case.objects.all():
                assert rules.test_rule(rule_name, fresh, case) == (case.pk in visible), (
                    rule_name,
                    user.email,
                    case.status,
                )
                checked += 1
        for predicate, scope in permissions.PAIRED_EVENT_SCOPES.values():
            changeable = set(scope(fresh).values_list("pk", flat=True))
            for event in events:
                assert predicate(fresh, event) == (event.pk in changeable), user.email
    assert checked > 500
    # Who may correct or delete which event, role by role.
    named = Case.objects.get(status="documenting", contributions__isnull=False)
    theirs = CareEvent.objects.get(organisation=birth_maternity, case=named)
    ours = CareEvent.objects.get(organisation=None, case=named)
    fresh = {name: User.objects.get(pk=user.pk) for name, user in roles.items()}
    assert {n for n, u in fresh.items() if permissions.can_change_care_event(u, theirs)} == {
        "coordinator",
        "contributor",
    }
    assert {n for n, u in fresh.items() if permissions.can_change_care_event(u, ours)} == {
        "coordinator"
    }
    contributor = User.objects.get(pk=roles["contributor"].pk)
    assert {c.pk for c in permissions.cases_visible_to(contributor)} == {
        c.pk for c in cases if c.status != "draft" and c.contributions.exists()
    }


# --- Query counts --------------------------------------------------------------------------------
def test_case_page_queries_do_not_grow_with_contributions(
    client, case_factory, coordinator, contributor, network
):
    case = case_factory(status="documenting")

    def count(user):
        client.force_login(user)
        client.get(reverse("cases:detail", args=[case.pk]))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
        return len(captured)

    def add(n):
        for _ in range(n):
            organisation = MaternityFactory(parent=network)
            CaseContribution.objects.create(
                case=case, organisation=organisation, pathway_role="neonatal", added_by=coordinator
            )
            CareEvent.objects.create(
                case=case,
                period="postnatal",
                day_of_life=1,
                place_type="nicu",
                description="Transfert.",
                organisation=organisation,
            )

    contributor_org = contributor.memberships.get().organisation
    CaseContribution.objects.create(
        case=case,
        organisation=contributor_org,
        pathway_role="birth_maternity",
        added_by=coordinator,
    )
    add(1)
    few = (count(coordinator), count(contributor))
    add(8)
    assert (count(coordinator), count(contributor)) == few


@pytest.mark.parametrize("rows", [3, 40])
def test_contributor_case_list_runs_a_constant_number_of_queries(
    client,
    case_factory,
    coordinator,
    contributor,
    birth_maternity,
    rows,
    django_assert_max_num_queries,
):
    for _ in range(rows):
        contributed(case_factory, birth_maternity, coordinator, status="declared")
    client.force_login(contributor)
    client.get(reverse("cases:list"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:list"))
    assert len(response.context["page"].cases) == min(rows, 25)
    # The case list's organisation filter offers the declaring organisation of those cases.
    from cases.selectors import filter_organisations

    offered = dict(filter_organisations(user=User.objects.get(pk=contributor.pk)))
    assert "Maternité Nord" in " ".join(offered.values())


# --- Admin and hooks ---------------------------------------------------------------------------
def test_admin_lists_the_contributions_of_the_organisations_managed_read_only(
    client, case_factory, coordinator, birth_maternity, administrator, other_administrator
):
    case = contributed(case_factory, birth_maternity, coordinator)
    url = reverse("admin:cases_casecontribution_changelist")
    client.force_login(administrator)
    response = client.get(url)
    assert [row.pk for row in response.context["cl"].result_list] == [case.contributions.get().pk]
    assert "Organisations du parcours" in text(response)
    detail = reverse("admin:cases_casecontribution_change", args=[case.contributions.get().pk])
    assert client.post(detail, {"pathway_role": "pmi"}).status_code == 403
    assert case.contributions.get().pathway_role == "birth_maternity"
    client.force_login(other_administrator)
    assert list(client.get(url).context["cl"].result_list) == []


def test_hooks_hear_of_an_addition_only_once_it_commits(
    case_factory, coordinator, birth_maternity, django_capture_on_commit_callbacks
):
    from cases.services import contributions

    heard = []
    contributions.on_contribution_added(heard.append)
    try:
        case = case_factory(status="declared")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            contribution = contribution_add(
                case=case, by=coordinator, organisation=birth_maternity, pathway_role="pmi"
            )
        assert heard == []
        for callback in callbacks:
            callback()
        assert heard == [contribution.pk]
    finally:
        contributions._on_added.remove(heard.append)


def test_a_stale_chronology_page_gets_a_french_message(
    client, case_factory, coordinator, contributor, birth_maternity
):
    case = contributed(case_factory, birth_maternity, coordinator)
    client.force_login(contributor)
    client.post(reverse("cases:chronology", args=[case.pk]), event_post())
    event = case.care_events.get()
    event_url = reverse("cases:care_event", args=[case.pk, event.pk])
    CareEvent.objects.filter(pk=event.pk).delete()  # deleted meanwhile from the other side
    response = client.post(event_url, event_post(), follow=True)
    assert "supprimé entre-temps" in messages_of(response)
    Case.objects.filter(pk=case.pk).update(status="ready")  # sent for review meanwhile
    response = client.post(reverse("cases:chronology", args=[case.pk]), event_post(), follow=True)
    assert "La chronologie n'est plus modifiable" in messages_of(response)
    assert response.status_code == 200 and not case.care_events.exists()


def test_the_pathway_menu_is_cached_and_forgotten_when_an_organisation_changes(
    settings, coordinator, network, django_assert_num_queries
):
    """The case page's menu of organisations comes from a cache (no query per page), and a
    new, renamed or deactivated organisation shows in it at once."""
    from django.core.cache import cache

    from cases.selectors import organisations_offered_for
    from tests.factories import CaseFactory

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.RMM_CASE_FILTER_CACHE_SECONDS = 300
    cache.clear()
    declaring = coordinator.memberships.get().organisation
    case = CaseFactory(organisation=declaring, territory=declaring, declared_by=coordinator)
    first = dict(organisations_offered_for(case=case, named_ids=set()))
    assert declaring.pk not in first
    with django_assert_num_queries(0):
        assert dict(organisations_offered_for(case=case, named_ids=set())) == first
    added = MaternityFactory(name="Maternité Nouvelle", parent=network)
    assert added.pk in dict(organisations_offered_for(case=case, named_ids=set()))
    assert added.pk not in dict(organisations_offered_for(case=case, named_ids={added.pk}))
    added.is_active = False
    added.save()
    assert added.pk not in dict(organisations_offered_for(case=case, named_ids=set()))
    cache.clear()


def test_the_pathway_form_renders_its_selects_as_django_does(birth_maternity, maternity):
    """The case page draws the form's two menus without a template per option
    (`rmm.widgets.CompactSelect`): Django's markup, with nothing chosen, a choice kept after a
    refusal, a value that is not a choice, and a label to escape."""
    from django import forms

    from cases.forms import ContributionForm
    from rmm.widgets import CompactSelect

    offered = [(birth_maternity.pk, 'Maternité "Les <Lilas>" & Cie'), (maternity.pk, "Autre")]
    for data in (
        None,
        {"organisation": str(birth_maternity.pk), "pathway_role": "transport"},
        {"organisation": "n'importe quoi", "pathway_role": "<script>"},
    ):
        form = ContributionForm(data, offered=offered)
        for name in ("organisation", "pathway_role"):
            field = form[name]
            assert isinstance(field.field.widget, CompactSelect)
            django_select = forms.Select(attrs=field.field.widget.attrs)
            django_select.choices = field.field.widget.choices
            assert str(field) == field.as_widget(widget=django_select), name
    assert "&quot;Les &lt;Lilas&gt;&quot; &amp; Cie" in str(ContributionForm(offered=offered))


# --- The declaring side's free texts wait for the validated anonymisation (attack pass) ----------
CAUSE = "Maladie des membranes hyalines, hypoxie réfractaire."
QUESTIONS = "Aurait-on pu transférer plus tôt ?"
HIDDEN = "lisible une fois l'anonymisation validée"


def texts_case(case_factory, birth_maternity, coordinator, status="documenting"):
    from cases.models import ParentsContact

    case = contributed(
        case_factory,
        birth_maternity,
        coordinator,
        status=status,
        summary="Résumé à 27 SA.",
        cause_of_death_text=CAUSE,
    )
    if status == "documenting":
        declaring_event(case)
        CareEvent.objects.create(
            case=case,
            period="postnatal",
            day_of_life=0,
            hour_of_day=1,
            place_type="transport",
            description=BIRTH_EVENT,
            organisation=birth_maternity,
            position=1,
        )
        ParentsContact.objects.create(
            case=case,
            status="told",
            told_on=timezone.localdate(),
            told_by_function="midwife",
            questions=QUESTIONS,
        )
    return case


def pages_of(client, case):
    detail = text(client.get(reverse("cases:detail", args=[case.pk])))
    chronology = client.get(reverse("cases:chronology", args=[case.pk]))
    return detail, text(chronology) if chronology.status_code == 200 else ""


def test_contributor_reads_only_their_own_texts_until_the_anonymisation_is_validated(
    client, case_factory, coordinator, contributor, birth_maternity
):
    case = texts_case(case_factory, birth_maternity, coordinator)
    client.force_login(contributor)
    detail, chronology = pages_of(client, case)
    for page in (detail, chronology):
        assert "Admission en réanimation néonatale" not in page  # the declaring side's event
        assert BIRTH_EVENT in page  # their own, to read and correct
        assert "Description " + HIDDEN in page
        assert "Ajouté par Maternité Nord" in page  # its time, place and author stay
    assert CAUSE not in detail and "Lisible une fois l'anonymisation validée" in detail
    assert QUESTIONS not in detail and "Résumé à 27 SA." not in detail
    # The declaring coordinator validates: every text was checked, the contributor reads them.
    case_services.summary_save(case=case, by=coordinator, summary="Résumé à 27 SA.", validate=True)
    detail, chronology = pages_of(client, case)
    for page in (detail, chronology):
        assert "Admission en réanimation néonatale" in page and BIRTH_EVENT in page
        assert HIDDEN not in page
    for shown in (CAUSE, QUESTIONS, "Résumé à 27 SA."):
        assert shown in detail


def test_a_declared_case_shows_a_contributor_no_free_text_of_the_declaring_side(
    client, case_factory, coordinator, contributor, birth_maternity
):
    case = texts_case(case_factory, birth_maternity, coordinator, status="declared")
    client.force_login(contributor)
    detail = text(client.get(reverse("cases:detail", args=[case.pk])))
    assert CAUSE not in detail and "Lisible une fois l'anonymisation validée" in detail
    assert "Résumé à 27 SA." not in detail


@pytest.mark.parametrize("status", ["ready", "scheduled", "reviewed"])
def test_once_submitted_the_contributor_reads_every_text(
    client, case_factory, coordinator, contributor, birth_maternity, status
):
    case = texts_case(case_factory, birth_maternity, coordinator, status=status)
    declaring_event(case)
    client.force_login(contributor)
    detail = text(client.get(reverse("cases:detail", args=[case.pk])))
    assert CAUSE in detail and "Admission en réanimation néonatale" in detail
    assert HIDDEN not in detail


def test_the_declaring_side_always_reads_every_text(
    client, case_factory, coordinator, clinician, contributor, birth_maternity
):
    case = texts_case(case_factory, birth_maternity, coordinator)
    for user in (coordinator, clinician):
        client.force_login(user)
        detail = text(client.get(reverse("cases:detail", args=[case.pk])))
        assert CAUSE in detail and BIRTH_EVENT in detail
        assert "Admission en réanimation néonatale" in detail and QUESTIONS in detail
        assert HIDDEN not in detail


def test_the_predicates_say_so_for_every_role(case_factory, roles, birth_maternity):
    case = texts_case(case_factory, birth_maternity, roles["coordinator"])
    theirs, own = case.care_events.order_by("position")
    readers = {
        name
        for name, user in roles.items()
        if permissions.can_view_case(user, case) and permissions.can_read_case_texts(user, case)
    }
    assert readers == {"declarant", "coordinator"}
    contributor = roles["contributor"]
    assert not permissions.can_read_care_event(contributor, theirs, case)
    assert permissions.can_read_care_event(contributor, own, case)


def test_validation_checks_every_text_a_contributor_will_then_read(
    case_factory, coordinator, contributor, birth_maternity
):
    case = texts_case(case_factory, birth_maternity, coordinator)
    case_services.care_event_save(
        case=case,
        by=contributor,
        event=CareEvent(
            period="postnatal",
            day_of_life=1,
            place_type="maternity_2",
            description="Appel du Dr Martin au 06 12 34 56 78.",
        ),
    )
    with pytest.raises(TransitionRefused, match="l'événement 3 de la chronologie"):
        case_services.summary_save(
            case=case, by=coordinator, summary="Résumé à 27 SA.", validate=True
        )
    assert Case.objects.get(pk=case.pk).summary_validated_at is None
    Case.objects.filter(pk=case.pk).update(cause_of_death_text="Décès chez Mme Zanzibarova.")
    CareEvent.objects.filter(case=case, day_of_life=1).delete()
    with pytest.raises(TransitionRefused, match="Cause"):
        case_services.summary_save(
            case=case, by=coordinator, summary="Résumé à 27 SA.", validate=True
        )
    assert Case.objects.get(pk=case.pk).summary_validated_at is None


def test_a_changed_free_text_fact_withdraws_the_validation(
    client, case_factory, coordinator, contributor, birth_maternity
):
    case = texts_case(case_factory, birth_maternity, coordinator)
    case_services.summary_save(case=case, by=coordinator, summary="Résumé à 27 SA.", validate=True)
    # A change to a structured fact leaves it; a change to a free text withdraws it.
    case_services.case_update(case=case, by=coordinator, facts={"birth_weight_g": 990})
    assert Case.objects.get(pk=case.pk).summary_validated_at is not None
    case_services.case_update(
        case=case, by=coordinator, facts={"cause_of_death_text": "Décès chez Mme Zanzibarova."}
    )
    assert Case.objects.get(pk=case.pk).summary_validated_at is None
    client.force_login(contributor)
    assert "Zanzibarova" not in text(client.get(reverse("cases:detail", args=[case.pk])))
