"""The periodic sweep (DESIGN §7): every reminder is derived from the database as it stands, so
nothing is lost while the broker or a worker is down, and recorded in the ledger, so nothing is
sent twice. Each rule reads its due objects in one query and their people in one or two more:
the sweep costs the same number of queries whatever the number of due objects."""

from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionStatus, CorrectiveAction
from actions.permissions import named_owner_in_charge
from cases.models import Case, CaseTransition
from cases.status import CaseStatus
from committees.models import AgendaItem, CommitteeRole, Session, SessionStatus

from . import recipients
from .ledger import Due, record
from .models import EmailState, Kind, Notification, ReminderRule


def link_to(url_name: str) -> Callable[[int], str]:
    """Links for many rows without one `reverse` per row (they cost more than the query)."""
    placeholder = 987654321
    pattern = reverse(url_name, args=[placeholder])
    return lambda pk: pattern.replace(str(placeholder), str(pk))


def _local_day(moment: datetime) -> str:
    return timezone.localtime(moment).date().isoformat()


def _start_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- Cases ------------------------------------------------------------------------------------
def case_not_accepted(rule: ReminderRule, now: datetime) -> list[Due]:
    """Declared and not taken in charge after `days`: its organisation's coordinators, then
    the chairs of the committees that cover it."""
    cutoff = now - timedelta(days=rule.days)
    cases = list(
        Case.objects.filter(status=CaseStatus.DECLARED, declared_at__lte=cutoff).values_list(
            "pk", "code", "organisation_id", "declared_at"
        )
    )
    return _waiting_cases(rule, now, Kind.CASE_NOT_ACCEPTED, cases)


def case_documenting_long(rule: ReminderRule, now: datetime) -> list[Due]:
    """In documentation for more than `days` since it (last) entered it: coordinators, then
    the chairs of the covering committees."""
    cutoff = now - timedelta(days=rule.days)
    entered = (
        CaseTransition.objects.filter(case=OuterRef("pk"), target=CaseStatus.DOCUMENTING)
        .order_by("-at")
        .values("at")[:1]
    )
    cases = list(
        Case.objects.filter(status=CaseStatus.DOCUMENTING)
        .annotate(entered=Subquery(entered))
        .filter(entered__lte=cutoff)
        .values_list("pk", "code", "organisation_id", "entered")
    )
    return _waiting_cases(rule, now, Kind.CASE_DOCUMENTING_LONG, cases)


def _waiting_cases(rule, now, kind, cases) -> list[Due]:
    if not cases:
        return []
    organisations = {organisation_id for _pk, _code, organisation_id, _since in cases}
    first = recipients.coordinators(organisations)
    escalation = rule.escalate_after_days
    later = recipients.chairs_covering(organisations) if escalation is not None else {}
    link = link_to("cases:detail")
    dues = []
    for pk, code, organisation_id, since in cases:
        occasion = _local_day(since)
        params = {"code": code, "days": (now - since).days}
        dues += [
            Due(kind, "cases.case", pk, user, occasion, params, link(pk))
            for user in first.get(organisation_id, [])
        ]
        if escalation is not None and since <= now - timedelta(days=rule.days + escalation):
            dues += [
                Due(kind, "cases.case", pk, user, f"{occasion}:escalated", params, link(pk))
                for user in later.get(organisation_id, [])
            ]
    return dues


# --- Sessions ---------------------------------------------------------------------------------
UPCOMING = (SessionStatus.PLANNED, SessionStatus.AGENDA_SENT)


def _session_params(starts_at, committee_name) -> dict:
    return {"session_date": _local_day(starts_at), "committee": committee_name}


def prepare_presentation(rule: ReminderRule, now: datetime) -> list[Due]:
    """J-14: each presenter of a case on the agenda of a coming session."""
    items = AgendaItem.objects.filter(
        presenter__isnull=False,
        presenter__is_active=True,
        session__status__in=UPCOMING,
        session__starts_at__gt=now,
        session__starts_at__lte=now + timedelta(days=rule.days),
    ).values_list(
        "case_id",
        "case__code",
        "presenter_id",
        "session_id",
        "session__starts_at",
        "session__committee__name",
    )
    link = link_to("cases:detail")
    return [
        Due(
            Kind.PREPARE_PRESENTATION,
            "cases.case",
            case_id,
            presenter,
            f"{session_id}:{_local_day(starts_at)}",
            {"code": code, **_session_params(starts_at, committee)},
            link(case_id),
        )
        for case_id, code, presenter, session_id, starts_at, committee in items
    ]


