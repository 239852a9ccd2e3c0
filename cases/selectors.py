"""Reads of cases, scoped to the user, with a number of queries that does not grow with rows."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from .models import Case, CaseTransition
from .permissions import cases_visible_to

PAGE_SIZE = 25
LIST_COLUMNS = ["id", "code", "kind", "status", "created_at", "organisation__name"]


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    kind: str = ""
    organisation_id: int | None = None
    period_start: date | None = None
    period_end: date | None = None


def case_list_visible_to(*, user, filters: CaseFilters = CaseFilters()) -> QuerySet[Case]:
    # Only the columns the list shows: a case row has ~130 clinical columns.
    cases = cases_visible_to(user).select_related("organisation").only(*LIST_COLUMNS)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.organisation_id:
        cases = cases.filter(organisation_id=filters.organisation_id)
    if filters.period_start:
        cases = cases.filter(created_at__date__gte=filters.period_start)
    if filters.period_end:
        cases = cases.filter(created_at__date__lte=filters.period_end)
    return cases.order_by("-created_at", "-id")


@dataclass(frozen=True)
class CasePage:
    cases: list[Case]
    next_cursor: str | None
    is_first: bool


def encode_cursor(case: Case) -> str:
    return f"{case.created_at.isoformat()}_{case.pk}"


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        moment, _sep, pk = cursor.rpartition("_")
        parsed = datetime.fromisoformat(moment)
        if timezone.is_naive(parsed):
            return None
        return parsed, int(pk)
    except ValueError:
        return None


def case_page(*, cases: QuerySet[Case], cursor: str = "") -> CasePage:
    """Keyset pagination on (created_at, id): the same cost at any depth, and no COUNT(*).

    The condition is written as a row comparison, which uses the composite index, rather than
    as an OR of two conditions, which does not (DESIGN §10)."""
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        moment, pk = position
        cases = cases.extra(
            where=["(cases_case.created_at, cases_case.id) < (%s, %s)"],
            params=[connection.ops.adapt_datetimefield_value(moment), pk],
        )
    rows = list(cases[: PAGE_SIZE + 1])
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return CasePage(
        cases=rows,
        next_cursor=encode_cursor(rows[-1]) if has_more else None,
        is_first=position is None,
    )


def case_history(*, case: Case) -> QuerySet[CaseTransition]:
    return case.transitions.select_related("actor").order_by("at", "pk")
