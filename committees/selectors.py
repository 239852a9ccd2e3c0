"""Reads of the committees app, scoped to the user, with bounded query counts."""

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.scope import with_covered_organisations
from cases.clinical import CaseKind
from cases.models import Case, CaseTransition
from cases.status import CaseStatus

from . import minutes_sections
from .conditions import agenda_is_open, cases_awaiting_re_review
from .models import AgendaItem, Attendance, CaseReview, Session
from .permissions import sessions_visible_to


def session_list_for(*, user) -> QuerySet[Session]:
    return (
        sessions_visible_to(user)
        .select_related("committee")
        .annotate(case_count=Count("agenda", distinct=True))
        .order_by("-starts_at", "-pk")
    )


def agenda_of(*, session: Session) -> list[AgendaItem]:
    return list(session.agenda.select_related("case", "presenter").order_by("position", "pk"))


def agenda_candidates(*, session: Session) -> QuerySet[Case]:
    """Cases this session may take: ready cases the committee covers, and those the chair
    reopened since their latest review. None once the agenda is closed."""
    if not agenda_is_open(session):
        return Case.objects.none()
    covered = with_covered_organisations({session.committee.organisation_id})
    # Reopened cases are found from the few `reopen` transitions (a partial index holds
    # them) rather than by looking at the history of every reviewed case; both sets are read
    # through indexes, never with an OR over a subquery, which scanned the whole table.
    ever_reopened = CaseTransition.objects.filter(transition="reopen").values("case_id")
    reopened = list(
        cases_awaiting_re_review(
            Case.objects.filter(organisation_id__in=covered, pk__in=ever_reopened)
        ).values_list("pk", flat=True)
    )
    return (
        Case.objects.filter(
            Q(organisation_id__in=covered, status=CaseStatus.READY) | Q(pk__in=reopened)
        )
        .exclude(agenda_items__session=session)
        .order_by("ready_at", "pk")
    )


def agenda_candidate_choices(*, session: Session) -> list[tuple[int, str]]:
    """(id, "code — kind") of the agenda's candidates, for the session page's select: the
    two columns it shows, labelled once for the whole list."""
    kinds = {value: str(label) for value, label in CaseKind.choices}
    return [
        (pk, f"{code} — {kinds.get(kind, kind)}")
        for pk, code, kind in agenda_candidates(session=session).values_list("pk", "code", "kind")
    ]


def earlier_reviews(*, case, session: Session) -> list[CaseReview]:
    """The case's reviews in other sessions (before a reopening), for the review screen."""
    return list(
        CaseReview.objects.filter(case=case)
        .exclude(session=session)
        .select_related("session", "icd_pm_group", "maternal_condition")
    )


def attendance_of(*, session: Session) -> list[tuple]:
    """(committee member, status or '') for every active member, in a fixed number of queries."""
    recorded = {a.member_id: a.status for a in session.attendance.all()}
    members = session.committee.members.filter(is_active=True).select_related("user")
    return [(member, recorded.get(member.pk, "")) for member in members]


def reviews_of(*, session: Session) -> QuerySet[CaseReview]:
    return (
        session.reviews.select_related("case", "icd_pm_group", "maternal_condition")
        .prefetch_related("delays", "pathway_breaks", Prefetch("factors__item__category"))
        .order_by("case__code")
    )


def minutes_context(*, session: Session) -> dict:
    """Everything the minutes show: anonymous by construction (case codes, pseudonymised
    classifications, attendance by role and specialty, never a patient's identity)."""
    attendance = session.attendance.select_related("member").order_by(
        "member__role", "member__specialty"
    )
    reviews = list(reviews_of(session=session))
    extras = minutes_sections.case_sections(
        session=session, case_ids=[review.case_id for review in reviews]
    )
    for review in reviews:
        review.extra_sections = extras[review.case_id]
    return {
        "session": session,
        "agenda": agenda_of(session=session),
        "reviews": reviews,
        "sections": minutes_sections.session_sections(session=session),
        "present": [a.member for a in attendance if a.status == Attendance.Status.PRESENT],
        "excused": [a.member for a in attendance if a.status == Attendance.Status.EXCUSED],
        "quorum": session.committee.quorum,
    }
