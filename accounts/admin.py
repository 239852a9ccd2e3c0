"""Admin pages for users, organisations and memberships, scoped to what the administrator
manages (see rmm.admin.ScopedAdmin)."""

import json

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rmm.admin import ScopedAdmin

from . import permissions, services
from .forms import AccountForm, InvitationForm
from .models import Membership, Organisation, SecurityEvent, User


class FrenchAdminMixin:
    """Titles and buttons in French with their article ("Ajouter un utilisateur", never Django's
    "Ajout de utilisateur"): each admin names them (`add_label`, `change_title`,
    `changelist_title`); the templates in templates/admin/ read `add_label`. An admin that names
    none gets its model's names ("Groupes CIM-PM", "Groupe CIM-PM"), never Django's generated
    "Sélectionnez l'objet … à changer"."""

    add_label = None
    change_title = None
    changelist_title = None

    def get_changelist_title(self):
        return self.changelist_title or capfirst(self.model._meta.verbose_name_plural)

    def get_change_title(self):
        return self.change_title or capfirst(self.model._meta.verbose_name)

    def add_view(self, request, form_url="", extra_context=None):
        if self.add_label:
            extra_context = {"title": self.add_label, **(extra_context or {})}
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {"title": self.get_change_title(), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": self.get_changelist_title(), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        """The button under a table of rows says what it adds ("Ajouter un rôle"), never
        Django's "Ajouter un objet Rôle … supplémentaire": each inline names it in
        `add_another_label`."""
        admin_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for admin_formset in admin_formsets:
            label = getattr(admin_formset.opts, "add_another_label", None)
            if label:
                admin_formset.inline_formset_data = _with_add_text(admin_formset, label)
        return admin_formsets

    def get_changelist_formset(self, request, **kwargs):
        """Editable columns of a list (`list_editable`) are named by their header only: each
        control gets its own accessible name, column and row (WCAG 4.1.2; axe "label")."""
        formset = super().get_changelist_formset(request, **kwargs)

        def add_fields(formset_self, form, index):
            formset.add_fields(formset_self, form, index)
            row = str(form.instance) if form.instance.pk else str((index or 0) + 1)
            for name, field in form.fields.items():
                if name in self.list_editable:
                    widget = getattr(field.widget, "widget", field.widget)
                    widget.attrs["aria-label"] = gettext("%(column)s, %(row)s") % {
                        "column": field.label,
                        "row": row,
                    }

        return type(formset.__name__, (formset,), {"add_fields": add_fields})


def _with_add_text(admin_formset, label):
    data = json.loads(type(admin_formset).inline_formset_data(admin_formset))
    data["options"]["addText"] = str(label)
    data["options"]["deleteText"] = gettext("Retirer")
    encoded = json.dumps(data)
    return lambda: encoded


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


class LabelledInlineMixin:
    """A table of rows (tabular inline) names its columns in headers only: each control gets an
    accessible name of its own, column and row (WCAG 1.3.1, 4.1.2; axe "label"). Its add
    button reads `add_another_label` (see FrenchAdminMixin.get_inline_formsets)."""

    add_another_label = _("Ajouter une ligne")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        def add_fields(formset_self, form, index):
            formset.add_fields(formset_self, form, index)
            row = gettext("nouvelle ligne") if index is None else str(index + 1)
            for field in form.fields.values():
                label = field.label or gettext("Supprimer")
                # A foreign key's select sits inside the admin's "add/change" wrapper.
                widget = getattr(field.widget, "widget", field.widget)
                widget.attrs.setdefault(
                    "aria-label",
                    gettext("%(column)s, ligne %(row)s") % {"column": label, "row": row},
                )

        return type(formset.__name__, (formset,), {"add_fields": add_fields})


class ScopedOrganisationChoicesMixin:
    """Organisation drop-downs list only the organisations the administrator manages."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Organisation:
            kwargs["queryset"] = permissions.organisations_managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AssignableRoleChoicesMixin:
    """Role drop-downs offer the roles an administrator gives directly: committee roles come
    with a committee seat (committees.services.seats), never typed a second time here."""

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = [("", "---------"), *permissions.assignable_roles()]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Organisation)
class OrganisationAdmin(FrenchAdminMixin, ScopedOrganisationChoicesMixin, ScopedAdmin):
    add_label = _("Ajouter une organisation")
    change_title = _("Modifier l'organisation")
    changelist_title = _("Organisations")
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
class MembershipAdmin(
    FrenchAdminMixin, AssignableRoleChoicesMixin, ScopedOrganisationChoicesMixin, ScopedAdmin
):
    """Roles in organisations. The committee roles listed here mirror committee seats: shown,
    changed only with the seat."""

    add_label = _("Donner un rôle")
    change_title = _("Modifier le rôle")
    changelist_title = _("Rôles dans les organisations")
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
        if obj.role in permissions.SEAT_ROLES:
            return False  # follows the committee seat
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