def _sessions_to_people(kind, sessions, people, occasion=_local_day, params=None) -> list[Due]:
    link = link_to("committees:session_detail")
    dues = []
    for pk, committee_id, starts_at, committee_name, *rest in sessions:
        values = _session_params(starts_at, committee_name) | (params(*rest) if params else {})
        dues += [
            Due(kind, "committees.session", pk, user, occasion(starts_at), values, link(pk))
            for user in people.get(committee_id, [])
        ]
    return dues


SESSION_COLUMNS = ("pk", "committee_id", "starts_at", "committee__name")


def agenda_not_sent(rule: ReminderRule, now: datetime) -> list[Due]:
    """J-7 and the agenda still not sent: the chair and the secretary. A session whose date
    has passed with its agenda never sent (a backdated one) is flagged the same way."""
    sessions = list(
        Session.objects.filter(
            status=SessionStatus.PLANNED, starts_at__lte=now + timedelta(days=rule.days)
        ).values_list(*SESSION_COLUMNS)
    )
    planners = recipients.by_committee(
        {row[1] for row in sessions}, CommitteeRole.CHAIR, CommitteeRole.SECRETARY
    )
    return _sessions_to_people(Kind.AGENDA_NOT_SENT, sessions, planners)


def agenda_to_members(rule: ReminderRule, now: datetime) -> list[Due]:
    """J-7: every member has the sent agenda (the same ledger row as the e-mail sent when the
    secretary sent it, so whoever got it then is not told again; a member who joined since is)."""
    sessions = list(
        Session.objects.filter(
            status=SessionStatus.AGENDA_SENT,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(days=rule.days),
        ).values_list(*SESSION_COLUMNS)
    )
    members = recipients.by_committee({row[1] for row in sessions})
    return _sessions_to_people(Kind.AGENDA, sessions, members)


def session_tomorrow(rule: ReminderRule, now: datetime) -> list[Due]:
    """J-1: the members, the day before the session (by the calendar, in local time)."""
    day = timezone.localdate(now) + timedelta(days=rule.days)
    sessions = list(
        Session.objects.filter(
            status__in=UPCOMING,
            starts_at__gte=max(now, _start_of_day(day)),
            starts_at__lt=_start_of_day(day + timedelta(days=1)),
        ).values_list(*SESSION_COLUMNS)
    )
    members = recipients.by_committee({row[1] for row in sessions})
    return _sessions_to_people(Kind.SESSION_TOMORROW, sessions, members)


def minutes_due(rule: ReminderRule, now: datetime) -> list[Due]:
    """J+7 after the session was held without validated minutes: the secretary, then the
    chair."""
    cutoff = now - timedelta(days=rule.days)
    sessions = list(
        Session.objects.filter(status=SessionStatus.HELD, held_at__lte=cutoff).values_list(
            *SESSION_COLUMNS, "held_at"
        )
    )
    committees = {row[1] for row in sessions}

    def params(held_at):
        return {"days": (now - held_at).days}

    dues = _sessions_to_people(
        Kind.MINUTES_DUE,
        sessions,
        recipients.by_committee(committees, CommitteeRole.SECRETARY),
        params=params,
    )
    if rule.escalate_after_days is not None:
        late = [
            row for row in sessions if row[4] <= cutoff - timedelta(days=rule.escalate_after_days)
        ]
        dues += _sessions_to_people(
            Kind.MINUTES_DUE,
            late,
            recipients.by_committee(committees, CommitteeRole.CHAIR),
            occasion=lambda starts_at: f"{_local_day(starts_at)}:escalated",
            params=params,
        )
    return dues


# --- Actions ----------------------------------------------------------------------------------
FOLLOWED = (ActionStatus.APPROVED, ActionStatus.IN_PROGRESS)


