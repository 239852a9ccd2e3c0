"""Reading corrective actions for the pages: scoped to the user, labels and links built here,
a bounded number of queries whatever the number of actions."""

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, DateField, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast, ExtractMonth, ExtractYear, TruncDate
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scope import organisation_ids_with_role
from cases.models import Case
from cases.permissions import case_outcomes_visible_to, cases_visible_to
from cases.selectors import link_to
from committees.permissions import PLANNERS, committee_ids
from rmm.querysets import KeyedQuery

from .models import (
    OPEN_STATUSES,
    ActionStatus,
    ActionTransition,
    Barrier,
    CorrectiveAction,
    Nature,
    ProgressNote,
    is_overdue,
)
from .permissions import (
    actions_visible_condition,
    actions_visible_to,
    can_follow_action,
    can_verify_action,
    named_owner_in_charge,
    owned_by,
)

DUE_SOON_DAYS = 30
EVIDENCE_STALE_DAYS = 30


def action_visible(*, user, pk: int) -> CorrectiveAction | None:
    """The action `pk` if the user may see it, with what its page shows; None otherwise."""
    return (
        actions_visible_to(user)
        .select_related("owner_organisation", "owner_person", "session__committee")
        .filter(pk=pk)
        .first()
    )


def may_see_evidence(*, user, note: ProgressNote, action: CorrectiveAction) -> bool:
    """Evidence is shown to those who follow or verify the action; to the committee only when
    the note's author marked it pseudonymised."""
    if can_follow_action(user, action) or can_verify_action(user, action):
        return True
    return note.evidence_pseudonymised and action.session.committee_id in committee_ids(user)


@dataclass(frozen=True)
class CaseLink:
    code: str
    url: str  # empty when the user may not open the case


@dataclass(frozen=True)
class NoteRow:
    text: str
    at: object
    author: str
    evidence_name: str
    evidence_url: str  # empty when there is none or the user may not open it
    pseudonymised: bool


@dataclass(frozen=True)
class HistoryRow:
    at: object
    actor: str
    transition: str
    source: str
    target: str
    comment: str


@dataclass
class ActionPage:
    action: CorrectiveAction
    cases: list[CaseLink] = field(default_factory=list)
    factors: list[str] = field(default_factory=list)
    notes: list[NoteRow] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)
    may_follow: bool = False
    may_verify: bool = False
    owner_name: str = ""  # the named owner, to those who follow the action only


def _person(user, *, show_name: bool) -> str:
    if user is None:
        return ""
    if show_name:
        return user.get_full_name() or user.email
    return user.job_title or _("professionnel")


def action_page(*, action: CorrectiveAction, user) -> ActionPage:
    """Everything the action page shows, labels and links built."""
    may_follow = can_follow_action(user, action)
    may_verify = can_verify_action(user, action)
    visible_cases = set(cases_visible_to(user).values_list("pk", flat=True))
    page = ActionPage(action=action, may_follow=may_follow, may_verify=may_verify)
    if action.owner_person_id and (may_follow or may_verify):
        # A committee member or another organisation reads the function, never a colleague's
        # name (as in the minutes).
        page.owner_name = _person(action.owner_person, show_name=True)
    for case in action.cases.order_by("code").only("pk", "code"):
        url = reverse("cases:detail", args=[case.pk]) if case.pk in visible_cases else ""
        page.cases.append(CaseLink(code=case.code, url=url))
    for factor in action.factors.select_related("item").order_by("item__pk"):
        page.factors.append(str(factor))
    for note in action.progress_notes.select_related("author"):
        url = ""
        if note.evidence and may_see_evidence(user=user, note=note, action=action):
            url = reverse("actions:evidence", args=[action.pk, note.pk])
        page.notes.append(
            NoteRow(
                text=note.text,
                at=note.created_at,
                author=_person(note.author, show_name=may_follow),
                evidence_name=note.evidence.name.rsplit("/", 1)[-1] if note.evidence else "",
                evidence_url=url,
                pseudonymised=note.evidence_pseudonymised,
            )
        )
    for entry in action.transitions.select_related("actor").order_by("at", "pk"):
        page.history.append(
            HistoryRow(
                at=entry.at,
                actor=entry.actor_name if may_follow else _person(entry.actor, show_name=False),
                transition=entry.transition_label,
                source=entry.source_label,
                target=entry.target_label,
                comment=entry.comment,
            )
        )
    return page


