"""`manage.py generate_fake_data`: an invented region whose rows agree with each other as the
services would have left them (run small here; the benchmark runs it at 100,000 cases)."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from accounts.models import Organisation, User
from actions.models import (
    FINISHED_STATUSES,
    ActionTransition,
    CorrectiveAction,
    NoActionDecision,
)
from cases.models import Case, CaseTransition, IdentityVault
from cases.status import CaseStatus
from committees.models import AgendaItem, CaseReview, MinutesVersion, Session
from rmm.fake_data import PERSONAS, generate

pytestmark = pytest.mark.django_db

REVIEWED = {"reviewed", "action_follow_up", "closed"}


@pytest.fixture
def region():
    call_command("generate_fake_data", cases=200, seed=7, stdout=None)


def test_every_status_and_kind_of_organisation_is_there(region):
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    kinds = Counter(Organisation.objects.values_list("kind", flat=True))
    assert kinds["maternite"] >= 10 and kinds["reseau"] == 2 and kinds["ars"] == 1
    assert {"neonatologie", "pmi"} <= set(kinds)
    levels = set(Organisation.objects.filter(kind="maternite").values_list("level", flat=True))
    assert levels == {"1", "2A", "2B", "3"}
    assert all(User.objects.filter(email=email).exists() for email in PERSONAS.values())


def test_the_audit_trail_agrees_with_each_status(region):
    last = {}
    for case_id, target in CaseTransition.objects.order_by("at", "pk").values_list(
        "case_id", "target"
    ):
        last[case_id] = target
    for case in Case.objects.only("status"):
        if case.status == "draft":
            assert case.pk not in last
        else:
            assert last[case.pk] == case.status, case.code


def test_reviews_agendas_and_actions_follow_the_statuses(region):
    reviewed = Case.objects.filter(status__in=REVIEWED)
    assert CaseReview.objects.count() == reviewed.count()
    assert set(CaseReview.objects.values_list("case_id", flat=True)) == set(
        reviewed.values_list("pk", flat=True)
    )
    for item in AgendaItem.objects.filter(case__status="scheduled").select_related("session"):
        assert item.session.status in ("planned", "agenda_sent")
    follow_up = Case.objects.filter(status="action_follow_up")
    assert all(case.corrective_actions.exists() for case in follow_up)
    closed_actions = CorrectiveAction.objects.filter(cases__status="closed")
    assert set(closed_actions.values_list("status", flat=True)) <= set(FINISHED_STATUSES)
    with_actions = Case.objects.filter(status__in=["action_follow_up", "closed"]).filter(
        no_action_decision__isnull=True
    )
    actions_per_case = CorrectiveAction.objects.count() / with_actions.count()
    assert 2 <= actions_per_case <= 4
    assert NoActionDecision.objects.filter(case__status="closed").exists()
    validated = Session.objects.filter(status="minutes_validated")
    assert MinutesVersion.objects.filter(validated_at__isnull=False).count() == validated.count()


def test_derived_columns_are_filled_and_identities_encrypted(region):
    assert IdentityVault.objects.count() == Case.objects.count()
    assert not Case.objects.filter(kind="").exists()
    assert not Case.objects.exclude(kind="severe_morbidity").filter(death_year=None).exists()
    declared = Case.objects.exclude(status="draft").exclude(kind="severe_morbidity")
    assert not declared.filter(days_death_to_declaration=None).exists()
    assert not Case.objects.filter(status__in=REVIEWED, days_declaration_to_review=None).exists()
    assert not Case.objects.filter(kind="early_neonatal", age_at_death_days__gt=6).exists()
    vault = IdentityVault.objects.first()
    assert vault.mother_last_name  # decrypts with the configured key
    with connection.cursor() as cursor:
        cursor.execute("SELECT mother_last_name FROM cases_identityvault WHERE id = %s", [vault.pk])
        stored = cursor.fetchone()[0]
    assert vault.mother_last_name not in stored  # a Fernet token, never the name


def test_the_same_seed_gives_the_same_region():
    def drawn(seed):
        with transaction.atomic():
            generate(cases=60, seed=seed, report=lambda line: None)
            result = list(Case.objects.order_by("code").values_list("code", "status", "kind"))
            transaction.set_rollback(True)
        return result

    assert drawn(3) == drawn(3)
    assert drawn(3) != drawn(4)


def test_refused_on_a_database_that_holds_cases(region):
    with pytest.raises(CommandError, match="déjà des cas"):
        call_command("generate_fake_data", cases=10)


def test_refused_outside_local_and_test_settings(settings):
    settings.RMM_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="Refusé"):
        call_command("generate_fake_data", cases=10)


def test_agendas_have_a_real_size(region):
    """A session reviews a handful of cases (about 4 to 12), not hundreds: the coming agendas are
    capped, the held ones are sized by the calendar."""
    sizes = Counter(AgendaItem.objects.values_list("session_id", flat=True))
    coming = Session.objects.filter(status__in=["planned", "agenda_sent"]).values_list(
        "pk", flat=True
    )
    assert all(sizes[pk] <= 12 for pk in coming)
    held = [
        sizes[pk]
        for pk in Session.objects.filter(status="minutes_validated").values_list("pk", flat=True)
    ]
    assert 3 <= sum(held) / len(held) <= 12, sum(held) / len(held)


@pytest.mark.parametrize("cases", [200, 3_000, 100_000])
def test_the_calendar_keeps_agendas_of_real_size_at_any_scale(cases):
    from rmm.fake_data import AGENDA_SIZE, session_calendar
    from rmm.fake_data.plan import REVIEWED_SHARE

    weeks, per_week = session_calendar(cases, committees=2)
    assert weeks <= 520 and per_week <= 10
    per_session = cases * REVIEWED_SHARE / (2 * weeks * per_week)
    assert per_session <= AGENDA_SIZE + 1, per_session


def test_audit_times_are_spread_over_the_chronology_not_tied_at_now(region):
    """No audit time is clamped to the moment of generation: few, if any, share one instant."""
    for model in (CaseTransition, ActionTransition):
        ties = Counter(model.objects.values_list("at", flat=True)).most_common(1)[0][1]
        assert ties <= 3, (model.__name__, ties)
    closed = Case.objects.filter(status="closed").values_list("closed_at", flat=True)
    assert max(Counter(closed).values()) <= 2
