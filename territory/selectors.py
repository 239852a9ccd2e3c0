"""The territorial indicators read from the cases: the filtered set of counted cases, cases by
period, kind and organisation, delays (median, 90th percentile, share reviewed within three
months) and social vulnerability markers. Every figure is an SQL aggregate on non-identifying
columns: no case row is loaded, the identity vault is never joined."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from cases.clinical.value_sets import CaseKind, HealthInsurance, Housing
from cases.models import Case
from committees.models import AgendaItem

from .percentiles import PercentileCont, percentile_cont
from .permissions import cases_counted_for

YEAR, MONTH = "year", "month"
REVIEW_TARGET_DAYS = 90  # "reviewed within three months" of the death
DEATH_KINDS = (CaseKind.EARLY_NEONATAL, CaseKind.LATE_NEONATAL, CaseKind.POST_NEONATAL)


@dataclass(frozen=True)
class TerritoryFilters:
    start: tuple[int, int] | None = None  # (year, month) of death, inclusive
    end: tuple[int, int] | None = None
    granularity: str = YEAR
    organisation_id: int | None = None
    level: str = ""
    committee_id: int | None = None


def territory_cases(*, user, filters: TerritoryFilters = TerritoryFilters()) -> QuerySet[Case]:
    """The counted cases the user sees as aggregates, narrowed by the filters (by year and
    month of death, declaring organisation and its maternity level, reviewing committee)."""
    cases = cases_counted_for(user)
    if filters.start:
        year, month = filters.start
        cases = cases.filter(Q(death_year__gt=year) | Q(death_year=year, death_month__gte=month))
    if filters.end:
        year, month = filters.end
        cases = cases.filter(Q(death_year__lt=year) | Q(death_year=year, death_month__lte=month))
    if filters.organisation_id:
        cases = cases.filter(organisation_id__in=organisation_with_members(filters.organisation_id))
    if filters.level:
        cases = cases.filter(organisation__level=filters.level)
    if filters.committee_id:
        cases = cases.filter(
            pk__in=AgendaItem.objects.filter(session__committee_id=filters.committee_id).values(
                "case_id"
            )
        )
    return cases


def organisation_with_members(organisation_id: int) -> QuerySet:
    """The organisation chosen in the filter and, for a network or an ARS, the organisations
    attached to it (two levels: ARS, network, maternity), as a subquery."""
    return Organisation.objects.filter(
        Q(pk=organisation_id) | Q(parent_id=organisation_id) | Q(parent__parent_id=organisation_id)
    ).values("pk")


# --- Cases by period and kind -------------------------------------------------------------------
def kind_columns() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in CaseKind.choices]


@dataclass(frozen=True)
class CountRow:
    """A line of a cross table: its label and one count per column (in kind_columns order)."""

    key: object
    label: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


def _kind_counts() -> dict:
    return {f"n_{value}": Count("pk", filter=Q(kind=value)) for value, _label in CaseKind.choices}


def period_label(year: int | None, month: int | None, granularity: str) -> str:
    if year is None:
        return _("Date de décès inconnue")
    if granularity == MONTH and month:
        return f"{month:02d}/{year}"
    return str(year)


MAX_FILLED_PERIODS = 240  # gaps are filled over twenty years of months at most


def _periods_between(first: tuple, last: tuple, granularity: str) -> list[tuple]:
    if granularity != MONTH:
        return [(year, None) for year in range(first[0], last[0] + 1)]
    periods, (year, month) = [], first
    while (year, month) <= last and len(periods) <= MAX_FILLED_PERIODS:
        periods.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return periods


def _with_empty_periods(rows: list, granularity: str, start, end) -> list:
    """Periods without any death shown with zeros, from the period's start (or the first death)
    to its end (or the last death): a chart that skips empty months reads as a steady series."""
    known = [row for row in rows if row.key[0] is not None]
    if not known:
        return rows
    first, last = known[0].key, known[-1].key
    if granularity != MONTH:
        first, last = (first[0], None), (last[0], None)
    if start:
        first = min(first, (start[0], start[1] if granularity == MONTH else None))
    if end:
        last = max(last, (end[0], end[1] if granularity == MONTH else None))
    periods = _periods_between(first, last, granularity)
    if len(periods) > MAX_FILLED_PERIODS:
        return rows
    by_key = {row.key: row for row in known}
    empty = [0] * len(CaseKind.choices)
    filled = [
        by_key.get(key) or CountRow(key=key, label=period_label(*key, granularity), counts=empty)
        for key in periods
    ]
    return filled + [row for row in rows if row.key[0] is None]


def cases_by_period(
    *, cases: QuerySet, granularity: str = YEAR, start=None, end=None
) -> list[CountRow]:
    """Counted cases per year (or month) of death and kind, empty periods included: one query."""
    keys = ["death_year", "death_month"] if granularity == MONTH else ["death_year"]
    rows = (
        cases.order_by()
        .values(*keys)
        .annotate(**_kind_counts())
        .order_by(*(F(key).asc(nulls_last=True) for key in keys))
    )
    counted = [
        CountRow(
            key=(row["death_year"], row.get("death_month")),
            label=period_label(row["death_year"], row.get("death_month"), granularity),
            counts=[row[f"n_{value}"] for value, _label in CaseKind.choices],
        )
        for row in rows
    ]
    return _with_empty_periods(counted, granularity, start, end)


def cases_by_organisation(*, cases: QuerySet) -> list[CountRow]:
    """Counted cases per declaring organisation (with its maternity level) and kind: one query."""
    levels = dict(Organisation.Level.choices)
    rows = (
        cases.order_by()
        .values("organisation_id", "organisation__name", "organisation__level")
        .annotate(**_kind_counts())
        .order_by("organisation__name")
    )
    result = []
    for row in rows:
        label = row["organisation__name"]
        if row["organisation__level"]:
            label = f"{label} ({levels.get(row['organisation__level'], '')})"
        result.append(
            CountRow(
                key=row["organisation_id"],
                label=label,
                counts=[row[f"n_{value}"] for value, _label in CaseKind.choices],
            )
        )
    return result


# --- Delays ---------------------------------------------------------------------------------------
DECLARATION = "days_death_to_declaration"
REVIEW = "days_declaration_to_review"
DEATH_TO_REVIEW = "days_death_to_review"


@dataclass(frozen=True)
class Delay:
    label: str
    count: int  # cases where the delay is known
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class Delays:
    rows: list[Delay]
    reviewed: int  # cases with a known delay from death to review
    reviewed_within_target: int
    # Declared cases still waiting for their review although the death is more than three months
    # old: they count against the target (a share of reviewed cases alone would flatter a
    # territory that reviews few cases late).
    unreviewed_past_target: int = 0

    @property
    def due(self) -> int:
        """Cases whose three months are over, or that were reviewed: the target's denominator."""
        return self.reviewed + self.unreviewed_past_target

    @property
    def within_target_percent(self) -> int | None:
        if not self.due:
            return None
        return round(100 * self.reviewed_within_target / self.due)


