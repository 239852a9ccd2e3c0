"""The committees' rules, each stated once: predicates (is the agenda still open, has the session
begun, who may present, does a case await a review) and the transition guards built on them.
Services, views, forms, templates and the workflow engine all ask here.

Guards return None when satisfied, or the French reason shown when they are not. Models are
imported late: the session model names these guards on its transitions.
"""

from datetime import timedelta

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.status import CaseStatus

C = CaseStatus


def _model(name: str):
    return apps.get_model("committees", name)


def _status_enum():
    from .models.session import SessionStatus

    return SessionStatus


# --- Sessions -------------------------------------------------------------------------------
def agenda_is_open(session) -> bool:
    """The agenda, presenters and the session's details change until the session is held."""
    S = _status_enum()
    return session.status in (S.PLANNED, S.AGENDA_SENT)


def agenda_removal_refusal(session, case_id: int) -> str | None:
    """Why the case cannot be taken off the session's agenda (postponed), None if it can:
    while the agenda is open, or once the session is held for a case it did not review (the
    minutes are validated only when the whole agenda was reviewed); never a case reviewed in
    the session, whose review the minutes hold."""
    S = _status_enum()
    if session.reviews.filter(case_id=case_id).exists():
        return _("Ce cas a été revu dans cette séance : il reste à son ordre du jour.")
    if agenda_is_open(session) or session.status == S.HELD:
        return None
    return _("La séance est « %(status)s » : son ordre du jour ne change plus.") % {
        "status": session.get_status_display()
    }


def has_begun(session) -> bool:
    return session.starts_at <= timezone.now()


# The HAS method: the agenda reaches the members about a week before the session.
AGENDA_NOTICE = timedelta(days=7)


def agenda_notice_is_short(session) -> bool:
    """The agenda is not sent yet and would reach the members less than a week before the
    session (or after it): the secretary is warned, the members have less time to prepare."""
    return (
        session.status == _status_enum().PLANNED
        and session.starts_at - timezone.now() < AGENDA_NOTICE
    )


def reviews_can_be_recorded_in(session) -> bool:
    """Reviews are recorded during or after the session, before its minutes are validated."""
    S = _status_enum()
    return session.status in (S.AGENDA_SENT, S.HELD) and has_begun(session)


def reviews_can_be_corrected_in(session) -> bool:
    """A recorded review is corrected until the minutes are validated; then it is frozen with
    them, until the minutes are reopened for correction (DESIGN §5: a correction is a new
    version of the minutes)."""
    return review_correction_refusal(session) is None


def review_correction_refusal(session) -> str | None:
    """Why the reviews of `session` can no longer be corrected (None if they can): the guard
    of every route that corrects a review (review page, service)."""
    S = _status_enum()
    if session.status == S.MINUTES_VALIDATED:
        return _(
            "Le compte rendu de cette séance est validé : ses revues sont figées. Rouvrez le "
            "compte rendu pour correction (avec un motif) afin de corriger une revue."
        )
    if not reviews_can_be_recorded_in(session):
        return _("Cette revue ne peut plus être corrigée dans cette séance.")
    return None


def minutes_can_be_drafted(session) -> bool:
    """Minutes are written once the session is held; after validation, as a new version."""
    S = _status_enum()
    return session.status in (S.HELD, S.MINUTES_VALIDATED)


def attendance_is_open(session) -> bool:
    """Attendance is recorded until the minutes are validated; reopening the minutes for
    correction reopens it (the minutes are versioned, a correction may concern who was
    there), and the next validation locks it again."""
    return attendance_refusal(session.status) is None


def attendance_refusal(status: str) -> str | None:
    """Why the attendance of a session in `status` can no longer change (None if it can): the
    guard of every route that writes attendance (service, model, admin)."""
    S = _status_enum()
    if status == S.MINUTES_VALIDATED:
        return _(
            "Le compte rendu de cette séance est validé : les présences sont figées. Rouvrez "
            "le compte rendu pour correction afin de les modifier."
        )
    if status == S.CANCELLED:
        return _("La séance est annulée : ses présences ne s'enregistrent pas.")
    return None