# --- The case page ----------------------------------------------------------------------------
@dataclass(frozen=True)
class CaseActionRow:
    pk: int
    url: str
    what_changes: str  # shortened to 160 characters
    kind: str
    owner: str
    due_date: str  # written once: the template's date filter costs 0.03 ms a row
    overdue: bool
    status: str
    paqss_reference: str


CASE_PANEL_COLUMNS = (
    "pk",
    "what_changes",
    "barrier",
    "nature",
    "owner_function",
    "owner_organisation__name",
    "due_date",
    "status",
    "paqss_reference",
)


CASE_PANEL_ROWS = KeyedQuery(
    lambda key: (
        CorrectiveAction.objects.filter(cases=key)
        .order_by("due_date", "pk")
        .values(*CASE_PANEL_COLUMNS)
    )
)


def case_actions_panel(case, user):
    """The case page's "Actions correctives" panel: every action answering the case (whoever may
    read the case's review outcome may open them: registered as an outcome panel), by function,
    never by name; one query of the columns shown, links from one `reverse`."""
    barriers, natures = dict(Barrier.choices), dict(Nature.choices)
    statuses = dict(ActionStatus.choices)
    today = timezone.localdate()
    url = link_to("actions:detail")
    rows = [
        CaseActionRow(
            pk=action["pk"],
            url=url(action["pk"]),
            what_changes=Truncator(action["what_changes"]).chars(160),
            kind=f"{barriers.get(action['barrier'], '')} / {natures.get(action['nature'], '')}",
            owner=f"{action['owner_function']} ({action['owner_organisation__name']})",
            due_date=action["due_date"].strftime("%d/%m/%Y"),
            overdue=is_overdue(action["status"], action["due_date"], today),
            status=str(statuses.get(action["status"], action["status"])),
            paqss_reference=action["paqss_reference"],
        )
        for action in CASE_PANEL_ROWS.rows(case.pk)
    ]
    if not rows:
        return None
    return "actions/_case_actions.html", {"rows": rows}


# --- "Mes actions" ---------------------------------------------------------------------------
@dataclass(frozen=True)
class MyActionRow:
    pk: int
    url: str
    title: str
    status: str
    due_date: date
    overdue: bool
    owner: str
    organisation: str
    case_codes: str


@dataclass
class MyActionGroup:
    key: str
    title: str
    rows: list[MyActionRow] = field(default_factory=list)


def _group_titles() -> list[tuple[str, str]]:
    return [
        ("overdue", _("En retard")),
        ("due_soon", _("Échéance dans les 30 jours")),
        ("evidence", _("En attente de preuves (aucune note depuis 30 jours)")),
        ("to_approve", _("À approuver par le comité")),
        ("to_verify", _("Efficacité à vérifier")),
        ("others", _("Autres actions")),
    ]


def _my_actions_queryset(user):
    followed = organisation_ids_with_role(user, Role.COORDINATOR, Role.QUALITY_MANAGER)
    planned = committee_ids(user, *PLANNERS, charter=True)
    return (
        CorrectiveAction.objects.filter(
            owned_by(user)
            | Q(owner_organisation_id__in=followed)
            | Q(session__committee_id__in=planned, status=ActionStatus.PROPOSED)
        )
        .select_related("owner_organisation", "owner_person", "session")
        .annotate(last_note_at=Max("progress_notes__created_at"))
        .prefetch_related(Prefetch("cases", queryset=Case.objects.only("pk", "code")))
        .order_by("due_date", "pk")
    )


def _group_of(action, *, today, verifying: set[int], planned: set[int]) -> str:
    if action.status in OPEN_STATUSES:
        if action.due_date < today:
            return "overdue"
        if action.status == ActionStatus.PROPOSED and action.session.committee_id in planned:
            return "to_approve"
        if action.due_date <= today + timedelta(days=DUE_SOON_DAYS):
            return "due_soon"
        stale = timezone.now() - timedelta(days=EVIDENCE_STALE_DAYS)
        if action.status == ActionStatus.IN_PROGRESS and (
            action.last_note_at is None or action.last_note_at < stale
        ):
            return "evidence"
    if action.status == ActionStatus.DONE and action.owner_organisation_id in verifying:
        return "to_verify"
    return "others"


