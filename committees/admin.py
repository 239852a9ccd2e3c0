"""Admin pages of the committees app (see rmm.admin.ScopedAdmin).

Reference taxonomies (DESIGN §9) are shared by every organisation: every administrator sees
them, only the platform operator and the administrators of a network or an ARS change them, and
nobody deletes a row (reviews reference them: deactivate instead).

Committees and their members are managed by the administrators of the committee's organisation;
charter acceptances, sessions and minutes are shown read-only (sessions and minutes are managed
in the application, where their workflow is enforced).
"""

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.admin import (
    FrenchAdminMixin,
    LabelledInlineMixin,
    ScopedOrganisationChoicesMixin,
    UserAdmin,
)
from accounts.forms import InvitationForm
from accounts.models import Organisation, Role, User
from accounts.permissions import (
    can_manage_organisation,
    can_manage_user,
    is_platform_operator,
    organisations_managed_by,
    users_managed_by,
)
from accounts.scope import organisation_ids_with_role
from cases.admin import TransitionRecordAdminMixin
from rmm.admin import ScopedAdmin

from .models import (
    AlarmCategory,
    AlarmItem,
    CharterAcceptance,
    Committee,
    CommitteeMember,
    CommitteeRole,
    Delay,
    IcdPmGroup,
    MaternalCondition,
    MinutesVersion,
    PathwayStage,
    Session,
    SessionTransition,
)
from .services import seats

TERRITORY_KINDS = (Organisation.Kind.NETWORK, Organisation.Kind.ARS)


def may_edit_reference_data(user) -> bool:
    """The platform operator and the administrators of a network or an ARS."""
    if is_platform_operator(user):
        return True
    administered = organisation_ids_with_role(user, Role.ADMINISTRATOR)
    if not administered:
        return False
    return Organisation.objects.filter(pk__in=administered, kind__in=TERRITORY_KINDS).exists()


# --- Reference data -------------------------------------------------------------------------
class ReferenceAdmin(FrenchAdminMixin, ScopedAdmin):
    list_display = ["code", "label", "is_active", "position"]
    list_display_links = ["code"]
    list_editable = ["label", "is_active", "position"]
    list_filter = ["is_active"]
    search_fields = ["code", "label"]

    def scope(self, user):
        return self.model.objects.all()

    def may_change(self, user, obj) -> bool:
        return may_edit_reference_data(user)

    def has_delete_permission(self, request, obj=None):
        return False  # referenced by reviews: deactivate instead

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("code")  # a stable identifier once created
        return readonly


@admin.register(IcdPmGroup)
class IcdPmGroupAdmin(ReferenceAdmin):
    list_display = ["code", "label", "timing", "is_active", "position"]
    list_filter = ["timing", "is_active"]


@admin.register(MaternalCondition)
class MaternalConditionAdmin(ReferenceAdmin):
    pass


class AlarmItemInline(LabelledInlineMixin, admin.TabularInline):
    model = AlarmItem
    add_another_label = _("Ajouter un élément")
    extra = 0
    fields = ["code", "label", "position", "is_active"]
    can_delete = False

    # Inlines consult Django's model permissions by default: answer from RMM's predicate.
    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.has_permission(request) and may_edit_reference_data(request.user)

    def has_add_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AlarmCategory)
class AlarmCategoryAdmin(ReferenceAdmin):
    inlines = [AlarmItemInline]


@admin.register(AlarmItem)
class AlarmItemAdmin(ReferenceAdmin):
    list_display = ["code", "label", "category", "is_active", "position"]
    list_filter = ["category", "is_active"]
    list_select_related = ["category"]
    search_fields = ["code", "label", "category__label"]


@admin.register(Delay)
class DelayAdmin(ReferenceAdmin):
    pass


@admin.register(PathwayStage)
class PathwayStageAdmin(ReferenceAdmin):
    pass


# --- Committees -----------------------------------------------------------------------------
class CommitteeScopedAdmin(ScopedAdmin):
    """Rows of the committees of the organisations the administrator manages."""

    committee_path = "committee"

    def scope(self, user):
        lookup = f"{self.committee_path}__organisation__in"
        return self.model.objects.filter(**{lookup: organisations_managed_by(user)})


class ReadOnlyCommitteeScopedAdmin(FrenchAdminMixin, CommitteeScopedAdmin):
    def may_change(self, user, obj) -> bool:
        return False  # shown, never edited nor deleted here


