"""The quality dashboard: counts, on-time share, a chart of the last twelve months drawn as
inline SVG on the server (hospitals have no internet: no JavaScript library, no CDN), the
filtered list and its CSV export (no person's name or identity, ever: it is made for sharing)."""

import csv
import hashlib
import html
import io
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import astuple, dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from accounts.models import Organisation, Role
from accounts.scope import organisation_ids_with_role
from committees.models import Committee

from . import selectors
from .filters import ActionFilterForm

MAX_PAGE = 10_000  # beyond, a typed URL: offsets that deep would only cost the database


def cache_seconds() -> int:
    return settings.RMM_ACTIONS_DASHBOARD_CACHE_SECONDS


def cache_minutes() -> int:
    """Said beside the figures: at most how old they may be (0 when they are not kept)."""
    return max(1, cache_seconds() // 60) if cache_seconds() > 0 else 0


def _cache_key(user, parts: list) -> str:
    key_parts = [user.pk, parts, translation.get_language(), timezone.localdate()]
    digest = hashlib.sha256(json.dumps(key_parts, default=str).encode()).hexdigest()
    return f"actions:dashboard:{digest}"


CHOICES = ["choices", "labels", "blank form"]


def figures_parts(filters: selectors.ActionFilters) -> list:
    return ["figures", "rendered", "candidates", astuple(filters)]


def read_kept(user, *entries: list) -> dict:
    """The kept entries named (their `parts`), read in one round trip: {key: value or None}."""
    if cache_seconds() <= 0:
        return {}
    keys = [_cache_key(user, parts) for parts in entries]
    found = cache.get_many(keys)
    return {key: found.get(key) for key in keys}


def cached(user, parts: list, compute: Callable, kept: dict | None = None):
    """(value, computed at) of `compute()`, kept `cache_seconds()` for this user, these filters,
    this language and this day: the counts and the chart aggregate every action the user sees
    (tens of thousands for a large organisation), which costs far more than a page, and a
    quality dashboard need not be to the second. Kept per user (what one sees is theirs: a named
    owner sees their own actions); aggregates, ids and names of organisations and committees,
    and the figures' rendering, no text of an action. `kept` holds entries already read
    (`read_kept`)."""
    seconds = cache_seconds()
    if seconds <= 0:
        return compute(), timezone.now()
    key = _cache_key(user, parts)
    found = kept[key] if kept and key in kept else cache.get(key)
    if found is None:
        found = (compute(), timezone.now())
        cache.set(key, found, seconds)
    return found


def may_see_dashboard(user) -> bool:
    """The quality managers and coordinators (référents RMM) of an organisation."""
    return bool(organisation_ids_with_role(user, Role.QUALITY_MANAGER, Role.COORDINATOR))


class DashboardAccessMixin(LoginRequiredMixin):
    kept: dict | None = None  # cache entries already read (`read_kept`)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_see_dashboard(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def filter_form(self, *, warn: bool = True) -> ActionFilterForm:
        """The filter form, bound to the query string; its valid filters in `self.filters`
        (`warn`: the page says which ones it could not apply)."""
        user = self.request.user

        def choices():
            visible = selectors.CorrectiveAction.objects.filter(
                pk__in=selectors.dashboard_visible_ids(user=user)
            ).order_by()
            # One reading of the visible set for both lists (each reading costs the union).
            pairs = list(
                visible.values_list("owner_organisation_id", "session__committee_id").distinct()
            )
            organisation_ids = {organisation for organisation, _committee in pairs}
            committee_ids = {committee for _organisation, committee in pairs}
            return (
                list(
                    Organisation.objects.filter(pk__in=organisation_ids)
                    .order_by("name")
                    .values_list("pk", "name")
                ),
                list(
                    Committee.objects.filter(pk__in=committee_ids)
                    .order_by("name")
                    .values_list("pk", "name")
                ),
            )

        def choices_and_blank_form():
            organisations, committees = choices()
            # The unfiltered form's markup (the same for every visit), kept with its lists.
            blank = filters_html(self._form(None, organisations, committees))
            return organisations, committees, str(blank)

        (organisations, committees, blank), _at = cached(
            user, CHOICES, choices_and_blank_form, self.kept
        )
        form = self._form(self.request.GET or None, organisations, committees)
        if form.is_bound:
            self.fields_html = filters_html(form)
        else:
            self.fields_html = mark_safe(blank)  # noqa: S308 - written by filters_html, escaped
        filters = form.filters()
        if warn and (rejected := form.rejected_filters()):
            messages.warning(
                self.request,
                _("Filtre non appliqué (valeur invalide) : %(filters)s.")
                % {"filters": ", ".join(rejected)},
            )
        self.filters = filters
        return form

    @staticmethod
    def _form(data, organisations: list, committees: list) -> ActionFilterForm:
        form = ActionFilterForm(
            data,
            organisations=Organisation.objects.filter(
                pk__in=[pk for pk, _name in organisations]
            ).order_by("name"),
            committees=Committee.objects.filter(pk__in=[pk for pk, _name in committees]).order_by(
                "name"
            ),
        )
        # The lists are drawn from the names kept with the ids (labels); the querysets only
        # check a submitted value.
        form.offer("organisation", organisations)
        form.offer("committee", committees)
        return form

    def visible_actions(self):
        """Every action the user sees that the filters select (built only when read: the
        figures are cached, and the list reads its page otherwise)."""
        return selectors.dashboard_actions(user=self.request.user, filters=self.filters)


def _page_number(value: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


@method_decorator(never_cache, name="dispatch")
class DashboardView(DashboardAccessMixin, View):
    def get(self, request):
        # The labels and, for the unfiltered page, the figures: one round trip to the cache.
        self.kept = read_kept(request.user, CHOICES, figures_parts(selectors.ActionFilters()))
        form = self.filter_form()
        page = _page_number(request.GET.get("page", "1"))
        size = selectors.DASHBOARD_PAGE_SIZE

        def figures():
            actions = self.visible_actions()
            months = selectors.dashboard_monthly(actions=actions)
            counts = selectors.dashboard_counts(actions=actions)
            table = [
                {"label": _month_label(row.month), "opened": row.opened, "closed": row.closed}
                for row in months
            ]
            at = timezone.now()
            # The counts, the chart and its table, rendered once with the figures they show
            # (aggregates only: nothing of an action's text, nothing of a person).
            html = render_to_string(
                "actions/dashboard/_figures.html",
                {
                    "counts": counts,
                    "months": table,
                    "chart": chart_svg(months),
                    "computed_at": at,
                    "cache_minutes": cache_minutes(),
                },
            )
            return counts, table, html, at, selectors.dashboard_candidates(filters=self.filters)

        (counts, months, html, computed_at, candidates), _at = cached(
            request.user,
            figures_parts(self.filters),
            figures,
            self.kept,
        )
        rows = selectors.dashboard_page(
            user=request.user,
            filters=self.filters,
            offset=(page - 1) * size,
            limit=size + 1,
            visible=counts.total,
            candidates=candidates,
        )
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "actions/dashboard/dashboard.html",
            {
                "form": form,
                "filters_html": self.fields_html,
                "counts": counts,
                "computed_at": computed_at,
                "months": months,
                "figures_html": mark_safe(html),  # noqa: S308 - our template, every value escaped
                "rows": rows[:size],
                "rows_html": rows_html(rows[:size]),
                "page": page,
                "has_previous": page > 1,
                "has_next": len(rows) > size and page < MAX_PAGE,
                "query": query.urlencode(),
            },
        )


class _Seen(dict):
    """A text by its value, written once (escaped, neutralised, formatted): a list or an export
    repeats a handful of labels and organisations, and an export a few hundred dates."""

    def __init__(self, write: Callable):
        super().__init__()
        self.write = write

    def __missing__(self, value):
        self[value] = text = self.write(value)
        return text


def rows_html(rows: list[selectors.ActionRow]) -> SafeString:
    """The list's rows, every text escaped: written here rather than in the template, where
    fifty rows of eight cells cost ten milliseconds (a variable lookup and escape per cell).
    `html.escape` is Django's `escape` without its check for lazy arguments on each call; the
    few labels and organisations that repeat down the list are escaped once."""
    late = f' <span class="badge text-bg-danger">{html.escape(_("En retard"))}</span>'
    repeated = _Seen(html.escape)
    return mark_safe(  # noqa: S308 - every interpolated text is escaped
        "".join(
            f"  <tr>\n    <td>A{row.id}</td>\n"
            f"    <td>{html.escape(row.what_changes_short)}</td>\n"
            f"    <td>{repeated[row.barrier]} · {repeated[row.nature]}</td>\n"
            f"    <td>{html.escape(row.function)}<br>"
            f'<span class="small text-body-secondary">{repeated[row.organisation]}</span>'
            f"</td>\n"
            f"    <td>{row.due_label}{late if row.overdue else ''}</td>\n"
            f'    <td><span class="badge text-bg-secondary">{repeated[row.status_label]}'
            f"</span></td>\n"
            f"    <td>{html.escape(row.codes_label)}</td>\n"
            f"    <td>{row.session_label}</td>\n  </tr>\n"
            for row in rows
        )
    )


def filters_html(form: ActionFilterForm) -> SafeString:
    """The filter form's fields as the page lays them out (label, widget, errors), the markup
    of the template's loop written here: its nine bound fields cost more than the list's
    query."""
    parts = []
    for field in form:
        widget, label = str(field), conditional_escape(field.label)
        for_id = conditional_escape(field.id_for_label)
        if getattr(field.field.widget, "input_type", None) == "checkbox":
            control = (
                f'\n    <div class="form-check mb-2">{widget} <label class="form-check-label" '
                f'for="{for_id}">{label}</label></div>\n    '
            )
        else:
            control = (
                f'\n    <label class="form-label" for="{for_id}">{label}</label>'
                f"\n    {widget}\n    "
            )
        errors = ""
        if field.errors:
            listed = "".join(f"{conditional_escape(error)} " for error in field.errors)
            errors = (
                f'<div class="invalid-feedback d-block" id="{conditional_escape(field.auto_id)}'
                f'_error">{listed}</div>'
            )
        parts.append(
            f'\n  <div class="col-sm-6 col-md-3 col-lg-2">\n    {control}\n    {errors}'
            f"\n  </div>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308 - labels, ids and errors escaped, widgets safe


# --- Chart ------------------------------------------------------------------------------------
def _month_label(month) -> str:
    return date_format(month, "M Y")


@dataclass(frozen=True)
class _Geometry:
    width: int = 720
    height: int = 260
    left: int = 40
    right: int = 10
    top: int = 30
    bottom: int = 50


OPENED_COLOUR = "#0d6efd"  # Bootstrap primary
CLOSED_COLOUR = "#198754"  # Bootstrap success


def chart_svg(months: list[selectors.MonthCount]) -> SafeString:
    """Grouped bars (opened, closed) per month; every text escaped, no external reference."""
    g = _Geometry()
    peak = max([1, *(row.opened for row in months), *(row.closed for row in months)])
    plot_width = g.width - g.left - g.right
    plot_height = g.height - g.top - g.bottom
    slot = plot_width / max(len(months), 1)
    bar = slot * 0.35
    title = escape(_("Actions ouvertes et clôturées par mois, sur 12 mois"))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {g.width} {g.height}" '
        f'class="w-100 h-auto" role="img" aria-labelledby="chart-title">',
        f'<title id="chart-title">{title}</title>',
        f'<line x1="{g.left}" y1="{g.top + plot_height}" x2="{g.width - g.right}" '
        f'y2="{g.top + plot_height}" stroke="#6c757d"/>',
        f'<text x="{g.left - 6}" y="{g.top + 4}" text-anchor="end" font-size="11">{peak}</text>',
        f'<text x="{g.left - 6}" y="{g.top + plot_height}" text-anchor="end" '
        f'font-size="11">0</text>',
    ]
    for index, row in enumerate(months):
        x = g.left + index * slot + slot * 0.15
        label = escape(_month_label(row.month))
        for offset, value, colour, name in (
            (0, row.opened, OPENED_COLOUR, _("ouvertes")),
            (bar, row.closed, CLOSED_COLOUR, _("clôturées")),
        ):
            height = plot_height * value / peak
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{g.top + plot_height - height:.1f}" '
                f'width="{bar:.1f}" height="{height:.1f}" fill="{colour}">'
                f"<title>{label} : {value} {escape(name)}</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar:.1f}" y="{g.top + plot_height + 16}" text-anchor="middle" '
            f'font-size="11">{label}</text>'
        )
    legend_y = g.height - 12
    for position, colour, name in (
        (g.left, OPENED_COLOUR, _("Ouvertes (proposées)")),
        (g.left + 220, CLOSED_COLOUR, _("Clôturées (réalisées ou annulées)")),
    ):
        parts.append(
            f'<rect x="{position}" y="{legend_y - 10}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{position + 18}" y="{legend_y}" font-size="12">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


# --- CSV export -------------------------------------------------------------------------------
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_STARTS = frozenset(FORMULA_PREFIXES)


def csv_cell(value) -> str:
    """A spreadsheet must never run a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in _FORMULA_STARTS else text


def _date(value) -> str:
    # strftime costs several times this, once or twice a row of a 30,000-row export.
    return f"{value.day:02d}/{value.month:02d}/{value.year}" if value else ""


EXPORT_BATCH = 2000
LINES_PER_CHUNK = 500  # handed to the server together: one write per line cost a third of it


def export_lines(actions, language: str) -> Iterator[str]:
    """The CSV, in chunks of lines, read through one server-side cursor in batches (one query,
    the cases' codes included): a large export never sits whole in memory, and its time grows
    with its rows. It is iterated after the view has returned, hence the language carried
    along. Each chunk's lines are written by the csv module into a buffer in one call."""
    with translation.override(language):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        buffer.write("\ufeff")  # Excel reads UTF-8 only with its byte order mark
        writer.writerow(_export_header())
        rows = _export_rows(actions)
        while True:
            writer.writerows(itertools.islice(rows, LINES_PER_CHUNK))
            chunk = buffer.getvalue()
            if not chunk:
                return
            yield chunk
            buffer.seek(0)
            buffer.truncate()


def _export_header() -> list[str]:
    return [
        _("Identifiant"),
        _("Ce qui va changer"),
        _("Type de barrière"),
        _("Nature"),
        _("Organisation responsable"),
        _("Fonction responsable"),
        _("Échéance"),
        _("Statut"),
        _("En retard"),
        _("Cas"),
        _("Séance"),
    ]


def _export_rows(actions) -> Iterator[tuple]:
    yes, no = _("oui"), _("non")
    # Typed cells (the id, dates) cannot start a formula; every text is neutralised, the
    # repeated ones (labels, organisations, dates) once.
    labels, days = _Seen(csv_cell), _Seen(_date)
    for row in selectors.dashboard_rows_streamed(actions=actions, batch=EXPORT_BATCH):
        yield (
            row.id,
            csv_cell(row.what_changes),
            labels[row.barrier],
            labels[row.nature],
            labels[row.organisation],
            csv_cell(row.function),
            days[row.due_date],
            labels[row.status_label],
            yes if row.overdue else no,
            csv_cell(", ".join(row.case_codes)),
            days[row.session_date],
        )


@method_decorator(never_cache, name="dispatch")
class DashboardExportView(DashboardAccessMixin, View):
    def get(self, request):
        form = self.filter_form(warn=False)
        if rejected := form.rejected_filters():
            # Never a file wider than asked: refused, and the dashboard shows why.
            messages.error(
                request,
                _("Export refusé, filtre invalide : %(filters)s.")
                % {"filters": ", ".join(rejected)},
            )
            target = reverse("actions:dashboard")
            with_query = f"{target}?{request.GET.urlencode()}"
            return redirect(with_query if len(with_query) <= 2000 else target)
        response = StreamingHttpResponse(
            export_lines(self.visible_actions(), translation.get_language()),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="actions-correctives.csv"'
        return response


urlpatterns = [
    path("tableau-de-bord/", DashboardView.as_view(), name="dashboard"),
    path("tableau-de-bord/export.csv", DashboardExportView.as_view(), name="dashboard_export"),
]
