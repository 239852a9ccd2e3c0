"""A committee's sessions: one a week for the past years (minutes validated, a few cancelled,
the last one held and awaiting its minutes), the next one with its agenda sent, one planned."""

from datetime import timedelta

from django.utils import timezone

from committees.models import Session, SessionTransition

from .bulk import backdated, bulk

CANCEL_EVERY = 25  # one session in 25 does not take place


def _thursday_afternoon(moment, offset_days: int):
    local = timezone.localtime(moment) + timedelta(days=offset_days)
    local -= timedelta(days=(local.weekday() - 3) % 7)
    return local.replace(hour=14, minute=0, second=0, microsecond=0)


def _slot(anchor, slot: int):
    """The `slot`-th meeting of a week: Thursday afternoon first, then other days and mornings
    (a large network reviews in several groups, each with an agenda of real size)."""
    day = (0, -1, 1, -2, -3)[slot % 5]
    hour = -5 if slot // 5 % 2 else 0  # 9:00 instead of 14:00
    return anchor + timedelta(days=day, hours=hour, minutes=30 * (slot // 10))


def create_sessions(world, *, now, weeks: int, per_week: int = 1) -> list[list[Session]]:
    """Per committee, its sessions in date order (past then upcoming)."""
    rows, transitions = [], []
    for n, committee in enumerate(world.committees):
        secretary, chair = world.secretary[n], world.chair[n]
        anchor = _thursday_afternoon(now, -7) + timedelta(
            days=n
        )  # committees meet on different days
        past = sorted(
            _slot(anchor - timedelta(weeks=week), slot)
            for week in range(weeks)
            for slot in range(per_week)
        )
        for index, starts in enumerate(past):
            if index == len(past) - 1:  # the latest, awaiting its minutes
                status, held_at = "held", starts + timedelta(hours=3)
            elif index % CANCEL_EVERY == CANCEL_EVERY - 1:
                status, held_at = "cancelled", None
            else:
                status, held_at = "minutes_validated", starts + timedelta(hours=3)
            rows.append(
                Session(
                    committee=committee,
                    starts_at=starts,
                    place="Salle du réseau",
                    status=status,
                    cancellation_reason="Quorum non atteint." if status == "cancelled" else "",
                    created_by=secretary,
                    created_at=starts - timedelta(days=30),
                    held_at=held_at,
                )
            )
        for days, status in ((6, "agenda_sent"), (20, "planned")):
            rows.append(
                Session(
                    committee=committee,
                    starts_at=anchor + timedelta(days=7 + days),
                    video_link="https://visio.example.org/rmm",
                    status=status,
                    created_by=secretary,
                    created_at=now - timedelta(days=10),
                )
            )
    with backdated((Session, "created_at")):
        rows = bulk(Session, rows)

    per_committee = [[s for s in rows if s.committee_id == c.pk] for c in world.committees]
    for n, sessions in enumerate(per_committee):
        secretary, chair = world.secretary[n], world.chair[n]

        def move(session, name, source, target, by, at, comment=""):
            transitions.append(
                SessionTransition(
                    session=session,
                    transition=name,
                    source=source,
                    target=target,
                    actor=by,
                    actor_name=by.full_name,
                    at=at,
                    comment=comment,
                )
            )

        for session in sessions:
            starts = session.starts_at
            if session.status == "cancelled":
                move(
                    session,
                    "cancel",
                    "planned",
                    "cancelled",
                    secretary,
                    starts - timedelta(days=2),
                    "Quorum non atteint.",
                )
                continue
            if session.status == "planned":
                continue
            move(
                session,
                "send_agenda",
                "planned",
                "agenda_sent",
                secretary,
                min(starts - timedelta(days=8), now),
            )
            if session.status in ("held", "minutes_validated"):
                move(session, "hold", "agenda_sent", "held", secretary, session.held_at)
            if session.status == "minutes_validated":
                move(
                    session,
                    "validate_minutes",
                    "held",
                    "minutes_validated",
                    chair,
                    starts + timedelta(days=6),
                )
    with backdated((SessionTransition, "at")):
        bulk(SessionTransition, transitions)
    return per_committee
