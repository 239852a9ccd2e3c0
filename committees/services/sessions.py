"""Planning and holding sessions: charter, agenda, attendance, session transitions."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from cases.exceptions import NotAllowed, TransitionConflict, TransitionRefused
from cases.models import Case
from cases.services.transitions import case_transition
from cases.status import CaseStatus

from ..models import (
    CHARTER_VERSION,
    AgendaItem,
    Attendance,
    CharterAcceptance,
    Committee,
    CommitteeMember,
    Session,
)
from ..permissions import (
    can_plan_session,
    can_plan_sessions,
    committee_covers,
    committee_ids,
    forget,
)

TRANSITION_LABELS = {
    "send_agenda": gettext_lazy("Envoyer l'ordre du jour"),
    "hold": gettext_lazy("Marquer la séance comme tenue"),
    "cancel": gettext_lazy("Annuler la séance"),
}


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
    if open_only and session.status not in ("planned", "agenda_sent"):
        raise TransitionConflict(
            _("La séance est « %(status)s » : son ordre du jour ne change plus.")
            % {"status": session.get_status_display()}
        )
    return session


@transaction.atomic
def agenda_add(*, session: Session, case: Case, by, presenter=None) -> AgendaItem:
    """Put a ready case on the agenda: the case moves to 'scheduled' (audited). A case the
    chair reopened ('reviewed') joins the agenda for a new review without changing status."""
    session = _locked_session(session, by)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if (
        presenter is not None
        and not CommitteeMember.objects.filter(
            committee=session.committee, user=presenter, is_active=True
        ).exists()
        and presenter.pk != case.declared_by_id
    ):
        raise NotAllowed(_("Le présentateur doit être membre du comité ou le déclarant du cas."))
    if not committee_covers(session.committee, case):
        raise NotAllowed(_("Ce cas ne relève pas de ce comité."))
    if session.agenda.filter(case=case).exists():
        raise TransitionConflict(_("Ce cas est déjà à l'ordre du jour de cette séance."))
    reopened = case.status == "reviewed" and case.transitions.filter(transition="reopen").exists()
    if not reopened:
        case_transition(case_id=case.pk, name="schedule", by=by, expected_status="ready")
    last = session.agenda.aggregate(last=Max("position"))["last"]
    return AgendaItem.objects.create(
        session=session, case=case, presenter=presenter, position=0 if last is None else last + 1
    )


@transaction.atomic
def agenda_remove(*, session: Session, item: AgendaItem, by, comment: str = "") -> None:
    """Take a case off the agenda: it waits for a later session ('ready' again, audited)."""
    _locked_session(session, by)
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
    item.presenter = presenter
    item.save(update_fields=["presenter"])
    return item


@transaction.atomic
def attendance_record(*, session: Session, by, statuses: dict[int, str]) -> None:
    """Record who was present, excused or absent ({committee member id: status})."""
    session = _locked_session(session, by, open_only=False)
    if session.status in ("minutes_validated", "cancelled"):
        raise TransitionConflict(_("La séance est close : la présence ne change plus."))
    members = {m.pk: m for m in session.committee.members.filter(pk__in=statuses)}
    for member_id, status in statuses.items():
        if member_id not in members:
            raise NotAllowed(_("Ce membre n'appartient pas au comité."))
        Attendance.objects.update_or_create(
            session=session, member=members[member_id], defaults={"status": status}
        )


@transaction.atomic
def session_transition(
    *, session: Session, name: str, by, expected_status: str, reason: str = ""
) -> Session:
    """send_agenda, hold or cancel a session; cancelling sends its cases back to 'ready'."""
    if name not in TRANSITION_LABELS:
        raise NotAllowed(_("Action inconnue."))
    session = _locked_session(session, by, open_only=False)
    if session.status != expected_status:
        raise TransitionConflict(
            _(
                "Cette séance a été modifiée entre-temps (statut actuel : %(status)s). "
                "Rien n'a été changé : rechargez la page."
            )
            % {"status": session.get_status_display()}
        )
    method = getattr(session, name)
    if not can_proceed(method):
        raise TransitionConflict(
            _("Cette action n'est pas possible au statut « %(status)s ».")
            % {"status": session.get_status_display()}
        )
    if name == "send_agenda" and not session.agenda.exists():
        raise TransitionRefused([_("l'ordre du jour est vide")])
    if name == "hold":
        reasons = []
        if session.starts_at > timezone.now():
            reasons.append(_("la séance n'a pas encore eu lieu"))
        if not session.agenda.exists():
            reasons.append(_("l'ordre du jour est vide"))
        if not session.attendance.exists():
            reasons.append(_("les présences ne sont pas enregistrées"))
        if reasons:
            raise TransitionRefused(reasons)
    if name == "cancel":
        if not reason.strip():
            raise TransitionRefused([_("un motif d'annulation est obligatoire")])
        comment = _("Séance annulée : %(reason)s") % {"reason": reason}
        for item in list(session.agenda.all()):
            _take_off_agenda(item, by=by, comment=comment)
        method(reason=reason.strip())
    else:
        method()
    session.save()
    if name == "send_agenda":
        from ..tasks import send_agenda_task

        session_id = session.pk
        transaction.on_commit(lambda: send_agenda_task.delay(session_id))
    return session


def quorum_reached(session: Session) -> tuple[int, bool]:
    present = session.attendance.filter(status=Attendance.Status.PRESENT).count()
    return present, present >= session.committee.quorum
