from django.urls import path

from . import parents_views, views

app_name = "cases"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("declarer/", views.CaseDeclareView.as_view(), name="declare"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="detail"),
    path("<int:pk>/modifier/", views.CaseEditView.as_view(), name="edit"),
    path("<int:pk>/modifier/<slug:step>/", views.CaseEditView.as_view(), name="edit_step"),
    path("<int:pk>/supprimer/", views.CaseDraftDeleteView.as_view(), name="delete_draft"),
    path("<int:pk>/identite/", views.CaseIdentityView.as_view(), name="identity"),
    path("<int:pk>/chronologie/", views.ChronologyView.as_view(), name="chronology"),
    path("<int:pk>/chronologie/<int:event_pk>/", views.ChronologyView.as_view(), name="care_event"),
    path("<int:pk>/organisations/", views.ContributionsView.as_view(), name="contributions"),
    path("<int:pk>/anonymisation/", views.AnonymisationView.as_view(), name="anonymisation"),
    path("<int:pk>/parents/", parents_views.ParentsContactView.as_view(), name="parents"),
    path("<int:pk>/transition/<slug:name>/", views.CaseTransitionView.as_view(), name="transition"),
]
