"""Live births in the admin: administrators of an organisation or of its territory see, enter
and correct its figures (each with its source); the changelist links to the CSV import."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import FrenchAdminMixin
from rmm.admin import ScopedAdmin

from .models import LiveBirths
from .permissions import can_manage_live_births, live_births_managed_by, may_import_live_births
from .services import organisations_for_entry


@admin.register(LiveBirths)
class LiveBirthsAdmin(FrenchAdminMixin, ScopedAdmin):
    add_label = _("Saisir des naissances vivantes")
    change_title = _("Modifier les naissances vivantes")
    changelist_title = _("Naissances vivantes")
    list_display = ["organisation", "year", "count", "source", "entered_at"]
    list_filter = ["year"]
    search_fields = ["organisation__name", "organisation__finess", "source"]
    list_select_related = ["organisation"]
    fields = ["organisation", "year", "count", "source", "entered_by", "entered_at"]
    readonly_fields = ["entered_by", "entered_at"]
    change_list_template = "territory/admin/live_births_change_list.html"

    def scope(self, user):
        return live_births_managed_by(user)

    def may_change(self, user, obj) -> bool:
        if obj is None:
            return may_import_live_births(user)
        return can_manage_live_births(user, obj.organisation)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = organisations_for_entry(request.user).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
