"""The anonymous annual report the HAS method asks for: activity, sessions and attendance
(counts, never names), cases, classifications, avoidability, contributing factors, corrective
actions and their follow-up, for one year and one scope, as a PDF drawn by WeasyPrint (charts as
server-side SVG, no network fetch).

The report leaves the organisations: it goes to the ARS, the network's board, the CME, and is
often published. It is therefore masked as the aggregated export is (territory.suppression):
every count of cases or mentions from 1 to 4 is shown as "s", with complementary suppression in
each table until no masked count can be pinned down from what is published (suppression.py); a
median or percentile of fewer than 5 values is not given; a rate whose deaths are masked is not
given; a chart is drawn only when none of its counts is masked (a bar's length would give the
count away). Counts of sessions
and of attendances concern professionals at work, not patients: they are shown."""

from dataclasses import dataclass, field, replace

from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import AgendaItem, Attendance, CommitteeRole, Session, SessionStatus
from committees.pdf import html_to_pdf

from . import selectors
from .diagnosis import Diagnosis, diagnosis_build
from .exports import same_total_rule
from .selectors import DEATH_KINDS, TerritoryFilters
from .suppression import MASK, document_masks, list_masks, shown, years_touching_masks

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


# --- Masked tables (what the report prints) ---------------------------------------------------
@dataclass(frozen=True)
class ShownRow:
    label: str
    cells: list[str]


@dataclass(frozen=True)
class ShownTable:
    """A table as printed: every count already a string, masked ones as MASK."""

    key: str
    title: str
    header: list[str]
    rows: list[ShownRow]
    masked: bool  # at least one entry masked: no chart, no cumulative share
    chart: object = None
    notes: list[str] = field(default_factory=list)


def _list_table(key, title, rows: list[tuple[str, int]], unit: str, masks: set, chart=None):
    total = sum(count for _label, count in rows)
    lines = [
        ShownRow(label=label, cells=[shown(count, ("cell", i), masks)])
        for i, (label, count) in enumerate(rows)
    ]
    lines.append(ShownRow(label=_("Total"), cells=[shown(total, ("grand",), masks)]))
    return ShownTable(key, title, ["", unit], lines, bool(masks), None if masks else chart)


def _pareto_table(key, pareto, masks: set, chart=None) -> ShownTable:
    rows = _pareto_rows(pareto)
    table = _list_table(key, pareto.title, rows, _("Mentions"), masks, chart)
    if table.masked:
        return table
    # Nothing masked: the cumulative share (Pareto) can be given without revealing anything.
    lines = [
        ShownRow(label=line.label, cells=[*line.cells, f"{row.cumulative_percent} %"])
        for line, row in zip(table.rows, pareto.rows, strict=False)
    ]
    lines.append(ShownRow(label=table.rows[-1].label, cells=[*table.rows[-1].cells, ""]))
    return replace(table, header=["", _("Mentions"), _("Part cumulée")], rows=lines)


def _pareto_rows(pareto) -> list[tuple[str, int]]:
    return [(f"{row.code} {row.label}", row.count) for row in pareto.rows]


def _distribution_rows(distribution) -> list[tuple[str, int]]:
    return [(row.label, row.count) for row in distribution.rows]


def _number(value) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",").removesuffix(",0")


