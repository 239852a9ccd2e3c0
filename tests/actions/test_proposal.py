"""The action plan in session: proposing actions on the review screen, linked to the ALARM
factors just recorded (which a correction updates in place, so the links hold), approving
them, or recording why none is needed; the actions in the minutes and the "Suivi des actions"
section of every session."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.forms import NoActionForm
from actions.models import CorrectiveAction, NoActionDecision
from actions.services import action_propose, action_transition
from cases.models import Case
from committees.models import AlarmItem, ContributingFactor, Session
from committees.selectors import minutes_context
from committees.services import reviews, sessions
from tests.committees.conftest import all_present, days_from_now, full_review
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alarm_items():
    return list(AlarmItem.objects.order_by("pk")[:3])


@pytest.fixture
def reviewed(session, ready_case, secretary, chair, alarm_items):
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(session, secretary)
    reviews.review_record(
        session=session,
        case=ready_case,
        by=chair,
        review=full_review(),
        factors=[(item, "Commentaire initial", False) for item in alarm_items[:2]],
    )
    return session, Case.objects.get(pk=ready_case.pk)


def action_fields(case, **overrides):
    today = timezone.localdate()
    return {
        "what_changes": "Protocole de transfert in utero révisé et affiché",
        "barrier": "recovery",
        "nature": "protocol",
        "owner_organisation": case.organisation,
        "owner_function": "Cadre de la salle de naissance",
        "due_date": today + timedelta(days=30),
        "indicator": "Audit de 20 dossiers",
        "indicator_check_date": today + timedelta(days=90),
        **overrides,
    }


def test_a_review_correction_keeps_the_factors_rows_and_the_actions_links(
    reviewed, chair, alarm_items
):
    session, case = reviewed
    review = session.reviews.get(case=case)
    kept, removed = (
        review.factors.get(item=alarm_items[0]),
        review.factors.get(item=alarm_items[1]),
    )
    action = action_propose(
        session=session, cases=[case], by=chair, fields=action_fields(case), factors=[kept]
    )
    reviews.review_update(
        review=review,
        by=chair,
        factors=[(alarm_items[0], "Commentaire corrigé", True), (alarm_items[2], "", False)],
    )
    factors = {f.item_id: f for f in ContributingFactor.objects.filter(review=review)}
    assert set(factors) == {alarm_items[0].pk, alarm_items[2].pk}
    assert factors[alarm_items[0].pk].pk == kept.pk
    assert factors[alarm_items[0].pk].comment == "Commentaire corrigé"
    assert factors[alarm_items[0].pk].recovery_barrier is True
    assert not ContributingFactor.objects.filter(pk=removed.pk).exists()
    assert list(CorrectiveAction.objects.get(pk=action.pk).factors.all()) == [kept]


# --- The proposal page ------------------------------------------------------------------------
def propose_url(session, case):
    return reverse("actions:propose", args=[session.pk, case.pk])


def review_url(session, case):
    return reverse("committees:review", args=[session.pk, case.pk])


def posted(case, factors=(), extra_cases=(), **overrides):
    today = timezone.localdate()
    data = {
        "what_changes": "Check-list de transfert in utero intégrée au dossier obstétrical",
        "barrier": "prevention",
        "nature": "protocol",
        "owner_organisation": case.organisation_id,
        "owner_function": "Cadre de la salle de naissance",
        "owner_person": "",
        "due_date": (today + timedelta(days=60)).strftime("%d/%m/%Y"),
        "priority": "high",
        "indicator": "100 % des transferts tracés (audit de 20 dossiers)",
        "indicator_check_date": (today + timedelta(days=120)).strftime("%d/%m/%Y"),
        "factors": [factor.pk for factor in factors],
        "extra_cases": [other.pk for other in extra_cases],
    }
    data.update(overrides)
    return data


def test_the_chair_proposes_an_action_linked_to_the_review_factors_and_approves_it(
    client, reviewed, chair, secretary, maternity, clinician
):
    session, case = reviewed
    other = CaseFactory(
        organisation=maternity, territory=maternity.parent, declared_by=clinician, status="ready"
    )
    sessions.agenda_add(session=session, case=other, by=secretary)
    factor = session.reviews.get(case=case).factors.first()
    client.force_login(chair)
    page = client.get(review_url(session, case)).content.decode()
    assert "Plan d&#x27;actions" in page or "Plan d'actions" in page
    assert propose_url(session, case) in page
    form_page = client.get(propose_url(session, case)).content.decode()
    assert "jamais une personne" in form_page
    assert factor.item.code in form_page and other.code in form_page
    response = client.post(
        propose_url(session, case), posted(case, factors=[factor], extra_cases=[other])
    )
    assert response.status_code == 302
    action = CorrectiveAction.objects.get()
    assert action.status == "proposed" and action.priority == "high"
    assert set(action.cases.all()) == {case, other}
    assert list(action.factors.all()) == [factor]
    assert action.session == session and action.created_by == chair
    page = client.get(review_url(session, case)).content.decode()
    assert "Check-list de transfert" in page
    client.post(reverse("actions:approve", args=[session.pk, case.pk, action.pk]))
    assert CorrectiveAction.objects.get(pk=action.pk).status == "approved"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"due_date": "01/01/2020"}, "dans le passé"),
        ({"due_date": "2030-01-01"}, "JJ/MM/AAAA"),
        ({"what_changes": ""}, "Dites ce qui va changer"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_saved(
    client, reviewed, chair, change, message
):
    session, case = reviewed
    client.force_login(chair)
    response = client.post(propose_url(session, case), posted(case, **change), follow=False)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Rien n&#x27;a été enregistré" in response.content.decode()
    assert not CorrectiveAction.objects.exists()


def test_owner_outside_the_case_organisation_and_foreign_factors_are_refused(
    client, reviewed, chair, other_maternity
):
    session, case = reviewed
    client.force_login(chair)
    response = client.post(
        propose_url(session, case), posted(case, owner_organisation=other_maternity.pk)
    )
    assert response.status_code == 400
    assert "organisation responsable doit être celle du cas" in response.content.decode()
    response = client.post(
        propose_url(session, case), posted(case, factors=[]) | {"factors": [999999]}
    )
    assert response.status_code == 400
    assert not CorrectiveAction.objects.exists()


def test_only_the_sessions_chair_and_secretary_may_plan_once_the_review_is_recorded(
    client, session, ready_case, secretary, chair, committee_member, quality_manager, outsider
):
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    client.force_login(chair)
    assert client.get(propose_url(session, ready_case)).status_code == 404  # no review yet
    all_present(session, secretary)
    reviews.review_record(session=session, case=ready_case, by=chair, review=full_review())
    assert client.get(propose_url(session, ready_case)).status_code == 200
    for user in (committee_member, quality_manager, outsider):
        client.force_login(user)
        assert client.get(propose_url(session, ready_case)).status_code == 404
        response = client.post(propose_url(session, ready_case), posted(ready_case))
        assert response.status_code == 404
        no_action = reverse("actions:no_action", args=[session.pk, ready_case.pk])
        assert client.post(no_action, {"reason": "Aucune."}).status_code == 404
    assert not CorrectiveAction.objects.exists()
    assert not NoActionDecision.objects.exists()
    client.force_login(committee_member)
    page = client.get(review_url(session, ready_case)).content.decode()
    assert "Aucune action corrective pour ce cas" in page
    assert propose_url(session, ready_case) not in page


def test_no_action_needed_is_recorded_with_its_reason(client, reviewed, chair):
    session, case = reviewed
    client.force_login(chair)
    url = reverse("actions:no_action", args=[session.pk, case.pk])
    client.post(url, {"reason": ""})
    assert not NoActionDecision.objects.exists()
    client.post(url, {"reason": "Décès inévitable, prise en charge optimale."})
    assert NoActionDecision.objects.get(case=case).reason.startswith("Décès inévitable")
    assert "Décès inévitable" in client.get(review_url(session, case)).content.decode()


def test_the_plan_is_adopted_from_the_review_screen_through_the_case_guards(
    client, reviewed, chair, secretary
):
    session, case = reviewed
    adopt = reverse("actions:adopt_plan", args=[session.pk, case.pk])
    client.force_login(secretary)
    page = client.get(review_url(session, case)).content.decode()
    assert adopt in page
    assert "Aucune action n&#x27;est approuvée" in page  # the guard's reason, before trying
    response = client.post(adopt, {"expected_status": "reviewed"}, follow=True)
    assert "Aucune action n&#x27;est approuvée" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == "reviewed"

    action = action_propose(session=session, cases=[case], by=chair, fields=action_fields(case))
    page = client.get(review_url(session, case)).content.decode()
    assert reverse("actions:approve", args=[session.pk, case.pk, action.pk]) in page
    client.post(reverse("actions:approve", args=[session.pk, case.pk, action.pk]))
    response = client.post(adopt, {"expected_status": "reviewed", "comment": "Plan adopté."})
    assert response.status_code == 302 and response.url == review_url(session, case)
    case = Case.objects.get(pk=case.pk)
    assert case.status == "action_follow_up"
    record = case.transitions.get(transition="adopt_action_plan")
    assert record.actor == secretary and record.comment == "Plan adopté."
    # A stale page (the plan was adopted meanwhile) is a conflict, never a second move.
    response = client.post(adopt, {"expected_status": "reviewed"}, follow=True)
    assert case.transitions.filter(transition="adopt_action_plan").count() == 1
    page = client.get(review_url(session, case))
    assert page.status_code == 200 and adopt not in page.content.decode()


def test_only_the_planners_see_and_use_the_adoption_on_the_review_screen(
    client, reviewed, chair, committee_member, quality_manager, coordinator, outsider
):
    session, case = reviewed
    action = action_propose(session=session, cases=[case], by=chair, fields=action_fields(case))
    action_transition(action_id=action.pk, name="approve", by=chair, expected_status="proposed")
    adopt = reverse("actions:adopt_plan", args=[session.pk, case.pk])
    approve = reverse("actions:approve", args=[session.pk, case.pk, action.pk])
    client.force_login(committee_member)
    page = client.get(review_url(session, case))
    assert page.status_code == 200
    assert adopt not in page.content.decode() and approve not in page.content.decode()
    for user in (committee_member, quality_manager, coordinator, outsider):
        client.force_login(user)
        assert client.post(adopt, {"expected_status": "reviewed"}).status_code == 404
    assert Case.objects.get(pk=case.pk).status == "reviewed"


# --- Minutes and "Suivi des actions" --------------------------------------------------------
def test_the_minutes_show_each_case_actions_by_function_never_by_name(
    client, reviewed, chair, quality_manager
):
    session, case = reviewed
    action = action_propose(
        session=session,
        cases=[case],
        by=chair,
        fields=action_fields(case, owner_person=quality_manager),
    )
    sessions.session_transition(
        session=session, name="hold", by=chair, expected_status="agenda_sent"
    )
    minutes = reviews.minutes_draft(session=session, by=chair)
    body = minutes.body_html
    assert f"A{action.pk} — Protocole de transfert in utero" in body
    assert "Cadre de la salle de naissance" in body
    assert action.due_date.strftime("%d/%m/%Y") in body
    assert "Récupération / Protocole" in body
    assert quality_manager.full_name not in body
    assert "Suivi des actions" in body


def later_session(committee, secretary, days):
    return Session.objects.create(
        committee=committee, starts_at=days_from_now(days), place="Salle", created_by=secretary
    )


def test_follow_up_lists_earlier_actions_overdue_or_come_due_since_the_previous_session(
    client, reviewed, chair, secretary, committee
):
    session, case = reviewed
    overdue = action_propose(session=session, cases=[case], by=chair, fields=action_fields(case))
    came_due = action_propose(
        session=session,
        cases=[case],
        by=chair,
        fields=action_fields(case, what_changes="Interprétariat disponible 24 h/24"),
    )
    not_yet = action_propose(
        session=session,
        cases=[case],
        by=chair,
        fields=action_fields(case, what_changes="Staff mensuel de morbidité"),
    )
    proposed_only = action_propose(
        session=session,
        cases=[case],
        by=chair,
        fields=action_fields(case, what_changes="Action seulement proposée"),
    )
    for action in (overdue, came_due, not_yet):
        action_transition(action_id=action.pk, name="approve", by=chair, expected_status="proposed")
    today = timezone.localdate()
    CorrectiveAction.objects.filter(pk=overdue.pk).update(due_date=today - timedelta(days=2))
    CorrectiveAction.objects.filter(pk=came_due.pk).update(due_date=today + timedelta(days=5))
    CorrectiveAction.objects.filter(pk=proposed_only.pk).update(due_date=today - timedelta(days=2))
    next_session = later_session(committee, secretary, 10)
    client.force_login(secretary)
    page = client.get(reverse("committees:session_detail", args=[next_session.pk]))
    html = page.content.decode()
    assert "Suivi des actions" in html
    assert f"A{overdue.pk} —" in html and f"A{came_due.pk} —" in html
    assert f"A{not_yet.pk} —" not in html and f"A{proposed_only.pk} —" not in html
    assert case.code in html
    # The session that decided them does not follow itself up.
    html = client.get(reverse("committees:session_detail", args=[session.pk])).content.decode()
    assert f"A{overdue.pk} —" not in html
    assert "Aucune action en retard" in html


def make_actions(session, case, chair, count):
    for number in range(count):
        action_propose(
            session=session,
            cases=[case],
            by=chair,
            fields=action_fields(case, what_changes=f"Changement de système n° {number}"),
        )


def count_queries(function):
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_minutes_and_follow_up_query_counts_are_constant(
    client, reviewed, chair, secretary, committee
):
    session, case = reviewed
    next_session = later_session(committee, secretary, 400)
    make_actions(session, case, chair, 1)
    CorrectiveAction.objects.update(status="approved")
    client.force_login(secretary)
    url = reverse("committees:session_detail", args=[next_session.pk])
    client.get(url)  # the session's first request stamps its idle refresh (one write)
    few_minutes = count_queries(lambda: minutes_context(session=session))
    few_page = count_queries(lambda: client.get(url))
    make_actions(session, case, chair, 12)
    CorrectiveAction.objects.update(status="approved")
    assert count_queries(lambda: minutes_context(session=session)) == few_minutes
    assert count_queries(lambda: client.get(url)) == few_page
    assert "Changement de système n° 11" in client.get(url).content.decode()


def test_the_case_actions_and_decision_read_in_sql_are_the_orms(
    reviewed, chair, alarm_items, maternity, clinician, django_assert_num_queries
):
    """The review screen's panel reads the case's actions and its no-action decision with one
    statement written once: the ORM's models (every field, dates with their zone), in due-date
    order, each with its organisation, session and factors; only this case's actions."""
    from actions.proposal import case_actions_and_decision
    from tests.committees.test_review_reads import same_model, same_relations

    session, case = reviewed
    with django_assert_num_queries(1):
        assert case_actions_and_decision(case=case) == ([], None)
    other = CaseFactory(organisation=maternity, territory=maternity.parent, declared_by=clinician)
    today = timezone.localdate()
    for number, days in enumerate((40, 10, 40)):
        action_propose(
            session=session,
            cases=[case],
            by=chair,
            fields=action_fields(
                case, what_changes=f"Changement <{number}>", due_date=today + timedelta(days)
            ),
            factors=list(ContributingFactor.objects.filter(review__case=case))[: number + 1],
        )
    CorrectiveAction.cases.through.objects.create(
        correctiveaction=CorrectiveAction.objects.order_by("pk").first(), case=other
    )
    for with_decision in (False, True):
        if with_decision:
            NoActionDecision.objects.create(case=case, reason="Aucune <action>.", decided_by=chair)
        with django_assert_num_queries(3):  # the statement, then the factors and their items
            actions, decision = case_actions_and_decision(case=case)
        former = list(
            CorrectiveAction.objects.filter(cases=case)
            .select_related("owner_organisation", "session")
            .prefetch_related("factors__item")
            .order_by("due_date", "pk")
        )
        assert actions == former and len(actions) == 3
        assert [action.due_date for action in actions] == sorted(a.due_date for a in former)
        with django_assert_num_queries(0):
            for read, orm in zip(actions, former, strict=True):
                same_model(read, orm)
                same_relations(read, orm, ["owner_organisation", "session"])
                assert [f.item.code for f in read.factors.all()] == [
                    f.item.code for f in orm.factors.all()
                ]
                assert read.get_status_display() == orm.get_status_display()
        former_decision = NoActionDecision.objects.filter(case=case).first()
        if with_decision:
            same_model(decision, former_decision)
            assert decision.reason == "Aucune <action>."
        else:
            assert decision is None is former_decision
    shared = list(CorrectiveAction.objects.filter(cases=other))
    assert case_actions_and_decision(case=other)[0] == shared and len(shared) == 1


