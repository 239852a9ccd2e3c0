"""URLs of the territorial diagnosis (names kept stable: the benchmark harness measures them)."""

from django.urls import path

from . import views

app_name = "territory"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("export-cas.csv", views.ExportRowsView.as_view(), name="export_rows"),
    path("export-agrege.csv", views.ExportAggregatesView.as_view(), name="export_aggregates"),
    path("rapport-annuel.pdf", views.AnnualReportView.as_view(), name="annual_report"),
    path(
        "naissances/import/",
        views.LiveBirthsImportView.as_view(),
        name="import_live_births",
    ),
]