def my_actions(*, user) -> list[MyActionGroup]:
    """The actions the user owns or follows (and, for a committee's planners, those waiting for
    approval), grouped by what they ask for now; empty groups left out."""
    if not (user.is_authenticated and user.is_active):
        return []
    today = timezone.localdate()
    verifying = organisation_ids_with_role(user, Role.QUALITY_MANAGER)
    planned = committee_ids(user, *PLANNERS, charter=True)
    groups = {key: MyActionGroup(key=key, title=title) for key, title in _group_titles()}
    for action in _my_actions_queryset(user):
        key = _group_of(action, today=today, verifying=verifying, planned=planned)
        groups[key].rows.append(
            MyActionRow(
                pk=action.pk,
                url=reverse("actions:detail", args=[action.pk]),
                title=action.what_changes[:120],
                status=action.get_status_display(),
                due_date=action.due_date,
                overdue=action.is_overdue,
                owner=action.owner_function,
                organisation=action.owner_organisation.name,
                case_codes=", ".join(case.code for case in action.cases.all()),
            )
        )
    return [group for group in groups.values() if group.rows]


# --- Home page counts ------------------------------------------------------------------------
def actions_to_approve(user):
    """Proposed actions of the committees the user chairs or is secretary of."""
    planned = committee_ids(user, *PLANNERS, charter=True)
    if not planned:
        return CorrectiveAction.objects.none()
    return CorrectiveAction.objects.filter(
        session__committee_id__in=planned, status=ActionStatus.PROPOSED
    )