# The review screen's "Plan d'actions" panel as its template wrote it (now written in Python by
# actions.proposal.review_panel_html): kept here to prove the markup unchanged.
FORMER_REVIEW_PANEL_TEMPLATE = """
{% load i18n %}<div id="action-plan">
{% if actions %}
<table class="table table-sm">
  <thead><tr><th scope="col">{% translate "Action" %}</th><th scope="col">{% translate "Type" %}</th><th scope="col">{% translate "Responsable (fonction)" %}</th><th scope="col">{% translate "Échéance" %}</th><th scope="col">{% translate "Statut" %}</th></tr></thead>
  <tbody>{% for action in actions %}
    <tr>
      <td>A{{ action.pk }} — {{ action.what_changes }}{% if action.factors.all %}<div class="small text-body-secondary">{% translate "Facteurs :" %} {% for factor in action.factors.all %}{{ factor.item.code }}{% if not forloop.last %}, {% endif %}{% endfor %}</div>{% endif %}</td>
      <td>{{ action.get_barrier_display }} / {{ action.get_nature_display }}</td>
      <td>{{ action.owner_function }} ({{ action.owner_organisation.name }})</td>
      <td>{{ action.due_date|date:"d/m/Y" }}{% if action.is_overdue %} <span class="badge text-bg-danger">{% translate "en retard" %}</span>{% endif %}</td>
      <td>{{ action.get_status_display }}{% if action.may_approve %}
        <form method="post" action="{% url 'actions:approve' session.pk case.pk action.pk %}" class="d-inline">{% csrf_token %}<button class="btn btn-sm btn-success">{% translate "Approuver" %}</button></form>{% endif %}</td>
    </tr>
  {% endfor %}</tbody>
</table>
{% else %}<p class="text-body-secondary">{% translate "Aucune action corrective pour ce cas." %}</p>{% endif %}
{% if decision %}<p>{% translate "Aucune action corrective nécessaire :" %} {{ decision.reason }}</p>{% endif %}
{% if may_plan %}
<p><a class="btn btn-primary btn-sm" href="{% url 'actions:propose' session.pk case.pk %}">{% translate "Proposer une action" %}</a></p>
{% endif %}
{% if may_waive %}
<form method="post" action="{% url 'actions:no_action' session.pk case.pk %}" class="col-lg-8">{% csrf_token %}
  <label class="form-label" for="no-action-reason">{{ no_action_form.reason.label }}</label>
  <textarea class="form-control mb-2" name="reason" id="no-action-reason" rows="2"></textarea>
  <button class="btn btn-outline-secondary btn-sm">{% translate "Enregistrer : aucune action nécessaire" %}</button>
</form>
{% endif %}
{% if adoption %}
<form method="post" action="{% url 'actions:adopt_plan' session.pk case.pk %}" class="mt-3 col-lg-8" id="adopt-plan">{% csrf_token %}
  <input type="hidden" name="expected_status" value="{{ case.status }}">
  <label class="form-label" for="adopt-comment">{% translate "Commentaire (facultatif)" %}</label>
  <textarea class="form-control mb-2" name="comment" id="adopt-comment" rows="2"></textarea>
  <button class="btn btn-success btn-sm">{{ adoption.label }}</button>
  {% if adoption.blocking_reasons %}
  <ul class="small text-danger mt-1 mb-0">{% for reason in adoption.blocking_reasons %}<li>{{ reason }}</li>{% endfor %}</ul>
  {% endif %}
</form>
{% endif %}
</div>
"""  # noqa: E501


