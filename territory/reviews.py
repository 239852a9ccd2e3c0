"""The territorial indicators read from the committees' reviews (the latest review of each case,
a re-review replacing the earlier one): avoidability, care grades, ICD-PM groups and maternal
conditions, contributing factors (ALARM) and pathway breaks as Pareto tables, and the follow-up
of the corrective actions. Each is one SQL aggregate."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from actions.models import OPEN_STATUSES, ActionStatus, CorrectiveAction
from actions.selectors import DashboardCounts, dashboard_counts
from committees.models import Avoidability, CareGrade, CaseReview, ContributingFactor

from .selectors import Distribution, ValueCount


def latest_reviews(*, cases: QuerySet) -> QuerySet[CaseReview]:
    """The latest review of each case of `cases`: the one no later review of the same case
    follows (reviews are only ever added, so the latest has the highest id). Written as an
    anti-join, which PostgreSQL hashes once, rather than a subquery run for every review."""
    later = CaseReview.objects.filter(case_id=OuterRef("case_id"), pk__gt=OuterRef("pk"))
    return CaseReview.objects.filter(case_id__in=cases.order_by().values("pk")).filter(
        ~Exists(later)
    )


def _label(row: dict, prefix: str) -> str:
    """A reference item's label in the reader's language (reference data is in the database)."""
    english = row.get(f"{prefix}__label_en")
    if (get_language() or "").startswith("en") and english:
        return english
    return row.get(f"{prefix}__label") or ""


GRADE_FIELDS = ("grade_care_to_death", "grade_neonatal_care", "grade_after_death")


def _grade_titles() -> dict[str, str]:
    return {
        "grade_care_to_death": _("Soins jusqu'au décès"),
        "grade_neonatal_care": _("Soins néonatals"),
        "grade_after_death": _("Soins après le décès et accompagnement de la famille"),
    }


@dataclass(frozen=True)
class Judgements:
    reviewed: int
    avoidability: Distribution
    grades: list[Distribution]


def judgements(*, reviews: QuerySet) -> Judgements:
    """Avoidability and the three care grades (A-D) of the latest reviews: one query."""
    not_given = [("", _("Non renseigné"))]
    avoidability_values = [*Avoidability.choices, *not_given]
    grade_values = [*CareGrade.choices, *not_given]
    aggregates = {"reviewed": Count("pk")}
    for index, (value, _label_text) in enumerate(avoidability_values):
        aggregates[f"avoidability__{index}"] = Count("pk", filter=Q(avoidability=value))
    for name in GRADE_FIELDS:
        for index, (value, _label_text) in enumerate(grade_values):
            aggregates[f"{name}__{index}"] = Count("pk", filter=Q(**{name: value}))
    row = reviews.order_by().aggregate(**aggregates)
    titles = _grade_titles()
    return Judgements(
        reviewed=row["reviewed"],
        avoidability=Distribution(
            key="avoidability",
            title=_("Évitabilité"),
            rows=[
                ValueCount(label=str(label), count=row[f"avoidability__{index}"])
                for index, (_value, label) in enumerate(avoidability_values)
            ],
        ),
        grades=[
            Distribution(
                key=name,
                title=str(titles[name]),
                rows=[
                    ValueCount(label=str(label), count=row[f"{name}__{index}"])
                    for index, (_value, label) in enumerate(grade_values)
                ],
            )
            for name in GRADE_FIELDS
        ],
    )


def _reference_distribution(reviews, relation: str, key: str, title: str) -> Distribution:
    rows = (
        reviews.order_by()
        .values(f"{relation}__code", f"{relation}__label", f"{relation}__label_en")
        .annotate(n=Count("pk"))
        .order_by(f"{relation}__position", f"{relation}__code")
    )
    values = []
    for row in rows:
        code = row[f"{relation}__code"]
        label = f"{code} — {_label(row, relation)}" if code else _("Non classé")
        values.append(ValueCount(label=label, count=row["n"]))
    return Distribution(key=key, title=title, rows=values)


def icd_pm_groups(*, reviews: QuerySet) -> Distribution:
    """ICD-PM cause groups (timing and cause) of the latest reviews: one query."""
    return _reference_distribution(
        reviews, "icd_pm_group", "icd_pm", _("Groupes CIM-PM (moment et cause du décès)")
    )


def maternal_conditions(*, reviews: QuerySet) -> Distribution:
    """ICD-PM maternal conditions (M1-M5) of the latest reviews: one query."""
    return _reference_distribution(
        reviews, "maternal_condition", "icd_pm_maternal", _("Conditions maternelles CIM-PM")
    )


# --- Pareto tables ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParetoRow:
    code: str
    label: str
    count: int
    cumulative_percent: int  # of all mentions, this row included


@dataclass(frozen=True)
class Pareto:
    key: str
    title: str
    rows: list[ParetoRow]
    mentions: int


def _pareto(rows, prefix: str, key: str, title: str) -> Pareto:
    counted = [(row[f"{prefix}__code"], _label(row, prefix), row["n"]) for row in rows]
    mentions = sum(count for _code, _text, count in counted)
    result, running = [], 0
    for code, text, count in counted:
        running += count
        result.append(
            ParetoRow(
                code=code,
                label=text,
                count=count,
                cumulative_percent=round(100 * running / mentions) if mentions else 0,
            )
        )
    return Pareto(key=key, title=title, rows=result, mentions=mentions)


def factor_pareto(*, reviews: QuerySet) -> Pareto:
    """ALARM contributing factors, most frequent first, with their cumulative share: one query."""
    rows = (
        ContributingFactor.objects.filter(review__in=reviews.values("pk"))
        .values("item__code", "item__label", "item__label_en")
        .annotate(n=Count("pk"))
        .order_by("-n", "item__code")
    )
    return _pareto(rows, "item", "factors", _("Facteurs contributifs (grille ALARM)"))


def pathway_pareto(*, reviews: QuerySet) -> Pareto:
    """Stages of the care pathway where care broke, most frequent first: one query."""
    through = CaseReview.pathway_breaks.through
    rows = (
        through.objects.filter(casereview_id__in=reviews.values("pk"))
        .values("pathwaystage__code", "pathwaystage__label", "pathwaystage__label_en")
        .annotate(n=Count("pk"))
        .order_by("-n", "pathwaystage__code")
    )
    return _pareto(rows, "pathwaystage", "pathway", _("Ruptures du parcours de soins"))


# --- Corrective actions -----------------------------------------------------------------------
def actions_of(*, cases: QuerySet) -> QuerySet[CorrectiveAction]:
    """The corrective actions answering at least one of the cases."""
    through = CorrectiveAction.cases.through
    return CorrectiveAction.objects.filter(
        pk__in=through.objects.filter(case_id__in=cases.order_by().values("pk")).values(
            "correctiveaction_id"
        )
    )


@dataclass(frozen=True)
class ActionFollowUp:
    counts: DashboardCounts

    @property
    def completed_late(self) -> int:
        return self.counts.completed - self.counts.completed_on_time

    def count_of(self, status: str) -> int:
        return next((row.count for row in self.counts.by_status if row.status == status), 0)

    @property
    def cancelled(self) -> int:
        return self.count_of(ActionStatus.CANCELLED)

    @property
    def open_on_schedule(self) -> int:
        open_total = sum(self.count_of(status) for status in OPEN_STATUSES)
        return open_total - self.counts.overdue

    def labelled(self) -> list[tuple[str, int]]:
        """The follow-up's lines as the exports and the report print them."""
        return [
            (_("Réalisées dans les délais"), self.counts.completed_on_time),
            (_("Réalisées en retard"), self.completed_late),
            (_("En retard (non réalisées, échéance passée)"), self.counts.overdue),
            (_("En cours, dans les délais"), self.open_on_schedule),
            (_("Annulées"), self.cancelled),
        ]


def action_follow_up(*, cases: QuerySet) -> ActionFollowUp:
    """Actions done on time, done late, overdue (derived from the due date), on schedule,
    cancelled: one query (the actions app's own dashboard counts)."""
    return ActionFollowUp(counts=dashboard_counts(actions=actions_of(cases=cases)))