def quorum(session) -> tuple[int, bool]:
    """(members present, whether the committee's quorum is reached)."""
    Attendance = _model("Attendance")
    present = session.attendance.filter(status=Attendance.Status.PRESENT).count()
    return present, present >= session.committee.quorum


def agenda_not_empty(session) -> str | None:
    # The session page reads the agenda's size with its rows (`selectors.agenda_page`) and
    # keeps it on the session object for the guards of that request; elsewhere, one query.
    size = getattr(session, "agenda_size", None)
    has_agenda = size > 0 if size is not None else session.agenda.exists()
    return None if has_agenda else _("L'ordre du jour est vide.")


def session_has_begun(session) -> str | None:
    return None if has_begun(session) else _("La séance n'a pas encore eu lieu.")


def attendance_recorded(session) -> str | None:
    # The session page reads the attendance with the members (`selectors.session_attendance`)
    # and keeps whether any is recorded on the session for this request; elsewhere, one query.
    recorded = getattr(session, "has_attendance", None)
    if recorded if recorded is not None else session.attendance.exists():
        return None
    return _("Les présences ne sont pas enregistrées.")


def agenda_cases_reviewed(session) -> str | None:
    """`validate_minutes`: every case on the agenda has its review recorded in this session;
    a case that was not reviewed is postponed first (it leaves the agenda), so the minutes
    account for the whole agenda."""
    codes = list(
        session.agenda.exclude(case__reviews__session_id=session.pk)
        .order_by("case__code")
        .values_list("case__code", flat=True)
        .distinct()
    )
    if not codes:
        return None
    return _(
        "Des cas de l'ordre du jour n'ont pas été revus dans cette séance : %(codes)s. "
        "Enregistrez leur revue, ou reportez-les, avant de valider le compte rendu."
    ) % {"codes": ", ".join(codes)}


def latest_minutes_validated(session) -> str | None:
    latest = session.minutes.order_by("-version").first()
    if latest is None or not latest.is_frozen:
        return _("La dernière version du compte rendu n'est pas validée.")
    return None


# --- Presenters -----------------------------------------------------------------------------
def presenter_choices(session, case=None) -> QuerySet:
    """Who may present a case of this session: the committee's active members, and the
    clinician who declared the case."""
    User = apps.get_model("accounts", "User")
    condition = Q(
        committee_memberships__committee_id=session.committee_id,
        committee_memberships__is_active=True,
    )
    if case is not None:
        condition |= Q(pk=case.declared_by_id)
    return User.objects.filter(condition, is_active=True).distinct()


def may_present(user, session, case) -> bool:
    return presenter_choices(session, case).filter(pk=user.pk).exists()


# --- Reviews --------------------------------------------------------------------------------
# The minimum a review must hold before `record_review` (French labels for the refusal).
REQUIRED_FOR_REVIEW = {
    "icd_pm_group": gettext_lazy("le groupe CIM-PM"),
    "maternal_condition": gettext_lazy("la condition maternelle"),
    "grade_care_to_death": gettext_lazy("la note des soins jusqu'au décès"),
    "grade_neonatal_care": gettext_lazy("la note des soins néonatals"),
    "grade_after_death": gettext_lazy("la note des soins après le décès"),
    "avoidability": gettext_lazy("l'évitabilité"),
    "optimal_care": gettext_lazy("soins optimaux ou non"),
}


def missing_for_review(review) -> list[str]:
    missing = [
        str(label)
        for field, label in REQUIRED_FOR_REVIEW.items()
        if getattr(review, field) in (None, "")
    ]
    if not review.conclusion.strip():
        missing.append(_("la conclusion du comité"))
    return missing


