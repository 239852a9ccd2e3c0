"""Admin pages of the committees app (see rmm.admin.ScopedAdmin).

Reference taxonomies (DESIGN §9) are shared by every organisation: every administrator sees
them, only the platform operator and the administrators of a network or an ARS change them, and
nobody deletes a row (reviews reference them: deactivate instead).

Committees and their members are managed by the administrators of the committee's organisation;
charter acceptances, sessions and minutes are shown read-only (sessions and minutes are managed
in the application, where their workflow is enforced).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin import ScopedOrganisationChoicesMixin
from accounts.models import Organisation, Role, User
from accounts.permissions import (
    can_manage_organisation,
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
    Delay,
    IcdPmGroup,
    MaternalCondition,
    MinutesVersion,
    PathwayStage,
    Session,
    SessionTransition,
)

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
class ReferenceAdmin(ScopedAdmin):
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


class AlarmItemInline(admin.TabularInline):
    model = AlarmItem
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


class ReadOnlyCommitteeScopedAdmin(CommitteeScopedAdmin):
    def may_change(self, user, obj) -> bool:
        return False  # shown, never edited nor deleted here


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    fields = ["user", "role", "specialty", "is_active"]

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


@admin.register(Committee)
class CommitteeAdmin(ScopedOrganisationChoicesMixin, ScopedAdmin):
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


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(CommitteeScopedAdmin):
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


@admin.register(CharterAcceptance)
class CharterAcceptanceAdmin(ReadOnlyCommitteeScopedAdmin):
    list_display = ["accepted_at", "user", "committee", "version"]
    list_filter = ["version"]
    search_fields = ["user__full_name", "user__email", "committee__name"]
    list_select_related = ["user", "committee"]
    fields = ["committee", "user", "version", "accepted_at"]
    readonly_fields = fields


@admin.register(Session)
class SessionAdmin(ReadOnlyCommitteeScopedAdmin):
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
