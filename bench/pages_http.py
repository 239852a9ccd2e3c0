"""`make bench`: every page of issue 13 measured over HTTP at scale (not part of the test suite).

Usage (PostgreSQL; it creates and then drops its own database rmm_bench):
    .venv/bin/python bench/pages_http.py --cases 100000 --repeat 30     # the full run
    .venv/bin/python bench/pages_http.py --cases 5000 --repeat 10       # a quick one

1. Generates the data with `manage.py generate_fake_data --cases N` (timed).
2. Starts gunicorn (2 workers) with the local settings and debug off (production-like:
   templates cached, no debug toolbar, plain HTTP on 127.0.0.1 only).
3. Signs in one person per role (a session created as a login creates it, sent as a cookie).
4. Times each page over HTTP with `requests` (median and 95th percentile of --repeat
   requests after a warm-up, each just after a request of the floor page by the same person,
   whose navigation the base template draws: the page's ratio is to the median of those floor
   requests) and counts its SQL queries by running the same
   request once through Django's test client inside CaptureQueriesContext.
5. Times the reminder sweep as its task runs it (bench/notifications_sweep.py's approach).
6. Prints the table and writes docs/BENCHMARKS.md.
Target (issue 13): every page within 1.5 x the floor page, an authenticated page rendering
only the base template; the audit-trail admin under 300 ms.
"""

import argparse
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATABASE = "rmm_bench"
# A fixed, public key: invented data only.
BENCH_KEY = "YmVuY2gtb25seS1rZXktbm90LXNlY3JldC0zMmJ5dGU="
TARGET_RATIO = 1.5
ADMIN_TARGET_MS = 300

# (label, persona, url name, url arguments taken from the bench context, query string).
# A page whose url name does not resolve is reported as skipped when `optional`.
PAGES = [
    ("floor: password change done", "coordinator", "password_change_done", (), {}),
    ("case list, page 1 (coordinator)", "coordinator", "cases:list", (), {}),
    ("case list, filtered (coordinator)", "coordinator", "cases:list", (), "filtered"),
    ("case list, keyset deep (chair)", "chair", "cases:list", (), "deep"),
    ("case list, page 1 (chair)", "chair", "cases:list", (), {}),
    ("case list, page 1 (member)", "member", "cases:list", (), {}),
    ("case page (coordinator)", "coordinator", "cases:detail", ("case",), {}),
    ("review screen (chair)", "chair", "committees:review", ("session", "scheduled_case"), {}),
    ("agenda page (secretary)", "secretary", "committees:session_detail", ("session",), {}),
    ("actions dashboard (quality)", "quality_manager", "actions:dashboard", (), {}),
    ("actions CSV export (quality)", "quality_manager", "actions:dashboard_export", (), {}),
    ("territory dashboard", "territory", "territory:dashboard", (), {}),
    # Row-level export: coordinators and quality managers only (territory.permissions).
    ("territory rows CSV", "quality_manager", "territory:export_rows", (), {}),
    ("territory aggregates CSV", "territory", "territory:export_aggregates", (), {}),
    ("minutes PDF, validated (chair)", "chair", "committees:minutes_pdf", ("minutes", 1), {}),
    (
        "audit admin (network admin)",
        "administrator",
        "admin:cases_casetransition_changelist",
        (),
        {},
    ),
    (
        "audit admin (platform operator)",
        "operator",
        "admin:cases_casetransition_changelist",
        (),
        {},
    ),
]
OPTIONAL = {"territory:dashboard", "territory:export_rows", "territory:export_aggregates"}
NOT_IN_RATIO = {"actions:dashboard_export", "territory:export_rows", "territory:export_aggregates"}
NOT_IN_RATIO |= {"committees:minutes_pdf", "admin:cases_casetransition_changelist"}


def environment(args) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{args.server}/{DATABASE}",
        DJANGO_SETTINGS_MODULE="rmm.settings.local",
        RMM_DEBUG="0",
        RMM_FIELD_ENCRYPTION_KEY=BENCH_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        REDIS_URL=args.redis,
        SECRET_KEY="bench-only-not-secret-" + "z" * 40,
    )
    return env


def psql(args, sql: str) -> None:
    """A statement on the server's maintenance database (CREATE and DROP DATABASE)."""
    import psycopg

    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def database_exists(args) -> bool:
    import psycopg

    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        return found.fetchone() is not None


