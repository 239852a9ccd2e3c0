"""The two CSV exports of the territorial diagnosis, streamed line by line (semicolons, UTF-8
with its byte order mark for Excel, formulas neutralised):

- pseudonymised rows for the epidemiologists of the organisation: one line per case, coded
  values only (never a vault field, an exact date or a free text);
- aggregated tables for external sharing, with small-cell suppression (territory.suppression).
"""

import csv
from collections.abc import Iterator

from django.db.models import Count
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import Organisation
from actions.dashboard import csv_cell
from cases.clinical.value_sets import CaseKind
from cases.models import Case
from cases.status import CaseStatus
from committees.models import Avoidability

from . import reviews
from .diagnosis import Diagnosis
from .selectors import DEATH_KINDS, DECLARATION, REVIEW
from .suppression import (
    MASK,
    DocumentMasks,
    document_masks,
    list_masks,
    shown,
    years_touching_masks,
)

EXPORT_BATCH = 1000


class _Echo:
    """A file-like object whose write hands the line back (csv.writer into a stream)."""

    def write(self, value):
        return value


def _writer():
    return csv.writer(_Echo(), delimiter=";")


# --- Pseudonymised rows -----------------------------------------------------------------------
CASE_COLUMNS = [
    "pk",
    "code",
    "organisation__name",
    "organisation__level",
    "kind",
    "death_year",
    "death_month",
    "gestational_age_weeks",
    "gestational_age_days",
    "birth_weight_g",
    DECLARATION,
    REVIEW,
    "status",
]
REVIEW_COLUMNS = [
    "case_id",
    "avoidability",
    "icd_pm_group__code",
    "maternal_condition__code",
    "grade_care_to_death",
    "grade_neonatal_care",
    "grade_after_death",
]


def _row_header() -> list[str]:
    return [
        _("Code du cas"),
        _("Organisation déclarante"),
        _("Niveau de maternité"),
        _("Catégorie de cas"),
        _("Année du décès"),
        _("Mois du décès"),
        _("Âge gestationnel (SA)"),
        _("Âge gestationnel (jours)"),
        _("Poids de naissance (g)"),
        _("Délai décès → déclaration (jours)"),
        _("Délai déclaration → revue (jours)"),
        _("Délai décès → revue (jours)"),
        _("Statut"),
        _("Évitabilité"),
        _("Groupe CIM-PM"),
        _("Condition maternelle CIM-PM"),
        _("Grade : soins jusqu'au décès"),
        _("Grade : soins néonatals"),
        _("Grade : soins après le décès"),
        _("Facteurs contributifs (nombre)"),
        _("Ruptures du parcours (nombre)"),
    ]


ROW_PREAMBLE_LINES = 5  # lines before the column names: read.csv2(skip = 5), skiprows=5


def row_lines(cases, described: list[tuple[str, str]], scope: str, language: str):
    """The row-level CSV. The order is fixed once (ids only), then rows are read in batches of
    coded columns (two queries a batch), so a large export never sits whole in memory. It is
    iterated after the view has returned, hence the language carried along.

    Like the aggregated export, it says first what it is, when it was produced, over which
    organisations and with which filters; always in ROW_PREAMBLE_LINES lines (the filters on
    one line), so that a script skips a fixed number of lines to reach the column names."""
    with translation.override(language):
        yield from _row_lines(cases, described, scope)


