"""Planning and holding sessions: charter, agenda, attendance, session transitions."""

from collections.abc import Callable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.exceptions import InvalidInput, NotAllowed, TransitionConflict
from cases.models import Case
from cases.services.transitions import case_transition
from cases.status import CaseStatus
from rmm import workflow

from ..conditions import (
    agenda_is_open,
    agenda_removal_refusal,
    attendance_refusal,
    awaits_re_review,
    may_present,
    quorum,
)
from ..models import (
    CHARTER_VERSION,
    AgendaItem,
    Attendance,
    CharterAcceptance,
    Committee,
    Session,
)
from ..models.session import RESCHEDULED
from ..permissions import (
    can_plan_session,
    can_plan_sessions,
    committee_covers,
    committee_ids,
    forget,
)


def charter_accept(*, committee: Committee, by) -> CharterAcceptance:
    """A member signs the confidentiality charter (once per version), recorded and dated."""
    if committee.pk not in committee_ids(by):
        raise NotAllowed(_("Vous n'êtes pas membre de ce comité."))
    acceptance, _created = CharterAcceptance.objects.get_or_create(
        committee=committee, user=by, version=CHARTER_VERSION
    )
    forget(by)
    return acceptance


def session_plan(*, committee: Committee, by, **fields) -> Session:
    if not can_plan_sessions(by, committee):
        raise NotAllowed(_("Seuls le président et le secrétaire planifient les séances."))
    session = Session(committee=committee, created_by=by, **fields)
    session.full_clean(exclude=["status"])
    session.save()
    return session


def _locked_session(session: Session, by, *, open_only: bool = True) -> Session:
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not can_plan_session(by, session):
        raise NotAllowed(_("Seuls le président et le secrétaire du comité organisent la séance."))
    if open_only and not agenda_is_open(session):
        raise TransitionConflict(
            _("La séance est « %(status)s » : son ordre du jour ne change plus.")
            % {"status": session.get_status_display()}
        )
    return session


@transaction.atomic
def agenda_add(*, session: Session, case: Case, by, presenter=None) -> AgendaItem:
    """Put a ready case on the agenda: the case moves to 'scheduled' (audited; the transition's
    guard checks the agenda item written just before). A case the chair reopened since its
    latest review ('reviewed') joins the agenda for a new review without changing status."""
    session = _locked_session(session, by)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if presenter is not None and not may_present(presenter, session, case):
        raise NotAllowed(_("Le présentateur doit être membre du comité ou le déclarant du cas."))
    if not committee_covers(session.committee, case):
        raise NotAllowed(_("Ce cas ne relève pas de ce comité."))
    if session.agenda.filter(case=case).exists():
        raise TransitionConflict(_("Ce cas est déjà à l'ordre du jour de cette séance."))
    reopened = awaits_re_review(case)
    if case.status != CaseStatus.READY and not reopened:
        raise TransitionConflict(
            _("Ce cas n'attend pas de revue (statut : %(status)s).")
            % {"status": case.get_status_display()}
        )
    last = session.agenda.aggregate(last=Max("position"))["last"]
    item = AgendaItem.objects.create(
        session=session, case=case, presenter=presenter, position=0 if last is None else last + 1
    )
    if not reopened:
        case_transition(case_id=case.pk, name="schedule", by=by, expected_status=CaseStatus.READY)
    return item


@transaction.atomic
def agenda_remove(*, session: Session, item: AgendaItem, by, comment: str = "") -> None:
    """Take a case off the agenda: it waits for a later session ('ready' again, audited). Once
    the session is held, only a case it did not review leaves (so that its minutes can be
    validated); a case reviewed in the session stays on its agenda."""
    session = _locked_session(session, by, open_only=False)
    if refusal := agenda_removal_refusal(session, item.case_id):
        raise TransitionConflict(refusal)
    _take_off_agenda(item, by=by, comment=comment)


def _take_off_agenda(item: AgendaItem, *, by, comment: str) -> None:
    # A scheduled case is postponed: the transition's effect (withdraw_from_agendas) removes
    # the item with it. A reopened case keeps its status ('reviewed'): only the item goes.
    case = Case.objects.select_for_update().get(pk=item.case_id)
    if case.status == CaseStatus.SCHEDULED:
        case_transition(
            case_id=case.pk,
            name="postpone",
            by=by,
            expected_status=CaseStatus.SCHEDULED,
            comment=comment,
        )
    AgendaItem.objects.filter(pk=item.pk).delete()


def withdraw_from_agendas(*, instance, transition: str, source: str, by) -> None:
    """A case that leaves the committee's hands (sent back to its coordinator, postponed)
    leaves every agenda it was waiting on, in the same transaction as its transition, so no
    committee page keeps showing it (registered on the case transitions in apps.py)."""
    case = instance
    AgendaItem.objects.filter(case_id=case.pk).exclude(session__reviews__case_id=case.pk).delete()


