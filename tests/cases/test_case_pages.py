"""Case list, detail, identity, chronology and anonymisation pages: scoping by role and
organisation (404 for what one may not see), French messages, bounded query counts."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from cases.models import CareEvent, Case, IdentityAccessLog
from tests.factories import CANARY_IDENTITY, canary_fragments, member

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_case_list_shows_each_role_its_own_scope(
    client,
    case_factory,
    clinician,
    coordinator,
    committee_member,
    chair,
    quality_manager,
    outsider,
    administrator,
    maternity,
):
    draft = case_factory()
    colleague_draft = case_factory(declared_by=member(Role.CLINICIAN, maternity))
    declared = case_factory(status="declared")
    ready = case_factory(status="ready")

    def listed(user):
        client.force_login(user)
        return {case.pk for case in client.get(reverse("cases:list")).context["page"].cases}

    assert listed(clinician) == {draft.pk, declared.pk, ready.pk}
    assert colleague_draft.pk not in listed(clinician)
    assert listed(coordinator) == {draft.pk, colleague_draft.pk, declared.pk, ready.pk}
    assert listed(quality_manager) == {ready.pk}  # only once anonymised
    assert listed(chair) == {ready.pk}  # chairs see what is ready, to build agendas
    assert listed(committee_member) == set()  # members: only cases on their agendas
    assert listed(outsider) == set()
    assert listed(administrator) == set()


def test_case_list_filters(client, case_factory, coordinator, maternity):
    case_factory(status="declared")
    documenting = case_factory(status="documenting")
    client.force_login(coordinator)
    response = client.get(reverse("cases:list"), {"status": "documenting"})
    assert [case.pk for case in response.context["page"].cases] == [documenting.pk]
    response = client.get(reverse("cases:list"), {"kind": "stillbirth"})
    assert response.context["page"].cases == []
    response = client.get(
        reverse("cases:list"), {"period_start": "01/01/2000", "period_end": "31/12/1999"}
    )
    assert "La fin de période précède son début." in text(response)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_a_status_filtered_list_is_read_in_its_order_from_an_index(case_factory, coordinator):
    """At 100,000 cases the list's own index skipped 16,000 recent cases before page 1 of
    "action follow-up, early neonatal" was full (6 ms); the status's own keyset index reads
    only that status, already in the list's order (0.2 ms)."""
    from cases.selectors import PAGE_SIZE, ROW_COLUMNS, CaseFilters, case_list_parts
    from tests.plans import plan_of

    wanted = case_factory(status="action_follow_up", kind="early_neonatal")
    case_factory(status="declared", kind="early_neonatal")
    filters = CaseFilters(status="action_follow_up", kind="early_neonatal")
    (part,) = case_list_parts(user=coordinator, filters=filters)
    rows = part.values_list(*ROW_COLUMNS).order_by("-created_at", "-pk")[: PAGE_SIZE + 1]
    plan = plan_of(rows)
    assert "case_status_keyset_idx" in plan, plan
    assert [row[0] for row in rows] == [wanted.pk]


def test_case_list_paginates_by_keyset(client, case_factory, coordinator):
    cases = [case_factory(status="declared") for _ in range(30)]
    client.force_login(coordinator)
    first = client.get(reverse("cases:list")).context["page"]
    assert len(first.cases) == 25 and first.next_cursor
    second = client.get(reverse("cases:list"), {"apres": first.next_cursor}).context["page"]
    assert len(second.cases) == 5 and second.next_cursor is None
    assert {c.pk for c in first.cases} | {c.pk for c in second.cases} == {c.pk for c in cases}
    bad = client.get(reverse("cases:list"), {"apres": "n'importe quoi"})
    assert bad.status_code == 200


@pytest.mark.parametrize("rows", [5, 200])
def test_case_list_runs_a_constant_number_of_queries(
    client, case_factory, coordinator, rows, django_assert_max_num_queries
):
    from tests.factories import CaseFactory

    CaseFactory.create_batch(
        rows,
        organisation=coordinator.memberships.get().organisation,
        territory=coordinator.memberships.get().organisation,
        declared_by=coordinator,
        status="declared",
    )
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:list"))
    assert len(response.context["page"].cases) == min(rows, 25)


def test_case_list_query_count_does_not_grow_with_rows(client, case_factory, coordinator):
    def count_queries():
        client.force_login(coordinator)
        client.get(reverse("cases:list"))  # a fresh login may write its session once
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("cases:list"))
        return len(captured)

    for _ in range(5):
        case_factory(status="declared")
    few = count_queries()
    for _ in range(60):
        case_factory(status="declared")
    assert count_queries() == few