def actions_to_report_on(user):
    """The actions the user owns that are in progress or overdue; those with no named owner
    fall to the coordinators of the owning organisation (someone must report on them)."""
    coordinated = organisation_ids_with_role(user, Role.COORDINATOR)
    owned = owned_by(user)
    if coordinated:
        # No one named, or the one named has left: the organisation's coordinators report.
        owned |= Q(owner_organisation_id__in=coordinated) & ~Q(named_owner_in_charge())
    return CorrectiveAction.objects.filter(owned).filter(
        Q(status=ActionStatus.IN_PROGRESS)
        | Q(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
    )


def actions_to_verify(user):
    """Done actions of the organisations where the user is a quality manager."""
    verifying = organisation_ids_with_role(user, Role.QUALITY_MANAGER)
    if not verifying:
        return CorrectiveAction.objects.none()
    return CorrectiveAction.objects.filter(
        owner_organisation_id__in=verifying, status=ActionStatus.DONE
    )


def pending_items(user) -> list:
    """What waits for the user on the home page: actions to approve, to report on, to verify
    (three counting queries at most)."""
    from django.utils.translation import ngettext

    from accounts.home import PendingItem

    if not (user.is_authenticated and user.is_active):
        return []
    mine = reverse("actions:mine")
    items = []
    wanted = [
        (
            actions_to_approve(user),
            lambda n: ngettext(
                "%(n)s action corrective à approuver",
                "%(n)s actions correctives à approuver",
                n,
            ),
        ),
        (
            actions_to_report_on(user),
            lambda n: ngettext(
                "%(n)s action dont vous devez rendre compte",
                "%(n)s actions dont vous devez rendre compte",
                n,
            ),
        ),
        (
            actions_to_verify(user),
            lambda n: ngettext(
                "%(n)s action dont l'efficacité est à vérifier",
                "%(n)s actions dont l'efficacité est à vérifier",
                n,
            ),
        ),
    ]
    for queryset, title in wanted:
        count = queryset.count()
        if count:
            items.append(PendingItem(title=title(count) % {"n": count}, url=mine, count=count))
    return items


def sees_actions(user) -> bool:
    """The "Actions" section of the navigation: coordinators, quality managers, committee
    members, and the named owners of an action. Asked on every page: it must stay cheap (the
    whole visibility query took over a second for a chair at 100,000 cases)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if organisation_ids_with_role(user, Role.COORDINATOR, Role.QUALITY_MANAGER):
        return True
    if committee_ids(user):
        return True
    return CorrectiveAction.objects.filter(owned_by(user)).exists()


# --- Quality dashboard ------------------------------------------------------------------------
DASHBOARD_PAGE_SIZE = 50
CHART_MONTHS = 12
COMPLETED_STATUSES = (ActionStatus.DONE, ActionStatus.VERIFIED)


@dataclass(frozen=True)
class ActionFilters:
    status: str = ""
    owner: str = ""  # part of the owning function or service
    organisation_id: int | None = None
    committee_id: int | None = None
    overdue_only: bool = False
    due_from: date | None = None
    due_to: date | None = None
    barrier: str = ""
    nature: str = ""


def dashboard_visible_ids(*, user) -> QuerySet:
    """The ids of `actions_visible_to(user)`, written as a union of three id sets.

    The same three conditions as the permission (an action of a case the user sees, an action
    they own by name, an action of an organisation they follow), but each one an index scan of
    its own: the permission's OR across the cases join, made DISTINCT, took seconds for a
    quality manager at 100,000 actions. A test compares both sets for every role."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return CorrectiveAction.objects.none().values("pk")
    through = CorrectiveAction.cases.through
    of_cases = through.objects.filter(
        case__in=case_outcomes_visible_to(user).order_by().values("pk")
    )
    ids = (
        of_cases.order_by()
        .values("correctiveaction_id")
        .union(
            CorrectiveAction.objects.filter(owned_by(user)).order_by().values("pk"),
            CorrectiveAction.objects.filter(
                owner_organisation_id__in=organisation_ids_with_role(
                    user, Role.COORDINATOR, Role.QUALITY_MANAGER
                )
            )
            .order_by()
            .values("pk"),
        )
    )
    return ids


def _filtered(actions: QuerySet, filters: ActionFilters) -> QuerySet:
    if filters.status:
        actions = actions.filter(status=filters.status)
    if filters.owner:
        actions = actions.filter(owner_function__icontains=filters.owner)
    if filters.organisation_id:
        actions = actions.filter(owner_organisation_id=filters.organisation_id)
    if filters.committee_id:
        actions = actions.filter(session__committee_id=filters.committee_id)
    if filters.overdue_only:
        actions = actions.overdue()
    if filters.due_from:
        actions = actions.filter(due_date__gte=filters.due_from)
    if filters.due_to:
        actions = actions.filter(due_date__lte=filters.due_to)
    if filters.barrier:
        actions = actions.filter(barrier=filters.barrier)
    if filters.nature:
        actions = actions.filter(nature=filters.nature)
    return actions


def dashboard_actions(*, user, filters: ActionFilters = ActionFilters()) -> QuerySet:
    """The actions the user may see, narrowed by the dashboard's filters.

    Visibility is applied as `pk IN (...)` so that counts are not multiplied by the joins
    (cases, organisations) that decide it: the form for aggregates and the export, which read
    every visible action."""
    return _filtered(
        CorrectiveAction.objects.filter(pk__in=dashboard_visible_ids(user=user)), filters
    )


def dashboard_actions_probed(*, user, filters: ActionFilters = ActionFilters()) -> QuerySet:
    """The same actions as `dashboard_actions`, visibility tested row by row
    (`actions_visible_condition`): the form for reading the first rows in list order."""
    return _filtered(CorrectiveAction.objects.filter(actions_visible_condition(user)), filters)


def dashboard_candidates(*, filters: ActionFilters = ActionFilters()) -> int:
    """How many actions the filters select, whoever may see them: with the visible count, the
    share of rows a walk in list order keeps (a figure for choosing how to read the list, never
    shown)."""
    return _filtered(CorrectiveAction.objects.all(), filters).order_by().count()


def _completed_at():
    """When the action was marked done (its latest `complete` transition)."""
    return Subquery(
        ActionTransition.objects.filter(action=OuterRef("pk"), transition="complete")
        .order_by("-at", "-pk")
        .values("at")[:1]
    )


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class DashboardCounts:
    by_status: list[StatusCount]
    total: int
    overdue: int
    completed: int  # done or verified
    completed_on_time: int

    @property
    def on_time_percent(self) -> int | None:
        if not self.completed:
            return None
        return round(100 * self.completed_on_time / self.completed)


def dashboard_counts(*, actions: QuerySet) -> DashboardCounts:
    """Counts by status, overdue, and completed on time (completion date, from the history, on
    or before the due date): one query."""
    today = timezone.localdate()
    by_status = {
        f"n_{status}": Count("pk", filter=Q(status=status)) for status in ActionStatus.values
    }
    row = (
        actions.order_by()
        .alias(completed_on=TruncDate(_completed_at()))
        .aggregate(
            total=Count("pk"),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
            completed=Count("pk", filter=Q(status__in=COMPLETED_STATUSES)),
            on_time=Count(
                "pk",
                filter=Q(status__in=COMPLETED_STATUSES, completed_on__lte=F("due_date")),
            ),
            **by_status,
        )
    )
    return DashboardCounts(
        by_status=[
            StatusCount(status=value, label=str(label), count=row[f"n_{value}"])
            for value, label in ActionStatus.choices
        ],
        total=row["total"],
        overdue=row["overdue"],
        completed=row["completed"],
        completed_on_time=row["on_time"],
    )


@dataclass(frozen=True)
class MonthCount:
    month: date  # first day of the month
    opened: int
    closed: int


def _months_back(today: date, count: int) -> list[date]:
    months = []
    year, month = today.year, today.month
    for _index in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


def dashboard_monthly(*, actions: QuerySet, months: int = CHART_MONTHS) -> list[MonthCount]:
    """Per month over the last `months` months (this one included): actions opened (proposed)
    and actions closed (marked done, or cancelled). Two queries."""
    calendar = _months_back(timezone.localdate(), months)
    start = calendar[0]
    opened = {
        (row["y"], row["m"]): row["n"]
        for row in actions.order_by()
        .filter(created_at__date__gte=start)
        .values(y=ExtractYear("created_at"), m=ExtractMonth("created_at"))
        .annotate(n=Count("pk"))
    }
    closed = {
        (row["y"], row["m"]): row["n"]
        for row in ActionTransition.objects.filter(
            action__in=actions.order_by().values("pk"),
            target__in=[ActionStatus.DONE, ActionStatus.CANCELLED],
            at__date__gte=start,
        )
        .order_by()
        .values(y=ExtractYear("at"), m=ExtractMonth("at"))
        .annotate(n=Count("action_id", distinct=True))
    }
    return [
        MonthCount(
            month=month,
            opened=opened.get((month.year, month.month), 0),
            closed=closed.get((month.year, month.month), 0),
        )
        for month in calendar
    ]


class ActionRow(NamedTuple):
    """One line of the dashboard list and of its CSV export: no person, ever. A named tuple:
    an export makes tens of thousands, and a frozen dataclass costs three times as much to
    make."""

    id: int
    what_changes: str
    barrier: str
    nature: str
    organisation: str
    function: str
    due_date: date
    status: str
    status_label: str
    overdue: bool
    case_codes: list[str]
    session_date: date | None

    # The page's labels, built here rather than by a template filter on each of 50 rows.
    @property
    def what_changes_short(self) -> str:
        text = self.what_changes
        return text if len(text) <= SHORT_TEXT else text[: SHORT_TEXT - 1] + "…"

    @property
    def due_label(self) -> str:
        return _day_label(self.due_date)

    @property
    def session_label(self) -> str:
        return _day_label(self.session_date)

    @property
    def codes_label(self) -> str:
        return ", ".join(self.case_codes)


SHORT_TEXT = 160


def _day_label(value: date | None) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year}" if value else ""