@transaction.atomic
def agenda_move(*, session: Session, item: AgendaItem, by, offset: int) -> None:
    session = _locked_session(session, by)
    items = list(session.agenda.select_for_update().order_by("position", "pk"))
    index = next(i for i, entry in enumerate(items) if entry.pk == item.pk)
    items.insert(max(0, min(len(items) - 1, index + offset)), items.pop(index))
    for position, entry in enumerate(items):
        if entry.position != position:
            AgendaItem.objects.filter(pk=entry.pk).update(position=position)


@transaction.atomic
def agenda_set_presenter(*, session: Session, item: AgendaItem, by, presenter) -> AgendaItem:
    _locked_session(session, by)
    if presenter is not None and not may_present(presenter, session, item.case):
        raise NotAllowed(_("Le présentateur doit être membre du comité ou le déclarant du cas."))
    item.presenter = presenter
    item.save(update_fields=["presenter"])
    return item


@transaction.atomic
def attendance_record(*, session: Session, by, statuses: dict[int, str]) -> None:
    """Record who was present, excused or absent ({committee member id: status})."""
    session = _locked_session(session, by, open_only=False)
    if refusal := attendance_refusal(session.status):
        raise TransitionConflict(refusal)
    members = {m.pk: m for m in session.committee.members.filter(pk__in=statuses)}
    for member_id, status in statuses.items():
        if member_id not in members:
            raise NotAllowed(_("Ce membre n'appartient pas au comité."))
        Attendance.objects.update_or_create(
            session=session, member=members[member_id], defaults={"status": status}
        )


def session_transition(
    *, session: Session, name: str, by, expected_status: str, reason: str = ""
) -> Session:
    """send_agenda, hold, cancel (its cases wait for another session) or any other session
    transition, through the workflow engine (permission, guards, audit, signal)."""
    return workflow.apply(
        model=Session,
        pk=session.pk,
        name=name,
        by=by,
        expected_status=expected_status,
        comment=reason,
    )


def release_agenda(*, instance: Session, transition: str, source: str, by) -> None:
    """A cancelled session gives its cases back: each scheduled case is postponed (audited),
    in the cancellation's transaction (registered on `cancel` in apps.py)."""
    comment = _("Séance annulée : %(reason)s") % {"reason": instance.cancellation_reason}
    for item in list(instance.agenda.all()):
        _take_off_agenda(item, by=by, comment=comment)


_moved_hooks: list[Callable[[Session, datetime], None]] = []


def on_session_moved(hook: Callable[[Session, datetime], None]) -> Callable:
    """`hook(session, previous start)` after a session moved (notifications registers one)."""
    if hook not in _moved_hooks:
        _moved_hooks.append(hook)
    return hook


MOVABLE_FIELDS = ("starts_at", "duration_minutes", "place", "video_link")


@transaction.atomic
def session_reschedule(
    *, session: Session, by, expected_status: str, expected_revision: int | None = None, **fields
) -> Session:
    """Move a session that has not taken place (date and time, duration, place or video link):
    its agenda, presenters and invitations stay. Written in its history (the old and new
    dates only); whoever was told of it is told again (notifications' hook)."""
    session = _locked_session(session, by, open_only=False)
    if not agenda_is_open(session):
        raise TransitionConflict(
            _("La séance est « %(status)s » : elle ne se déplace plus.")
            % {"status": session.get_status_display()}
        )
    if session.status != expected_status or (
        expected_revision is not None and session.times_moved() != expected_revision
    ):
        # Another planner moved it, or moved it on, since this page was shown: sending the old
        # page would put back what they changed.
        raise TransitionConflict(
            _(
                "La séance a changé entre-temps (« %(status)s », le %(date)s) : rechargez la "
                "page ; rien n'a été modifié."
            )
            % {
                "status": session.get_status_display(),
                "date": timezone.localtime(session.starts_at).strftime("%d/%m/%Y %H:%M"),
            }
        )
    moved_to = fields.get("starts_at", session.starts_at)
    if moved_to != session.starts_at and moved_to < timezone.now():
        raise InvalidInput(
            _(
                "Une séance se déplace vers une date à venir ; une séance qui a eu lieu se marque "
                "« tenue » à sa date."
            )
        )
    unknown = set(fields) - set(MOVABLE_FIELDS)
    if unknown:
        raise NotAllowed(_("Seuls la date, la durée, le lieu et le lien se modifient ici."))
    before = {name: getattr(session, name) for name in MOVABLE_FIELDS}
    for name, value in fields.items():
        setattr(session, name, value)
    if {name: getattr(session, name) for name in MOVABLE_FIELDS} == before:
        return session
    try:
        session.full_clean(exclude=["status"])
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from error
    session.save(update_fields=list(MOVABLE_FIELDS))
    moment = "%d/%m/%Y %H:%M"
    session.transitions.create(
        transition=RESCHEDULED,
        source=session.status,
        target=session.status,
        actor=by,
        actor_name=by.get_full_name() or by.email,
        comment=_("Séance du %(before)s, maintenant le %(after)s.")
        % {
            "before": timezone.localtime(before["starts_at"]).strftime(moment),
            "after": timezone.localtime(session.starts_at).strftime(moment),
        },
    )
    for hook in _moved_hooks:
        hook(session, before["starts_at"])
    return session


def quorum_reached(session: Session) -> tuple[int, bool]:
    return quorum(session)