class MembershipInline(
    LabelledInlineMixin,
    AssignableRoleChoicesMixin,
    ScopedOrganisationChoicesMixin,
    admin.TabularInline,
):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["organisation", "role", "is_active"]
    verbose_name = _("rôle dans une organisation")
    add_another_label = _("Ajouter un rôle")
    verbose_name_plural = _("Rôles dans les organisations")

    def get_queryset(self, request):
        # Committee roles are edited with the committee seat (the seats inline), not here.
        return (
            super()
            .get_queryset(request)
            .exclude(role__in=permissions.SEAT_ROLES)
            .select_related("organisation")
        )

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


@admin.register(User)
class UserAdmin(FrenchAdminMixin, ScopedAdmin):
    """Accounts. A new one is invited (its owner chooses the password through a link sent to
    their address); no page here shows, types or passes on a password."""

    add_label = _("Inviter un utilisateur")
    change_title = _("Modifier le compte")
    changelist_title = _("Utilisateurs")
    form = AccountForm
    add_form = InvitationForm
    list_display = ["email", "full_name", "job_title", "is_active", "account_state", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["email", "full_name"]
    ordering = ["full_name"]
    inlines = [MembershipInline]
    actions = ["resend_invitations"]
    fieldsets = [
        (None, {"fields": ["email", "account_state"]}),
        (_("Identité professionnelle"), {"fields": ["full_name", "job_title"]}),
        (_("État"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (_("La personne"), {"fields": ["email", "full_name", "job_title"]}),
        (
            _("Son rôle"),
            {
                "fields": ["organisation", "role"],
                "description": _(
                    "Un rôle qui ouvre l'identité des patients (déclarant, référent RMM) ou "
                    "l'administration attend la confirmation d'une autre personne. Les rôles "
                    "de comité se donnent avec le siège au comité."
                ),
            },
        ),
    ]
    readonly_fields = ["account_state", "last_login", "date_joined"]

    def scope(self, user):
        return permissions.users_managed_by(user)

    def may_change(self, user, obj):
        if obj is None:
            return permissions.organisations_managed_by(user).exists()
        return permissions.can_manage_user(user, obj)

    @admin.display(description=_("mot de passe"))
    def account_state(self, obj):
        if obj.pk is None:
            return ""
        if services.invitation_pending(obj):
            return gettext("Invitation envoyée : pas encore de mot de passe choisi")
        if not obj.has_usable_password():
            return gettext("Aucun mot de passe utilisable (lien de choix envoyé)")
        return gettext("Choisi par son titulaire")

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else super().get_readonly_fields(request, obj)

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
        if not change:
            self._invite(request, obj, form)
            return
        new_email = None
        if "email" in form.changed_data:
            # The address changes only once confirmed from the old one (see services).
            new_email, obj.email = obj.email, form.initial["email"]
        new_active = None
        if "is_active" in form.changed_data:
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

    def _invite(self, request, obj, form):
        user, grant = services.user_invite(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            job_title=form.cleaned_data.get("job_title", ""),
            organisation=form.invite_organisation(),
            role=form.cleaned_data.get("role", ""),
            by=request.user,
            also=form.also(request.user),
        )
        # The admin logs the addition and redirects to the new row: it needs its key.
        obj.pk = user.pk
        obj._state.adding = False
        messages.info(
            request,
            gettext(
                "Invitation envoyée à %(email)s : un lien valable %(days)d jours lui permet de "
                "choisir son mot de passe. Vous pouvez la renvoyer depuis cette page."
            )
            % {"email": user.email, "days": services.INVITATION_MAX_AGE // 86400},
        )
        announce_pending_grant(request, grant)

    def response_add(self, request, obj, post_url_continue=None):
        # Django's "ajouté avec succès" would repeat the invitation message in English wording.
        return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[obj.pk]))

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

    # --- Invitations ------------------------------------------------------------------------
    def get_urls(self):
        return [
            path(
                "<id>/invitation/",
                self.admin_site.admin_view(self.invitation_resend_view),
                name="accounts_user_invitation_resend",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "invitation_pending": user is not None and services.invitation_pending(user),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def invitation_resend_view(self, request, id):
        """POST only: send a fresh link (earlier ones stop working)."""
        user = self.get_object(request, unquote(id))
        if (
            request.method != "POST"
            or user is None
            or not self.has_change_permission(request, user)
        ):
            return HttpResponseRedirect(reverse("admin:accounts_user_changelist"))
        self._resend(request, user)
        return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))

    def _resend(self, request, user) -> bool:
        try:
            services.user_invitation_resend(user=user, by=request.user)
        except services.NotAllowed as exc:
            messages.error(request, f"{user.email} : {exc}")
            return False
        messages.success(
            request,
            gettext(
                "Nouvelle invitation envoyée à %(email)s ; les liens précédents ne servent plus."
            )
            % {"email": user.email},
        )
        return True

    @admin.action(description=_("Renvoyer l'invitation aux comptes sélectionnés"))
    def resend_invitations(self, request, queryset):
        for user in queryset:
            self._resend(request, user)


@admin.register(SecurityEvent)
class SecurityEventAdmin(FrenchAdminMixin, ScopedAdmin):
    """The security log: read-only for everyone, the platform operator included."""

    change_title = _("Événement de sécurité")
    changelist_title = _("Journal de sécurité")

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
