"""Admin pages for users, organisations and memberships, scoped to what the administrator
manages (see rmm.admin.ScopedAdmin)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from rmm.admin import ScopedAdmin

from . import permissions
from .models import Membership, Organisation, Role, User


class ScopedOrganisationChoicesMixin:
    """Organisation drop-downs list only the organisations the administrator manages."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Organisation:
            kwargs["queryset"] = permissions.organisations_managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organisation)
class OrganisationAdmin(ScopedOrganisationChoicesMixin, ScopedAdmin):
    list_display = ["name", "kind", "level", "parent", "is_active"]
    list_filter = ["kind", "level", "is_active"]
    search_fields = ["name", "finess"]
    list_select_related = ["parent"]

    def scope(self, user):
        return permissions.organisations_visible_to(user)

    def may_change(self, user, obj):
        if obj is None:
            return permissions.organisations_managed_by(user).exists()
        return permissions.can_manage_organisation(user, obj)


@admin.register(Membership)
class MembershipAdmin(ScopedOrganisationChoicesMixin, ScopedAdmin):
    list_display = ["user", "organisation", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = []

    def scope(self, user):
        return permissions.memberships_visible_to(user)

    def may_change(self, user, obj):
        if obj is None:
            return permissions.organisations_managed_by(user).exists()
        return permissions.can_manage_membership(user, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is User:
            kwargs["queryset"] = permissions.users_managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MembershipInline(ScopedOrganisationChoicesMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["organisation", "role", "is_active"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")

    # Inlines consult Django's model permissions by default: answer from RMM's predicates.
    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.has_permission(request) and (
            obj is None or permissions.can_manage_user(request.user, obj)
        )

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class UserCreationWithRoleForm(AdminUserCreationForm):
    """A new account is created with its first role, so that it is never outside any scope."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation")
    )
    role = forms.ChoiceField(choices=Role.choices, label=_("Rôle"))

    class Meta:
        model = User
        fields = ["email", "full_name", "job_title"]


@admin.register(User)
class UserAdmin(ScopedAdmin):
    form = UserChangeForm
    add_form = UserCreationWithRoleForm
    list_display = ["email", "full_name", "job_title", "is_active", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["email", "full_name"]
    ordering = ["full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité professionnelle"), {"fields": ["full_name", "job_title"]}),
        (_("État"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "fields": [
                    "email",
                    "full_name",
                    "job_title",
                    "organisation",
                    "role",
                    "password1",
                    "password2",
                ]
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined"]

    def scope(self, user):
        return permissions.users_managed_by(user)

    def may_change(self, user, obj):
        if obj is None:
            return permissions.organisations_managed_by(user).exists()
        return permissions.can_manage_user(user, obj)

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            form.base_fields["organisation"].queryset = permissions.organisations_managed_by(
                request.user
            )
        return form

    def get_inlines(self, request, obj):
        return [] if obj is None else self.inlines

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            Membership.objects.create(
                user=obj,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
            )