def test_another_organisations_case_is_a_404(client, case_factory, outsider):
    case = case_factory(status="ready")
    client.force_login(outsider)
    for name in ("detail", "edit", "identity", "chronology", "anonymisation"):
        assert client.get(reverse(f"cases:{name}", args=[case.pk])).status_code == 404, name
    response = client.post(
        reverse("cases:transition", args=[case.pk, "schedule"]), {"expected_status": "ready"}
    )
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).status == "ready"


def test_committee_pages_never_show_identity(client, case_factory, committee_member, chair):
    from committees.models import AgendaItem, Session

    case = case_factory(status="scheduled", summary="Nouveau-né de 27 SA + 2 j décédé à J2.")
    session = Session.objects.create(
        committee=chair.committee_memberships.get().committee,
        starts_at="2026-11-01T14:00:00+01:00",
        place="Salle 1",
        created_by=chair,
    )
    AgendaItem.objects.create(session=session, case=case)
    CareEvent.objects.create(
        case=case,
        period="postnatal",
        day_of_life=0,
        place_type="nicu",
        description="Intubation en salle de naissance.",
    )
    for user in (committee_member, chair):
        client.force_login(user)
        body = text(client.get(reverse("cases:detail", args=[case.pk])))
        assert case.code in body
        for fragment in canary_fragments():
            assert fragment not in body, fragment
        assert "04/03/2026" not in body and "06/03/2026" not in body
        assert client.get(reverse("cases:identity", args=[case.pk])).status_code == 404
    assert not IdentityAccessLog.objects.exists()


def test_identity_view_is_logged_and_limited_to_declarant_and_coordinators(
    client, case_factory, clinician, coordinator, quality_manager
):
    case = case_factory(status="declared")
    for user in (clinician, coordinator):
        client.force_login(user)
        body = text(client.get(reverse("cases:identity", args=[case.pk])))
        assert CANARY_IDENTITY["mother_last_name"] in body
    assert list(IdentityAccessLog.objects.values_list("user", flat=True).order_by("pk")) == [
        clinician.pk,
        coordinator.pk,
    ]
    client.force_login(quality_manager)
    assert client.get(reverse("cases:identity", args=[case.pk])).status_code == 404
    assert IdentityAccessLog.objects.count() == 2


def test_transition_button_posts_and_reports_in_french(client, case_factory, coordinator):
    case = case_factory(status="declared")
    client.force_login(coordinator)
    page = text(client.get(reverse("cases:detail", args=[case.pk])))
    assert "Prendre en charge" in page and "Exclure du champ RMM" in page
    response = client.post(
        reverse("cases:transition", args=[case.pk, "accept"]),
        {"expected_status": "declared"},
        follow=True,
    )
    assert "En documentation" in text(response)
    stale = client.post(
        reverse("cases:transition", args=[case.pk, "exclude"]),
        {"expected_status": "declared", "comment": "doublon"},
        follow=True,
    )
    assert "modifié entre-temps" in text(stale)
    tampered = client.post(
        reverse("cases:transition", args=[case.pk, "close"]),
        {"expected_status": "n'importe"},
        follow=True,
    )
    assert "Action refusée" in text(tampered) and "Rien n'a été changé." in text(tampered)
    unknown = client.post(
        reverse("cases:transition", args=[case.pk, "teleport"]),
        {"expected_status": "documenting"},
        follow=True,
    )
    assert unknown.status_code == 200 and "Action inconnue" in text(unknown)
    assert Case.objects.get(pk=case.pk).status == "documenting"