def masked_tables(diagnosis: Diagnosis, charts: dict) -> dict:
    """Every figure of the report about cases, masked for publication (see the module), with
    the masks of the aggregated export (suppression.document_masks over the same tables): the
    two documents, often shared together, never mask a figure that the other prints."""
    kinds = [label for _value, label in diagnosis.kinds]
    social = diagnosis.social
    distributions = {
        "icd_pm": diagnosis.icd_pm,
        "maternal": diagnosis.maternal,
        "avoidability": diagnosis.judgements.avoidability,
        **{f"grade-{i}": grade for i, grade in enumerate(diagnosis.judgements.grades)},
        **{f"social-{i}": d for i, d in enumerate(social.distributions)},
    }
    lists = {key: _distribution_rows(d) for key, d in distributions.items()}
    lists["factors"] = _pareto_rows(diagnosis.factors)
    lists["pathway"] = _pareto_rows(diagnosis.pathway)
    lists["actions"] = diagnosis.actions.labelled()
    # The organisation table is not printed, but the export prints it: masked together (the
    # export's linked audit), or the report would print a total the export masks.
    document = document_masks(
        [
            [row.counts for row in diagnosis.by_period],
            [r.counts for r in diagnosis.by_organisation],
        ],
        len(kinds),
        [[count for _label, count in rows] for rows in lists.values()],
    )
    list_masks_of = dict(zip(lists, document.lists, strict=True))
    masks = document.cross
    column_totals = diagnosis.kind_totals
    grand = diagnosis.total
    period = ShownTable(
        "period",
        _("Cas par période de décès et catégorie"),
        ["", *kinds, _("Total")],
        [
            ShownRow(
                label=row.label,
                cells=[
                    *(shown(value, ("cell", 0, i, j), masks) for j, value in enumerate(row.counts)),
                    shown(row.total, ("row", 0, i), masks),
                ],
            )
            for i, row in enumerate(diagnosis.by_period)
        ],
        bool(masks),
        None if masks else charts["period"],
    )
    # The kinds are the period table's column totals: masked the same way, or a subtraction
    # between the two tables would undo the masking.
    by_kind = ShownTable(
        "kinds",
        _("Cas par catégorie"),
        ["", _("Cas")],
        [
            *(
                ShownRow(label=label, cells=[shown(total, ("col", j), masks)])
                for j, (label, total) in enumerate(zip(kinds, column_totals, strict=True))
            ),
            ShownRow(label=_("Total"), cells=[shown(grand, ("grand",), masks)]),
        ],
        bool(masks),
    )
    delays = diagnosis.delays
    delay_rows = []
    for delay in delays.rows:
        few = delay.count < 5
        delay_rows.append(
            ShownRow(
                label=delay.label,
                cells=[
                    document.single(delay.count),
                    MASK if few and delay.count else _number(delay.median),
                    MASK if few and delay.count else _number(delay.p90),
                ],
            )
        )
    rate_masks, _total = list_masks([row.deaths for row in diagnosis.rates.rows])
    rate_masks |= {
        ("cell", i)
        for i, row in enumerate(diagnosis.rates.rows)
        if row.deaths in document.hidden_totals
    }
    # A year's deaths sum its neonatal and post-neonatal counts of the period table: masked with
    # them, or a subtraction would give a masked count back.
    linked = years_touching_masks(
        [row.key for row in diagnosis.by_period],
        [j for j, (value, _label) in enumerate(diagnosis.kinds) if value in DEATH_KINDS],
        lambda i, j: ("cell", 0, i, j) in masks or ("col", j) in masks,
    )
    rate_masks |= {
        ("cell", i)
        for i, row in enumerate(diagnosis.rates.rows)
        if row.label in {str(year) for year in linked}
    }
    rate_rows = []
    for i, row in enumerate(diagnosis.rates.rows):
        hidden = ("cell", i) in rate_masks
        remark = row.reason or (
            _("Naissances non renseignées pour : %(names)s") % {"names": ", ".join(row.missing)}
            if row.missing
            else ""
        )
        rate_rows.append(
            ShownRow(
                label=row.label,
                cells=[
                    MASK if hidden else str(row.deaths),
                    "—" if row.births is None else str(row.births),
                    MASK if hidden else row.rate_display,
                    remark,
                ],
            )
        )

    def distribution(key, chart=None):
        d = distributions[key]
        return _list_table(d.key, d.title, lists[key], _("Cas"), list_masks_of[key], chart)

    return {
        "activity": {
            "total": shown(grand, ("grand",), masks),
            "reviewed": document.single(diagnosis.judgements.reviewed),
            "within_target": document.single(delays.reviewed_within_target),
            # the dashboard's denominator: reviewed cases and those still waiting past the target
            "due": document.single(delays.due),
        },
        "delays": ShownTable(
            "delays",
            _("Délais en jours"),
            [_("Délai"), _("Cas"), _("Médiane"), _("90e percentile")],
            delay_rows,
            any(MASK in row.cells for row in delay_rows),
        ),
        "period": period,
        "kinds": by_kind,
        "rates": ShownTable(
            "rates",
            _("Décès néonatals et post-néonatals pour 1 000 naissances vivantes"),
            [_("Année"), _("Décès"), _("Naissances vivantes"), _("Taux"), _("Remarque")],
            rate_rows,
            bool(rate_masks),
        ),
        "icd_pm": distribution("icd_pm", charts["icd_pm"]),
        "maternal": distribution("maternal"),
        "avoidability": distribution("avoidability", charts["avoidability"]),
        "grades": [distribution(f"grade-{i}") for i in range(len(diagnosis.judgements.grades))],
        "factors": _pareto_table(
            "factors", diagnosis.factors, list_masks_of["factors"], charts["factors"]
        ),
        "pathway": _pareto_table("pathway", diagnosis.pathway, list_masks_of["pathway"]),
        "actions": _list_table(
            "actions",
            _("Suivi des actions correctives"),
            lists["actions"],
            _("Actions"),
            list_masks_of["actions"],
        ),
        # Counted over every case: the total is the period table's, masked with it.
        "social": {
            "vulnerable": document.single(social.vulnerable),
            "total": shown(social.total, ("grand",), masks),
            "distributions": [
                distribution(f"social-{i}") for i in range(len(social.distributions))
            ],
        },
        "document": document,
    }


