"""The territorial diagnosis pages: the dashboard, its two CSV exports, the annual report and the
live-births import. Thin views: scope and figures come from permissions, selectors and
diagnosis; a page the user may not open is a 404."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
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
        user = self.request.user
        ids = permissions.aggregated_organisation_ids(user)
        form = TerritoryFilterForm(
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
        if rejected := form.rejected_filters():
            messages.warning(
                self.request,
                _("Filtre non appliqué (valeur invalide) : %(filters)s.")
                % {"filters": ", ".join(rejected)},
            )
        return form

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
        filters = form.filters()
        diagnosis = diagnosis_for_dashboard(user=request.user, filters=filters)
        query = request.GET.urlencode()
        this_year = timezone.localdate().year
        report_year = (filters.end or filters.start or (this_year - 1, 1))[0]
        return render(
            request,
            "territory/dashboard.html",
            {
                "form": form,
                "d": diagnosis,
                "query": query,
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
                "may_export_rows": permissions.may_export_rows(request.user),
                "may_import": permissions.may_import_live_births(request.user),
                "report_years": list(range(this_year, max(FIRST_YEAR, this_year - 15), -1)),
                "report_year": report_year,
                "target_days": selectors.REVIEW_TARGET_DAYS,
                "cache_minutes": max(1, settings.RMM_TERRITORY_CACHE_SECONDS // 60),
            },
        )


@method_decorator(never_cache, name="dispatch")
class ExportRowsView(TerritoryAccessMixin, View):
    """Pseudonymised rows: coordinators and quality managers, never observers."""

    def allowed(self, user) -> bool:
        return permissions.may_export_rows(user)

    def get(self, request):
        filters = self.filter_form().filters()
        cases = selectors.territory_cases(user=request.user, filters=filters).filter(
            pk__in=permissions.case_rows_exportable_by(request.user).values("pk")
        )
        response = StreamingHttpResponse(
            exports.row_lines(cases, translation.get_language()),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="rmm-cas-pseudonymises.csv"'
        return response


@method_decorator(never_cache, name="dispatch")
class ExportAggregatesView(TerritoryAccessMixin, View):
    def get(self, request):
        form = self.filter_form()
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


class ReportYearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Année"), min_value=FIRST_YEAR)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("L'année ne peut pas être à venir."))
        return year


@method_decorator(never_cache, name="dispatch")
class AnnualReportView(TerritoryAccessMixin, View):
    def get(self, request):
        year_form = ReportYearForm(request.GET)
        if not year_form.is_valid():
            messages.warning(request, _("Choisissez l'année du rapport (une année passée)."))
            return redirect("territory:dashboard")
        form = self.filter_form()
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
