"""Benchmark of the case and committee pages at scale against the floor page (issue 13, point 3).

Not part of the test suite. Usage (PostgreSQL; the database is kept between runs, seeded once):
    .venv/bin/python bench/pages.py --cases 100000 --repeat 30
    .venv/bin/python bench/pages.py --reseed            # drop and seed again
    .venv/bin/python bench/pages.py --profile "case list"   # cProfile of one page

Measures, through Django's test client, the median time and the number of SQL queries of:
- the floor: an authenticated page that renders only the base template (password change done);
- the case list (page 1, after 50,000 rows, filtered) for a coordinator, a committee chair, a
  committee member, and the chair of a committee covering one maternity;
- the case page, the committee's review screen, and the session (agenda) page: open agenda
  (candidates listed), a coming session with 645 cases on its agenda (as `generate_fake_data`
  makes; added once to a seeded database), and held session, for the secretary and a member.
Target (DESIGN §10): each page within 1.5 x the floor, query counts that do not grow with rows.

The data (a network of 20 maternities, every status, about 6 transitions per case, a network
committee with about 2,300 sessions, reviews, 3 actions per reviewed case) is seeded with
bulk_create: a simpler generator than `manage.py generate_fake_data`, enough for these pages.
"""

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATABASE = "rmm_pages_bench"
ORGANISATIONS = 20
# status: share of cases (the committee's stages dominate, as in a network running for years).
# status by the case's age (0 newest, 1 oldest): old cases are closed, recent ones in the pipeline,
# so that the open and overdue actions are as many as a network follows (hundreds, not tens of
# thousands).
AGE_BANDS = [
    (0.015, [("draft", 25), ("declared", 30), ("documenting", 40), ("excluded", 5)]),
    (0.03, [("declared", 25), ("documenting", 40), ("ready", 30), ("excluded", 5)]),
    (0.07, [("reviewed", 15), ("action_follow_up", 85)]),
    (1.0, [("closed", 97), ("excluded", 2), ("action_follow_up", 1)]),
]
PATH = {
    "draft": [],
    "declared": [("declare", "draft", "declared")],
    "excluded": [("declare", "draft", "declared"), ("exclude", "declared", "excluded")],
    "documenting": [("declare", "draft", "declared"), ("accept", "declared", "documenting")],
}
PATH["ready"] = PATH["documenting"] + [("submit_for_review", "documenting", "ready")]
PATH["scheduled"] = PATH["ready"] + [("schedule", "ready", "scheduled")]
PATH["reviewed"] = PATH["scheduled"] + [("record_review", "scheduled", "reviewed")]
PATH["action_follow_up"] = PATH["reviewed"] + [
    ("adopt_action_plan", "reviewed", "action_follow_up")
]
PATH["closed"] = PATH["action_follow_up"] + [("close", "action_follow_up", "closed")]
PATH["reopened"] = PATH["closed"] + [("reopen", "closed", "reviewed")]
REVIEWED = ("reviewed", "action_follow_up", "closed", "reopened")
ITEMS_PER_SESSION = 40


def setup(args) -> None:
    import psycopg

    server = args.server
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [args.database]
        ).fetchone()
        if exists and args.reseed:
            admin.execute(f'DROP DATABASE "{args.database}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{args.database}"')
    os.environ["DATABASE_URL"] = f"{server}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rmm.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _no_auto_now(*models):
    """Seeded rows carry their own dates (auto_now_add would stamp them all 'now')."""
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
                field.auto_now_add = field.auto_now = False