def _followed_actions(**conditions) -> list[tuple]:
    """Approved or running actions not handed over to the quality programme: (id, due date,
    named owner if still active and still in the owning organisation, owning organisation)."""
    rows = (
        CorrectiveAction.objects.filter(status__in=FOLLOWED, paqss_reference="", **conditions)
        .annotate(owner_in_charge=named_owner_in_charge())
        .values_list(
            "pk", "due_date", "owner_person_id", "owner_in_charge", "owner_organisation_id"
        )
        .order_by("pk")
    )
    return [
        (pk, due_date, person if in_charge else None, organisation_id)
        for pk, due_date, person, in_charge, organisation_id in rows
    ]


def action_due(rule: ReminderRule, now: datetime) -> list[Due]:
    """J-7 before the due date: the named owner, or the owning organisation's quality team."""
    today = timezone.localdate(now)
    actions = _followed_actions(
        due_date__gte=today, due_date__lte=today + timedelta(days=rule.days)
    )
    quality = recipients.action_followers({row[3] for row in actions})
    link = link_to("actions:detail")
    dues = []
    for pk, due_date, person, organisation_id in actions:
        owners = [person] if person else quality.get(organisation_id, [])
        dues += [
            Due(
                Kind.ACTION_DUE,
                "actions.correctiveaction",
                pk,
                user,
                due_date.isoformat(),
                {"due_date": due_date.isoformat()},
                link(pk),
            )
            for user in owners
        ]
    return dues


def action_overdue(rule: ReminderRule, now: datetime) -> list[Due]:
    """From the day after the due date, then every `repeat_every_days`: the named owner, and
    the quality team once the escalation delay has passed (at once when no one is named)."""
    today = timezone.localdate(now)
    actions = _followed_actions(due_date__lte=today - timedelta(days=rule.days))
    quality = recipients.action_followers({row[3] for row in actions})
    link = link_to("actions:detail")
    dues = []
    for pk, due_date, person, organisation_id in actions:
        late_by = (today - due_date).days - rule.days
        round_ = late_by // rule.repeat_every_days if rule.repeat_every_days else 0
        escalated = rule.escalate_after_days is not None and late_by >= rule.escalate_after_days
        people = [person] if person else []
        if escalated or not person:
            people += quality.get(organisation_id, [])
        params = {"due_date": due_date.isoformat(), "days": (today - due_date).days}
        dues += [
            Due(
                Kind.ACTION_OVERDUE,
                "actions.correctiveaction",
                pk,
                user,
                f"{due_date.isoformat()}:{round_}",
                params,
                link(pk),
            )
            for user in dict.fromkeys(people)
        ]
    return dues


# --- The daily digest -------------------------------------------------------------------------
def digests(now: datetime) -> list[Due]:
    """Once a day, from the digest hour: one digest for each user with notifications waiting
    for it."""
    local = timezone.localtime(now)
    if local.hour < settings.RMM_DIGEST_HOUR:
        return []
    users = (
        Notification.objects.filter(email=EmailState.DIGEST, created_at__lte=now)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by()
    )
    day = local.date().isoformat()
    link = reverse("notifications:list")
    return [Due(Kind.DIGEST, "accounts.user", user, user, day, {}, link) for user in users]


FINDERS: dict[str, Callable[[ReminderRule, datetime], list[Due]]] = {
    Kind.CASE_NOT_ACCEPTED: case_not_accepted,
    Kind.CASE_DOCUMENTING_LONG: case_documenting_long,
    Kind.PREPARE_PRESENTATION: prepare_presentation,
    Kind.AGENDA_NOT_SENT: agenda_not_sent,
    Kind.AGENDA: agenda_to_members,
    Kind.SESSION_TOMORROW: session_tomorrow,
    Kind.MINUTES_DUE: minutes_due,
    Kind.ACTION_DUE: action_due,
    Kind.ACTION_OVERDUE: action_overdue,
}


def due_reminders(now: datetime) -> list[Due]:
    """Everything due now under the active rules."""
    dues: list[Due] = []
    for rule in ReminderRule.objects.filter(is_active=True):
        finder = FINDERS.get(rule.kind)
        if finder is not None:
            dues += finder(rule, now)
    return dues


def sweep(*, now: datetime | None = None) -> None:
    """Record every reminder due now, and the digests (the e-mails go out afterwards)."""
    now = now or timezone.now()
    record(due_reminders(now), now=now)
    record(digests(now), now=now)