DASHBOARD_COLUMNS = [
    "id",
    "what_changes",
    "barrier",
    "nature",
    "owner_organisation__name",
    "owner_function",
    "due_date",
    "status",
    # The session's day in the current time zone, written by the database: a date is read
    # several times faster than an aware datetime. Cast: taken as PostgreSQL hands it over,
    # without TruncDate's conversion in Python on every row of an export.
    Cast(TruncDate("session__starts_at"), DateField()),
]


_LABELS: dict[str, tuple] = {}


def _labels():
    """The choices' labels translated once per language and process (a lazy label costs a
    gettext on every str(); translations do not change while the process runs)."""
    language = translation.get_language()
    labels = _LABELS.get(language)
    if labels is None:
        labels = _LABELS[language] = (
            {key: str(label) for key, label in Barrier.choices},
            {key: str(label) for key, label in Nature.choices},
            {key: str(label) for key, label in ActionStatus.choices},
        )
    return labels


@functools.cache
def _codes_of_action():
    """The action's cases' codes, in code order, as one array column of the action's row
    (PostgreSQL): the page's rows and their codes in one query. Built once per process (an
    expression is copied whenever a query uses it)."""
    from django.contrib.postgres.expressions import ArraySubquery

    through = CorrectiveAction.cases.through
    return ArraySubquery(
        through.objects.filter(correctiveaction_id=OuterRef("pk"))
        .order_by("case__code")
        .values("case__code")
    )


