"""Read-only admin pages for corrective actions and their history: administrators see the
actions whose owning organisation they manage; the workflow moves them, the admin never does."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import FrenchAdminMixin
from accounts.permissions import organisations_managed_by
from cases.admin import TransitionRecordAdminMixin
from rmm.admin import ScopedAdmin

from .models import ActionTransition, CorrectiveAction


class ReadOnlyActionAdmin(FrenchAdminMixin, ScopedAdmin):
    organisation_path = "owner_organisation"

    def scope(self, user):
        managed = organisations_managed_by(user)
        return self.model.objects.filter(**{f"{self.organisation_path}__in": managed})

    def may_change(self, user, obj) -> bool:
        return False  # moved by the workflow engine, audited: the admin only shows


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(ReadOnlyActionAdmin):
    change_title = _("Action corrective")
    changelist_title = _("Actions correctives")
    list_display = ["__str__", "status", "owner_organisation", "owner_function", "due_date"]
    list_filter = ["status", "barrier", "nature", "priority"]
    search_fields = ["what_changes", "owner_function", "cases__code"]
    list_select_related = ["owner_organisation"]
    readonly_fields = [
        "what_changes",
        "barrier",
        "nature",
        "owner_organisation",
        "owner_function",
        "owner_person",
        "due_date",
        "priority",
        "indicator",
        "indicator_check_date",
        "effectiveness_result",
        "status",
        "cancellation_reason",
        "paqss_reference",
        "session",
        "created_by",
        "created_at",
    ]
    fields = readonly_fields


@admin.register(ActionTransition)
class ActionTransitionAdmin(TransitionRecordAdminMixin, ReadOnlyActionAdmin):
    organisation_path = "action__owner_organisation"
    change_title = _("Étape de l'historique d'une action")
    changelist_title = _("Historique des actions")
    list_display = [
        "at",
        "action",
        "transition_label",
        "source_label",
        "target_label",
        "actor_name",
    ]
    list_filter = ["transition", "target"]
    search_fields = ["actor_name"]
    list_select_related = ["action"]
    readonly_fields = [
        "action",
        "transition_label",
        "source_label",
        "target_label",
        "actor",
        "actor_name",
        "at",
        "comment",
    ]
    fields = readonly_fields
