"""Admin pages for users, organisations and memberships, scoped to what the administrator
manages (see rmm.admin.ScopedAdmin)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import AdminForm
from django.contrib.admin.utils import unquote
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    UserChangeForm,
)
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rmm.admin import ScopedAdmin

from . import permissions, services
from .models import Membership, Organisation, Role, SecurityEvent, User


def announce_pending_grant(request, grant) -> None:
    """Tell the administrator that the sensitive role they gave waits for a confirmation."""
    if grant is None:
        return
    if grant.opens_vault:
        message = gettext(
            "Le rôle « %(role)s » de %(user)s dans %(organisation)s ouvre l'identité des "
            "patients : il ne sera actif qu'après confirmation par un référent RMM de "
            "l'organisation (ou, s'il n'y en a pas, par un second administrateur indépendant) "
            "sur la page Habilitations."
        )
    else:
        message = gettext(
            "Le rôle « %(role)s » de %(user)s dans %(organisation)s est un rôle sensible : il "
            "ne sera actif qu'après confirmation par un autre administrateur indépendant de "
            "l'organisation (ou par l'opérateur de la plateforme) sur la page Habilitations."
        )
    messages.warning(
        request,
        message
        % {
            "role": grant.get_role_display(),
            "user": grant.user,
            "organisation": grant.organisation,
        },
    )


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

    # Every write goes through the services: vault roles wait for a confirmation, all logged.
    def save_model(self, request, obj, form, change):
        announce_pending_grant(request, services.membership_save(membership=obj, by=request.user))

    def delete_model(self, request, obj):
        services.membership_delete(membership=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for membership in queryset.select_related("user", "organisation"):
                services.membership_delete(membership=membership, by=request.user)


class MembershipInline(ScopedOrganisationChoicesMixin, admin.TabularInline):
    model = Membership
    fk_name = "user"
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
        (
            _("État"),
            {
                "fields": [
                    "is_active",
                    "must_change_password",
                    "password_set_by_admin",
                    "last_login",
                    "date_joined",
                ]
            },
        ),
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
    # Set by the services only: an administrator cannot lift a pending password change.
    readonly_fields = ["must_change_password", "password_set_by_admin", "last_login", "date_joined"]

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
        new_email = None
        if change and "email" in form.changed_data:
            # The address changes only once confirmed from the old one (see services).
            new_email, obj.email = obj.email, form.initial["email"]
        new_active = None
        if change and "is_active" in form.changed_data:
            # Logged, and a reactivation puts the vault roles back to confirmation (services).
            new_active, obj.is_active = obj.is_active, form.initial["is_active"]
        super().save_model(request, obj, form, change)
        if new_active is not None:
            self._set_active(request, obj, new_active)
        if new_email:
            try:
                services.email_change_request(user=obj, new_email=new_email, by=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.warning(
                    request,
                    gettext(
                        "L'adresse e-mail ne changera qu'après confirmation depuis l'ancienne "
                        "adresse (%(old)s), à qui un lien valable 48 heures vient d'être envoyé."
                    )
                    % {"old": obj.email},
                )
        if not change:
            if obj.has_usable_password():
                services.password_set_by_admin(
                    user=obj, by=request.user, detail=gettext("Création du compte")
                )
            grant = services.membership_save(
                membership=Membership(
                    user=obj,
                    organisation=form.cleaned_data["organisation"],
                    role=form.cleaned_data["role"],
                ),
                by=request.user,
            )
            announce_pending_grant(request, grant)
            if grant is not None and obj.has_usable_password():
                messages.warning(
                    request,
                    gettext(
                        "Le mot de passe que vous avez choisi ne servira pas avec ce rôle "
                        "sensible : il sera désactivé dès la confirmation du rôle, et un lien "
                        "pour choisir son propre mot de passe sera envoyé à %(email)s."
                    )
                    % {"email": obj.email},
                )

    def _set_active(self, request, user, active):
        try:
            grants = services.user_set_active(user=user, active=active, by=request.user)
        except services.NotAllowed as exc:
            messages.error(request, str(exc))
            return
        if not active:
            messages.warning(
                request,
                gettext(
                    "Le compte de %(user)s est désactivé : plus aucune connexion n'est possible "
                    "(inscrit au journal de sécurité)."
                )
                % {"user": user},
            )
        elif grants:
            messages.warning(
                request,
                gettext(
                    "Le compte de %(user)s est réactivé. Ses autres rôles sont actifs dès "
                    "maintenant. Ses rôles sensibles (%(roles)s) ne reviennent pas d'eux-mêmes : "
                    "un compte resté inactif a pu changer de mains ou de fonction, ils attendent "
                    "donc une confirmation sur la page Habilitations (un référent RMM de "
                    "l'organisation pour un rôle qui ouvre l'identité des patients, sinon un "
                    "second administrateur indépendant)."
                )
                % {
                    "user": user,
                    "roles": ", ".join(
                        f"{grant.get_role_display()} ({grant.organisation})" for grant in grants
                    ),
                },
            )
        else:
            messages.success(
                request,
                gettext(
                    "Le compte de %(user)s est réactivé avec ses rôles (inscrit au journal de "
                    "sécurité)."
                )
                % {"user": user},
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.membership_delete(membership=membership, by=request.user)
        for membership in instances:
            announce_pending_grant(
                request, services.membership_save(membership=membership, by=request.user)
            )
        formset.save_m2m()

    # --- Password chosen by an administrator ------------------------------------------------
    def get_urls(self):
        return [
            path(
                "<id>/password/",
                self.admin_site.admin_view(self.user_change_password),
                name="accounts_user_password_change",
            ),
            *super().get_urls(),
        ]

    def user_change_password(self, request, id):
        """Set a password the owner must change at next login. Refused for an account that
        holds or awaits a sensitive role (vault or administrator): its owner uses a reset link
        sent to their own address instead."""
        user = self.get_object(request, unquote(id))
        if user is None or not self.has_change_permission(request, user):
            return HttpResponseRedirect(reverse("admin:accounts_user_changelist"))
        change_url = reverse("admin:accounts_user_change", args=[user.pk])
        if services.holds_sensitive_role(user):
            messages.error(
                request,
                gettext(
                    "Ce compte a (ou attend) un rôle sensible, qui ouvre l'identité des patients "
                    "ou l'administration : un administrateur n'en choisit pas le mot de passe. "
                    "Son titulaire utilise « Mot de passe oublié » depuis la page de connexion."
                ),
            )
            return HttpResponseRedirect(change_url)
        form = AdminPasswordChangeForm(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                form.save()
                services.password_set_by_admin(user=user, by=request.user)
            messages.success(
                request,
                gettext("Mot de passe enregistré : il devra être changé à la prochaine connexion."),
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Choisir le mot de passe de %(user)s") % {"user": user.email},
            "adminForm": AdminForm(form, [(None, {"fields": list(form.base_fields)})], {}),
            "form_url": "",
            "form": form,
            "is_popup": False,
            "add": True,
            "change": False,
            "has_delete_permission": False,
            "has_change_permission": True,
            "has_absolute_url": False,
            "opts": self.opts,
            "original": user,
            "save_as": False,
            "show_save": True,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/auth/user/change_password.html", context)


@admin.register(SecurityEvent)
class SecurityEventAdmin(ScopedAdmin):
    """The security log: read-only for everyone, the platform operator included."""

    list_display = ["at", "kind", "actor_name", "target_name", "organisation", "role", "detail"]
    list_filter = ["kind", "role"]
    search_fields = ["actor_name", "target_name", "detail"]
    list_select_related = ["organisation"]
    date_hierarchy = "at"

    def scope(self, user):
        if permissions.is_platform_operator(user):
            return SecurityEvent.objects.all()
        return SecurityEvent.objects.filter(
            Q(organisation__in=permissions.organisations_managed_by(user))
            | Q(target__in=permissions.users_managed_by(user))
            | Q(actor=user)
        )

    def may_change(self, user, obj):
        return False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}
