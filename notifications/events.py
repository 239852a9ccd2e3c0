"""Event notifications (DESIGN §7): registered as effects of the transitions that cause them, so
their ledger rows are written in the same transaction as the change (a rolled-back change tells
no one), and their e-mails are queued only once it commits."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import recipients
from .ledger import Due, record
from .models import EmailState, Kind, Notification


def announce(dues: list[Due]) -> None:
    record(dues)
    subjects = {(due.kind, due.subject_type, due.subject_id) for due in dues}
    if subjects:
        transaction.on_commit(lambda: _queue_emails(subjects))


def _queue_emails(subjects) -> None:
    from .tasks import dispatch

    ids = []
    for kind, subject_type, subject_id in subjects:
        ids += Notification.objects.filter(
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            email=EmailState.PENDING,
            email_retry_at__isnull=True,
        ).values_list("pk", flat=True)
    dispatch(sorted(ids))


def case_declared(*, instance, **_context) -> None:
    """A new case for the coordinators of the declaring organisation."""
    people = recipients.coordinators({instance.organisation_id}).get(instance.organisation_id, [])
    link = reverse("cases:detail", args=[instance.pk])
    params = {"code": instance.code}
    announce(
        [
            Due(Kind.CASE_DECLARED, "cases.case", instance.pk, user, "declared", params, link)
            for user in people
        ]
    )


def case_ready(*, instance, **_context) -> None:
    """A case ready for review, for the chairs and secretaries of the committees covering it
    (each submission is its own occasion: a case sent back and submitted again is news)."""
    people = recipients.planners_covering({instance.organisation_id}).get(
        instance.organisation_id, []
    )
    occasion = timezone.localtime(instance.ready_at or timezone.now()).strftime("%Y%m%dT%H%M%S")
    link = reverse("cases:detail", args=[instance.pk])
    params = {"code": instance.code}
    announce(
        [
            Due(Kind.CASE_READY, "cases.case", instance.pk, user, occasion, params, link)
            for user in people
        ]
    )


def action_assigned(*, instance, **_context) -> None:
    """An approved action, for its named owner (while still in the owning organisation, the
    rule of `actions.permissions.owned_by`) or else the owning organisation's quality team
    (its coordinators where it has none)."""
    from actions.models import CorrectiveAction
    from actions.permissions import named_owner_in_charge

    in_charge = (
        instance.owner_person_id
        and CorrectiveAction.objects.filter(pk=instance.pk, owner_person__isnull=False)
        .filter(named_owner_in_charge())
        .exists()
    )
    if in_charge:
        people = [instance.owner_person_id]
    else:
        organisation = instance.owner_organisation_id
        people = recipients.action_followers({organisation}).get(organisation, [])
    link = reverse("actions:detail", args=[instance.pk])
    params = {"due_date": instance.due_date.isoformat()}
    announce(
        [
            Due(
                Kind.ACTION_ASSIGNED,
                "actions.correctiveaction",
                instance.pk,
                user,
                "approved",
                params,
                link,
            )
            for user in people
        ]
    )


def agenda_sent(*, instance, **_context) -> None:
    """The agenda, one message per member (the same ledger row as the J-7 reminder)."""
    people = recipients.by_committee({instance.committee_id}).get(instance.committee_id, [])
    day = timezone.localtime(instance.starts_at).date().isoformat()
    params = {"session_date": day, "committee": instance.committee.name}
    link = reverse("committees:session_detail", args=[instance.pk])
    announce(
        [
            Due(Kind.AGENDA, "committees.session", instance.pk, user, day, params, link)
            for user in people
        ]
    )


GUEST_SUBJECT = "committees.sessionguest"


def _members_and_presenters(session) -> set[int]:
    """Who expects to sit in a session: its committee's active members and its presenters."""
    people = set(recipients.by_committee({session.committee_id}).get(session.committee_id, []))
    people |= set(
        session.agenda.filter(presenter__isnull=False, presenter__is_active=True).values_list(
            "presenter_id", flat=True
        )
    )
    return people


