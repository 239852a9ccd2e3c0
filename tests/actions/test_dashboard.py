"""The quality dashboard: who sees it, what its filters do, its counts and on-time share, its
chart (inline SVG with its table), its CSV export (no identity, formulas neutralised) and a
number of queries that does not grow with the number of actions."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from actions import dashboard
from actions.models import ActionTransition, CorrectiveAction
from actions.services import action_transition, progress_note_add
from tests.factories import CaseFactory, canary_fragments

pytestmark = pytest.mark.django_db

URL = "/actions/tableau-de-bord/"
EXPORT = "/actions/tableau-de-bord/export.csv"


def today():
    return timezone.localdate()


def make_action(session, case, by, *, status="approved", days=30, **fields):
    """An action built directly (the engine is not the subject here), status set by update."""
    values = {
        "what_changes": "Protocole de transfert in utero révisé et affiché",
        "barrier": "recovery",
        "nature": "protocol",
        "owner_organisation": case.organisation,
        "owner_function": "Cadre de la salle de naissance",
        "due_date": today() + timedelta(days=days),
        "indicator": "Audit de 20 dossiers",
        "indicator_check_date": today() + timedelta(days=90),
        **fields,
    }
    action = CorrectiveAction.objects.create(session=session, created_by=by, **values)
    action.cases.add(case)
    CorrectiveAction.objects.filter(pk=action.pk).update(status=status)
    return action


def mark_completed(action, by, status="done"):
    """The history row of `complete` (dated now), then the status."""
    ActionTransition.objects.create(
        action=action,
        transition="complete",
        source="in_progress",
        target="done",
        actor=by,
        actor_name=by.full_name,
    )
    CorrectiveAction.objects.filter(pk=action.pk).update(status=status)


@pytest.fixture
def world(session, ready_case, chair):
    """A known set: 2 approved (one overdue), 1 in progress (overdue), 2 done (one on time, one
    late), 1 verified on time, 1 cancelled."""
    case = ready_case
    actions = {
        "approved": make_action(session, case, chair, days=30),
        "approved_late": make_action(session, case, chair, days=-5, barrier="prevention"),
        "in_progress_late": make_action(
            session, case, chair, status="in_progress", days=-40, nature="training"
        ),
        "done_on_time": make_action(session, case, chair, days=10),
        "done_late": make_action(session, case, chair, days=-3),
        "verified_on_time": make_action(session, case, chair, days=0),
        "cancelled": make_action(session, case, chair, status="cancelled", days=-60),
    }
    mark_completed(actions["done_on_time"], chair)
    mark_completed(actions["done_late"], chair)
    mark_completed(actions["verified_on_time"], chair, status="verified")
    return actions


def ids_in(response):
    return {row.id for row in response.context["rows"]}


# --- Access -----------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["quality_manager", "coordinator"])
def test_quality_managers_and_coordinators_see_the_dashboard(client, request, world, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(URL)
    assert response.status_code == 200
    assert ids_in(response) == {action.pk for action in world.values()}
    assert client.get(EXPORT).status_code == 200


@pytest.mark.parametrize(
    "role", ["clinician", "committee_member", "administrator", "outsider", "chair"]
)
def test_other_roles_get_a_404(client, request, world, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 404
    assert client.get(EXPORT).status_code == 404


def test_anonymous_is_sent_to_login(client):
    assert client.get(URL).status_code == 302


def test_a_coordinator_elsewhere_sees_none_of_these_actions(client, world, other_maternity):
    from accounts.models import Role
    from tests.factories import member

    client.force_login(member(Role.COORDINATOR, other_maternity, email="ref@sud.test"))
    response = client.get(URL)
    assert response.status_code == 200
    assert ids_in(response) == set()
    assert response.context["counts"].total == 0
    # the organisation filter offers only organisations of visible actions
    assert list(response.context["form"].fields["organisation"].queryset) == []


# --- Filters ----------------------------------------------------------------------------------
def test_each_filter(client, quality_manager, world, committee, maternity):
    client.force_login(quality_manager)
    pk = {name: action.pk for name, action in world.items()}
    assert ids_in(client.get(URL, {"status": "done"})) == {pk["done_on_time"], pk["done_late"]}
    assert ids_in(client.get(URL, {"overdue": "on"})) == {
        pk["approved_late"],
        pk["in_progress_late"],
    }
    assert ids_in(client.get(URL, {"barrier": "prevention"})) == {pk["approved_late"]}
    assert ids_in(client.get(URL, {"nature": "training"})) == {pk["in_progress_late"]}
    assert len(ids_in(client.get(URL, {"organisation": maternity.pk}))) == len(world)
    assert len(ids_in(client.get(URL, {"committee": committee.pk}))) == len(world)
    window = {
        "due_from": (today() - timedelta(days=5)).strftime("%d/%m/%Y"),
        "due_to": today().strftime("%d/%m/%Y"),
    }
    assert ids_in(client.get(URL, window)) == {
        pk["approved_late"],
        pk["done_late"],
        pk["verified_on_time"],
    }


def test_an_invalid_filter_is_reported_and_the_valid_ones_still_apply(
    client, quality_manager, world
):
    client.force_login(quality_manager)
    response = client.get(URL, {"status": "done", "due_from": "31/02/2026", "committee": "999"})
    assert {world["done_on_time"].pk, world["done_late"].pk} == ids_in(response)
    text = response.content.decode()
    assert "Filtre non appliqué (valeur invalide)" in text
    assert "Échéance du" in text and "Comité" in text
    out_of_range = client.get(URL, {"due_to": "01/01/1800"})
    assert "Saisissez une date entre 1900 et 2100" in out_of_range.content.decode()
    assert len(ids_in(out_of_range)) == len(world)
    reversed_window = client.get(
        URL,
        {
            "due_from": today().strftime("%d/%m/%Y"),
            "due_to": (today() - timedelta(days=1)).strftime("%d/%m/%Y"),
        },
    )
    assert "La fin de la période précède son début." in reversed_window.content.decode()
    # the start still applies
    assert world["approved"].pk in ids_in(reversed_window)
    assert world["approved_late"].pk not in ids_in(reversed_window)


# --- Counts -----------------------------------------------------------------------------------
def test_counts_by_status_overdue_and_on_time_share(client, quality_manager, world):
    client.force_login(quality_manager)
    counts = client.get(URL).context["counts"]
    by_status = {item.status: item.count for item in counts.by_status}
    assert by_status == {
        "proposed": 0,
        "approved": 2,
        "in_progress": 1,
        "done": 2,
        "verified": 1,
        "cancelled": 1,
    }
    assert counts.total == 7
    assert counts.overdue == 2
    assert (counts.completed, counts.completed_on_time) == (3, 2)
    assert counts.on_time_percent == 67
    filtered = client.get(URL, {"status": "done"}).context["counts"]
    assert (filtered.completed, filtered.completed_on_time) == (2, 1)


def test_completion_date_comes_from_the_engine_history(
    client, quality_manager, coordinator, session, ready_case, chair
):
    action = make_action(session, ready_case, chair, status="in_progress", days=1)
    progress_note_add(action=action, by=coordinator, text="Protocole affiché en salle.")
    action_transition(
        action_id=action.pk, name="complete", by=coordinator, expected_status="in_progress"
    )
    client.force_login(quality_manager)
    counts = client.get(URL).context["counts"]
    assert (counts.completed, counts.completed_on_time, counts.on_time_percent) == (1, 1, 100)


def test_no_finished_action_shows_no_share(client, quality_manager, session, ready_case, chair):
    make_action(session, ready_case, chair)
    client.force_login(quality_manager)
    response = client.get(URL)
    assert response.context["counts"].on_time_percent is None
    assert 'id="on-time-share">—<' in response.content.decode()


# --- Chart ------------------------------------------------------------------------------------
def test_chart_is_inline_svg_with_its_accessible_table(client, quality_manager, world):
    client.force_login(quality_manager)
    response = client.get(URL)
    months = response.context["months"]
    assert len(months) == 12
    assert months[-1]["opened"] == len(world)
    assert months[-1]["closed"] == 3  # three `complete` rows this month
    html = response.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "<rect" in svg and "<title" in svg
    assert "href" not in svg and "<script" not in svg
    assert "style=" not in svg  # the CSP forbids inline styles (style-src 'self')
    # the only URL is the SVG namespace, never a fetched resource
    assert svg.count("http") == 1 and 'xmlns="http://www.w3.org/2000/svg"' in svg
    table = html[html.index('id="chart-table"') : html.index("</table>", html.index("chart-table"))]
    assert "<caption>" in table
    assert 'scope="col"' in table and 'scope="row"' in table
    # every script and stylesheet is ours (no CDN, no absolute URL)
    assert 'src="http' not in html and 'href="http' not in html and "//cdn" not in html


def test_chart_escapes_its_text():
    from datetime import date

    from actions.dashboard import chart_svg
    from actions.selectors import MonthCount

    svg = str(chart_svg([MonthCount(month=date(2026, 1, 1), opened=3, closed=1)]))
    assert svg.startswith("<svg") and "<script" not in svg


# --- List -------------------------------------------------------------------------------------
def test_list_is_paginated_by_fifty(client, quality_manager, session, ready_case, chair):
    for _index in range(51):
        make_action(session, ready_case, chair)
    client.force_login(quality_manager)
    first = client.get(URL)
    assert len(first.context["rows"]) == 50 and first.context["has_next"]
    second = client.get(URL, {"page": "2"})
    assert len(second.context["rows"]) == 1 and not second.context["has_next"]
    assert client.get(URL, {"page": "abc"}).status_code == 200
    assert client.get(URL, {"page": "99999999999999999999"}).status_code == 200


# --- CSV --------------------------------------------------------------------------------------
def body_of(response) -> str:
    """The export streams: read it whole."""
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def read_csv(response):
    body = body_of(response)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_csv_export_columns_bom_and_filters(client, quality_manager, world, ready_case):
    client.force_login(quality_manager)
    response = client.get(EXPORT, {"status": "in_progress"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == [
        "Identifiant",
        "Ce qui va changer",
        "Type de barrière",
        "Nature",
        "Organisation responsable",
        "Fonction responsable",
        "Échéance",
        "Statut",
        "En retard",
        "Cas",
        "Séance",
    ]
    action = world["in_progress_late"]
    assert rows[1:] == [
        [
            str(action.pk),
            action.what_changes,
            "Récupération",
            "Formation",
            ready_case.organisation.name,
            "Cadre de la salle de naissance",
            action.due_date.strftime("%d/%m/%Y"),
            "En cours",
            "oui",
            ready_case.code,
            timezone.localdate(action.session.starts_at).strftime("%d/%m/%Y"),
        ]
    ]


def test_csv_neutralises_formulas_and_carries_no_identity(
    client, quality_manager, session, maternity, clinician, chair
):
    case = CaseFactory(organisation=maternity, territory=maternity.parent, declared_by=clinician)
    make_action(
        session,
        case,
        chair,
        what_changes='=HYPERLINK("http://evil.test","x")',
        owner_function="+cmd|' /C calc'!A0",
        owner_person=clinician,
    )
    make_action(session, case, chair, what_changes="@SUM(1+1)", owner_function="-2+3")
    client.force_login(quality_manager)
    response = client.get(EXPORT)
    body = body_of(response)
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil.test","x")' in cells
    assert "'+cmd|' /C calc'!A0" in cells
    assert "'@SUM(1+1)" in cells and "'-2+3" in cells
    assert not any(cell[:1] in "=+-@" for cell in cells if cell)
    for fragment in canary_fragments():
        assert fragment not in body
    for person in (clinician, chair, quality_manager):
        assert person.full_name not in body and person.email not in body
    page = client.get(URL).content.decode()
    for fragment in canary_fragments():
        assert fragment not in page


# --- Query counts -----------------------------------------------------------------------------
def bulk_actions(session, case, by, count):
    today_ = today()
    created = CorrectiveAction.objects.bulk_create(
        CorrectiveAction(
            session=session,
            created_by=by,
            what_changes=f"Changement {index}",
            barrier="prevention",
            nature="organisation",
            owner_organisation=case.organisation,
            owner_function="Pharmacie",
            due_date=today_ + timedelta(days=index % 60 - 30),
            indicator="Audit",
            indicator_check_date=today_ + timedelta(days=90),
            status=["approved", "in_progress", "done", "cancelled"][index % 4],
        )
        for index in range(count)
    )
    Through = CorrectiveAction.cases.through
    Through.objects.bulk_create(
        Through(correctiveaction_id=action.pk, case_id=case.pk) for action in created
    )
    ActionTransition.objects.bulk_create(
        ActionTransition(
            action=action,
            transition="complete",
            source="in_progress",
            target="done",
            actor=by,
            actor_name=by.full_name,
        )
        for action in created
        if action.status == "done"
    )


def count_queries(client, url, params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
        if response.streaming:  # the export reads its rows while it is sent
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url", [URL, EXPORT])
def test_query_count_does_not_grow_with_actions(
    client, quality_manager, session, ready_case, chair, url, django_assert_max_num_queries
):
    client.force_login(quality_manager)
    params = {"status": "done", "committee": session.committee_id, "due_from": "01/01/2000"}
    bulk_actions(session, ready_case, chair, 10)
    client.get(url, params)  # warm the session and caches
    with_ten = count_queries(client, url, params)
    bulk_actions(session, ready_case, chair, 990)
    with_thousand = count_queries(client, url, params)
    assert with_ten == with_thousand
    with django_assert_max_num_queries(with_ten):
        client.get(url, {"overdue": "on", "organisation": ready_case.organisation_id})


def test_a_large_export_streams_in_batches_in_due_date_order(
    client, quality_manager, session, ready_case, chair, monkeypatch
):
    monkeypatch.setattr(dashboard, "EXPORT_BATCH", 7)
    bulk_actions(session, ready_case, chair, 30)
    client.force_login(quality_manager)
    with CaptureQueriesContext(connection) as context:
        rows = read_csv(client.get(EXPORT))[1:]
    expected = list(
        CorrectiveAction.objects.order_by("due_date", "pk").values_list("pk", flat=True)
    )
    assert [int(row[0]) for row in rows] == expected
    case_reads = [q for q in context.captured_queries if '"cases_case"."code"' in q["sql"]]
    assert len(case_reads) == 1  # the rows with their cases' codes, read in batches of 7


def test_the_streamed_export_keeps_the_readers_language(client, quality_manager, world, settings):
    client.force_login(quality_manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = read_csv(client.get(EXPORT, {"status": "in_progress"}))
    with translation.override("en"):
        header, status = translation.gettext("Identifiant"), translation.gettext("En cours")
    assert header != "Identifiant" and rows[0][0] == header
    assert rows[1][7] == status != "En cours"


HOSTILE = ["a\x00b", "١٢", "-1", "99999999999999999999", "x" * 10_000, "<script>", "31/12/9999"]
FILTER_NAMES = ["status", "organisation", "committee", "overdue", "due_from", "due_to", "barrier"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_filters_never_answer_a_server_error(client, quality_manager, world, value):
    client.force_login(quality_manager)
    params = dict.fromkeys([*FILTER_NAMES, "nature", "page"], value)
    assert client.get(URL, params).status_code == 200
    # The export refuses what it cannot apply and sends back to the dashboard.
    export = client.get(EXPORT, params, follow=True)
    assert export.status_code == 200 and export.redirect_chain
    page = client.get(URL, params).content.decode()
    assert "<script>" not in page


def test_my_actions_links_to_the_dashboard_for_those_who_may_open_it(
    client, quality_manager, committee_member
):
    client.force_login(quality_manager)
    assert reverse("actions:dashboard") in client.get(reverse("actions:mine")).content.decode()
    client.force_login(committee_member)
    assert reverse("actions:dashboard") not in client.get(reverse("actions:mine")).content.decode()


# --- The dashboard's visibility is the permission's -------------------------------------------
def test_dashboard_visibility_is_exactly_the_permission_for_every_role(
    every_role, outsider, world, session, chair, other_maternity, django_user_model
):
    """The dashboard reads `actions_visible_to` as a union of three id sets (fast at scale):
    the same actions, for every role, including an action owned by name and one of another
    organisation."""
    from actions.permissions import actions_visible_to
    from actions.selectors import dashboard_actions

    named = every_role["clinician"]
    elsewhere_case = CaseFactory(organisation=other_maternity, status="ready")
    make_action(session, elsewhere_case, chair, owner_person=named)
    make_action(session, elsewhere_case, chair, owner_organisation=other_maternity)
    inactive = django_user_model.objects.create_user(email="parti@rmm.test", password=None)
    inactive.is_active = False
    for user in [*every_role.values(), outsider, inactive]:
        expected = set(actions_visible_to(user).values_list("pk", flat=True))
        assert set(dashboard_actions(user=user).values_list("pk", flat=True)) == expected
    seen = set(dashboard_actions(user=every_role["quality_manager"]).values_list("pk", flat=True))
    assert seen >= {action.pk for action in world.values()}


LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_figures_are_kept_a_minute_per_user_and_the_page_says_when(
    client, quality_manager, other_maternity, world, settings
):
    """The counts and chart (aggregates over every visible action) are computed once a minute
    per user and filters; the list itself is read on every request; another user never gets
    the first one's figures."""
    from django.core.cache import cache

    settings.CACHES = LOCAL_CACHE
    cache.clear()
    client.force_login(quality_manager)
    client.get(URL)  # warm the session
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        response = client.get(URL)
    assert response.context["counts"].total == len(world)
    assert 'id="computed-at"' in response.content.decode()
    with CaptureQueriesContext(connection) as second:
        again = client.get(URL)
    assert len(second.captured_queries) < len(first.captured_queries)
    assert again.context["counts"].total == len(world)
    assert ids_in(again) == {action.pk for action in world.values()}
    from accounts.models import Role
    from tests.factories import member

    client.force_login(member(Role.COORDINATOR, other_maternity, email="ref@sud.test"))
    elsewhere = client.get(URL)
    assert elsewhere.context["counts"].total == 0 and ids_in(elsewhere) == set()


@pytest.mark.parametrize(
    "bad", [{"organisation": "999999"}, {"due_from": "31/02/2026"}, {"committee": "abc"}]
)
def test_an_export_with_an_invalid_filter_is_refused_never_wider(
    client, quality_manager, world, bad
):
    client.force_login(quality_manager)
    response = client.get(EXPORT, {"status": "done", **bad}, follow=True)
    assert not response.get("Content-Disposition")
    assert response.redirect_chain[-1][0].startswith(URL)
    text = response.content.decode()
    assert "Export refusé, filtre invalide" in text


@pytest.mark.parametrize("untick", ["0", "non", "off", "false"])
def test_overdue_said_no_in_a_link_lists_every_action(client, quality_manager, world, untick):
    client.force_login(quality_manager)
    assert len(ids_in(client.get(URL, {"overdue": untick}))) == len(world)
    assert len(ids_in(client.get(URL, {"overdue": "on"}))) < len(world)