def seed(args) -> None:
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Membership, Organisation, Role, User
    from accounts.services import direct_vault_grants
    from actions.models import CorrectiveAction
    from cases.models import CareEvent, Case, CaseTransition
    from committees.models import (
        CHARTER_VERSION,
        AgendaItem,
        Attendance,
        CaseReview,
        CharterAcceptance,
        Committee,
        CommitteeMember,
        IcdPmGroup,
        MaternalCondition,
        Session,
    )

    if Case.objects.exists():
        return
    started = time.perf_counter()
    _no_auto_now(CaseTransition, CaseReview, Session, CorrectiveAction)
    rng = random.Random(13)  # noqa: S311 (reproducible fake data)
    now = timezone.now()
    network = Organisation.objects.create(name="Réseau périnatal bench", kind="reseau")
    maternities = [
        Organisation.objects.create(
            name=f"Maternité bench {index + 1:02d}",
            kind="maternite",
            level=rng.choice(["1", "2A", "2B", "3"]),
            parent=network,
        )
        for index in range(ORGANISATIONS)
    ]

    def user(name):
        return User.objects.create_user(
            email=f"{name}@bench.rmm.test", password=None, full_name=f"Bench {name}"
        )

    coordinator = user("coordinator")
    clinician = user("clinician")
    with direct_vault_grants():  # a benchmark's own data, outside the confirmation service
        for maternity in maternities:
            Membership.objects.create(
                user=coordinator, organisation=maternity, role=Role.COORDINATOR
            )
        Membership.objects.create(user=clinician, organisation=maternities[0], role=Role.CLINICIAN)
    committee = Committee.objects.create(name="Comité réseau bench", organisation=network)
    small = Committee.objects.create(name="Comité maternité bench", organisation=maternities[1])
    people = {}
    for name, role, where in [
        ("chair", "chair", committee),
        ("secretary", "secretary", committee),
        ("member", "member", committee),
        ("member2", "member", committee),
        ("member3", "member", committee),
        ("expert", "external_expert", committee),
        ("smallchair", "chair", small),
    ]:
        people[name] = user(name)
        organisation_role = {
            "chair": Role.COMMITTEE_CHAIR,
            "secretary": Role.COMMITTEE_SECRETARY,
        }.get(role, Role.COMMITTEE_MEMBER)
        Membership.objects.create(
            user=people[name], organisation=where.organisation, role=organisation_role
        )
        CommitteeMember.objects.create(committee=where, user=people[name], role=role)
        CharterAcceptance.objects.create(
            committee=where, user=people[name], version=CHARTER_VERSION
        )
    members = list(CommitteeMember.objects.filter(committee=committee))

    statuses = []
    for index in range(args.cases):
        age = (args.cases - index) / args.cases
        weights = next(band for limit, band in AGE_BANDS if age <= limit)
        statuses.append(rng.choices([s for s, _w in weights], [w for _s, w in weights])[0])
    # A few closed cases reopened by the chair since their review; 20 scheduled on the coming
    # session (the newest ready ones).
    for index in rng.sample(range(args.cases), args.cases // 3000):
        if statuses[index] == "closed":
            statuses[index] = "reopened"
    ready_indexes = [i for i, s in enumerate(statuses) if s == "ready"]
    for index in ready_indexes[:20]:
        statuses[index] = "scheduled"

    cases = []
    counters = {}
    for index in range(args.cases):
        created = now - timedelta(minutes=25 * (args.cases - index))
        organisation = maternities[index % ORGANISATIONS]
        counters[created.year] = counters.get(created.year, 0) + 1
        status = statuses[index]
        case = Case(
            code=f"RMM-{created.year}-{counters[created.year]:06d}",
            territory=network,
            organisation=organisation,
            declared_by=clinician,
            status="reviewed" if status == "reopened" else status,
            created_at=created,
            declared_at=created + timedelta(days=1) if status != "draft" else None,
            outcome="live_birth_death",
            kind=rng.choice(["early_neonatal", "late_neonatal", "post_neonatal"]),
            gestational_age_weeks=rng.randint(23, 41),
            gestational_age_days=rng.randint(0, 6),
            birth_weight_g=rng.randint(500, 4000),
            summary="Nouveau-né de [MÈRE], transfert in utero refusé faute de place.",
        )
        if status in ("ready", "scheduled", *REVIEWED):
            case.ready_at = created + timedelta(days=20)
        cases.append(case)
    for start in range(0, len(cases), 5000):
        Case.objects.bulk_create(cases[start : start + 5000])
    print(f"  cases: {time.perf_counter() - started:.0f} s", flush=True)

    # Sessions: the reviewed cases in order, 40 per session; the latest held, the rest with
    # validated minutes; one coming session with the scheduled cases on its agenda.
    reviewed = [(case, statuses[i]) for i, case in enumerate(cases) if statuses[i] in REVIEWED]
    session_count = -(-len(reviewed) // ITEMS_PER_SESSION)
    sessions = []
    for number in range(session_count):
        last_case = reviewed[min((number + 1) * ITEMS_PER_SESSION, len(reviewed)) - 1][0]
        starts = min(last_case.created_at + timedelta(days=45), now - timedelta(days=2))
        sessions.append(
            Session(
                committee=committee,
                starts_at=starts,
                place="Salle du réseau",
                status="held" if number == session_count - 1 else "minutes_validated",
                created_by=people["secretary"],
                created_at=starts - timedelta(days=30),
                held_at=starts,
            )
        )
    coming = Session(
        committee=committee,
        starts_at=now + timedelta(days=20),
        place="Salle du réseau",
        status="planned",
        created_by=people["secretary"],
        created_at=now,
    )
    Session.objects.bulk_create([*sessions, coming])
    groups = list(IcdPmGroup.objects.all())
    conditions = list(MaternalCondition.objects.all())
    items, reviews, attendance = [], [], []
    for number, (case, _status) in enumerate(reviewed):
        session = sessions[number // ITEMS_PER_SESSION]
        items.append(
            AgendaItem(
                session=session,
                case=case,
                position=number % ITEMS_PER_SESSION,
                presenter=people["member"],
            )
        )
        reviews.append(
            CaseReview(
                case=case,
                session=session,
                recorded_by=people["secretary"],
                recorded_at=session.starts_at + timedelta(hours=1),
                icd_pm_group=rng.choice(groups),
                maternal_condition=rng.choice(conditions),
                grade_care_to_death=rng.choice("ABCD"),
                grade_neonatal_care=rng.choice("ABCD"),
                grade_after_death=rng.choice("ABCD"),
                avoidability=rng.choice(
                    ["avoidable", "potentially_avoidable", "not_avoidable", "not_assessable"]
                ),
                optimal_care=rng.random() < 0.5,
                conclusion="Retard de transfert ; protocole à revoir.",
            )
        )
    for session in sessions:
        for member in members:
            attendance.append(Attendance(session=session, member=member, status="present"))
    scheduled = [case for i, case in enumerate(cases) if statuses[i] == "scheduled"]
    for position, case in enumerate(scheduled):
        items.append(
            AgendaItem(session=coming, case=case, position=position, presenter=people["member"])
        )
    AgendaItem.objects.bulk_create(items, batch_size=5000)
    CaseReview.objects.bulk_create(reviews, batch_size=5000)
    Attendance.objects.bulk_create(attendance, batch_size=5000)
    print(f"  sessions, agendas, reviews: {time.perf_counter() - started:.0f} s", flush=True)

    review_at = {review.case_id: review.recorded_at for review in reviews}
    transitions = []
    for index, case in enumerate(cases):
        path = PATH[statuses[index]]
        at = case.created_at
        for step, (name, source, target) in enumerate(path):
            if name == "record_review":
                at = review_at[case.pk]
            elif name == "reopen":
                at = max(at, review_at[case.pk]) + timedelta(days=30)
            else:
                at = at + timedelta(days=1 + step)
            transitions.append(
                CaseTransition(
                    case=case,
                    transition=name,
                    source=source,
                    target=target,
                    actor=coordinator,
                    actor_name="Bench coordinator",
                    at=min(at, now),
                )
            )
        if len(transitions) >= 20000:
            CaseTransition.objects.bulk_create(transitions)
            transitions = []
    CaseTransition.objects.bulk_create(transitions)
    print(f"  transitions: {time.perf_counter() - started:.0f} s", flush=True)

    actions, links = [], []
    Link = CorrectiveAction.cases.through
    today = now.date()
    for number, (case, status) in enumerate(reviewed):
        if status not in ("action_follow_up", "closed", "reopened"):
            continue
        session = sessions[number // ITEMS_PER_SESSION]
        for _n in range(3):
            due = session.starts_at.date() + timedelta(days=rng.randint(30, 240))
            if status == "action_follow_up" and due > today - timedelta(days=120):
                action_status = rng.choice(["approved", "in_progress", "in_progress", "done"])
            elif status == "action_follow_up":
                action_status = rng.choice(["in_progress", "done", "done", "verified"])
            else:
                action_status = rng.choice(["done", "verified", "verified", "cancelled"])
            actions.append(
                CorrectiveAction(
                    what_changes="Protocole de transfert in utero révisé et affiché.",
                    barrier="prevention",
                    nature="protocol",
                    owner_organisation=case.organisation,
                    owner_function="Cadre de la salle de naissance",
                    due_date=due,
                    indicator="100 % des transferts tracés",
                    indicator_check_date=max(due, today) + timedelta(days=90),
                    session=session,
                    status=action_status,
                    created_by=people["secretary"],
                    created_at=session.starts_at,
                )
            )
            links.append(case)
        if len(actions) >= 15000:
            CorrectiveAction.objects.bulk_create(actions)
            Link.objects.bulk_create(
                [
                    Link(correctiveaction_id=a.pk, case_id=c.pk)
                    for a, c in zip(actions, links, strict=True)
                ]
            )
            actions, links = [], []
    CorrectiveAction.objects.bulk_create(actions)
    Link.objects.bulk_create(
        [Link(correctiveaction_id=a.pk, case_id=c.pk) for a, c in zip(actions, links, strict=True)]
    )
    print(f"  actions: {time.perf_counter() - started:.0f} s", flush=True)

    events = []
    for case in cases[-8000:]:
        events += chronology(case)
    CareEvent.objects.bulk_create(events, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"seeded {args.cases} cases in {time.perf_counter() - started:.0f} s", flush=True)


def chronology(case) -> list:
    from cases.models import CareEvent

    return [
        CareEvent(
            case=case,
            position=position,
            period="postnatal",
            day_of_life=position,
            hour_of_day=position,
            place_type="nicu",
            actor_function="neonatologist",
            description="Ventilation au masque puis intubation ; transfert demandé.",
        )
        for position in range(8)
    ]


def timed_pair(page, floor, repeat: int) -> tuple[float, float]:
    """Median ms of `page` and of `floor`, their requests alternated."""
    page()
    floor()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for function, times in ((page, samples[0]), (floor, samples[1])):
            start = time.perf_counter()
            function()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples[0]), statistics.median(samples[1])


def pages(args) -> list[tuple[str, str, object, dict]]:
    """(label, user email, url, GET parameters) of every page measured."""
    from django.urls import reverse

    from accounts.models import Organisation, User
    from cases.models import CareEvent, Case
    from cases.selectors import case_list_visible_to, encode_cursor
    from committees.models import Session

    coordinator = User.objects.get(email="coordinator@bench.rmm.test")
    deep = case_list_visible_to(user=coordinator)[min(50_000, Case.objects.count() - 30)]
    maternity = Organisation.objects.get(name="Maternité bench 03")
    coming = Session.objects.get(status="planned", place="Salle du réseau")
    big = big_agenda()
    held = Session.objects.get(status="held")
    held_case = held.agenda.order_by("position").first().case_id
    # A case of the coordinator's page with its chronology, review and actions.
    shown = Case.objects.filter(status="action_follow_up").order_by("-created_at").first()
    for case_id in (shown.pk, held_case):
        if not CareEvent.objects.filter(case_id=case_id).exists():
            CareEvent.objects.bulk_create(chronology(Case.objects.get(pk=case_id)))
    list_url = reverse("cases:list")
    filtered = {
        "status": "action_follow_up",
        "kind": "early_neonatal",
        "organisation": maternity.pk,
    }
    return [
        ("floor (password change done)", "coordinator", reverse("password_change_done"), {}),
        # Every role's own floor: the navigation asks role-dependent questions on every page.
        ("floor, chair", "chair", reverse("password_change_done"), {}),
        ("floor, secretary", "secretary", reverse("password_change_done"), {}),
        ("floor, member", "member", reverse("password_change_done"), {}),
        ("floor, small committee chair", "smallchair", reverse("password_change_done"), {}),
        ("case list, coordinator", "coordinator", list_url, {}),
        (
            "case list deep 50,000, coordinator",
            "coordinator",
            list_url,
            {"apres": encode_cursor(deep)},
        ),
        ("case list filtered, coordinator", "coordinator", list_url, filtered),
        ("case list, chair", "chair", list_url, {}),
        ("case list deep 50,000, chair", "chair", list_url, {"apres": encode_cursor(deep)}),
        ("case list filtered, chair", "chair", list_url, filtered),
        ("case list, member", "member", list_url, {}),
        ("case list filtered, member", "member", list_url, filtered),
        ("case list, small committee chair", "smallchair", list_url, {}),
        ("case page, coordinator", "coordinator", reverse("cases:detail", args=[shown.pk]), {}),
        ("case page, chair", "chair", reverse("cases:detail", args=[shown.pk]), {}),
        (
            "review screen, secretary",
            "secretary",
            reverse("committees:review", args=[held.pk, held_case]),
            {},
        ),
        (
            "review screen, member",
            "member",
            reverse("committees:review", args=[held.pk, held_case]),
            {},
        ),
        (
            "agenda open, secretary",
            "secretary",
            reverse("committees:session_detail", args=[coming.pk]),
            {},
        ),
        (
            "agenda open, member",
            "member",
            reverse("committees:session_detail", args=[coming.pk]),
            {},
        ),
        (
            "agenda open 645 cases, secretary",
            "secretary",
            reverse("committees:session_detail", args=[big.pk]),
            {},
        ),
        (
            "agenda held, secretary",
            "secretary",
            reverse("committees:session_detail", args=[held.pk]),
            {},
        ),
    ]


BIG_AGENDA = 645  # what `generate_fake_data` puts on one coming session


def big_agenda():
    """A second coming session with a very large agenda (as the fake data generator makes),
    added once to a seeded database: the session page must stay fast whatever its length."""
    from accounts.models import User
    from cases.models import Case
    from committees.models import AgendaItem, Committee, Session

    place = "Salle du réseau (grand ordre du jour)"
    session = Session.objects.filter(place=place).first()
    if session is not None:
        return session
    committee = Committee.objects.get(name="Comité réseau bench")
    secretary = User.objects.get(email="secretary@bench.rmm.test")
    session = Session.objects.create(
        committee=committee,
        starts_at=timezone_now() + timedelta(days=40),
        place=place,
        status="planned",
        created_by=secretary,
    )
    cases = Case.objects.filter(status="closed").order_by("-created_at")[:BIG_AGENDA]
    AgendaItem.objects.bulk_create(
        AgendaItem(session=session, case=case, position=position, presenter=secretary)
        for position, case in enumerate(cases)
    )
    return session


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def measure(args) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import User

    setup_test_environment()
    clients = {}

    def client_for(name):
        if name not in clients:
            clients[name] = Client()
            clients[name].force_login(User.objects.get(email=f"{name}@bench.rmm.test"))
        return clients[name]

    rows = []
    floor = None  # the floor page's request, measured beside each page
    for label, who, url, params in pages(args):
        if args.only and args.only not in label and not label.startswith("floor ("):
            continue
        client = client_for(who)

        def get(client=client, url=url, params=params):
            response = client.get(url, params)
            assert response.status_code == 200, (url, response.status_code)

        queries = []

        def record(execute, sql, params, many, context, queries=queries):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append((1000 * (time.perf_counter() - start), sql))

        # Counted with a wrapper: CaptureQueriesContext loses them when a request resets the log.
        with connection.execute_wrapper(record):
            get()
        if args.profile and args.profile in label:
            print(label)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.profile_runs):
                get()
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
            for duration, sql in queries:
                print(f"{duration:8.2f} ms  {sql[:400]}")
        if floor is None:
            floor = get
        # The floor is measured again beside each page, request for request: on a machine
        # shared with other work the load drifts, and a ratio to a floor taken minutes
        # earlier says more about the drift than about the page.
        page_ms, floor_ms = timed_pair(get, floor, args.repeat)
        rows.append((label, page_ms, page_ms / floor_ms, len(queries)))
        print(
            f"{label:40} {page_ms:7.1f} ms  {page_ms / floor_ms:5.2f} x floor "
            f"({floor_ms:5.1f} ms)  {len(queries):3d} queries",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--only", default="", help="measure only pages whose label holds this")
    parser.add_argument("--profile", default="", help="cProfile the page whose label holds this")
    parser.add_argument("--profile-runs", type=int, default=5)
    args = parser.parse_args()
    setup(args)
    seed(args)
    measure(args)


if __name__ == "__main__":
    main()