def manage(env, *command) -> float:
    started = time.perf_counter()
    command = [sys.executable, "manage.py", *command]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 (fixed argv)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--output", default=str(ROOT / "docs" / "BENCHMARKS.md"))
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database after the run and reuse it next time (no new generation)",
    )
    parser.add_argument("--only", help="measure only the pages whose label contains this")
    args = parser.parse_args()
    # make forwards SIGTERM; a background job may start with SIGINT ignored (PITFALLS).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)

    env = environment(args)
    reuse = args.keep and database_exists(args)
    if not reuse:
        psql(args, f"DROP DATABASE IF EXISTS {DATABASE}")
        psql(args, f"CREATE DATABASE {DATABASE}")
    server = None
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        generation = None
        if not reuse:
            generation = manage(
                env, "generate_fake_data", "--cases", str(args.cases), "--seed", str(args.seed)
            )
        os.environ.update(env)
        import django

        django.setup()
        context = bench_context(args)
        server = start_server(args, env)
        wait_for(server, args)
        results = measure_pages(args, context)
        if args.only:  # a partial run: printed, never written over the full report
            return
        sweep = measure_sweep()
        report = render_report(args, context, results, sweep, generation)
        print(report)
        Path(args.output).write_text(report)
        print(f"written to {args.output}")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            psql(args, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def start_server(args, env):
    server = subprocess.Popen(  # noqa: S603 (fixed argv)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "rmm.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,  # its workers must not hold the caller's output open
        start_new_session=True,  # its own process group: stopped with its workers
    )
    return server


def wait_for(server, args) -> None:
    """Until the sign-in page answers (the health probe also asks for the task queue)."""
    import requests

    for _attempt in range(150):
        try:
            if requests.get(f"http://127.0.0.1:{args.port}/connexion/", timeout=5).ok:
                return
        except requests.RequestException:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def bench_context(args) -> dict:
    """Who signs in, and the rows the pages show (chosen as a user would find them)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User
    from cases.models import Case
    from cases.selectors import case_list_visible_to, encode_cursor
    from committees.models import AgendaItem, MinutesVersion, Session
    from rmm.fake_data import PERSONAS

    personas = dict(PERSONAS)
    # The territorial dashboard and aggregates: the region's observer (every organisation).
    personas["territory"] = PERSONAS["observer"]
    sessions, users = {}, {}
    for persona, email in personas.items():
        user = User.objects.get(email=email)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions[persona], users[persona] = store.session_key, user

    coordinator = users["coordinator"]
    organisation = coordinator.memberships.get().organisation
    case = (
        Case.objects.filter(organisation=organisation, status="action_follow_up")
        .order_by("-created_at")
        .first()
    )
    secretary_committee = users["secretary"].committee_memberships.get().committee
    session = Session.objects.get(committee=secretary_committee, status="agenda_sent")
    scheduled = AgendaItem.objects.filter(session=session).order_by("position").first()
    minutes = (
        MinutesVersion.objects.filter(
            session__committee=secretary_committee, validated_at__isnull=False
        )
        .order_by("-session__starts_at")
        .first()
    )
    chair_cases = case_list_visible_to(user=users["chair"]).order_by("-created_at", "-id")
    visible = chair_cases.count()
    depth = max(0, min(50_000, visible - 30))
    deep = chair_cases[depth]
    return {
        "cookie": settings.SESSION_COOKIE_NAME,
        "sessions": sessions,
        "case": case.pk,
        "session": session.pk,
        "scheduled_case": scheduled.case_id,
        "minutes": minutes.session_id,
        "agenda_items": AgendaItem.objects.filter(session=session).count(),
        "deep": {"apres": encode_cursor(deep)},
        "depth": depth,
        "chair_visible": visible,
        "filtered": {"status": "action_follow_up", "kind": "early_neonatal"},
    }


def page_url(name, keys, context):
    from django.urls import NoReverseMatch, reverse

    args = [context[key] if isinstance(key, str) else key for key in keys]
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def measure_pages(args, context) -> list[dict]:
    import requests
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    base = f"http://127.0.0.1:{args.port}"
    results = []
    floor_url = None
    pages = [page for page in PAGES if not args.only or args.only in page[0]]
    for label, persona, name, keys, query in PAGES[:1] + [p for p in pages if p != PAGES[0]]:
        url = page_url(name, keys, context)
        if url is None:
            results.append({"label": label, "name": name, "skipped": "URL not present"})
            continue
        params = context[query] if isinstance(query, str) else query
        cookie = {context["cookie"]: context["sessions"][persona]}
        http = requests.Session()
        http.cookies.update(cookie)
        started = time.perf_counter()
        response = http.get(base + url, params=params, timeout=600)
        first = (time.perf_counter() - started) * 1000  # cold: caches empty, PDF not stored yet
        for _warm_up in range(2):
            response = http.get(base + url, params=params, timeout=120)
        if response.status_code != 200:
            results.append(
                {"label": label, "name": name, "skipped": f"HTTP {response.status_code}"}
            )
            continue
        # Queries: the same request once more, in process, within the session's refresh minute.
        client = Client()
        client.cookies[context["cookie"]] = context["sessions"][persona]
        with CaptureQueriesContext(connection) as queries:
            in_process = client.get(url, params)
            if getattr(in_process, "streaming", False):
                b"".join(in_process.streaming_content)
        samples, floor_samples = [], []
        for _n in range(args.repeat):
            # Each sample of the page beside one of the floor, taken just before it: the ratio
            # compares the two under the same machine conditions (a virtual machine's speed
            # drifts over a run; a floor timed once at the start made every ratio drift too).
            # The same person's floor: the base template draws their navigation (a chair's
            # menu reads their committees and territory, a coordinator's does not).
            if floor_url is not None and url != floor_url:
                floor_samples.append(timed(http, base + floor_url, {}))
            samples.append(timed(http, base + url, params))
        samples.sort()
        results.append(
            {
                "label": label,
                "name": name,
                "first": first,
                "median": statistics.median(samples),
                "p95": samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))],
                "floor": statistics.median(floor_samples) if floor_samples else None,
                "queries": len(queries.captured_queries),
                "bytes": len(response.content),
            }
        )
        if floor_url is None:  # the first row is the floor itself
            floor_url = url
        measured = results[-1]
        beside = f"  {measured['median'] / measured['floor']:5.2f} x floor" if floor_samples else ""
        print(f"{label:40s} {measured['median']:8.1f} ms  {measured['queries']:3d} queries{beside}")
    return results


def timed(http, url, params) -> float:
    started = time.perf_counter()
    response = http.get(url, params=params, timeout=120)
    response.content  # noqa: B018 (the whole body, as a browser waits for it)
    return (time.perf_counter() - started) * 1000


def measure_sweep() -> dict:
    """The reminder sweep as sweep_task runs it (one transaction, then the ids to send)."""
    from django.conf import settings
    from django.db import connection, transaction

    from notifications import sweep as sweep_module
    from notifications.ledger import sendable_ids

    def as_the_task_runs_it():
        count = 0

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            started = time.perf_counter()
            with transaction.atomic():
                sweep_module.sweep()
            sendable_ids(limit=settings.RMM_NOTIFICATION_DISPATCH_LIMIT)
            return (time.perf_counter() - started) * 1000, count

    first = as_the_task_runs_it()
    steady = [as_the_task_runs_it() for _ in range(3)]
    return {
        "first": first,
        "steady": (statistics.median(s[0] for s in steady), steady[0][1]),
    }


def render_report(args, context, results, sweep, generation) -> str:
    floor = results[0]["median"]
    made = "earlier (database kept)" if generation is None else f"in {generation:.0f} s"
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` (bench/pages_http.py) on {date.today():%d/%m/%Y}: "
        f"{args.cases:,} cases generated by `manage.py generate_fake_data` "
        f"(seed {args.seed}) {made}, PostgreSQL, gunicorn with 2 workers "
        "(local settings, debug off), requests over HTTP on 127.0.0.1 with a signed-in session "
        f"per role; median and 95th percentile of {args.repeat} requests after 3 warm-up "
        "requests (the first one, with cold caches, reported apart: for the minutes PDF it is "
        "the rendering that stores the file); each request of a page follows one of the floor "
        "page by the same person (the base template draws their navigation), and its ratio is "
        "to the median of those floor requests (the machine's speed "
        "drifts over a run); queries counted by running the same request "
        "once through Django's test client. Machine: "
        f"{os.cpu_count()} CPU cores, Python {platform.python_version()}.",
        "",
        f"Target (issue 13): every page within {TARGET_RATIO} x the floor page (an authenticated "
        "page rendering only the base template); the audit-trail admin under "
        f"{ADMIN_TARGET_MS} ms; constant query counts. Exports, the PDF and the admin are "
        "compared with their own targets, not the floor.",
        "",
        "| page | median (ms) | p95 (ms) | floor beside it (ms) | x floor | queries "
        "| first request (ms) | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in results:
        if "skipped" in row:
            lines.append(f"| {row['label']} | — | — | — | — | — | — | skipped: {row['skipped']} |")
            continue
        ratio = row["median"] / (row["floor"] or floor)
        if row["name"] == "admin:cases_casetransition_changelist":
            verdict = (
                "met" if row["median"] < ADMIN_TARGET_MS else f"missed (< {ADMIN_TARGET_MS} ms)"
            )
        elif row["name"] in NOT_IN_RATIO:
            verdict = "—"
        else:
            verdict = "met" if ratio <= TARGET_RATIO else f"**missed** (> {TARGET_RATIO} x)"
        lines.append(
            f"| {row['label']} | {row['median']:.1f} | {row['p95']:.1f} | "
            f"{row['floor'] or row['median']:.1f} | {ratio:.2f} | "
            f"{row['queries']} | {row['first']:.0f} | {verdict} |"
        )
    first, steady = sweep["first"], sweep["steady"]
    lines += [
        "",
        f"Reminder sweep (as `sweep_task` runs it): first run over an empty ledger "
        f"{first[0]:.0f} ms ({first[1]} queries), steady run {steady[0]:.0f} ms "
        f"({steady[1]} queries).",
        "",
        f"Context: the keyset-deep case list starts after {context['depth']:,} of the "
        f"{context['chair_visible']:,} cases the chair sees; the agenda page shows an upcoming "
        f"session with {context['agenda_items']} cases on its agenda; the filtered list asks "
        "for early neonatal deaths in action follow-up.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