def dashboard_rows(*, actions: QuerySet, offset: int = 0, limit: int | None = None):
    """Rows as plain values, labels built once (no model instance, no get_*_display per row):
    one query for the page with its cases' codes (PostgreSQL; elsewhere one more for the
    codes)."""
    together = connection.vendor == "postgresql"
    columns = [*DASHBOARD_COLUMNS, _codes_of_action()] if together else DASHBOARD_COLUMNS
    selected = actions.order_by("due_date", "pk").values_list(*columns)
    selected = selected[offset : offset + limit] if limit is not None else selected[offset:]
    page = list(selected)
    barriers, natures, statuses = _labels()
    today = timezone.localdate()
    if together:
        return [_value_row(row[:-1], row[-1], barriers, natures, statuses, today) for row in page]
    codes: dict[int, list[str]] = {}
    if page:
        through = CorrectiveAction.cases.through
        for action_id, code in (
            through.objects.filter(correctiveaction_id__in=[columns[0] for columns in page])
            .order_by("case__code")
            .values_list("correctiveaction_id", "case__code")
        ):
            codes.setdefault(action_id, []).append(code)
    return [
        _value_row(columns, codes.get(columns[0], []), barriers, natures, statuses, today)
        for columns in page
    ]


# A walk in list order reads about (offset + limit) / share rows, each probed for visibility
# (a few index lookups, 20-30 microseconds): beyond this many, building the visible set and
# sorting it (0.6-1.5 s at 100,000 cases, whatever the page) is cheaper.
WALK_MAX_ROWS = 30_000


def dashboard_page(
    *,
    user,
    filters: ActionFilters,
    offset: int,
    limit: int,
    visible: int | None = None,
    candidates: int | None = None,
) -> list[ActionRow]:
    """One page of the list: the same rows however they are read (two queries).

    `visible` and `candidates` (how many actions the user sees and how many the filters select,
    from the dashboard's figures) say which reading is cheaper: walking the actions in list
    order and keeping the visible ones when they are a fair share of them (a quality manager),
    or building the visible set first when they are few (an organisation named on a handful of
    cases)."""
    walk = True
    if visible is not None and candidates:
        share = visible / candidates
        walk = share > 0 and (offset + limit) / share <= WALK_MAX_ROWS
    if walk:
        actions = dashboard_actions_probed(user=user, filters=filters)
    else:
        actions = dashboard_actions(user=user, filters=filters)
    return dashboard_rows(actions=actions, offset=offset, limit=limit)


def dashboard_rows_streamed(*, actions: QuerySet, batch: int = 2000) -> Iterator[ActionRow]:
    """Every row, in the list's order, read through one server-side cursor as plain values
    (no model instances), `batch` rows at a time: memory bounded, the order fixed once by the
    database, one query whatever the number of rows.

    Each action comes with its cases' codes in the same query (one line per action and case,
    in code order, gathered here): a query per batch for the codes cost 75 ms each at 100,000
    cases (a join with every case), plus the binding of thousands of ids."""
    barriers, natures, statuses = _labels()
    today = timezone.localdate()
    values = (
        actions.order_by("due_date", "pk", "cases__code")
        .values_list(*DASHBOARD_COLUMNS, "cases__code")
        .iterator(chunk_size=batch)
    )
    current, codes = None, []
    for *columns, code in values:
        if current is not None and columns[0] != current[0]:
            yield _value_row(current, codes, barriers, natures, statuses, today)
            codes = []
        current = columns
        if code is not None:
            codes.append(code)
    if current is not None:
        yield _value_row(current, codes, barriers, natures, statuses, today)


def _value_row(columns, codes, barriers, natures, statuses, today) -> ActionRow:
    pk, what, barrier, nature, organisation, function, due, status, session_date = columns
    return ActionRow(
        id=pk,
        what_changes=what,
        barrier=barriers.get(barrier, barrier),
        nature=natures.get(nature, nature),
        organisation=organisation,
        function=function,
        due_date=due,
        status=status,
        status_label=statuses.get(status, status),
        overdue=status in OPEN_STATUSES and due < today,
        case_codes=codes,
        session_date=session_date,
    )
