"""Admin site and the scoping every ModelAdmin of RMM uses.

The admin is for administrators of organisations: each model admin shows only the rows the
paired `visible_to`/`managed_by` queryset allows and asks the same predicates as the rest of
the application before any change. Model-level Django permissions are not consulted.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext_lazy as _


class RMMAdminSite(admin.AdminSite):
    site_header = _("RMM — administration")
    site_title = _("RMM administration")
    index_title = _("Organisations, comptes et référentiels")

    def has_permission(self, request):
        from accounts.permissions import can_open_administration

        return request.user.is_active and can_open_administration(request.user)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            # Signed in but not an administrator: refuse here, or the login page would send
            # them straight back (a redirect loop).
            raise PermissionDenied
        # One login page for the whole application, with its lockout and French messages.
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{resolve_url(settings.LOGIN_URL)}?{query}")


class ScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin answering from RMM predicates.

    `scope(user)` returns the rows the user may see in the admin; `may_change(user, obj)` says
    whether they may write `obj` (with `obj=None`: whether they may write any row at all, which
    also governs adding). Deletion follows `may_change`.
    """

    def scope(self, user):
        raise NotImplementedError

    def may_change(self, user, obj) -> bool:
        raise NotImplementedError

    def may_add(self, user) -> bool:
        return self.may_change(user, None)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=self.scope(request.user).values("pk"))

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        if not self.admin_site.has_permission(request):
            return False
        return obj is None or self.scope(request.user).filter(pk=obj.pk).exists()

    def has_change_permission(self, request, obj=None):
        if not self.admin_site.has_permission(request):
            return False
        return self.may_change(request.user, obj)

    def has_add_permission(self, request):
        return self.admin_site.has_permission(request) and self.may_add(request.user)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)
