"""Notifications (DESIGN §7): the ledger of everything RMM tells someone, the reminder rules an
administrator tunes, and each user's delivery preferences.

The ledger is the notification itself: one row per (kind, subject, recipient, occasion), unique
in the database. A reminder or an event is claimed by inserting its row; a second sweep, a
retried task or a redelivered message finds the row already there and sends nothing. E-mail
delivery is a state of the row (pending, sending, sent, failed...), claimed before sending.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    # Events, queued when the change commits.
    CASE_DECLARED = "case_declared", _("Nouveau cas à prendre en charge")
    CASE_READY = "case_ready", _("Cas prêt pour le comité")
    ACTION_ASSIGNED = "action_assigned", _("Action corrective confiée")
    AGENDA = "agenda", _("Ordre du jour d'une séance")
    SESSION_CANCELLED = "session_cancelled", _("Séance annulée")
    SESSION_MOVED = "session_moved", _("Séance déplacée")
    # Reminders, derived from the database by the periodic sweep.
    CASE_NOT_ACCEPTED = "case_not_accepted", _("Cas déclaré non pris en charge")
    CASE_DOCUMENTING_LONG = "case_documenting_long", _("Cas en documentation depuis longtemps")
    PREPARE_PRESENTATION = "prepare_presentation", _("Cas à présenter en séance")
    AGENDA_NOT_SENT = "agenda_not_sent", _("Ordre du jour non envoyé")
    SESSION_TOMORROW = "session_tomorrow", _("Séance demain")
    MINUTES_DUE = "minutes_due", _("Compte rendu à valider")
    ACTION_DUE = "action_due", _("Action bientôt à échéance")
    ACTION_OVERDUE = "action_overdue", _("Action en retard")
    # One e-mail a day gathering what a user asked to receive as a digest.
    DIGEST = "digest", _("Récapitulatif quotidien")


# Always e-mailed at once: the HAS method expects the agenda, the minutes and the follow-up of
# actions to reach their people; a preference cannot silence them.
# A cancellation or a move reaches whoever was told of the session, the same way.
MANDATORY_KINDS = frozenset(
    {
        Kind.AGENDA,
        Kind.SESSION_CANCELLED,
        Kind.SESSION_MOVED,
        Kind.AGENDA_NOT_SENT,
        Kind.MINUTES_DUE,
        Kind.ACTION_OVERDUE,
    }
)
REMINDER_KINDS = (
    Kind.CASE_NOT_ACCEPTED,
    Kind.CASE_DOCUMENTING_LONG,
    Kind.PREPARE_PRESENTATION,
    Kind.AGENDA_NOT_SENT,
    Kind.AGENDA,
    Kind.SESSION_TOMORROW,
    Kind.MINUTES_DUE,
    Kind.ACTION_DUE,
    Kind.ACTION_OVERDUE,
)
# What a user may choose for: every kind but the mandatory ones and the digest itself.
OPTIONAL_KINDS = tuple(kind for kind in Kind if kind not in MANDATORY_KINDS and kind != Kind.DIGEST)


class ReminderRule(models.Model):
    """When a reminder fires (DESIGN §7), editable by an administrator. `days` counts before
    the event for what is coming (J-14, J-7, J-1) and after it for what waits (7 days without
    acceptance, J+7 without minutes, the day after an action's due date)."""

    kind = models.CharField(_("rappel"), max_length=40, choices=Kind.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("délai (jours)"))
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalade après (jours)"),
        null=True,
        blank=True,
        help_text=_(
            "Si rien n'a bougé ce nombre de jours après le premier rappel, le niveau suivant "
            "est prévenu (président du comité, équipe qualité). Vide : pas d'escalade."
        ),
    )
    repeat_every_days = models.PositiveSmallIntegerField(
        _("répéter tous les (jours)"),
        null=True,
        blank=True,
        help_text=_("Vide : un seul rappel."),
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("règle de rappel")
        verbose_name_plural = _("règles de rappel")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days__lte=365), name="reminder_days_within_a_year"
            ),
            models.CheckConstraint(
                condition=models.Q(repeat_every_days__isnull=True)
                | models.Q(repeat_every_days__gte=1),
                name="reminder_repeat_positive",
            ),
        ]

    def __str__(self):
        return str(self.get_kind_display())


class EmailState(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")
    DIGEST = "digest", _("Attend le récapitulatif")
    DIGESTED = "digested", _("Envoyé dans le récapitulatif")
    OFF = "off", _("Non envoyé (préférence)")


class NotificationQuerySet(models.QuerySet):
    def for_centre(self):
        """What the notification centre lists (the digest is an e-mail, not a notification)."""
        return self.exclude(kind=Kind.DIGEST)

    def unread(self):
        return self.for_centre().filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing told to one person, once: the in-app notification and its e-mail's state.
    `params` holds only what the texts need and identifies no one (case codes, dates of
    sessions and due dates, counts): texts are written in the reader's language when shown."""

    kind = models.CharField(_("type"), max_length=40, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("destinataire"),
    )
    subject_type = models.CharField(_("objet (type)"), max_length=40)
    subject_id = models.PositiveBigIntegerField(_("objet (identifiant)"))
    occasion = models.CharField(_("occasion"), max_length=40)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    link = models.CharField(_("lien"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)

    email = models.CharField(
        _("e-mail"), max_length=10, choices=EmailState.choices, default=EmailState.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(_("tentatives d'envoi"), default=0)
    email_claimed_at = models.DateTimeField(_("envoi commencé le"), null=True, blank=True)
    email_retry_at = models.DateTimeField(_("nouvel essai le"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("e-mail envoyé le"), null=True, blank=True)
    email_error = models.CharField(_("dernière erreur"), max_length=200, blank=True)
    digest = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("récapitulatif"),
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "recipient", "occasion"],
                name="notification_once_per_occasion",
            )
        ]
        indexes = [
            # The badge's count on every page: with the kind in the index, counted within it
            # (an index-only scan), never from the rows (thousands for a busy coordinator).
            models.Index(
                fields=["recipient", "read_at"], include=["kind"], name="notification_unread"
            ),
            models.Index(fields=["email", "email_retry_at"], name="notification_email_due"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.occasion}"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Immédiatement")
    DIGEST = "digest", _("Récapitulatif quotidien")
    OFF = "off", _("Pas d'e-mail")


class NotificationSettings(models.Model):
    """A user's choices: the language of their e-mails, and for each optional kind whether it
    is e-mailed at once, gathered in the daily digest or not e-mailed (it stays in-app)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("utilisateur"),
    )
    language = models.CharField(
        _("langue des e-mails"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    deliveries = models.JSONField(_("envoi par type"), default=dict, blank=True)

    class Meta:
        verbose_name = _("préférences de notification")
        verbose_name_plural = _("préférences de notification")

    def __str__(self):
        return str(self.user)

    def delivery_of(self, kind: str) -> str:
        if kind in MANDATORY_KINDS or kind == Kind.DIGEST:
            return Delivery.IMMEDIATE
        value = self.deliveries.get(kind, Delivery.IMMEDIATE)
        return value if value in Delivery.values else Delivery.IMMEDIATE
