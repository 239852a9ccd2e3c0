"""The territorial diagnosis pages: the dashboard, its two CSV exports, the annual report and the
live-births import. Thin views: scope and figures come from permissions, selectors and
diagnosis; a page the user may not open is a 404."""

import hashlib
import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache

from committees.models import Committee

from . import exports, permissions, report, selectors
from .diagnosis import PARETO_SHOWN, diagnosis_for_dashboard
from .filters import TerritoryFilterForm
from .models import FIRST_YEAR
from .services import MAX_BYTES, live_births_import


class TerritoryAccessMixin(LoginRequiredMixin):
    """Whoever sees the aggregates of at least one organisation (404 for anyone else)."""

    def allowed(self, user) -> bool:
        return permissions.may_see_territory(user)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.allowed(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def filter_form(self) -> TerritoryFilterForm:
        """The dashboard's filters; a value that cannot be applied is reported on the page."""
        form = self.bound_filter_form()
        if rejected := form.rejected_filters():
            messages.warning(
                self.request,
                _("Filtre non appliqué (valeur invalide) : %(filters)s.")
                % {"filters": ", ".join(rejected)},
            )
        return form

    def bound_filter_form(self) -> TerritoryFilterForm:
        user = self.request.user
        ids = permissions.aggregated_organisation_ids(user)
        return TerritoryFilterForm(
            self.request.GET or None,
            organisations=permissions.organisations_aggregated_for(user).order_by("name"),
            # The committees of these organisations and of the territories above them.
            committees=Committee.objects.filter(
                Q(organisation_id__in=ids)
                | Q(organisation__children__in=ids)
                | Q(organisation__children__children__in=ids)
            )
            .distinct()
            .order_by("name"),
        )

    def refused(self, reasons: list[str]):
        """An export or a report is never produced over a wider scope than asked: with a filter
        it cannot apply, it is refused and the dashboard shows why, with the same filters."""
        for reason in reasons:
            messages.error(self.request, reason)
        query = self.request.GET.copy()
        query.pop("year", None)
        target = reverse("territory:dashboard")
        with_query = f"{target}?{query.urlencode()}"
        # Django refuses to redirect to a very long address (a hostile value): the bare page then.
        return redirect(with_query if query and len(with_query) <= 2000 else target)

    def rejected_reasons(self, form: TerritoryFilterForm) -> list[str]:
        rejected = form.rejected_filters()
        if not rejected:
            return []
        return [
            _(
                "Export refusé : le filtre %(filters)s n'est pas valide et le fichier aurait "
                "porté sur un périmètre plus large que demandé. Corrigez le filtre puis "
                "relancez l'export."
            )
            % {"filters": ", ".join(f"« {label} »" for label in rejected)}
        ]

    def scope_label(self) -> str:
        """The organisations covered, by name (for the exports' and the report's headers)."""
        names = list(
            permissions.organisations_aggregated_for(self.request.user)
            .order_by("name")
            .values_list("name", flat=True)[:30]
        )
        return ", ".join(names)


@method_decorator(never_cache, name="dispatch")
class DashboardView(TerritoryAccessMixin, View):
    def get(self, request):
        form = self.filter_form()
        offer_choice_labels(form, request.user)
        filters = form.filters()
        diagnosis = diagnosis_for_dashboard(user=request.user, filters=filters)
        query = request.GET.urlencode()
        last_year = last_completed_year()
        # The year the period points at, if completed; otherwise the last completed year.
        report_year = min((filters.end or filters.start or (last_year, 1))[0], last_year)
        return render(
            request,
            "territory/dashboard.html",
            {
                "form": form,
                "d": diagnosis,
                "figures": figures_html(diagnosis),
                "query": query,
                "may_export_rows": permissions.may_export_rows(request.user),
                "may_import": permissions.may_import_live_births(request.user),
                "report_years": list(range(last_year, max(FIRST_YEAR - 1, last_year - 15), -1)),
                "report_year": report_year,
                "cache_minutes": max(1, settings.RMM_TERRITORY_CACHE_SECONDS // 60),
            },
        )


def offer_choice_labels(form: TerritoryFilterForm, user) -> None:
    """The organisation and committee lists drawn from their labels kept for the same scope
    and language as long as the figures (names only), instead of two queries and a model
    object per option on every request; a submitted value is still checked by the form."""
    key_parts = [sorted(permissions.aggregated_organisation_ids(user)), translation.get_language()]
    digest = hashlib.sha256(json.dumps(key_parts).encode()).hexdigest()
    key = f"territory:choices:{digest}"
    found = cache.get(key)
    if found is None:
        found = (form.labels("organisation"), form.labels("committee"))
        cache.set(key, found, settings.RMM_TERRITORY_CACHE_SECONDS)
    form.offer("organisation", found[0])
    form.offer("committee", found[1])


def figures_html(diagnosis) -> str:
    """The dashboard's figures (tables and charts), rendered once per computed diagnosis and
    kept as long as it: they depend on the diagnosis alone (aggregates, no row, no identity,
    nothing of the reader), and rendering them cost three times the rest of the page. The key
    is the diagnosis's own (scope, filters, language) and the time it was computed."""
    key_parts = [
        diagnosis.cache_key,
        diagnosis.computed_at.isoformat(),
        translation.get_language(),
    ]
    digest = hashlib.sha256(json.dumps(key_parts, default=str).encode()).hexdigest()
    key = f"territory:figures:{digest}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "territory/partials/_figures.html",
            {
                "d": diagnosis,
                "charts": {
                    "period": diagnosis.period_chart(),
                    "avoidability": diagnosis.distribution_chart(
                        diagnosis.judgements.avoidability, "chart-avoidability"
                    ),
                    "icd_pm": diagnosis.distribution_chart(diagnosis.icd_pm, "chart-icd"),
                    "factors": diagnosis.pareto_chart(diagnosis.factors, "chart-factors"),
                    "pathway": diagnosis.pareto_chart(diagnosis.pathway, "chart-pathway"),
                },
                "pareto_shown": PARETO_SHOWN,
                "target_days": selectors.REVIEW_TARGET_DAYS,
            },
        )
        cache.set(key, html, settings.RMM_TERRITORY_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our template, every value escaped there


@method_decorator(never_cache, name="dispatch")
class ExportRowsView(TerritoryAccessMixin, View):
    """Pseudonymised rows: coordinators and quality managers, never observers."""

    def allowed(self, user) -> bool:
        return permissions.may_export_rows(user)

    def get(self, request):
        form = self.bound_filter_form()
        if reasons := self.rejected_reasons(form):
            return self.refused(reasons)
        filters = form.filters()
        cases = selectors.territory_cases(user=request.user, filters=filters).filter(
            pk__in=permissions.case_rows_exportable_by(request.user).values("pk")
        )
        response = StreamingHttpResponse(
            exports.row_lines(
                cases, form.described(), self.scope_label(), translation.get_language()
            ),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="rmm-cas-pseudonymises.csv"'
        return response


@method_decorator(never_cache, name="dispatch")
class ExportAggregatesView(TerritoryAccessMixin, View):
    def get(self, request):
        form = self.bound_filter_form()
        if reasons := self.rejected_reasons(form):
            return self.refused(reasons)
        # The dashboard's figures for the same scope, filters and language: computed once for
        # both (the export is asked right after the dashboard is looked at).
        diagnosis = diagnosis_for_dashboard(user=request.user, filters=form.filters())
        response = StreamingHttpResponse(
            exports.aggregate_lines(
                diagnosis, form.described(), self.scope_label(), translation.get_language()
            ),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="rmm-tableaux-agreges.csv"'
        return response


def last_completed_year() -> int:
    """An annual report covers a completed year: the default and the latest one offered."""
    return timezone.localdate().year - 1


class ReportYearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Année"), min_value=FIRST_YEAR)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > last_completed_year():
            raise forms.ValidationError(
                _(
                    "Le rapport annuel porte sur une année terminée : choisissez %(last)s ou "
                    "une année antérieure (l'année %(year)s n'est pas terminée)."
                )
                % {"last": last_completed_year(), "year": year}
            )
        return year


@method_decorator(never_cache, name="dispatch")
class AnnualReportView(TerritoryAccessMixin, View):
    def get(self, request):
        year_form = ReportYearForm(request.GET)
        form = self.bound_filter_form()
        reasons = []
        if not year_form.is_valid():
            errors = year_form.errors.get("year", [])
            if "year" in request.GET and errors and request.GET["year"].strip().isdigit():
                reasons.extend(str(error) for error in errors)
            else:
                reasons.append(
                    _("Choisissez l'année du rapport (une année terminée, %(first)s-%(last)s).")
                    % {"first": FIRST_YEAR, "last": last_completed_year()}
                )
        if rejected := form.rejected_filters():
            reasons.append(
                _(
                    "Rapport refusé : le filtre %(filters)s n'est pas valide et le rapport "
                    "aurait porté sur un périmètre plus large que demandé. Corrigez le filtre "
                    "puis relancez le rapport."
                )
                % {"filters": ", ".join(f"« {label} »" for label in rejected)}
            )
        if reasons:
            return self.refused(reasons)
        year = year_form.cleaned_data["year"]
        period = {str(form.fields[name].label) for name in ("period_from", "period_to")}
        context = report.annual_report_context(
            user=request.user,
            filters=form.filters(),
            year=year,
            scope=self.scope_label(),
            described=[(label, value) for label, value in form.described() if label not in period],
        )
        response = HttpResponse(report.annual_report_pdf(context), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="rapport-annuel-rmm-{year}.pdf"'
        return response


class LiveBirthsImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV"),
        help_text=gettext_lazy(
            "Colonnes : organisation (n° FINESS ou nom) ; année ; naissances vivantes ; source."
        ),
    )


@method_decorator(never_cache, name="dispatch")
class LiveBirthsImportView(LoginRequiredMixin, View):
    """Administrators of an organisation or of its territory import its live births."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.may_import_live_births(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(LiveBirthsImportForm(), None)

    def post(self, request):
        form = LiveBirthsImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, None, status=400)
        upload = form.cleaned_data["file"]
        result = live_births_import(content=upload.read(MAX_BYTES + 1), by=request.user)
        if result.errors:
            return self.render(form, result, status=400)
        messages.success(
            request,
            _("Naissances importées : %(created)s ajoutées, %(updated)s mises à jour.")
            % {"created": result.created, "updated": result.updated},
        )
        return redirect(reverse("territory:import_live_births"))

    def render(self, form, result, status=200):
        return render(
            self.request,
            "territory/live_births_import.html",
            {"form": form, "result": result},
            status=status,
        )