def test_chronology_add_edit_reorder_delete(client, case_factory, coordinator, clinician):
    case = case_factory(status="documenting")
    client.force_login(coordinator)
    url = reverse("cases:chronology", args=[case.pk])
    for weeks, description in (
        (20, "Échographie morphologique normale."),
        (27, "Admission pour MAP, corticothérapie débutée."),
    ):
        response = client.post(
            url,
            {
                "period": "antenatal",
                "gestational_weeks": weeks,
                "gestational_days": 2,
                "place_type": "maternity_3",
                "actor_function": "midwife",
                "description": description,
            },
        )
        assert response.status_code == 302
    bad = client.post(url, {"period": "postnatal", "place_type": "nicu", "description": "x"})
    assert bad.status_code == 400
    assert "Indiquez le jour de vie" in text(bad)
    first, second = case.care_events.order_by("position")
    client.post(reverse("cases:care_event", args=[case.pk, second.pk]), {"action": "up"})
    assert list(case.care_events.order_by("position").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]
    client.post(
        reverse("cases:care_event", args=[case.pk, first.pk]),
        {
            "action": "save",
            "period": "antenatal",
            "gestational_weeks": 21,
            "gestational_days": 0,
            "place_type": "maternity_3",
            "description": "Échographie corrigée.",
        },
    )
    first.refresh_from_db()
    assert first.relative_time == "21 SA + 0 j"
    client.post(reverse("cases:care_event", args=[case.pk, first.pk]), {"action": "delete"})
    assert case.care_events.count() == 1
    detail = text(client.get(reverse("cases:detail", args=[case.pk])))
    assert "27 SA + 2 j" in detail
    client.force_login(clinician)
    assert client.get(url).status_code == 404


def test_anonymisation_screen_side_by_side_then_validate(client, case_factory, coordinator):
    case = case_factory(status="documenting")
    client.force_login(coordinator)
    url = reverse("cases:anonymisation", args=[case.pk])
    page = client.get(url)
    assert CANARY_IDENTITY["narrative_original"] in text(page)
    proposal = page.context["proposal"]
    assert "Zanzibarova" not in proposal and "[NOM]" in proposal and "[ADRESSE]" in proposal
    refused = client.post(url, {"summary": "Mme Zanzibarova, 27 SA + 2 j.", "validate": "on"})
    assert refused.status_code == 400
    assert "Des identifiants subsistent dans le résumé" in text(refused)
    assert Case.objects.get(pk=case.pk).summary_validated_at is None
    client.post(url, {"summary": proposal, "validate": "on"})
    case.refresh_from_db()
    assert case.summary == proposal and case.summary_validated_by == coordinator
    CareEvent.objects.create(
        case=case,
        period="postnatal",
        day_of_life=1,
        place_type="nicu",
        description="Décès à J2 après LATA.",
    )
    client.post(url, {"summary": proposal + " Ajout.", "validate": ""})
    case.refresh_from_db()
    assert case.summary_validated_at is None  # an edit needs a new validation


def test_administrators_read_the_identity_access_log_of_their_territory(
    client, case_factory, coordinator, administrator, other_administrator
):
    case = case_factory(status="declared")
    client.force_login(coordinator)
    client.get(reverse("cases:identity", args=[case.pk]))
    client.force_login(administrator)
    changelist = client.get(reverse("admin:cases_identityaccesslog_changelist"))
    assert changelist.status_code == 200
    [entry] = changelist.context["cl"].result_list
    assert entry.user == coordinator and entry.case == case
    detail = client.get(reverse("admin:cases_identityaccesslog_change", args=[entry.pk]))
    assert detail.status_code == 200
    client.post(reverse("admin:cases_identityaccesslog_delete", args=[entry.pk]), {"post": "yes"})
    assert IdentityAccessLog.objects.count() == 1
    client.force_login(other_administrator)
    other = client.get(reverse("admin:cases_identityaccesslog_changelist"))
    assert list(other.context["cl"].result_list) == []


def test_home_tells_each_role_which_cases_wait(client, case_factory, clinician, coordinator):
    case_factory()
    case_factory(status="declared")
    case_factory(status="declared")
    case_factory(status="documenting")
    client.force_login(clinician)
    titles = [item.title for item in client.get(reverse("home")).context["pending_items"]]
    assert "1 brouillon à compléter et déclarer" in titles
    client.force_login(coordinator)
    titles = [item.title for item in client.get(reverse("home")).context["pending_items"]]
    assert "2 cas déclarés à prendre en charge" in titles
    assert "1 cas en documentation" in titles


def test_new_events_take_their_place_in_time_and_antenatal_events_precede_birth(
    client, case_factory, coordinator
):
    case = case_factory(status="documenting")  # born at 27 SA + 2 j
    client.force_login(coordinator)
    url = reverse("cases:chronology", args=[case.pk])
    for data in (
        {"period": "postnatal", "day_of_life": 3, "hour_of_day": 20},
        {"period": "postnatal", "day_of_life": 1, "hour_of_day": 2},
        {"period": "antenatal", "gestational_weeks": 12, "gestational_days": 0},
    ):
        client.post(url, {**data, "place_type": "nicu", "description": "Événement."})
    assert [e.relative_time for e in case.care_events.order_by("position")] == [
        "12 SA + 0 j",
        "J1 H2",
        "J3 H20",
    ]
    response = client.post(
        url,
        {
            "period": "antenatal",
            "gestational_weeks": 32,
            "gestational_days": 0,
            "place_type": "maternity_3",
            "description": "Impossible.",
        },
        follow=True,
    )
    assert "est après la naissance (27 SA + 2 j)" in text(response)
    assert case.care_events.count() == 3