def cases_awaiting_re_review(cases: QuerySet) -> QuerySet:
    """Reviewed cases the chair reopened after their latest review (one review per
    reopening), as a queryset filter: a `reopen` transition that no review recorded since (at
    the same moment or later) answers.

    Written as EXISTS rather than as the latest reopening compared with the latest review, and
    with the (implied) "ever reopened" beside it: the planner then matches the reviewed cases
    (an index by organisation and status) with the few reopenings (a partial index) and
    checks the reviews of those alone, instead of looking up every reopened case (0.7 ms
    instead of 5 to 10 at 100,000 cases)."""
    CaseTransition = apps.get_model("cases", "CaseTransition")
    CaseReview = _model("CaseReview")
    reopenings = CaseTransition.objects.filter(transition="reopen")
    answered = CaseReview.objects.filter(case=OuterRef("case_id"), recorded_at__gte=OuterRef("at"))
    pending = reopenings.filter(case=OuterRef("pk")).exclude(Exists(answered))
    return cases.filter(status=C.REVIEWED, pk__in=reopenings.values("case_id")).filter(
        Exists(pending)
    )


def awaiting_re_review_sql(case: str) -> tuple[str, list]:
    """`cases_awaiting_re_review` as an SQL condition on the case table aliased `case`, with
    its parameters, for a statement written by hand (the session page's candidates): the same
    EXISTS, tested to select the same cases as the queryset."""
    transitions = apps.get_model("cases", "CaseTransition")._meta.db_table
    reviews = _model("CaseReview")._meta.db_table
    return (
        f"{case}.status = %s AND {case}.id IN"  # noqa: S608 (tables from the models)
        f" (SELECT t.case_id FROM {transitions} t WHERE t.transition = %s)"
        f" AND EXISTS (SELECT 1 FROM {transitions} r WHERE r.transition = %s"
        f" AND r.case_id = {case}.id AND NOT EXISTS (SELECT 1 FROM {reviews} v"
        " WHERE v.case_id = r.case_id AND v.recorded_at >= r.at))",
        [C.REVIEWED, "reopen", "reopen"],
    )


def awaits_re_review(case) -> bool:
    Case = apps.get_model("cases", "Case")
    return cases_awaiting_re_review(Case.objects.filter(pk=case.pk)).exists()


def awaits_review(case) -> bool:
    """On an agenda for a first review (scheduled), or reopened since its latest review."""
    return case.status == C.SCHEDULED or awaits_re_review(case)


# --- Guards on the case transitions (registered in apps.py) ---------------------------------
def on_an_open_agenda(case) -> str | None:
    """`schedule`: the case is on the agenda of a coming session of a committee covering it."""
    from .permissions import committee_covers

    S = _status_enum()
    items = _model("AgendaItem").objects.filter(
        case_id=case.pk, session__status__in=(S.PLANNED, S.AGENDA_SENT)
    )
    if any(
        committee_covers(item.session.committee, case)
        for item in items.select_related("session__committee")
    ):
        return None
    return _("Le cas n'est à l'ordre du jour d'aucune séance à venir d'un comité qui le couvre.")


def review_recorded_with_quorum(case) -> str | None:
    """`record_review`: a complete review of the case is recorded, in a session that has
    begun, with its quorum."""
    review = (
        _model("CaseReview")
        .objects.filter(case_id=case.pk)
        .select_related("session__committee")
        .order_by("-recorded_at", "-pk")
        .first()
    )
    if review is None:
        return _("Aucune revue n'est enregistrée pour ce cas.")
    reasons = []
    if not reviews_can_be_recorded_in(review.session):
        reasons.append(_("La revue n'a pas été enregistrée pendant ou après sa séance."))
    present, reached = quorum(review.session)
    if not reached:
        reasons.append(
            _("Le quorum n'est pas atteint (%(present)s présent(s), %(quorum)s requis).")
            % {"present": present, "quorum": review.session.committee.quorum}
        )
    if missing := missing_for_review(review):
        reasons.append(
            _("La revue est incomplète : %(missing)s.") % {"missing": ", ".join(missing)}
        )
    return " ".join(reasons) or None


def no_re_review_pending(case) -> str | None:
    """`adopt_action_plan` and `close`: a case the chair reopened is reviewed again first."""
    if awaits_re_review(case):
        return _("Le cas a été rouvert : il attend sa nouvelle revue en séance.")
    return None
