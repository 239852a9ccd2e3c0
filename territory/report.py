"""The anonymous annual report the HAS method asks for: activity, sessions and attendance
(counts, never names), cases, classifications, avoidability, contributing factors, corrective
actions and their follow-up, for one year and one scope, as a PDF drawn by WeasyPrint (charts as
server-side SVG, no network fetch)."""

from dataclasses import dataclass, replace

from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from committees.models import AgendaItem, Attendance, CommitteeRole, Session, SessionStatus
from committees.pdf import html_to_pdf

from . import selectors
from .diagnosis import diagnosis_build
from .selectors import TerritoryFilters

HELD = (SessionStatus.HELD, SessionStatus.MINUTES_VALIDATED)


@dataclass(frozen=True)
class SessionActivity:
    planned: int  # sessions of the year, whatever became of them
    held: int
    minutes_validated: int
    cancelled: int
    cases_presented: int  # agenda items of the held sessions
    present: int
    excused: int
    absent: int
    experts_present: int

    @property
    def present_per_session(self) -> str:
        if not self.held:
            return "—"
        return f"{self.present / self.held:.1f}".replace(".", ",")

    @property
    def attendance_percent(self) -> int | None:
        recorded = self.present + self.excused + self.absent
        return round(100 * self.present / recorded) if recorded else None


def session_activity(*, cases: QuerySet, year: int, committee_id: int | None) -> SessionActivity:
    """Sessions of `year` that had at least one of `cases` on their agenda, and their attendance
    (counts only): three queries."""
    sessions = Session.objects.filter(
        starts_at__year=year, pk__in=AgendaItem.objects.filter(case__in=cases).values("session_id")
    )
    if committee_id:
        sessions = sessions.filter(committee_id=committee_id)
    counts = sessions.aggregate(
        planned=Count("pk"),
        held=Count("pk", filter=Q(status__in=HELD)),
        validated=Count("pk", filter=Q(status=SessionStatus.MINUTES_VALIDATED)),
        cancelled=Count("pk", filter=Q(status=SessionStatus.CANCELLED)),
    )
    held = sessions.filter(status__in=HELD).values("pk")
    presented = AgendaItem.objects.filter(session__in=held).count()
    attendance = Attendance.objects.filter(session__in=held).aggregate(
        present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)),
        excused=Count("pk", filter=Q(status=Attendance.Status.EXCUSED)),
        absent=Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
        experts=Count(
            "pk",
            filter=Q(status=Attendance.Status.PRESENT, member__role=CommitteeRole.EXTERNAL_EXPERT),
        ),
    )
    return SessionActivity(
        planned=counts["planned"],
        held=counts["held"],
        minutes_validated=counts["validated"],
        cancelled=counts["cancelled"],
        cases_presented=presented,
        present=attendance["present"],
        excused=attendance["excused"],
        absent=attendance["absent"],
        experts_present=attendance["experts"],
    )


def annual_report_context(*, user, filters: TerritoryFilters, year: int, scope: str, described):
    """Everything the report shows for `year` (deaths of that year; sessions held that year)."""
    yearly = replace(filters, start=(year, 1), end=(year, 12), granularity=selectors.MONTH)
    diagnosis = diagnosis_build(user=user, filters=yearly)
    unbounded = selectors.territory_cases(user=user, filters=replace(filters, start=None, end=None))
    return {
        "year": year,
        "scope": scope,
        "described": described,
        "generated_on": timezone.localdate(),
        "target_days": selectors.REVIEW_TARGET_DAYS,
        "diagnosis": diagnosis,
        "sessions": session_activity(
            cases=unbounded.values("pk"), year=year, committee_id=filters.committee_id
        ),
        "charts": {
            "period": diagnosis.period_chart("report-period"),
            "avoidability": diagnosis.distribution_chart(
                diagnosis.judgements.avoidability, "report-avoidability"
            ),
            "icd_pm": diagnosis.distribution_chart(diagnosis.icd_pm, "report-icd"),
            "factors": diagnosis.pareto_chart(diagnosis.factors, "report-factors"),
        },
    }


def annual_report_pdf(context: dict) -> bytes:
    return html_to_pdf(render_to_string("territory/annual_report.html", context))