def test_history_names_professionals_only_inside_the_declaring_organisation(
    client, case_factory, clinician, coordinator, chair
):
    from cases.services.transitions import case_transition

    case = case_factory()
    case_transition(case_id=case.pk, name="declare", by=clinician, expected_status="draft")
    Case.objects.filter(pk=case.pk).update(status="ready")
    client.force_login(coordinator)
    assert clinician.full_name in text(client.get(reverse("cases:detail", args=[case.pk])))
    client.force_login(chair)
    committee_view = text(client.get(reverse("cases:detail", args=[case.pk])))
    assert clinician.full_name not in committee_view
    assert clinician.job_title in committee_view  # the function, as in the chronology
    assert f"{clinician.job_title} : Brouillon → Déclaré" in committee_view
    from django.utils import timezone

    at = timezone.localtime(case.transitions.get().at)
    assert f"<li>{at:%d/%m/%Y %H:%M} — {clinician.job_title} : " in committee_view
    type(clinician).objects.filter(pk=clinician.pk).update(job_title="")
    committee_view = text(client.get(reverse("cases:detail", args=[case.pk])))
    assert "professionnel : Brouillon → Déclaré" in committee_view
    assert clinician.full_name not in committee_view


def test_audit_admin_shows_french_labels(client, case_factory, clinician, administrator):
    from cases.services.transitions import case_transition

    case = case_factory()
    case_transition(case_id=case.pk, name="declare", by=clinician, expected_status="draft")
    client.force_login(administrator)
    body = text(client.get(reverse("admin:cases_casetransition_changelist")))
    assert "Déclarer le cas" in body and "Brouillon" in body and "Déclaré" in body


def test_organisation_filter_offers_only_organisations_whose_cases_one_sees(
    client, case_factory, quality_manager, maternity, network
):
    """A quality manager of one maternity had a filter listing organisations that changed
    nothing; with a second organisation, choosing one really narrows the list."""
    from tests.factories import CaseFactory, MaternityFactory

    client.force_login(quality_manager)
    response = client.get(reverse("cases:list"))
    assert "organisation" not in response.context["form"].fields  # one organisation: no filter

    second = MaternityFactory(name="Maternité Est", parent=network)
    quality_manager.memberships.create(organisation=second, role=Role.QUALITY_MANAGER)
    ours = case_factory(status="ready")
    theirs = CaseFactory(
        organisation=second, territory=network, declared_by=ours.declared_by, status="ready"
    )
    client.force_login(quality_manager)
    response = client.get(reverse("cases:list"))
    choices = {pk for pk, _label in response.context["form"].fields["organisation"].choices if pk}
    assert {int(str(pk)) for pk in choices} == {maternity.pk, second.pk}
    response = client.get(reverse("cases:list"), {"organisation": second.pk})
    assert [case.pk for case in response.context["page"].cases] == [theirs.pk]


def test_an_invalid_filter_is_reported_and_the_valid_ones_still_apply(
    client, case_factory, coordinator, other_maternity
):
    documenting = case_factory(status="documenting")
    case_factory(status="declared")
    client.force_login(coordinator)
    response = client.get(
        reverse("cases:list"), {"status": "documenting", "period_start": "31/02/2026"}
    )
    assert [case.pk for case in response.context["page"].cases] == [documenting.pk]
    assert "Filtre non appliqué (valeur invalide) : Du." in text(response)


def test_an_overlong_transition_comment_is_explained(client, case_factory, coordinator):
    case = case_factory(status="declared")
    client.force_login(coordinator)
    response = client.post(
        reverse("cases:transition", args=[case.pk, "exclude"]),
        {"expected_status": "declared", "comment": "Doublon. " * 20_000},
        follow=True,
    )
    page = text(response)
    assert "Le commentaire ne doit pas dépasser" in page and "Rien n'a été changé." in page
    assert Case.objects.get(pk=case.pk).status == "declared"