def _delay_labels() -> list[tuple[str, str]]:
    return [
        (DECLARATION, _("Du décès à la déclaration")),
        (REVIEW, _("De la déclaration à la revue en comité")),
        (DEATH_TO_REVIEW, _("Du décès à la revue en comité")),
    ]


def delays(*, cases: QuerySet) -> Delays:
    """Median and 90th percentile of each delay, and the share of reviewed cases reviewed within
    three months of the death. PostgreSQL: one query; elsewhere one query per delay, each over
    one sorted integer column."""
    death_to_review = {DEATH_TO_REVIEW: F(DECLARATION) + F(REVIEW)}
    if connection.vendor == "postgresql":
        cases = cases.order_by().annotate(**death_to_review)
        aggregates = {}
        for name, _label in _delay_labels():
            aggregates[f"{name}_n"] = Count(name)
            aggregates[f"{name}_median"] = PercentileCont(name, 0.5)
            aggregates[f"{name}_p90"] = PercentileCont(name, 0.9)
        row = cases.aggregate(
            within=Count("pk", filter=Q(**{f"{DEATH_TO_REVIEW}__lte": REVIEW_TARGET_DAYS})),
            **aggregates,
        )
        within = row["within"]
        summary = {
            name: (row[f"{name}_n"], row[f"{name}_median"], row[f"{name}_p90"])
            for name, _label in _delay_labels()
        }
    else:
        cases = cases.order_by().annotate(**death_to_review)
        summary, within = {}, 0
        for name, _label in _delay_labels():
            values = list(
                cases.filter(**{f"{name}__isnull": False})
                .order_by(name)
                .values_list(name, flat=True)
            )
            summary[name] = (
                len(values),
                percentile_cont(values, 0.5),
                percentile_cont(values, 0.9),
            )
            if name == DEATH_TO_REVIEW:
                within = sum(1 for value in values if value <= REVIEW_TARGET_DAYS)
    return Delays(
        rows=[
            Delay(label=label, count=count, median=median, p90=p90)
            for (name, label), (count, median, p90) in (
                (item, summary[item[0]]) for item in _delay_labels()
            )
        ],
        reviewed=summary[DEATH_TO_REVIEW][0],
        reviewed_within_target=within,
        unreviewed_past_target=unreviewed_past_target(cases=cases),
    )


