"""Administration of notifications: the reminder rules (delays an administrator tunes) and the
deliveries (recent e-mails and failures, with a resend that goes through the ledger)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import FrenchAdminMixin
from accounts.permissions import organisations_managed_by
from committees.admin import may_edit_reference_data
from rmm.admin import ScopedAdmin

from . import services
from .models import EmailState, Notification, ReminderRule


@admin.register(ReminderRule)
class ReminderRuleAdmin(FrenchAdminMixin, ScopedAdmin):
    change_title = _("Modifier la règle de rappel")
    changelist_title = _("Règles de rappel")
    list_display = ["kind", "days", "escalate_after_days", "repeat_every_days", "is_active"]
    list_editable = ["days", "escalate_after_days", "repeat_every_days", "is_active"]
    readonly_fields = ["kind"]
    # Bounds a person can mean (a year at most). The database alone would take 10**11 days on
    # SQLite, and the sweep's date arithmetic would then fail for every rule.
    BOUNDS = {"days": (0, 365), "escalate_after_days": (0, 365), "repeat_every_days": (1, 365)}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.BOUNDS:
            kwargs["min_value"], kwargs["max_value"] = self.BOUNDS[db_field.name]
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def scope(self, user):
        return ReminderRule.objects.all()

    def may_change(self, user, obj) -> bool:
        return may_edit_reference_data(user)

    def has_add_permission(self, request):
        return False  # one rule per reminder of DESIGN §7, created by a migration

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead


@admin.register(Notification)
class DeliveryAdmin(FrenchAdminMixin, ScopedAdmin):
    """Recent deliveries of the people the administrator manages (kinds, states, errors;
    the texts carry no identity, and neither does this list)."""

    change_title = _("Notification envoyée")
    changelist_title = _("Notifications et envois")

    list_display = [
        "created_at",
        "kind",
        "recipient",
        "email",
        "email_attempts",
        "email_sent_at",
        "email_error",
    ]
    list_filter = ["email", "kind"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__email"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    fields = readonly_fields = [
        "kind",
        "recipient",
        "occasion",
        "link",
        "created_at",
        "read_at",
        "email",
        "email_attempts",
        "email_claimed_at",
        "email_retry_at",
        "email_sent_at",
        "email_error",
    ]

    def scope(self, user):
        return Notification.objects.filter(
            recipient__memberships__organisation__in=organisations_managed_by(user)
        )

    def may_change(self, user, obj) -> bool:
        return False  # written by the sweep and the workers only

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # The resend action is offered although rows are read-only: it goes through the ledger.
        actions = super().get_actions(request)
        if not self.admin_site.has_permission(request):
            return {}
        return actions

    @admin.action(description=_("Renvoyer les e-mails en échec"))
    def resend(self, request, queryset):
        ids = services.resend_failed(
            notification_ids=list(
                queryset.filter(email=EmailState.FAILED).values_list("pk", flat=True)
            )
        )
        skipped = queryset.count() - len(ids)
        if ids:
            self.message_user(
                request,
                ngettext(
                    "%(n)s e-mail remis en file d'envoi.",
                    "%(n)s e-mails remis en file d'envoi.",
                    len(ids),
                )
                % {"n": len(ids)},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _("Aucun e-mail en échec dans la sélection : rien n'a été renvoyé."),
                messages.WARNING,
            )
        if skipped:
            self.message_user(
                request,
                _("Les envois qui ne sont pas en échec ne sont jamais renvoyés."),
                messages.INFO,
            )