def annual_report_context(*, user, filters: TerritoryFilters, year: int, scope: str, described):
    """Everything the report shows for `year` (deaths of that year; sessions held that year)."""
    yearly = replace(filters, start=(year, 1), end=(year, 12), granularity=selectors.MONTH)
    diagnosis = diagnosis_build(user=user, filters=yearly)
    unbounded = selectors.territory_cases(user=user, filters=replace(filters, start=None, end=None))
    activity = session_activity(
        cases=unbounded.values("pk"), year=year, committee_id=filters.committee_id
    )
    charts = {
        "period": diagnosis.period_chart("report-period"),
        "avoidability": diagnosis.distribution_chart(
            diagnosis.judgements.avoidability, "report-avoidability"
        ),
        "icd_pm": diagnosis.distribution_chart(diagnosis.icd_pm, "report-icd"),
        "factors": diagnosis.pareto_chart(diagnosis.factors, "report-factors"),
    }
    tables = masked_tables(diagnosis, charts)
    return {
        "year": year,
        "scope": scope,
        "described": described,
        "generated_on": timezone.localdate(),
        "target_days": selectors.REVIEW_TARGET_DAYS,
        "diagnosis": diagnosis,
        "sessions": activity,
        "cases_presented": tables["document"].single(activity.cases_presented),
        "t": tables,
        "masking_rule": masking_rule(),
    }


def masking_rule() -> str:
    return (
        _(
            "Rapport diffusable : tout effectif de cas ou de mentions de 1 à 4 est masqué "
            "(« %(mask)s »), totaux compris ; puis, dans chaque tableau, d'autres cases sont "
            "masquées jusqu'à ce qu'aucune case masquée ne puisse être retrouvée à partir de ce "
            "qui est publié (cases, totaux, zéros, une case masquée valant au moins 1), par "
            "soustraction ou par combinaison de lignes et de colonnes ; médiane et 90e percentile "
            "ne sont donnés que pour 5 valeurs ou plus ; un graphique n'est tracé que si aucun de "
            "ses effectifs n'est masqué."
        )
        % {"mask": MASK}
        + " "
        + same_total_rule()
    )


def annual_report_pdf(context: dict) -> bytes:
    return html_to_pdf(render_to_string("territory/annual_report.html", context))
