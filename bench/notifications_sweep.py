"""Benchmark of the reminder sweep (issue 10, point 5; not part of the test suite).

Usage (PostgreSQL; it creates and then drops its own database rmm_bench_sweep):
    .venv/bin/python bench/notifications_sweep.py --actions 100000 --repeat 3

Seeds a network of 20 maternities (coordinators, quality managers, 500 action owners), a
committee, sessions in every state the rules look at (planned and agenda sent in the coming
days, tomorrow, held weeks ago), cases declared and documenting for a long time, agenda items
with presenters, and `--actions` approved or running actions with due dates spread over a year
around today (a third left to the quality team). Then measures, as `sweep_task` runs it (the
sweep in one transaction, then the ids to send, limited as the task limits them):
- the first sweep over an empty ledger (every reminder is new);
- the steady sweep (every reminder already in the ledger: what beat runs every few minutes);
and for the steady sweep, the time of each rule's finder and of the ledger insert.
Target: under 5 s on PostgreSQL, and a query count that does not grow with the actions.
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATABASE = "rmm_bench_sweep"
UNUSABLE = "!"  # Django's mark of an unusable password: no one signs in


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()

    import os

    os.environ["DATABASE_URL"] = f"{args.server}/postgres"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rmm.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import get_runner

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = DATABASE
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        seed(args)
        measure(args)
    finally:
        connection.close()
        runner.teardown_databases(old_config)


def bulk(model, rows, batch=5000):
    created = []
    for start in range(0, len(rows), batch):
        created += model.objects.bulk_create(rows[start : start + batch])
    return created


def seed(args) -> None:
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Membership, Organisation, Role, User
    from accounts.services import direct_vault_grants
    from actions.models import CorrectiveAction
    from cases.models import Case, CaseTransition
    from committees.models import AgendaItem, Committee, CommitteeMember, Session

    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    network = Organisation.objects.create(name="Réseau bench", kind="reseau")
    maternities = bulk(
        Organisation,
        [
            Organisation(name=f"Maternité {n}", kind="maternite", level="2A", parent=network)
            for n in range(20)
        ],
    )
    users = bulk(
        User,
        [
            User(email=f"u{n}@bench.test", full_name=f"Professionnel {n}", password=UNUSABLE)
            for n in range(20 * 28 + 22)
        ],
    )
    per_maternity = [users[n * 28 : (n + 1) * 28] for n in range(20)]
    committee_people = users[20 * 28 :]
    memberships = []
    for maternity, people in zip(maternities, per_maternity, strict=True):
        memberships.append(
            Membership(user=people[0], organisation=maternity, role=Role.COORDINATOR)
        )
        memberships += [
            Membership(user=user, organisation=maternity, role=Role.QUALITY_MANAGER)
            for user in people[1:3]
        ]
        memberships += [
            Membership(user=user, organisation=maternity, role=Role.CLINICIAN)
            for user in people[3:]
        ]
    memberships += [
        Membership(user=user, organisation=network, role=Role.COMMITTEE_MEMBER)
        for user in committee_people
    ]
    with direct_vault_grants():  # a benchmark's own data, outside the confirmation service
        bulk(Membership, memberships)
    owners = [user for people in per_maternity for user in people[3:]]

    committee = Committee.objects.create(name="Comité bench", organisation=network, quorum=3)
    roles = ["chair", "secretary"] + ["member"] * (len(committee_people) - 2)
    bulk(
        CommitteeMember,
        [
            CommitteeMember(committee=committee, user=user, role=role)
            for user, role in zip(committee_people, roles, strict=True)
        ],
    )
    secretary = committee_people[1]

    def at(days):
        return (now + timedelta(days=days)).replace(hour=14, minute=0, second=0, microsecond=0)

    sessions = [Session(committee=committee, starts_at=at(d), created_by=secretary) for d in (1, 5)]
    sessions += [
        Session(committee=committee, starts_at=at(d), created_by=secretary, status="agenda_sent")
        for d in (1, 3, 6, 10, 13)
    ]
    sessions += [
        Session(
            committee=committee,
            starts_at=at(-d),
            created_by=secretary,
            status="held",
            held_at=at(-d),
        )
        for d in (3, 9, 20, 40, 60)
    ]
    sessions += [Session(committee=committee, starts_at=at(d), created_by=secretary) for d in (20,)]
    sessions = bulk(Session, sessions)

    cases = []
    for n in range(4000):
        maternity = maternities[n % 20]
        documenting = n % 2
        cases.append(
            Case(
                code=f"RMM-2026-{n + 1:06d}",
                territory=network,
                organisation=maternity,
                declared_by=per_maternity[n % 20][3],
                status="documenting" if documenting else "declared",
                declared_at=now - timedelta(days=n % 45, hours=1),
                outcome="live_birth_death",
                kind="early_neonatal",
            )
        )
    cases = bulk(Case, cases)
    # The transition's date is set by the database on insert: a benchmark backdates it.
    at_field = CaseTransition._meta.get_field("at")
    at_field.auto_now_add = False
    bulk(
        CaseTransition,
        [
            CaseTransition(
                case=case,
                transition="accept",
                source="declared",
                target="documenting",
                actor=case.declared_by,
                actor_name="Professionnel",
                at=now - timedelta(days=index % 60),
            )
            for index, case in enumerate(cases)
            if case.status == "documenting"
        ],
    )
    at_field.auto_now_add = True
    upcoming = [s for s in sessions if s.status in ("planned", "agenda_sent") and s.starts_at > now]
    bulk(
        AgendaItem,
        [
            AgendaItem(session=session, case=case, position=n, presenter=case.declared_by)
            for session in upcoming
            for n, case in enumerate(cases[sessions.index(session) * 10 :][:8])
        ],
    )

    actions = []
    for n in range(args.actions):
        maternity_index = n % 20
        actions.append(
            CorrectiveAction(
                session=sessions[-2],
                created_by=secretary,
                what_changes=f"Changement {n}",
                barrier="prevention",
                nature="organisation",
                owner_organisation=maternities[maternity_index],
                owner_function="Pharmacie",
                owner_person=None if n % 3 == 0 else owners[n % len(owners)],
                due_date=today + timedelta(days=n % 361 - 180),
                indicator="Audit",
                indicator_check_date=today + timedelta(days=200),
                status="approved" if n % 2 else "in_progress",
            )
        )
    actions = bulk(CorrectiveAction, actions)
    through = CorrectiveAction.cases.through
    bulk(
        through,
        [
            through(correctiveaction_id=action.pk, case_id=cases[n % len(cases)].pk)
            for n, action in enumerate(actions)
        ],
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"seeded {len(actions)} actions, {len(cases)} cases, {len(sessions)} sessions, "
        f"{len(users)} users in {time.perf_counter() - started:.1f} s"
    )


def timed(function):
    """Time and queries of `function`. Queries are counted by an execute wrapper, not captured:
    capturing formats every statement with its parameters, which for the ledger's arrays of
    100,000 values costs more than the statement itself."""
    from django.db import connection

    count = 0

    def counting(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        started = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - started
    return seconds, count, result


def measure(args) -> None:
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from notifications import sweep as sweep_module
    from notifications.ledger import record, sendable_ids
    from notifications.models import Notification, ReminderRule

    limit = settings.RMM_NOTIFICATION_DISPATCH_LIMIT

    def as_the_task_runs_it():
        with transaction.atomic():
            sweep_module.sweep()
        return len(sendable_ids(limit=limit))

    seconds, queries, queued = timed(as_the_task_runs_it)
    rows = Notification.objects.count()
    print(
        f"first sweep (empty ledger):  {seconds:6.2f} s  {queries:4d} queries  "
        f"{rows} ledger rows recorded, {queued} ids to send (limit {limit})"
    )
    samples = [timed(as_the_task_runs_it) for _ in range(args.repeat)]
    print(
        f"steady sweep (ledger full):  {statistics.median(s[0] for s in samples):6.2f} s  "
        f"{samples[0][1]:4d} queries  (median of {args.repeat}; "
        f"{Notification.objects.count() - rows} new rows)"
    )
    seconds, queries, ids = timed(lambda: sendable_ids())
    print(f"sendable_ids() unlimited:    {seconds:6.2f} s  {queries:4d} queries  {len(ids)} ids")

    print("steady sweep, by part:")
    now = timezone.now()
    dues = []
    for rule in ReminderRule.objects.filter(is_active=True):
        finder = sweep_module.FINDERS[rule.kind]
        seconds, queries, found = timed(lambda finder=finder, rule=rule: finder(rule, now))
        dues += found
        print(f"  {rule.kind:24s} {seconds:6.2f} s  {queries:3d} queries  {len(found):7d} due")
    seconds, queries, _ = timed(lambda: record(dues, now=now))
    print(f"  {'record() (ledger insert)':24s} {seconds:6.2f} s  {queries:3d} queries")
    seconds, queries, found = timed(lambda: sweep_module.digests(now))
    print(f"  {'digests':24s} {seconds:6.2f} s  {queries:3d} queries  {len(found):7d} due")


if __name__ == "__main__":
    main()