def unreviewed_past_target(*, cases: QuerySet) -> int:
    """Declared, not yet reviewed cases whose death is more than three months old. Only the
    death's delay to declaration is stored (never its date): a case declared more than three
    months ago is late whatever that delay; a case declared since is late when the delay plus the
    days since its declaration pass the target (grouped by day of declaration: one query over
    at most three months of declarations)."""
    today = timezone.localdate()
    window_start = timezone.now() - timedelta(days=REVIEW_TARGET_DAYS)
    waiting = cases.order_by().filter(**{f"{REVIEW}__isnull": True, "declared_at__isnull": False})
    late = waiting.filter(declared_at__lte=window_start).count()
    recent = (
        waiting.filter(declared_at__gt=window_start, **{f"{DECLARATION}__isnull": False})
        .annotate(declared_on=TruncDate("declared_at"))
        .values("declared_on", DECLARATION)
        .annotate(n=Count("pk"))
    )
    for row in recent:
        if row[DECLARATION] + (today - row["declared_on"]).days > REVIEW_TARGET_DAYS:
            late += row["n"]
    return late


# --- Social vulnerability markers -----------------------------------------------------------------
@dataclass(frozen=True)
class ValueCount:
    label: str
    count: int


@dataclass
class Distribution:
    key: str
    title: str
    rows: list[ValueCount] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)


VULNERABLE_INSURANCE = (HealthInsurance.NONE, HealthInsurance.AME)
VULNERABLE_HOUSING = (Housing.PRECARIOUS, Housing.EMERGENCY_SHELTER, Housing.NONE)


def _yes_no_unknown() -> list[tuple[object, str]]:
    return [(True, _("Oui")), (False, _("Non")), (None, _("Non renseigné"))]


def _social_markers() -> list[tuple[str, str, list[tuple[object, str]]]]:
    not_given = [("", _("Non renseigné"))]
    return [
        ("health_insurance", _("Couverture maladie"), [*HealthInsurance.choices, *not_given]),
        ("housing", _("Logement"), [*Housing.choices, *not_given]),
        ("language_barrier", _("Barrière de la langue"), _yes_no_unknown()),
        ("interpreter_used", _("Recours à un interprète professionnel"), _yes_no_unknown()),
        ("social_isolation", _("Isolement social"), _yes_no_unknown()),
    ]


def vulnerability_q() -> Q:
    """At least one marker of social vulnerability."""
    return (
        Q(health_insurance__in=VULNERABLE_INSURANCE)
        | Q(housing__in=VULNERABLE_HOUSING)
        | Q(language_barrier=True)
        | Q(social_isolation=True)
    )


@dataclass(frozen=True)
class SocialMarkers:
    total: int
    vulnerable: int  # at least one marker
    distributions: list[Distribution]

    @property
    def vulnerable_percent(self) -> int | None:
        return round(100 * self.vulnerable / self.total) if self.total else None


def social_markers(*, cases: QuerySet) -> SocialMarkers:
    """How the social vulnerability markers are distributed among the cases: one query."""
    aggregates = {"total": Count("pk"), "vulnerable": Count("pk", filter=vulnerability_q())}
    markers = _social_markers()
    for name, _title, values in markers:
        for index, (value, _label) in enumerate(values):
            condition = Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
            aggregates[f"{name}__{index}"] = Count("pk", filter=condition)
    row = cases.order_by().aggregate(**aggregates)
    return SocialMarkers(
        total=row["total"],
        vulnerable=row["vulnerable"],
        distributions=[
            Distribution(
                key=name,
                title=str(title),
                rows=[
                    ValueCount(label=str(label), count=row[f"{name}__{index}"])
                    for index, (_value, label) in enumerate(values)
                ],
            )
            for name, title, values in markers
        ],
    )