def _session_notices(
    session, kind: str, occasion: str, params: dict, people: set[int], *, guest_links: bool
) -> list[Due]:
    """`kind` for `people` (the session's page), and for the professionals invited for one of
    its cases who are not among them (each for their case, by its code; their invitation page,
    or no link when it has closed)."""
    from committees.models import SessionGuest

    link = reverse("committees:session_detail", args=[session.pk])
    dues = [
        Due(kind, "committees.session", session.pk, user, occasion, params, link)
        for user in sorted(people)
    ]
    # An invitation whose case has left the agenda is over: its guest is told nothing more.
    guests = SessionGuest.objects.filter(
        session=session, revoked_at__isnull=True, agenda_item__isnull=False, user__is_active=True
    ).values_list("pk", "user_id", "case__code")
    dues += [
        Due(
            kind,
            GUEST_SUBJECT,
            guest_pk,
            user_id,
            occasion,
            {**params, "code": code, "guest": True},
            reverse("committees:invitation", args=[guest_pk]) if guest_links else "",
        )
        for guest_pk, user_id, code in guests
        if user_id not in people
    ]
    return dues


def session_cancelled(*, instance, **_context) -> None:
    """A cancelled session, for whoever expected to be there: its committee's members, the
    presenters of its cases and the professionals invited for one of them (each for their
    case, by its code only). Never the reason (the committee reads it on the session page).
    The invitation page closes with the session: a guest's notice links nowhere."""
    session = instance
    starts = timezone.localtime(session.starts_at)
    params = {
        "session_date": starts.date().isoformat(),
        "session_time": starts.strftime("%H:%M"),
        "committee": session.committee.name,
    }
    people = _members_and_presenters(session)
    announce(
        _session_notices(
            session, Kind.SESSION_CANCELLED, "cancelled", params, people, guest_links=False
        )
    )


def session_moved(session, previous_start) -> None:
    """A session moved (date, time, place or link): the professionals invited for one of its
    cases (each for their case, by its code), and, once the agenda was sent, its committee's
    members and its presenters. The old and new dates, the time and the place only."""
    from committees.models import SessionStatus

    starts = timezone.localtime(session.starts_at)
    params = {
        "session_date": starts.date().isoformat(),
        "session_time": starts.strftime("%H:%M"),
        "previous_date": timezone.localtime(previous_start).date().isoformat(),
        "committee": session.committee.name,
        "place": session.place or "",
        "video": bool(session.video_link),
    }
    # Each move is its own occasion (moved there and back, told each time).
    occasion = timezone.now().strftime("%Y%m%dT%H%M%S%f")
    told = session.status == SessionStatus.AGENDA_SENT
    people = _members_and_presenters(session) if told else set()
    announce(
        _session_notices(session, Kind.SESSION_MOVED, occasion, params, people, guest_links=True)
    )


def guest_invited(guest) -> None:
    """A professional invited for one case of a session (issue 15): the case code, the
    session's date, time and place (or that it is held by video: the link itself stays on the
    invitation page, behind login), never more (no identity, no other case of the agenda).
    Told with the agenda's kind: like the agenda, an invitation always reaches its person by
    e-mail. Each invitation is its own occasion (invited again after a removal: told again)."""
    session = guest.session
    starts = timezone.localtime(session.starts_at)
    params = {
        "code": guest.case.code,
        "session_date": starts.date().isoformat(),
        "session_time": starts.strftime("%H:%M"),
        "place": session.place or "",
        "video": bool(session.video_link),
        "guest": True,
    }
    occasion = timezone.localtime(guest.invited_at).strftime("%Y%m%dT%H%M%S")
    link = reverse("committees:invitation", args=[guest.pk])
    announce([Due(Kind.AGENDA, GUEST_SUBJECT, guest.pk, guest.user_id, occasion, params, link)])
