"""Reads of cases, scoped to the user, with a number of queries that does not grow with rows."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.scope import roles_by_organisation
from rmm.querysets import (
    KeyedQuery,
    first_rows_of_parts,
)

from . import committee_scope
from .clinical import CaseKind
from .models import CareEvent, Case, CaseTransition
from .permissions import (
    case_visibility_parts,
    cases_visible_to,
    organisations_of_visible_cases_q,
)
from .status import CaseStatus

PAGE_SIZE = 25
LIST_COLUMNS = ["id", "code", "kind", "status", "created_at", "organisation__name"]


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    kind: str = ""
    organisation_id: int | None = None
    period_start: date | None = None
    period_end: date | None = None


def filter_organisations(*, user) -> list[tuple[int, str]]:
    """(id, label) of the organisations the case list's filter offers: those whose cases the
    user may see, read and labelled in one query (labels as `Organisation.__str__` gives them,
    without a `get_level_display` per organisation).

    Kept RMM_CASE_FILTER_CACHE_SECONDS per user, language and standing (organisation roles,
    committee seats and charters: a new seat changes the key at once). For a committee person
    the organisations of the committee's agendas cost a scan of them (over a second at 100,000
    cases) on every page of the list, for a menu of labels; the list itself is always filtered
    by `cases_visible_to`, so a label offered a minute too long never shows a case."""
    seconds = settings.RMM_CASE_FILTER_CACHE_SECONDS

    def compute():
        return _labelled(Organisation.objects.filter(organisations_of_visible_cases_q(user)))

    if seconds <= 0:
        return compute()
    standing = [
        user.pk,
        translation.get_language(),
        sorted((pk, sorted(roles)) for pk, roles in roles_by_organisation(user).items()),
        committee_scope.current().standing(user),
    ]
    digest = hashlib.sha256(json.dumps(standing, default=str).encode()).hexdigest()
    key = f"cases:filter-organisations:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, seconds)
    return [tuple(pair) for pair in found]


def _labelled(organisations) -> list[tuple[int, str]]:
    """(id, label) as `Organisation.__str__` gives them, read in one query (no
    `get_level_display` per organisation)."""
    levels = {value: str(label) for value, label in Organisation.Level.choices}
    return [
        (
            pk,
            f"{name} ({levels.get(level, level)})"
            if kind == Organisation.Kind.MATERNITY and level
            else name,
        )
        for pk, name, kind, level in organisations.values_list("pk", "name", "kind", "level")
    ]


def case_list_visible_to(*, user, filters: CaseFilters = CaseFilters()) -> QuerySet[Case]:
    """Every case of the list, in its order, as one queryset (`case_list_parts` reads them by
    parts)."""
    # Only the columns the list shows: a case row has ~130 clinical columns.
    cases = cases_visible_to(user).select_related("organisation").only(*LIST_COLUMNS)
    return _filtered(cases, filters).order_by("-created_at", "-id")


def case_list_parts(*, user, filters: CaseFilters = CaseFilters()) -> list[QuerySet[Case]]:
    """The case list as the parts of the user's visibility (`case_visibility_parts`), each
    filtered: `case_page` reads each part through its own index and merges them."""
    return [_filtered(Case.objects.filter(part), filters) for part in case_visibility_parts(user)]


def _filtered(cases: QuerySet[Case], filters: CaseFilters) -> QuerySet[Case]:
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
    return cases


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list, its labels and link computed once for the whole page: a
    `get_FOO_display` or `{% url %}` per row costs more than the page's SQL (PITFALLS)."""

    pk: int
    code: str
    url: str
    kind_label: str
    status: str
    status_label: str
    organisation_name: str
    created_at: datetime
    created_on: str


@dataclass(frozen=True)
class CasePage:
    cases: list[CaseRow]
    next_cursor: str | None
    is_first: bool


ROW_COLUMNS = ("pk", "code", "kind", "status", "created_at", "organisation__name")


def link_to(url_name: str) -> Callable[[int], str]:
    """Links for many rows from one `reverse` (the placeholder replaced by each id)."""
    placeholder = 987654321
    pattern = reverse(url_name, args=[placeholder])
    return lambda pk: pattern.replace(str(placeholder), str(pk))


def _rows(values) -> list[CaseRow]:
    kinds = {value: str(label) for value, label in CaseKind.choices}
    statuses = {value: str(label) for value, label in CaseStatus.choices}
    url = link_to("cases:detail")
    return [
        CaseRow(
            pk=pk,
            code=code,
            url=url(pk),
            kind_label=kinds.get(kind, kind) or "—",
            status=status,
            status_label=statuses.get(status, status),
            organisation_name=organisation_name,
            created_at=created_at,
            created_on=timezone.localtime(created_at).strftime("%d/%m/%Y"),
        )
        for pk, code, kind, status, created_at, organisation_name in values
    ]