def test_the_review_panel_written_in_python_is_its_former_templates_markup(
    reviewed, chair, alarm_items, settings
):
    """Byte for byte the former template's markup, in French and English: no action, actions
    with and without factors, overdue or not, one to approve, texts to escape, a no-action
    decision, proposing, waiving, the adoption with and without what blocks it."""
    from django.template import engines
    from django.utils import translation

    from actions.proposal import case_actions_and_decision, review_panel_html
    from rmm.workflow.engine import AvailableTransition

    session, case = reviewed
    former = engines["django"].from_string(FORMER_REVIEW_PANEL_TEMPLATE.lstrip("\n"))
    token = "T0ken<&>"
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'.replace(
        "<&>", "&lt;&amp;&gt;"
    )
    adoptions = [
        None,
        AvailableTransition("adopt_action_plan", "Adopter <le> plan", "x", False, False, []),
        AvailableTransition(
            "adopt_action_plan", "Adopter", "x", False, False, ["Raison <1>", "Raison & 2"]
        ),
    ]
    factors = list(ContributingFactor.objects.filter(review__case=case))
    compared, seen = 0, []
    for stage in ("none", "actions", "decision"):
        if stage == "actions":
            for number, days in enumerate((3, 20)):
                action_propose(
                    session=session,
                    cases=[case],
                    by=chair,
                    fields=action_fields(
                        case,
                        what_changes=f"Changer <b>{number}</b> & « voir »",
                        owner_function="Cadre <sage-femme>",
                        due_date=timezone.localdate() + timedelta(days=days),
                    ),
                    factors=factors[: number * 2],
                )
            overdue = timezone.localdate() - timedelta(days=3)  # proposed earlier, now late
            CorrectiveAction.objects.filter(what_changes__contains="<b>0</b>").update(
                due_date=overdue
            )
        if stage == "decision":
            NoActionDecision.objects.create(
                case=case, reason="Aucune <action> & rien.", decided_by=chair
            )
        actions, decision = case_actions_and_decision(case=case)
        for may_approve in (False, True):
            for action in actions:
                action.may_approve = may_approve and action.pk % 2 == 1
            for may_plan, may_waive in ((False, False), (True, False), (True, True)):
                for adoption in adoptions:
                    for language in ("fr", "en"):
                        with translation.override(language):
                            context = {
                                "session": session,
                                "case": case,
                                "actions": actions,
                                "may_plan": may_plan,
                                "decision": decision,
                                "may_waive": may_waive,
                                "adoption": adoption,
                            }
                            expected = former.render(
                                {
                                    **context,
                                    "no_action_form": NoActionForm(),
                                    "today": timezone.localdate(),
                                    "csrf_token": token,
                                }
                            )
                            written = review_panel_html(**context, csrf_input=csrf)
                            assert written == expected, (stage, may_plan, may_waive, language)
                            compared += 1
                            seen.append(written)
    assert compared == 108
    seen = "".join(seen)
    for shown in (
        "Approuver",
        "Approve",
        'badge text-bg-danger">en retard',
        "Facteurs :",
        "Raison &lt;1&gt;",
        "no-action-reason",
        "Changer &lt;b&gt;0&lt;/b&gt; &amp; « voir »",
        "Aucune &lt;action&gt; &amp; rien.",
        "No corrective action for this case.",
    ):
        assert shown in seen, shown
    assert any(action.is_overdue for action in actions)
