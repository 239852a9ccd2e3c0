"""An invented region at scale, for benchmarks and load tests (`manage.py generate_fake_data`).

Rows are written with bulk_create in batches, never through the services: at 100,000 cases
the services' locks, guards and notifications would take hours. Each step writes what the
services would have left behind (statuses, dates, derived columns, audit rows consistent
with the statuses), from a plan drawn with one seeded random generator: the same --cases and
--seed give the same data. It lives in `rmm/` because, like the URL configuration, it wires
every app together (cases, committees, actions), which no single app may import.
"""

import random
import time

from django.db import connection, transaction
from django.utils import timezone

from . import action_work, casework, committee_work, people, plan, sessions

PERSONAS = people.PERSONAS
SESSION_WEEKS = 260  # one session a week per committee over five years


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
    # Fewer weeks for a small run, so that sessions are not mostly empty.
    weeks = max(12, min(SESSION_WEEKS, cases // 200))
    committee_sessions = sessions.create_sessions(world, now=now, weeks=weeks)
    step("sessions", sum(len(s) for s in committee_sessions))
    plans = plan.plan_cases(world, committee_sessions, count=cases, now=now, rng=rng)
    rows = casework.create_cases(world, plans, rng=rng, now=now)
    step("cases", len(rows))
    step("identity vaults", casework.create_vaults(plans, rows, rng=rng))
    step("care events", casework.create_chronologies(plans, rows, rng=rng))
    step("case transitions", casework.create_case_transitions(world, plans, rows, now=now))
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
    """Fresh planner statistics, as autovacuum would give them a while later."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