def encode_cursor(case) -> str:
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


def case_page(*, parts: list[QuerySet[Case]], cursor: str = "") -> CasePage:
    """Keyset pagination on (created_at, id): the same cost at any depth, and no COUNT(*).

    The condition is written as a row comparison, which uses the composite index, rather than
    as an OR of two conditions, which does not (DESIGN §10). Each part of the user's
    visibility gives its first rows after the cursor and the page keeps the first of all (a
    case in two parts shown once)."""
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        moment, pk = position
        parts = [
            part.extra(
                where=["(cases_case.created_at, cases_case.id) < (%s, %s)"],
                params=[connection.ops.adapt_datetimefield_value(moment), pk],
            )
            for part in parts
        ]
    found = first_rows_of_parts(
        [part.values_list(*ROW_COLUMNS) for part in parts],
        order=("-created_at", "-pk"),
        limit=PAGE_SIZE + 1,
        distinct=True,
    )
    rows = _rows(found)
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return CasePage(
        cases=rows,
        next_cursor=encode_cursor(rows[-1]) if has_more else None,
        is_first=position is None,
    )


@dataclass(frozen=True)
class HistoryEntry:
    at: str  # local date and time, written once (the template's date filter costs 0.03 ms)
    actor: str
    source: str
    target: str
    comment: str


CHRONOLOGY = KeyedQuery(
    lambda key: (
        CareEvent.objects.filter(case_id=key)
        .select_related("organisation")
        .order_by("position", "pk")
    )
)


def chronology(case: Case) -> list[CareEvent]:
    """The case's events in order, each with the organisation that wrote it and the case
    itself (who wrote an event is read through it: `CareEvent.author`)."""
    events = CHRONOLOGY.rows(case.pk)
    for event in events:
        event.case = case
    return events


def _history_rows(actor: str) -> KeyedQuery:
    return KeyedQuery(
        lambda key: (
            CaseTransition.objects.filter(case_id=key)
            .order_by("at", "pk")
            .values_list("at", actor, "source", "target", "comment")
        )
    )


# By whether names are shown: the actor's name then, else their function.
HISTORY_ROWS = {True: _history_rows("actor_name"), False: _history_rows("actor__job_title")}


def case_history(*, case: Case, show_names: bool) -> list[HistoryEntry]:
    """The case's transitions, oldest first, in one query of the columns shown. The actor by
    the name they had then for whoever may see the identity (`show_names`), else by function:
    the name is then not read at all."""
    statuses = {value: str(label) for value, label in CaseStatus.choices}
    rows = HISTORY_ROWS[show_names].rows(case.pk)
    return [
        HistoryEntry(
            at=timezone.localtime(at).strftime("%d/%m/%Y %H:%M"),
            actor=who if show_names else who or _("professionnel"),
            source=statuses.get(source, source),
            target=statuses.get(target, target),
            comment=comment,
        )
        for at, who, source, target, comment in rows
    ]


def organisations_offered_for(*, case: Case, named_ids=None) -> list[tuple[int, str]]:
    """(id, label) of the organisations the "Organisations du parcours" form offers: active,
    neither the declaring one nor one already named (`named_ids` when the caller has read
    them already: no query then, the active organisations' labels being cached)."""
    if named_ids is None:
        named_ids = set(case.contributions.values_list("organisation_id", flat=True))
    excluded = {case.organisation_id, *named_ids}
    return [(pk, label) for pk, label in active_organisation_labels() if pk not in excluded]


ACTIVE_LABELS_KEY = "cases:active-organisation-labels"


def active_organisation_labels() -> list[tuple[int, str]]:
    """(id, label) of every active organisation, by name: a menu drawn on every case page of a
    declaring coordinator. Cached (forgotten as soon as an organisation is saved or deleted,
    see cases/signals.py), per language since a maternity's label names its level."""
    key = f"{ACTIVE_LABELS_KEY}:{translation.get_language()}"
    found = cache.get(key)
    if found is None:
        found = _labelled(Organisation.objects.filter(is_active=True).order_by("name", "pk"))
        cache.set(key, found, settings.RMM_CASE_FILTER_CACHE_SECONDS)
    return [tuple(pair) for pair in found]


def forget_active_organisation_labels() -> None:
    cache.delete_many([f"{ACTIVE_LABELS_KEY}:{code}" for code, _name in settings.LANGUAGES])
