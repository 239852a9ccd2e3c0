"""Read-only admin pages for the audit trails: who moved which case, and who opened which
identity. Administrators see the rows of the organisations they manage; nobody edits them."""

from django.contrib import admin

from accounts.permissions import organisations_managed_by
from rmm.admin import ScopedAdmin

from .models import CaseTransition, IdentityAccessLog


class ReadOnlyAuditAdmin(ScopedAdmin):
    def scope(self, user):
        return self.model.objects.filter(case__organisation__in=organisations_managed_by(user))

    def may_change(self, user, obj) -> bool:
        return False  # append-only: the admin shows, never edits or deletes


@admin.register(CaseTransition)
class CaseTransitionAdmin(ReadOnlyAuditAdmin):
    list_display = ["at", "case", "transition", "source", "target", "actor_name"]
    list_filter = ["transition", "target"]
    search_fields = ["case__code", "actor_name"]
    list_select_related = ["case"]
    readonly_fields = [
        "case",
        "transition",
        "source",
        "target",
        "actor",
        "actor_name",
        "at",
        "comment",
    ]


@admin.register(IdentityAccessLog)
class IdentityAccessLogAdmin(ReadOnlyAuditAdmin):
    list_display = ["at", "case", "user_name", "purpose"]
    search_fields = ["case__code", "user_name"]
    list_select_related = ["case"]
    readonly_fields = ["case", "user", "user_name", "at", "purpose"]
