"""Admin site and the scoping every ModelAdmin of RMM uses.

The admin is for administrators of organisations: each model admin shows only the rows the
paired `visible_to`/`managed_by` queryset allows and asks the same predicates as the rest of
the application before any change. Model-level Django permissions are not consulted.
"""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.forms.models import BaseModelFormSet
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext_lazy as _


class RMMAdminSite(admin.AdminSite):
    site_header = _("RMM — administration")
    site_title = _("Administration de RMM")
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


class BoundedFormSetMixin:
    """A formset that trusts no management count: a negative count, more initial forms than
    rows or than forms, or more new forms than a page ever shows is refused with a message
    (nothing saved), and never builds more than MAX_NEW_FORMS forms beyond the existing rows
    (Django otherwise builds up to 1,000 of them, or fails with an IndexError)."""

    max_new_forms = 20

    def _existing_rows(self) -> int:
        return len(self.get_queryset())

    def initial_form_count(self):
        initial = super().initial_form_count()
        if self.is_bound:
            initial = max(0, min(initial, self._existing_rows()))
        return initial

    def total_form_count(self):
        total = super().total_form_count()
        if self.is_bound:
            total = max(0, min(total, self.initial_form_count() + self.max_new_forms))
        return total

    def clean(self):
        super().clean()
        if not self.is_bound or not self.management_form.is_valid():
            return
        counts = self.management_form.cleaned_data
        total, initial = counts[TOTAL_FORM_COUNT], counts[INITIAL_FORM_COUNT]
        if not 0 <= initial <= total or initial > self._existing_rows():
            raise ValidationError(
                _("Page périmée ou altérée : rechargez-la. Rien n'a été enregistré.")
            )
        if total > initial + self.max_new_forms:
            raise ValidationError(
                _("Au plus %(count)d nouvelles lignes à la fois. Rien n'a été enregistré.")
                % {"count": self.max_new_forms}
            )
        # A "new" row that carries the id of an existing one: the counts were lowered by hand
        # (or the page is stale). Saved as new, it would duplicate the row it names.
        pk_name = self.model._meta.pk.name
        if any(form.data.get(form.add_prefix(pk_name)) for form in self.extra_forms):
            raise ValidationError(
                _("Page périmée ou altérée : rechargez-la. Rien n'a été enregistré.")
            )


class BoundedModelFormSet(BoundedFormSetMixin, BaseModelFormSet):
    pass


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

    def get_changelist_formset(self, request, **kwargs):
        kwargs.setdefault("formset", BoundedModelFormSet)
        return super().get_changelist_formset(request, **kwargs)

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            if not issubclass(inline.formset, BoundedFormSetMixin):
                # Every inline of RMM checks its management counts (see BoundedFormSetMixin).
                inline.formset = type(
                    f"Bounded{inline.formset.__name__}",
                    (BoundedFormSetMixin, inline.formset),
                    {},
                )
        return inlines

    def changelist_view(self, request, extra_context=None):
        # Django queries the posted row ids (selected rows, list_editable rows) as they come:
        # forty digits overflow SQLite. A tampered id is refused with a message instead.
        if request.method == "POST" and not _posted_row_ids_valid(request.POST):
            self.message_user(
                request, _("Sélection invalide : rien n'a été modifié."), level=messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())
        response = super().changelist_view(request, extra_context)
        # The changelist template shows a formset's own errors only when one of its rows has
        # some: say why nothing was saved when the counts themselves were refused.
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        formset = getattr(changelist, "formset", None)
        if formset is not None and formset.is_bound and formset.non_form_errors():
            message = " ".join(str(error) for error in formset.non_form_errors())
            self.message_user(request, message, level=messages.ERROR)
        return response


ROW_ID_KEY = re.compile(r"form-\d+-id")


def _posted_row_ids_valid(post) -> bool:
    from .forms import strict_id

    values = list(post.getlist(helpers.ACTION_CHECKBOX_NAME))
    values += [post.get(key) for key in post if ROW_ID_KEY.fullmatch(key)]
    return all(value == "" or strict_id(value) is not None for value in values)