def _row_lines(cases, described, scope: str) -> Iterator[str]:
    writer = _writer()
    yield "\ufeff"  # Excel reads UTF-8 only with its byte order mark
    yield writer.writerow([_("Diagnostic territorial RMM — cas pseudonymisés")])
    yield writer.writerow(
        [_("Produit le %(date)s") % {"date": date_format(timezone.localdate(), "d/m/Y")}]
    )
    yield writer.writerow([csv_cell(_("Périmètre : %(scope)s") % {"scope": scope})])
    applied = " ; ".join(f"{label} : {value}" for label, value in described) or _("aucun")
    yield writer.writerow([csv_cell(_("Filtres : %(filters)s") % {"filters": applied})])
    yield writer.writerow([])
    yield writer.writerow(_row_header())
    levels = dict(Organisation.Level.choices)
    kinds, statuses = dict(CaseKind.choices), dict(CaseStatus.choices)
    avoidability = dict(Avoidability.choices)
    ids = list(cases.order_by("code", "pk").values_list("pk", flat=True))
    for start in range(0, len(ids), EXPORT_BATCH):
        batch = ids[start : start + EXPORT_BATCH]
        batch_cases = Case.objects.filter(pk__in=batch)
        judged = {
            row["case_id"]: row
            for row in reviews.latest_reviews(cases=batch_cases)
            .order_by()
            .values(*REVIEW_COLUMNS)
            .annotate(
                n_factors=Count("factors", distinct=True),
                n_breaks=Count("pathway_breaks", distinct=True),
            )
        }
        rows = {row["pk"]: row for row in batch_cases.order_by().values(*CASE_COLUMNS)}
        for pk in batch:
            row, review = rows.get(pk), judged.get(pk, {})
            if row is None:  # deleted while the export was read
                continue
            to_declaration, to_review = row[DECLARATION], row[REVIEW]
            death_to_review = (
                to_declaration + to_review
                if to_declaration is not None and to_review is not None
                else None
            )
            yield writer.writerow(
                csv_cell(value)
                for value in (
                    row["code"],
                    row["organisation__name"],
                    levels.get(row["organisation__level"], ""),
                    kinds.get(row["kind"], row["kind"]),
                    row["death_year"],
                    row["death_month"],
                    row["gestational_age_weeks"],
                    row["gestational_age_days"],
                    row["birth_weight_g"],
                    to_declaration,
                    to_review,
                    death_to_review,
                    statuses.get(row["status"], row["status"]),
                    avoidability.get(review.get("avoidability"), ""),
                    review.get("icd_pm_group__code"),
                    review.get("maternal_condition__code"),
                    review.get("grade_care_to_death"),
                    review.get("grade_neonatal_care"),
                    review.get("grade_after_death"),
                    review.get("n_factors", ""),
                    review.get("n_breaks", ""),
                )
            )


# --- Aggregated tables with small-cell suppression -------------------------------------------
def aggregate_lines(
    diagnosis: Diagnosis, described: list[tuple[str, str]], scope: str, language: str
) -> Iterator[str]:
    with translation.override(language):
        yield from _aggregate_lines(diagnosis, described, scope)


def rule_paragraphs() -> list[str]:
    """The suppression rule as written in the export's first lines (and the README)."""
    return [
        _(
            "Secret statistique : tout effectif de 1 à 4 est masqué (« %(mask)s »), totaux "
            "compris ; les zéros sont affichés. Suppression complémentaire : pour chaque case "
            "masquée, on calcule les valeurs qu'elle peut prendre compte tenu de tout ce qui "
            "est publié (cases et totaux des lignes et des colonnes, zéros, une case masquée "
            "valant au moins 1), les deux tableaux croisés, qui ont les mêmes totaux par "
            "catégorie, étant examinés ensemble ; tant qu'une case masquée ne peut prendre "
            "qu'une seule valeur, la plus petite case non nulle publiée de sa ligne ou de sa "
            "colonne (à défaut, un total) est masquée aussi. Aucune case masquée ne peut ainsi "
            "être retrouvée par soustraction ni par combinaison de lignes et de colonnes. Les "
            "cases masquées pour cette raison ne se distinguent pas des autres."
        )
        % {"mask": MASK},
        same_total_rule(),
        _(
            "Médiane et 90e percentile ne sont donnés que pour 5 valeurs ou plus ; un taux "
            "n'est pas donné quand le nombre de décès est masqué."
        ),
    ]


def same_total_rule() -> str:
    """The file-wide part of the rule (suppression.document_masks), also in the report."""
    return _(
        "Un total masqué l'est partout dans le document : tout autre effectif publié qui lui "
        "est égal (par exemple les cas déclarés des délais, ou le total d'un autre tableau) "
        "est masqué aussi, avec la suppression complémentaire de son tableau."
    )


def _cross_tables(writer, columns: list[str], masked: set, tables) -> Iterator[str]:
    """Cross tables sharing their columns (the same cases counted two ways), masked together
    (document_masks), or a column total published in one would give away the same total masked
    in the other."""
    width = len(columns)
    column_totals = [sum(row.counts[j] for row in tables[0][1]) for j in range(width)]
    grand = sum(column_totals)
    for t, (title, rows) in enumerate(tables):
        yield writer.writerow([title])
        yield writer.writerow(["", *columns, _("Total")])
        for i, row in enumerate(rows):
            yield writer.writerow(
                [
                    csv_cell(row.label),
                    *(
                        shown(value, ("cell", t, i, j), masked)
                        for j, value in enumerate(row.counts)
                    ),
                    shown(row.total, ("row", t, i), masked),
                ]
            )
        yield writer.writerow(
            [
                _("Total"),
                *(shown(value, ("col", j), masked) for j, value in enumerate(column_totals)),
                shown(grand, ("grand",), masked),
            ]
        )
        yield writer.writerow([])


def _list_table(
    writer, title: str, rows: list[tuple[str, int]], unit: str, masked: set
) -> Iterator[str]:
    yield writer.writerow([title])
    yield writer.writerow(["", unit])
    for i, (label, count) in enumerate(rows):
        yield writer.writerow([csv_cell(label), shown(count, ("cell", i), masked)])
    total = sum(count for _label, count in rows)
    yield writer.writerow([_("Total"), shown(total, ("grand",), masked)])
    yield writer.writerow([])


