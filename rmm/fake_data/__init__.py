"""An invented region at scale, for benchmarks and load tests (`manage.py generate_fake_data`).

Rows are written with bulk_create in batches, never through the services: at 100,000 cases
the services' locks, guards and notifications would take hours. Each step writes what the
services would have left behind (statuses, dates, derived columns, audit rows consistent
with the statuses), from a plan drawn with one seeded random generator: the same --cases and
--seed give the same data. It lives in `rmm/` because, like the URL configuration, it wires
every app together (cases, committees, actions), which no single app may import.
"""

import math
import random
import time

from django.db import connection, transaction
from django.utils import timezone

from . import action_work, casework, committee_work, people, plan, sessions

PERSONAS = people.PERSONAS
SESSION_WEEKS = 260  # five years of weekly sessions, at most ten years for a large run
MAX_WEEKS = 520
MAX_PER_WEEK = 10
AGENDA_SIZE = 8  # cases reviewed per session on average (a real agenda: about 4 to 12)


def session_calendar(cases: int, *, committees: int) -> tuple[int, int]:
    """How many weeks of sessions, and how many sessions a week per committee, for agendas of
    about AGENDA_SIZE cases: weekly over up to five years for a few thousand cases; a longer
    history and several review groups a week for a large run."""
    sessions = max(12, math.ceil(cases * plan.REVIEWED_SHARE / AGENDA_SIZE / committees))
    weeks = min(max(12, min(SESSION_WEEKS, sessions)), MAX_WEEKS)
    if sessions > weeks:
        weeks = min(MAX_WEEKS, sessions)
    per_week = min(MAX_PER_WEEK, math.ceil(sessions / weeks))
    return weeks, per_week


@transaction.atomic
def generate(*, cases: int, seed: int = 1, report=print) -> dict:
    rng = random.Random(seed)  # noqa: S311 (invented data, not secrets)
    now = timezone.now().replace(microsecond=0)
    counts, started = {}, time.perf_counter()

    def step(name, value):
        counts[name] = value
        report(f"  {name}: {value}  ({time.perf_counter() - started:.1f} s)")

    world = people.create_world()
    step("organisations", len(world.units) + len(world.networks) + 3)
    weeks, per_week = session_calendar(cases, committees=len(world.committees))
    committee_sessions = sessions.create_sessions(world, now=now, weeks=weeks, per_week=per_week)
    step("sessions", sum(len(s) for s in committee_sessions))
    plans = plan.plan_cases(world, committee_sessions, count=cases, now=now, rng=rng)
    rows = casework.create_cases(world, plans, rng=rng, now=now)
    step("cases", len(rows))
    step("identity vaults", casework.create_vaults(plans, rows, rng=rng))
    step("care events", casework.create_chronologies(plans, rows, rng=rng))
    step("case transitions", casework.create_case_transitions(world, plans, rows, now=now, rng=rng))
    step("agenda items", committee_work.create_agendas(world, plans, rows))
    step("attendance", committee_work.create_attendance(world, committee_sessions, rng=rng))
    reviews = committee_work.create_reviews(world, plans, rows, rng=rng)
    step("reviews", reviews["reviews"])
    step("contributing factors", reviews["factors"])
    step("minutes", committee_work.create_minutes(world, committee_sessions, plans, rows))
    done = action_work.create_actions(
        world, plans, rows, reviews["factors_of_case"], rng=rng, now=now
    )
    step("corrective actions", done["actions"])
    step("action transitions", done["action_transitions"])
    step("no-action decisions", done["no_action"])
    if connection.vendor == "postgresql":
        transaction.on_commit(_analyse)
    return counts


def _analyse():
    """Fresh planner statistics and visibility map, as autovacuum would give them a while
    later: without the map, the index-only scans the lists rely on still visit every row."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.get_autocommit() else "ANALYZE")
