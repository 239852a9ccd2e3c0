"""The reminder rules of DESIGN §7, derived from the database by the sweep: each fires for the
right people at the right time, escalates and repeats as its rule says, and is recorded once
however many sweeps run. Times are relative to the test's clock (never a hard-coded year)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from actions.models import CorrectiveAction
from cases.models import Case
from committees.models import AgendaItem, Session
from notifications.models import EmailState, Kind, Notification, ReminderRule
from notifications.sweep import sweep
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def notified(kind) -> set[tuple]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__email", "occasion"))


def people(kind) -> set[str]:
    return {email for email, _occasion in notified(kind)}


@pytest.fixture
def now():
    return timezone.now()


# --- Cases ------------------------------------------------------------------------------------
def test_a_case_not_taken_in_charge_reminds_coordinators_then_the_chair(
    maternity, clinician, coordinator, chair, secretary, now
):
    case = CaseFactory(organisation=maternity, territory=maternity.parent, declared_by=clinician)
    Case.objects.filter(pk=case.pk).update(status="declared", declared_at=now - timedelta(days=6))
    sweep(now=now)
    assert not people(Kind.CASE_NOT_ACCEPTED)
    sweep(now=now + timedelta(days=1, minutes=1))
    assert people(Kind.CASE_NOT_ACCEPTED) == {coordinator.email}
    sweep(now=now + timedelta(days=5))
    assert people(Kind.CASE_NOT_ACCEPTED) == {coordinator.email}  # once, not every sweep
    sweep(now=now + timedelta(days=8, minutes=1))  # 7 days later: the committee's chair
    assert people(Kind.CASE_NOT_ACCEPTED) == {coordinator.email, chair.email}
    assert Notification.objects.filter(kind=Kind.CASE_NOT_ACCEPTED).count() == 2
    row = Notification.objects.get(kind=Kind.CASE_NOT_ACCEPTED, recipient=chair)
    assert row.params["code"] == case.code and row.link == f"/cas/{case.pk}/"


def test_a_case_documented_for_a_month_reminds_from_its_last_entry_into_documentation(
    maternity, clinician, coordinator, now, time_machine
):
    case = CaseFactory(organisation=maternity, territory=maternity.parent, declared_by=clinician)
    Case.objects.filter(pk=case.pk).update(status="documenting")
    time_machine.move_to(now - timedelta(days=31))  # the audit is append-only: written back then
    case.transitions.create(
        transition="accept",
        source="declared",
        target="documenting",
        actor=coordinator,
        actor_name=coordinator.full_name,
    )
    time_machine.move_to(now)
    sweep(now=now)
    assert people(Kind.CASE_DOCUMENTING_LONG) == {coordinator.email}
    # Sent back and taken up again yesterday: a new stay in documentation, no reminder yet.
    Notification.objects.all().delete()
    case.transitions.create(
        transition="send_back",
        source="ready",
        target="documenting",
        actor=coordinator,
        actor_name=coordinator.full_name,
    )
    sweep(now=now)
    assert not people(Kind.CASE_DOCUMENTING_LONG)


# --- Sessions ---------------------------------------------------------------------------------
@pytest.fixture
def coming_session(committee, secretary, ready_case, coordinator):
    """A session in ten days with the case on its agenda, presented by the coordinator."""
    session = Session.objects.create(
        committee=committee,
        starts_at=timezone.now().replace(hour=14, minute=0) + timedelta(days=10),
        created_by=secretary,
    )
    AgendaItem.objects.create(session=session, case=ready_case, presenter=coordinator)
    return session


def test_presenters_are_reminded_two_weeks_before(coming_session, coordinator, now):
    sweep(now=now)
    assert people(Kind.PREPARE_PRESENTATION) == {coordinator.email}
    row = Notification.objects.get(kind=Kind.PREPARE_PRESENTATION)
    assert row.params["session_date"] == timezone.localdate(coming_session.starts_at).isoformat()


def test_an_agenda_not_sent_a_week_before_reminds_the_chair_and_secretary(
    coming_session, chair, secretary, committee_member, now
):
    sweep(now=now)
    assert not people(Kind.AGENDA_NOT_SENT)
    sweep(now=coming_session.starts_at - timedelta(days=6))
    assert people(Kind.AGENDA_NOT_SENT) == {chair.email, secretary.email}


def test_a_backdated_session_held_without_its_agenda_is_flagged(committee, secretary, chair, now):
    Session.objects.create(
        committee=committee, starts_at=now - timedelta(days=20), created_by=secretary
    )
    sweep(now=now)
    assert people(Kind.AGENDA_NOT_SENT) == {chair.email, secretary.email}


def test_members_have_the_agenda_a_week_before_and_a_reminder_the_day_before(
    coming_session, chair, secretary, committee_member, now
):
    Session.objects.filter(pk=coming_session.pk).update(status="agenda_sent")
    sweep(now=now)
    assert not people(Kind.AGENDA) and not people(Kind.SESSION_TOMORROW)
    sweep(now=coming_session.starts_at - timedelta(days=6))
    everyone = {chair.email, secretary.email, committee_member.email}
    assert people(Kind.AGENDA) == everyone
    day_before = timezone.localtime(coming_session.starts_at - timedelta(days=1)).replace(hour=8)
    sweep(now=day_before)
    assert people(Kind.SESSION_TOMORROW) == everyone
    assert Notification.objects.filter(kind=Kind.AGENDA).count() == 3  # never twice


def test_minutes_not_validated_a_week_after_remind_the_secretary_then_the_chair(
    committee, secretary, chair, now
):
    session = Session.objects.create(
        committee=committee, starts_at=now - timedelta(days=9), created_by=secretary
    )
    Session.objects.filter(pk=session.pk).update(status="held", held_at=now - timedelta(days=8))
    sweep(now=now)
    assert people(Kind.MINUTES_DUE) == {secretary.email}
    sweep(now=now + timedelta(days=7))
    assert people(Kind.MINUTES_DUE) == {secretary.email, chair.email}
    Session.objects.filter(pk=session.pk).update(status="minutes_validated")
    Notification.objects.all().delete()
    sweep(now=now + timedelta(days=30))
    assert not people(Kind.MINUTES_DUE)


# --- Actions ----------------------------------------------------------------------------------
def make_action(session, case, by, due_date, **fields):
    action = CorrectiveAction.objects.create(
        session=session,
        created_by=by,
        what_changes="Protocole révisé",
        barrier="prevention",
        nature="protocol",
        owner_organisation=case.organisation,
        owner_function="Cadre de la salle de naissance",
        due_date=due_date,
        indicator="Audit",
        indicator_check_date=due_date + timedelta(days=60),
        status=fields.pop("status", "approved"),
        **fields,
    )
    action.cases.add(case)
    return action


def test_an_action_due_within_a_week_reminds_its_owner(
    session, ready_case, chair, clinician, quality_manager, now
):
    today = timezone.localdate(now)
    named = make_action(
        session, ready_case, chair, today + timedelta(days=5), owner_person=clinician
    )
    unnamed = make_action(session, ready_case, chair, today + timedelta(days=5))
    make_action(session, ready_case, chair, today + timedelta(days=20), owner_person=clinician)
    make_action(session, ready_case, chair, today + timedelta(days=5), status="done")
    sweep(now=now)
    reminded = Notification.objects.filter(kind=Kind.ACTION_DUE)
    assert {(n.recipient, n.subject_id) for n in reminded} == {
        (clinician, named.pk),
        (quality_manager, unnamed.pk),
    }


def test_an_overdue_action_reminds_the_day_after_then_weekly_and_escalates(
    session, ready_case, chair, clinician, quality_manager, now
):
    today = timezone.localdate(now)
    action = make_action(session, ready_case, chair, today, owner_person=clinician)
    sweep(now=now)
    assert not people(Kind.ACTION_OVERDUE)  # due today is not late
    day_after = now + timedelta(days=1)
    sweep(now=day_after)
    sweep(now=day_after + timedelta(hours=5))
    assert notified(Kind.ACTION_OVERDUE) == {(clinician.email, f"{today.isoformat()}:0")}
    sweep(now=now + timedelta(days=8))  # a week later: the owner again, and the quality team
    assert notified(Kind.ACTION_OVERDUE) == {
        (clinician.email, f"{today.isoformat()}:0"),
        (clinician.email, f"{today.isoformat()}:1"),
        (quality_manager.email, f"{today.isoformat()}:1"),
    }
    # Handed over to the quality programme, or done: no more reminders.
    CorrectiveAction.objects.filter(pk=action.pk).update(paqss_reference="PAQSS-2")
    sweep(now=now + timedelta(days=15))
    assert Notification.objects.filter(kind=Kind.ACTION_OVERDUE).count() == 3


def test_a_rule_an_administrator_changes_or_switches_off_is_followed(
    session, ready_case, chair, clinician, now
):
    today = timezone.localdate(now)
    make_action(session, ready_case, chair, today + timedelta(days=10), owner_person=clinician)
    sweep(now=now)
    assert not people(Kind.ACTION_DUE)
    ReminderRule.objects.filter(kind=Kind.ACTION_DUE).update(days=14)
    sweep(now=now)
    assert people(Kind.ACTION_DUE) == {clinician.email}
    Notification.objects.all().delete()
    ReminderRule.objects.filter(kind=Kind.ACTION_DUE).update(is_active=False)
    sweep(now=now)
    assert not people(Kind.ACTION_DUE)


def test_a_deactivated_owner_is_not_reminded_the_quality_team_is(
    session, ready_case, chair, clinician, quality_manager, administrator, now
):
    from accounts.services import user_set_active

    make_action(session, ready_case, chair, timezone.localdate(now), owner_person=clinician)
    user_set_active(user=clinician, active=False, by=administrator)
    sweep(now=now + timedelta(days=1))
    assert not Notification.objects.filter(recipient=clinician).exists()
    assert people(Kind.ACTION_OVERDUE) == {quality_manager.email}


def test_reminders_wait_for_their_e_mail_in_the_ledger(session, ready_case, chair, clinician, now):
    make_action(session, ready_case, chair, timezone.localdate(now), owner_person=clinician)
    sweep(now=now + timedelta(days=1))
    [row] = Notification.objects.filter(kind=Kind.ACTION_OVERDUE)
    assert row.email == EmailState.PENDING and row.email_attempts == 0


def test_an_owner_who_left_the_organisation_is_neither_reminded_nor_in_charge(
    session, ready_case, chair, clinician, coordinator, quality_manager, now
):
    """Their account still works elsewhere, but the action is the organisation's again: its
    quality team is reminded, its coordinators report on it, and the former owner no longer
    sees or moves it (test_action_plan covers what they may still see through a case)."""
    from accounts.models import Membership
    from actions.permissions import actions_visible_to, can_follow_action
    from actions.selectors import actions_to_report_on

    yesterday = timezone.localdate(now) - timedelta(days=1)
    action = make_action(session, ready_case, chair, yesterday, owner_person=clinician)
    assert can_follow_action(clinician, action)
    Membership.objects.filter(user=clinician, organisation=action.owner_organisation).update(
        is_active=False
    )
    sweep(now=now)
    assert people(Kind.ACTION_OVERDUE) == {quality_manager.email}
    clinician = type(clinician).objects.get(pk=clinician.pk)  # roles are read once per request
    assert not can_follow_action(clinician, action)
    assert not actions_visible_to(clinician).filter(pk=action.pk).exists()
    assert actions_to_report_on(coordinator).filter(pk=action.pk).exists()


def test_an_organisation_without_a_quality_team_has_its_coordinators_reminded(
    session, ready_case, chair, coordinator, quality_manager, now
):
    from accounts.models import Membership

    Membership.objects.filter(user=quality_manager).update(is_active=False)
    today = timezone.localdate(now)
    make_action(session, ready_case, chair, today + timedelta(days=5))
    make_action(session, ready_case, chair, today - timedelta(days=1))
    sweep(now=now)
    assert people(Kind.ACTION_DUE) == {coordinator.email}
    assert people(Kind.ACTION_OVERDUE) == {coordinator.email}
