"""What happens to each invented case, decided before any row is written: its declaring unit,
its status, and the dates of its path (death, declaration, taking in charge, readiness, the
session that reviewed it, closing). Later steps turn the plan into rows."""

from collections import Counter
from datetime import timedelta

# Share of each status: most cases of past years are closed, recent ones are in progress.
STATUS_WEIGHTS = [
    ("draft", 2),
    ("declared", 3),
    ("excluded", 2),
    ("documenting", 8),
    ("ready", 4),
    ("scheduled", 2),
    ("reviewed", 2),
    ("action_follow_up", 20),
    ("closed", 57),
]
REVIEWED = ("reviewed", "action_follow_up", "closed")
REVIEWED_SHARE = sum(w for s, w in STATUS_WEIGHTS if s in REVIEWED) / sum(
    w for _s, w in STATUS_WEIGHTS
)
AGENDA_MAX = 12  # an upcoming session takes no more cases: the others wait, ready
# Days before now at which a case of each early status was declared.
DECLARED_DAYS_AGO = {
    "draft": (0, 20),
    "declared": (0, 30),
    "excluded": (10, 1500),
    "documenting": (5, 150),
    "ready": (20, 200),
}
# Which past sessions reviewed cases of each status (weeks before now).
REVIEW_WEEKS_AGO = {"reviewed": (0, 12), "action_follow_up": (4, 104), "closed": (8, 10_000)}
KIND_WEIGHTS = [
    ("early_neonatal", 45),
    ("late_neonatal", 15),
    ("post_neonatal", 10),
    ("stillbirth", 25),
    ("severe_morbidity", 5),
]
AGE_AT_DEATH_HOURS = {
    "early_neonatal": (0, 7 * 24 - 1),
    "late_neonatal": (7 * 24, 28 * 24 - 1),
    "post_neonatal": (28 * 24, 364 * 24),
}


class CasePlan:
    __slots__ = (
        "accepted_at",
        "actions",
        "born_at",
        "closed_at",
        "created_at",
        "declared_at",
        "died_at",
        "index",
        "kind",
        "network",
        "no_action",
        "postponed",
        "ready_at",
        "reopened",
        "sent_back",
        "session",
        "status",
        "unit",
    )

    def __init__(self, index):
        self.index = index
        self.born_at = self.died_at = self.declared_at = self.accepted_at = None
        self.ready_at = self.session = self.closed_at = None
        self.sent_back = self.postponed = self.reopened = self.no_action = False
        self.actions = 0


def not_after_now(moment, *, earliest, now, rng):
    """`moment`, or, when it would fall after now, a time drawn between `earliest` and now:
    clamping to now would tie hundreds of audit times at the very moment of generation."""
    if moment <= now:
        return moment
    earliest = min(earliest, now)
    return earliest + timedelta(seconds=rng.uniform(0, (now - earliest).total_seconds()))


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def plan_cases(world, sessions, *, count: int, now, rng) -> list[CasePlan]:
    past = [
        [s for s in committee_sessions if s.status in ("held", "minutes_validated")]
        for committee_sessions in sessions
    ]
    upcoming = [
        [s for s in committee_sessions if s.status in ("planned", "agenda_sent")]
        for committee_sessions in sessions
    ]
    # Past sessions each status may have been reviewed in, computed once per committee.
    eligible = [
        {
            status: [s for s in held if low <= (now - s.starts_at).days // 7 <= high] or held
            for status, (low, high) in REVIEW_WEEKS_AGO.items()
        }
        for held in past
    ]
    booked = Counter()  # cases on each coming agenda
    plans = []
    statuses = [status for status, _weight in STATUS_WEIGHTS]
    status_weights = [weight for _status, weight in STATUS_WEIGHTS]
    for index in range(count):
        plan = CasePlan(index)
        # Every status at least once, whatever the count (tests generate a few hundred cases).
        plan.status = (
            statuses[index]
            if index < len(statuses)
            else rng.choices(statuses, weights=status_weights)[0]
        )
        plan.unit = rng.choices(world.units, weights=world.weights)[0]
        plan.network = world.network_of[plan.unit.pk]
        plan.kind = _pick(rng, KIND_WEIGHTS)
        _date(plan, eligible[plan.network], upcoming[plan.network], now=now, rng=rng, booked=booked)
        plans.append(plan)
    return plans


def _date(plan, eligible, upcoming, *, now, rng, booked):
    """Dates of the path, from the end backwards when a session is involved."""
    status = plan.status
    if status in REVIEWED:
        plan.session = rng.choice(eligible[status])
        plan.ready_at = plan.session.starts_at - timedelta(
            days=rng.randint(5, 60), minutes=rng.randint(0, 1440)
        )
    elif status == "scheduled":
        open_sessions = [session for session in upcoming if booked[session.pk] < AGENDA_MAX]
        if open_sessions:
            plan.session = rng.choice(open_sessions)
            booked[plan.session.pk] += 1
        else:  # both coming agendas are full: the case waits, ready
            plan.status = status = "ready"
        plan.ready_at = now - timedelta(days=rng.randint(3, 60))
    elif status == "ready":
        plan.ready_at = now - timedelta(days=rng.randint(1, 60))
    if plan.ready_at is not None:
        plan.accepted_at = plan.ready_at - timedelta(
            days=rng.randint(7, 90), hours=rng.randint(0, 12)
        )
        plan.declared_at = plan.accepted_at - timedelta(
            days=rng.randint(0, 7), hours=rng.randint(1, 12)
        )
        plan.sent_back = rng.random() < 0.05
        plan.postponed = status != "ready" and rng.random() < 0.04
    else:
        low, high = DECLARED_DAYS_AGO[status]
        plan.declared_at = now - timedelta(days=rng.randint(low, high), hours=rng.randint(0, 23))
        if status == "documenting":
            plan.accepted_at = min(plan.declared_at + timedelta(days=rng.randint(0, 7)), now)
    plan.created_at = plan.declared_at - timedelta(hours=rng.randint(1, 48))
    if status == "draft":
        plan.created_at, plan.declared_at = plan.declared_at, None
    if status == "closed":
        reviewed = plan.session.starts_at
        plan.closed_at = not_after_now(
            reviewed + timedelta(days=rng.randint(7, 400)),
            earliest=reviewed + timedelta(days=7),
            now=now,
            rng=rng,
        )
        plan.reopened = rng.random() < 0.01
    if status in ("action_follow_up", "closed"):
        plan.no_action = status == "closed" and rng.random() < 0.2
        plan.actions = 0 if plan.no_action else max(1, min(6, round(rng.gauss(3.2, 1.2))))
    # Death: a few days to a few months before the declaration (the reference for the
    # delay indicators); birth before it by the age at death.
    reference = plan.declared_at or plan.created_at
    death = reference - timedelta(
        days=min(int(rng.expovariate(1 / 18)), 300), hours=rng.randint(1, 20)
    )
    if plan.kind in ("stillbirth", "severe_morbidity"):  # no age at death to derive
        plan.born_at, plan.died_at = death, None
    else:
        plan.died_at = death
        plan.born_at = death - timedelta(hours=rng.randint(*AGE_AT_DEATH_HOURS[plan.kind]))