def _number(value) -> str:
    if value is None:
        return ""
    return f"{value:.1f}".replace(".", ",") if value != int(value) else str(int(value))


def _aggregate_lines(diagnosis: Diagnosis, described, scope: str) -> Iterator[str]:
    writer = _writer()
    cases_unit = _("Cas")
    yield "\ufeff"
    yield writer.writerow([_("Diagnostic territorial RMM — tableaux agrégés")])
    yield writer.writerow(
        [_("Produit le %(date)s") % {"date": date_format(timezone.localdate(), "d/m/Y")}]
    )
    yield writer.writerow([csv_cell(_("Périmètre : %(scope)s") % {"scope": scope})])
    for label, value in described:
        yield writer.writerow([csv_cell(f"{label} : {value}")])
    for paragraph in rule_paragraphs():
        yield writer.writerow([paragraph])
    yield writer.writerow([])
    kinds = [label for _value, label in diagnosis.kinds]
    cross = [
        (_("Cas par période de décès et catégorie"), diagnosis.by_period),
        (_("Cas par organisation déclarante et catégorie"), diagnosis.by_organisation),
    ]
    lists = [
        *(
            (distribution.title, [(row.label, row.count) for row in distribution.rows], cases_unit)
            for distribution in (
                diagnosis.judgements.avoidability,
                *diagnosis.judgements.grades,
                diagnosis.icd_pm,
                diagnosis.maternal,
                *diagnosis.social.distributions,
            )
        ),
        *(
            (
                pareto.title,
                [(f"{row.code} {row.label}", row.count) for row in pareto.rows],
                _("Mentions"),
            )
            for pareto in (diagnosis.factors, diagnosis.pathway)
        ),
        (_("Suivi des actions correctives"), diagnosis.actions.labelled(), _("Actions")),
    ]
    # One set of masks for the whole file: a total masked in one table is masked wherever the
    # same number is printed (the cases are also the social tables' total and the declared
    # cases of the delays), see suppression.document_masks.
    masks = document_masks(
        [[row.counts for row in rows] for _title, rows in cross],
        len(kinds),
        [[count for _label, count in rows] for _title, rows, _unit in lists],
    )
    yield from _cross_tables(writer, kinds, masks.cross, cross)
    yield writer.writerow([_("Délais (jours)")])
    yield writer.writerow(["", _("Cas"), _("Médiane"), _("90e percentile")])
    for delay in diagnosis.delays.rows:
        hidden = delay.count < 5
        yield writer.writerow(
            [
                delay.label,
                masks.single(delay.count),
                MASK if hidden and delay.count else _number(delay.median),
                MASK if hidden and delay.count else _number(delay.p90),
            ]
        )
    yield writer.writerow([])
    for (title, rows, unit), masked in zip(lists, masks.lists, strict=True):
        yield from _list_table(writer, title, rows, unit, masked)
    yield from _rate_lines(writer, diagnosis, masks)


def _rate_lines(writer, diagnosis: Diagnosis, masks: DocumentMasks) -> Iterator[str]:
    rows = diagnosis.rates.rows
    period_masks = masks.cross
    masked, _total = list_masks([row.deaths for row in rows])
    masked |= {("cell", i) for i, row in enumerate(rows) if row.deaths in masks.hidden_totals}
    # A year's deaths are the sum of its neonatal and post-neonatal counts in the period table:
    # when one of them is masked there, the deaths (and the rate) are masked here too.
    death_columns = [j for j, (value, _label) in enumerate(diagnosis.kinds) if value in DEATH_KINDS]
    linked = years_touching_masks(
        [row.key for row in diagnosis.by_period],
        death_columns,
        lambda i, j: ("cell", 0, i, j) in period_masks,
    )
    masked |= {("cell", i) for i, row in enumerate(rows) if row.label in {str(y) for y in linked}}
    yield writer.writerow([_("Décès néonatals et post-néonatals pour 1 000 naissances vivantes")])
    yield writer.writerow(["", _("Décès"), _("Naissances vivantes"), _("Taux (‰)"), _("Remarque")])
    for i, row in enumerate(rows):
        hidden = ("cell", i) in masked
        remark = row.reason or (
            _("naissances manquantes : %(names)s") % {"names": ", ".join(row.missing)}
            if row.missing
            else ""
        )
        yield writer.writerow(
            [
                row.label,
                MASK if hidden else row.deaths,
                "" if row.births is None else row.births,
                MASK if hidden else ("" if row.rate is None else str(row.rate).replace(".", ",")),
                csv_cell(remark),
            ]
        )
    yield writer.writerow([])
