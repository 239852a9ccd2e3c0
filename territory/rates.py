"""Neonatal and post-neonatal deaths per 1,000 live births, as the regional plans quote them
(for example 4.22 ‰): deaths of the organisations and years in scope over the live births that
the administrators entered for the same organisations and years. A rate is shown only when the
births of every organisation concerned are known (which ones are missing is said otherwise).
Three queries whatever the number of cases."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import Organisation

from .models import LiveBirths
from .permissions import aggregated_organisation_ids
from .selectors import DEATH_KINDS, TerritoryFilters, organisation_with_members

MAX_YEARS = 30  # a dashboard never lists more years than this


@dataclass(frozen=True)
class BirthSource:
    organisation: str
    year: int
    count: int
    source: str
    entered_at: object


@dataclass
class RateRow:
    label: str
    deaths: int
    births: int | None  # None when missing for part of the scope
    missing: list[str] = field(default_factory=list)  # organisations without births that year
    reason: str = ""  # why no rate, when it is not a missing figure

    @property
    def rate(self) -> Decimal | None:
        if self.births is None or self.reason or self.missing or not self.births:
            return None
        return (Decimal(self.deaths) * 1000 / Decimal(self.births)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    @property
    def rate_display(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{number_format(rate, 2)} ‰"


@dataclass
class Rates:
    rows: list[RateRow]
    total: RateRow | None
    sources: list[BirthSource]
    note: str = ""


def _whole_years(filters: TerritoryFilters, years: set[int]) -> tuple[list[int], set[int]]:
    """The years to show, and those the period covers only in part (no annual rate for them)."""
    if filters.start or filters.end:
        first = filters.start[0] if filters.start else min(years, default=None)
        last = filters.end[0] if filters.end else max(years, default=None)
        if first is None or last is None:
            return [], set()
        shown = list(range(first, last + 1))[-MAX_YEARS:]
        partial = set()
        if filters.start and filters.start[1] != 1:
            partial.add(filters.start[0])
        if filters.end and filters.end[1] != 12:
            partial.add(filters.end[0])
        return shown, partial
    return sorted(years)[-MAX_YEARS:], set()


def _default_years(deaths_years: set[int], birth_years: set[int]) -> set[int]:
    """Without a chosen period, the years since the first declared death: births entered for
    earlier years, before the territory used RMM, would count as years without any death and
    dilute the rate of the whole period."""
    if not deaths_years:
        return set()
    first = min(deaths_years)
    return deaths_years | {year for year in birth_years if year >= first}


def rates(*, user, cases: QuerySet, filters: TerritoryFilters) -> Rates:
    """Deaths (early and late neonatal, post-neonatal) per 1,000 live births, per year of death
    and over the whole period."""
    scope = Organisation.objects.filter(pk__in=aggregated_organisation_ids(user))
    if filters.organisation_id:
        scope = scope.filter(pk__in=organisation_with_members(filters.organisation_id))
    if filters.level:
        scope = scope.filter(level=filters.level)
    organisations = {
        row["pk"]: row for row in scope.values("pk", "name", "kind", "is_active").order_by("name")
    }
    deaths: dict[tuple[int, int], int] = {
        (row["organisation_id"], row["death_year"]): row["n"]
        for row in cases.order_by()
        .filter(kind__in=DEATH_KINDS, death_year__isnull=False)
        .values("organisation_id", "death_year")
        .annotate(n=Count("pk"))
    }
    # Births of maternities only: a figure entered for a network, a PMI or a neonatal unit
    # before the model refused it would count the same births twice.
    births = list(
        LiveBirths.objects.filter(
            organisation_id__in=list(organisations),
            organisation__kind=Organisation.Kind.MATERNITY,
        )
        .values("organisation_id", "year", "count", "source", "entered_at")
        .order_by("year", "organisation_id")
    )
    death_years = {year for _org, year in deaths}
    birth_years = {row["year"] for row in births}
    years, partial = _whole_years(
        filters,
        death_years | birth_years
        if filters.start or filters.end
        else _default_years(death_years, birth_years),
    )
    by_pair = {(row["organisation_id"], row["year"]): row for row in births}
    maternities = {
        pk
        for pk, row in organisations.items()
        if row["kind"] == Organisation.Kind.MATERNITY and row["is_active"]
    }
    note = ""
    if filters.committee_id:
        note = _(
            "Taux non calculés avec un filtre de comité : les naissances se rattachent aux "
            "organisations, pas aux comités."
        )
    rows = []
    for year in years:
        # The births of the territory's active maternities (and of any inactive one that entered
        # some): a neonatal unit or a PMI declares deaths but has no births of its own.
        needed = maternities | {org for org, birth_year in by_pair if birth_year == year}
        missing = sorted(
            organisations.get(org, {}).get("name", "?")
            for org in needed
            if (org, year) not in by_pair
        )
        row = RateRow(
            label=str(year),
            deaths=sum(n for (_org, death_year), n in deaths.items() if death_year == year),
            births=sum(by_pair[(org, year)]["count"] for org in needed if (org, year) in by_pair)
            if not missing
            else None,
            missing=missing,
        )
        if filters.committee_id:
            row.reason = note
        elif year in partial:
            row.reason = _("année couverte en partie par la période choisie")
        elif not needed:
            row.reason = _("aucune maternité dans le périmètre")
        rows.append(row)
    total = None
    if len(rows) > 1:
        total = RateRow(
            label=_("Ensemble de la période"),
            deaths=sum(row.deaths for row in rows),
            births=None
            if any(row.births is None for row in rows)
            else sum(row.births for row in rows),
            missing=sorted({name for row in rows for name in row.missing}),
            reason=next((row.reason for row in rows if row.reason), ""),
        )
    sources = [
        BirthSource(
            organisation=organisations[row["organisation_id"]]["name"],
            year=row["year"],
            count=row["count"],
            source=row["source"],
            entered_at=row["entered_at"],
        )
        for row in births
        if row["year"] in years
    ]
    return Rates(rows=rows, total=total, sources=sources, note=note)
