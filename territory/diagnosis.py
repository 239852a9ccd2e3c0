"""Every indicator of the territorial diagnosis for one user and one set of filters, gathered
once for the dashboard, the aggregated export and the annual report (a fixed number of queries
whatever the number of cases)."""

import hashlib
import json
from dataclasses import astuple, dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import reviews, selectors
from .charts import Series, horizontal_bars_svg, stacked_bars_svg
from .permissions import aggregated_organisation_ids
from .rates import Rates, rates
from .selectors import CountRow, Delays, Distribution, SocialMarkers, TerritoryFilters

PARETO_SHOWN = 10


@dataclass
class Diagnosis:
    filters: TerritoryFilters
    kinds: list[tuple[str, str]]
    by_period: list[CountRow]
    by_organisation: list[CountRow]
    delays: Delays
    judgements: reviews.Judgements
    icd_pm: Distribution
    maternal: Distribution
    factors: reviews.Pareto
    pathway: reviews.Pareto
    social: SocialMarkers
    actions: reviews.ActionFollowUp
    rates: Rates
    computed_at: datetime = field(default_factory=timezone.now)
    cache_key: str = ""  # where the dashboard keeps it (scope, filters, language)

    @property
    def total(self) -> int:
        return sum(row.total for row in self.by_period)

    @property
    def kind_totals(self) -> list[int]:
        columns = range(len(self.kinds))
        return [sum(row.counts[index] for row in self.by_period) for index in columns]

    @property
    def kind_rows(self) -> list[tuple[str, int]]:
        labels = [label for _value, label in self.kinds]
        return list(zip(labels, self.kind_totals, strict=True))

    # --- Charts (inline SVG, each shown with its table) ----------------------------------------
    def period_chart(self, chart_id: str = "chart-period"):
        return stacked_bars_svg(
            chart_id=chart_id,
            title=_("Cas par période de décès et catégorie"),
            labels=[row.label for row in self.by_period],
            series=[
                Series(name=label, values=[row.counts[index] for row in self.by_period])
                for index, (_value, label) in enumerate(self.kinds)
            ],
        )

    def distribution_chart(self, distribution: Distribution, chart_id: str):
        return horizontal_bars_svg(
            chart_id=chart_id,
            title=distribution.title,
            rows=[(row.label, row.count) for row in distribution.rows],
        )

    def pareto_chart(self, pareto: reviews.Pareto, chart_id: str):
        return horizontal_bars_svg(
            chart_id=chart_id,
            title=pareto.title,
            rows=[(f"{row.code} {row.label}", row.count) for row in pareto.rows[:PARETO_SHOWN]],
        )


def diagnosis_build(*, user, filters: TerritoryFilters, cases: QuerySet | None = None):
    """All the indicators of the cases the user sees as aggregates, narrowed by `filters`."""
    if cases is None:
        cases = selectors.territory_cases(user=user, filters=filters)
    latest = reviews.latest_reviews(cases=cases)
    return Diagnosis(
        filters=filters,
        kinds=selectors.kind_columns(),
        by_period=selectors.cases_by_period(
            cases=cases, granularity=filters.granularity, start=filters.start, end=filters.end
        ),
        by_organisation=selectors.cases_by_organisation(cases=cases),
        delays=selectors.delays(cases=cases),
        judgements=reviews.judgements(reviews=latest),
        icd_pm=reviews.icd_pm_groups(reviews=latest),
        maternal=reviews.maternal_conditions(reviews=latest),
        factors=reviews.factor_pareto(reviews=latest),
        pathway=reviews.pathway_pareto(reviews=latest),
        social=selectors.social_markers(cases=cases),
        actions=reviews.action_follow_up(cases=cases),
        rates=rates(user=user, cases=cases, filters=filters),
    )


def diagnosis_for_dashboard(*, user, filters: TerritoryFilters) -> Diagnosis:
    """The dashboard's diagnosis, computed at most once every RMM_TERRITORY_CACHE_SECONDS for
    the same organisations, filters and language: a dozen aggregates over the whole territory
    cost far more than a page, and the figures of a diagnosis need not be to the minute. The
    cache holds aggregates only (no row, no identity); two users who see the same
    organisations share it. The page says when the figures were computed."""
    key_parts = [
        sorted(aggregated_organisation_ids(user)),
        astuple(filters),
        translation.get_language(),
    ]
    digest = hashlib.sha256(json.dumps(key_parts, default=str).encode()).hexdigest()
    key = f"territory:diagnosis:{digest}"
    found = cache.get(key)
    if found is None:
        found = diagnosis_build(user=user, filters=filters)
        found.cache_key = key
        cache.set(key, found, settings.RMM_TERRITORY_CACHE_SECONDS)
    return found
