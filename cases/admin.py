"""Read-only admin pages for the audit trails: who moved which case, and who opened which
identity. Administrators see the rows of the organisations they manage; nobody edits them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.permissions import organisations_managed_by
from rmm.admin import ScopedAdmin

from .models import CaseTransition, IdentityAccessLog


class ReadOnlyAuditAdmin(ScopedAdmin):
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


@admin.register(CaseTransition)
class CaseTransitionAdmin(TransitionRecordAdminMixin, ReadOnlyAuditAdmin):
    list_display = ["at", "case", "transition_label", "source_label", "target_label", "actor_name"]
    list_filter = ["transition", "target"]
    search_fields = ["case__code", "actor_name"]
    list_select_related = ["case"]
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


@admin.register(IdentityAccessLog)
class IdentityAccessLogAdmin(ReadOnlyAuditAdmin):
    list_display = ["at", "case", "user_name", "purpose_label"]
    search_fields = ["case__code", "user_name"]
    list_select_related = ["case"]
    readonly_fields = ["case", "user", "user_name", "at", "purpose_label"]
    fields = readonly_fields

    @admin.display(description=_("objet"))
    def purpose_label(self, obj):
        return _("consultation") if obj.purpose == "view" else obj.purpose
