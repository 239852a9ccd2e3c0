"""Read-only admin pages for the audit trails: who moved which case, and who opened which
identity. Administrators see the rows of the organisations they manage; nobody edits them."""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from accounts.admin import FrenchAdminMixin
from accounts.permissions import organisations_managed_by
from rmm.admin import ScopedAdmin
from rmm.estimated_count import EstimatedCountPaginator
from rmm.workflow import transition_meta

from .models import Case, CaseContribution, CaseTransition, IdentityAccessLog, IdentityVault
from .status import CaseStatus


class ReadOnlyAuditAdmin(FrenchAdminMixin, ScopedAdmin):
    def scope(self, user):
        return self.model.objects.filter(case__organisation__in=organisations_managed_by(user))

    def may_change(self, user, obj) -> bool:
        return False  # append-only: the admin shows, never edits or deletes


class TransitionRecordAdminMixin:
    """The labels of a workflow's audit record (transition, from, to) in the user's language."""

    @admin.display(description=_("transition"))
    def transition_label(self, obj):
        return obj.transition_label

    @admin.display(description=_("de"))
    def source_label(self, obj):
        return obj.source_label

    @admin.display(description=_("vers"))
    def target_label(self, obj):
        return obj.target_label


class TransitionNameFilter(admin.SimpleListFilter):
    """The case workflow's transitions, from its declaration: Django's default filter would
    read every distinct value of the audit table (a scan of all its rows) on each page."""

    title = _("transition")
    parameter_name = "transition"

    def lookups(self, request, model_admin):
        names = sorted({t.name for t in Case._meta.get_field("status").get_all_transitions(Case)})
        return [(name, transition_meta(Case, name).label) for name in names]

    def queryset(self, request, queryset):
        return queryset.filter(transition=self.value()) if self.value() else queryset


class TargetStatusFilter(admin.SimpleListFilter):
    """The statuses a case can reach, from the model (no scan of the audit table)."""

    title = _("vers")
    parameter_name = "target"

    def lookups(self, request, model_admin):
        return CaseStatus.choices

    def queryset(self, request, queryset):
        return queryset.filter(target=self.value()) if self.value() else queryset


@admin.register(CaseTransition)
class CaseTransitionAdmin(TransitionRecordAdminMixin, ReadOnlyAuditAdmin):
    """The audit trail of cases, newest first. At 100,000 cases it holds some 580,000 rows:
    the page must not count them all (twice), scan them for its filters, or load each case's
    hundred-odd clinical columns to show its code."""

    change_title = _("Étape de l'historique d'un cas")
    changelist_title = _("Historique des cas")

    list_display = [
        "at",
        "case_code",
        "transition_label",
        "source_label",
        "target_label",
        "actor_name",
    ]
    list_filter = [TransitionNameFilter, TargetStatusFilter]
    search_fields = ["case__code", "actor_name"]
    ordering = ["-at", "-pk"]  # walks the index on `at` backwards and stops after one page
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    readonly_fields = [
        "case",
        "transition_label",
        "source_label",
        "target_label",
        "actor",
        "actor_name",
        "at",
        "comment",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        # A plain join on the case's organisation rather than ScopedAdmin's "pk IN (the scoped
        # rows)", which makes PostgreSQL hash every row of the table before it can sort.
        return (
            admin.ModelAdmin.get_queryset(self, request)
            .filter(case__organisation__in=organisations_managed_by(request.user))
            .annotate(case_code=F("case__code"))
        )

    @admin.display(description=_("cas"), ordering="case__code")
    def case_code(self, obj):
        return obj.case_code


@admin.register(IdentityAccessLog)
class IdentityAccessLogAdmin(ReadOnlyAuditAdmin):
    change_title = _("Accès à une identité")
    changelist_title = _("Accès aux identités")
    list_display = ["at", "case", "user_name", "purpose_label", "fields_label"]
    search_fields = ["case__code", "user_name"]
    list_select_related = ["case"]
    readonly_fields = ["case", "user", "user_name", "at", "purpose_label", "fields_label"]
    fields = readonly_fields

    @admin.display(description=_("objet"))
    def purpose_label(self, obj):
        labels = {
            IdentityAccessLog.PURPOSE_VIEW: _("consultation"),
            IdentityAccessLog.PURPOSE_PARENTS_LETTER: _("courrier aux parents"),
            IdentityAccessLog.PURPOSE_EDIT: _("modification"),
            IdentityAccessLog.PURPOSE_ERASE: _("effacement"),
        }
        return labels.get(obj.purpose, obj.purpose)

    @admin.display(description=_("champs"))
    def fields_label(self, obj):
        """The fields changed, by their labels (never their values)."""
        labels = []
        for name in obj.field_names:
            try:
                labels.append(str(IdentityVault._meta.get_field(name).verbose_name))
            except FieldDoesNotExist:  # a field renamed since: its stored name
                labels.append(name)
        return ", ".join(labels) or "—"


@admin.register(CaseContribution)
class CaseContributionAdmin(ReadOnlyAuditAdmin):
    """The organisations of the pathway named on cases, for the administrators of the declaring
    organisations. Named and removed from the case page by its coordinators (the service
    checks who, and refuses the declaring organisation, a duplicate or an inactive one)."""

    change_title = _("Organisation du parcours d'un cas")
    changelist_title = _("Organisations du parcours")
    list_display = ["case", "organisation", "pathway_role", "role_label", "added_at"]
    list_filter = ["pathway_role"]
    search_fields = ["case__code", "organisation__name"]
    list_select_related = ["case", "organisation"]
    readonly_fields = ["case", "organisation", "pathway_role", "role_label", "added_by", "added_at"]
    fields = readonly_fields