class CommitteeMemberInline(LabelledInlineMixin, admin.TabularInline):
    model = CommitteeMember
    extra = 0
    fields = ["user", "role", "specialty", "is_active"]
    verbose_name = _("siège")
    add_another_label = _("Ajouter un membre")
    verbose_name_plural = _("Membres du comité")

    def _may_change(self, request, obj):
        if not self.admin_site.has_permission(request):
            return False
        if obj is None:
            return organisations_managed_by(request.user).exists()
        return can_manage_organisation(request.user, obj.organisation)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is User:
            kwargs["queryset"] = users_managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def save_seat_formset(request, formset) -> None:
    """Seats edited in a table go through the seat service one by one (roles follow)."""
    with transaction.atomic():
        instances = formset.save(commit=False)
        for seat in formset.deleted_objects:
            seats.committee_seat_delete(seat=seat, by=request.user)
        for seat in instances:
            seats.committee_seat_save(seat=seat, by=request.user)
        formset.save_m2m()


@admin.register(Committee)
class CommitteeAdmin(FrenchAdminMixin, ScopedOrganisationChoicesMixin, ScopedAdmin):
    add_label = _("Ajouter un comité")
    change_title = _("Modifier le comité")
    changelist_title = _("Comités")
    list_display = ["name", "organisation", "quorum", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]
    inlines = [CommitteeMemberInline]

    def scope(self, user):
        return Committee.objects.filter(organisation__in=organisations_managed_by(user))

    def may_change(self, user, obj) -> bool:
        if obj is None:
            return organisations_managed_by(user).exists()
        return can_manage_organisation(user, obj.organisation)

    def has_delete_permission(self, request, obj=None):
        # Deleting a committee would cascade to its members and charter acceptances, which
        # are records: deactivate it instead.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            # A committee switched off or on: its members' mirrored roles follow.
            for seat in obj.members.select_related("user"):
                seats.seat_roles_sync(
                    user=seat.user, organisation=obj.organisation, by=request.user
                )

    def save_formset(self, request, form, formset, change):
        if formset.model is CommitteeMember:
            save_seat_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(FrenchAdminMixin, CommitteeScopedAdmin):
    add_label = _("Donner un siège de comité")
    change_title = _("Modifier le siège")
    changelist_title = _("Sièges de comité")
    list_display = ["user", "committee", "role", "specialty", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__full_name", "user__email", "committee__name", "specialty"]
    list_select_related = ["user", "committee"]

    def may_change(self, user, obj) -> bool:
        if obj is None:
            return organisations_managed_by(user).exists()
        return can_manage_organisation(user, obj.committee.organisation)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is User:
            kwargs["queryset"] = users_managed_by(request.user)
        elif db_field.related_model is Committee:
            kwargs["queryset"] = Committee.objects.filter(
                organisation__in=organisations_managed_by(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Every write through the seat service: the mirrored organisation role follows.
    def save_model(self, request, obj, form, change):
        seats.committee_seat_save(seat=obj, by=request.user)

    def delete_model(self, request, obj):
        seats.committee_seat_delete(seat=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for seat in queryset.select_related("user", "committee__organisation"):
                seats.committee_seat_delete(seat=seat, by=request.user)


@admin.register(CharterAcceptance)
class CharterAcceptanceAdmin(ReadOnlyCommitteeScopedAdmin):
    change_title = _("Acceptation de la charte")
    changelist_title = _("Acceptations de la charte")
    list_display = ["accepted_at", "user", "committee", "version"]
    list_filter = ["version"]
    search_fields = ["user__full_name", "user__email", "committee__name"]
    list_select_related = ["user", "committee"]
    fields = ["committee", "user", "version", "accepted_at"]
    readonly_fields = fields


@admin.register(Session)
class SessionAdmin(ReadOnlyCommitteeScopedAdmin):
    change_title = _("Séance")
    changelist_title = _("Séances")
    list_display = ["starts_at", "committee", "status", "place"]
    list_filter = ["status"]
    search_fields = ["committee__name", "place"]
    list_select_related = ["committee"]
    date_hierarchy = "starts_at"
    fields = [
        "committee",
        "starts_at",
        "duration_minutes",
        "place",
        "video_link",
        "status",
        "cancellation_reason",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields


@admin.register(MinutesVersion)
class MinutesVersionAdmin(ReadOnlyCommitteeScopedAdmin):
    change_title = _("Version du compte rendu")
    changelist_title = _("Versions des comptes rendus")
    committee_path = "session__committee"
    list_display = ["session", "version", "created_at", "validated_at", "frozen"]
    search_fields = ["session__committee__name"]
    list_select_related = ["session__committee"]
    # The body of the minutes is for the committee's members (who accepted the charter): the
    # admin shows the record of each version, not its content.
    fields = [
        "session",
        "version",
        "created_by",
        "created_at",
        "correction_reason",
        "validated_by",
        "validated_at",
    ]
    readonly_fields = fields

    @admin.display(boolean=True, description=_("figé"))
    def frozen(self, obj):
        return obj.is_frozen


@admin.register(SessionTransition)
class SessionTransitionAdmin(TransitionRecordAdminMixin, ReadOnlyCommitteeScopedAdmin):
    """Each move of a session (append-only): shown, never edited nor deleted."""

    committee_path = "session__committee"
    change_title = _("Étape de l'historique d'une séance")
    changelist_title = _("Historique des séances")
    list_display = ["at", "session", "transition_label", "source_label", "target_label"]
    list_filter = ["transition"]
    list_select_related = ["session__committee"]
    readonly_fields = [
        "session",
        "transition_label",
        "source_label",
        "target_label",
        "actor",
        "actor_name",
        "at",
        "comment",
    ]
    fields = readonly_fields


# --- Accounts, with their committee seats -----------------------------------------------------
class InvitationWithSeatForm(InvitationForm):
    """The invitation, with a committee seat where relevant: one screen, one transaction."""

    # The admin narrows this to the committees of the organisations the administrator manages.
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.none(), label=_("Comité"), required=False
    )
    committee_role = forms.ChoiceField(
        label=_("Rôle au comité"),
        required=False,
        choices=[("", _("— aucun —")), *CommitteeRole.choices],
    )
    specialty = forms.CharField(
        label=_("Spécialité"),
        required=False,
        max_length=100,
        help_text=_("Par exemple : pédiatrie, obstétrique, maïeutique."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("committee") and not cleaned.get("committee_role"):
            self.add_error("committee_role", _("Choisissez son rôle au comité."))
        if cleaned.get("committee_role") and not cleaned.get("committee"):
            self.add_error("committee", _("Choisissez le comité."))
        return cleaned

    def gives_something_else(self, cleaned) -> bool:
        return bool(cleaned.get("committee"))

    def invite_organisation(self):
        committee = self.cleaned_data.get("committee")
        return self.cleaned_data.get("organisation") or (committee and committee.organisation)

    def also(self, by):
        committee = self.cleaned_data.get("committee")
        if committee is None:
            return None
        return seats.seat_for_invitation(
            committee=committee,
            role=self.cleaned_data["committee_role"],
            specialty=" ".join(self.cleaned_data.get("specialty", "").split()),
            by=by,
        )


class CommitteeSeatInline(LabelledInlineMixin, admin.TabularInline):
    """The seats of one account, on its page beside its organisation roles."""

    model = CommitteeMember
    fk_name = "user"
    extra = 0
    fields = ["committee", "role", "specialty", "is_active"]
    verbose_name = _("siège de comité")
    add_another_label = _("Ajouter un siège de comité")
    verbose_name_plural = _("Sièges de comité (président, secrétaire, membre, expert)")

    def _may_change(self, request, obj):
        return self.admin_site.has_permission(request) and (
            obj is None or can_manage_user(request.user, obj)
        )

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change(request, obj)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(committee__organisation__in=organisations_managed_by(request.user))
            .select_related("committee")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Committee:
            kwargs["queryset"] = Committee.objects.filter(
                organisation__in=organisations_managed_by(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class UserWithSeatsAdmin(UserAdmin):
    """accounts' user page, plus the committee seats this app knows of (the lower app never
    imports committees: this one extends it)."""

    add_form = InvitationWithSeatForm
    inlines = [*UserAdmin.inlines, CommitteeSeatInline]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        (
            _("Son siège de comité (le cas échéant)"),
            {
                "fields": ["committee", "committee_role", "specialty"],
                "description": _(
                    "Président, secrétaire, membre ou expert d'un comité : le siège donne "
                    "aussi le rôle de comité correspondant dans l'organisation du comité."
                ),
            },
        ),
    ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            form.base_fields["committee"].queryset = Committee.objects.filter(
                organisation__in=organisations_managed_by(request.user), is_active=True
            )
        return form

    def save_formset(self, request, form, formset, change):
        if formset.model is CommitteeMember:
            save_seat_formset(request, formset)
        else:
            super().save_formset(request, form, formset, change)


admin.site.unregister(User)
admin.site.register(User, UserWithSeatsAdmin)
