"""Corrective actions (DESIGN §6): what will change in the system (never a person), who owns it,
by when, how its effectiveness will be measured; moved by the shared workflow engine."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin

from accounts.models import Organisation
from cases.fields import (
    COMMENT_MAX_LENGTH,
    REVIEW_TEXT_MAX_LENGTH,
    MaxTextLength,
    ReviewCharField,
    ReviewTextField,
)
from cases.models.audit import TransitionRecord
from rmm.choices import ChoiceLabelsMixin
from rmm.workflow import transition

from . import conditions


class ActionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposée")
    APPROVED = "approved", _("Approuvée")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisée")
    VERIFIED = "verified", _("Efficacité vérifiée")
    CANCELLED = "cancelled", _("Annulée")


S = ActionStatus
OPEN_STATUSES = (S.PROPOSED, S.APPROVED, S.IN_PROGRESS)
FINISHED_STATUSES = (S.DONE, S.VERIFIED, S.CANCELLED)


def is_overdue(status: str, due_date, day) -> bool:
    """Still open after its due date, on `day` (derived, never stored): for an action, and for
    the rows read as plain values."""
    return status in OPEN_STATUSES and due_date < day


class Barrier(models.TextChoices):
    PREVENTION = "prevention", _("Prévention")
    RECOVERY = "recovery", _("Récupération")
    MITIGATION = "mitigation", _("Atténuation")


class Nature(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    TRAINING = "training", _("Formation")
    PROTOCOL = "protocol", _("Protocole")
    EQUIPMENT = "equipment", _("Équipement")
    PATHWAY = "pathway", _("Parcours et coordination")
    SOCIAL = "social", _("Social")


class Priority(models.TextChoices):
    HIGH = "high", _("Haute")
    MEDIUM = "medium", _("Moyenne")
    LOW = "low", _("Basse")


def _planner(action, user) -> bool:
    from .permissions import can_decide_action

    return can_decide_action(user, action)


def _follower(action, user) -> bool:
    from .permissions import can_follow_action

    return can_follow_action(user, action)


def _verifier(action, user) -> bool:
    from .permissions import can_verify_action

    return can_verify_action(user, action)


def _canceller(action, user) -> bool:
    """The committee (its chair and secretary); the owning organisation's quality team too
    once the committee has approved the action, never in its place before."""
    if _planner(action, user):
        return True
    return action.status != ActionStatus.PROPOSED and _verifier(action, user)


class ActionQuerySet(models.QuerySet):
    def overdue(self, today=None):
        """Open actions whose due date has passed ("overdue" is derived, never stored)."""
        today = today or timezone.localdate()
        return self.filter(status__in=OPEN_STATUSES, due_date__lt=today)


class CorrectiveAction(ChoiceLabelsMixin, FSMModelMixin, models.Model):
    """A change to the system of care that answers contributing factors of one or more cases."""

    what_changes = ReviewTextField(
        _("ce qui va changer"),
        validators=[MaxTextLength(REVIEW_TEXT_MAX_LENGTH)],
        help_text=_(
            "Un système, jamais une personne : « protocole de transfert in utero révisé et "
            "affiché en salle de naissance », « interprétariat téléphonique disponible 24 h/24 "
            "aux urgences obstétricales »."
        ),
    )
    barrier = models.CharField(_("type de barrière"), max_length=20, choices=Barrier.choices)
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices)
    owner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="corrective_actions",
        verbose_name=_("organisation responsable"),
    )
    owner_function = ReviewCharField(
        _("fonction ou service responsable"),
        max_length=200,
        help_text=_("Par exemple : cadre de la salle de naissance, pharmacie, direction qualité."),
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_actions",
        verbose_name=_("personne responsable (facultatif)"),
    )
    due_date = models.DateField(_("échéance"))
    priority = models.CharField(
        _("priorité"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    indicator = ReviewTextField(
        _("indicateur d'efficacité"),
        validators=[MaxTextLength(COMMENT_MAX_LENGTH)],
        help_text=_("Mesurable : « 100 % des transferts in utero tracés dans le dossier »."),
    )
    indicator_check_date = models.DateField(_("date de mesure de l'efficacité"))
    effectiveness_result = ReviewTextField(
        _("résultat de la mesure d'efficacité"),
        blank=True,
        validators=[MaxTextLength(COMMENT_MAX_LENGTH)],
    )
    cases = models.ManyToManyField(
        "cases.Case", related_name="corrective_actions", verbose_name=_("cas")
    )
    factors = models.ManyToManyField(
        "committees.ContributingFactor",
        blank=True,
        related_name="corrective_actions",
        verbose_name=_("facteurs contributifs"),
    )
    session = models.ForeignKey(
        "committees.Session",
        on_delete=models.PROTECT,
        related_name="corrective_actions",
        verbose_name=_("séance où elle a été proposée"),
    )
    status = FSMField(_("statut"), choices=S.choices, default=S.PROPOSED, protected=True)
    cancellation_reason = ReviewTextField(_("motif d'annulation"), blank=True, editable=False)
    paqss_reference = ReviewCharField(
        _("référence au programme qualité (PAQSS)"),
        max_length=200,
        blank=True,
        help_text=_("Si l'action est reprise par le programme qualité de l'établissement."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposée par"),
    )
    created_at = models.DateTimeField(_("proposée le"), default=timezone.now, editable=False)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action corrective")
        verbose_name_plural = _("actions correctives")
        ordering = ["due_date", "pk"]
        # The session's follow-up counts its actions from this index alone (PostgreSQL).
        indexes = [
            # By status in due-date order, the id as the last key: each status's part of the
            # committee's follow-up is read in the page's exact order (due date, id), so the
            # planner never prefers walking every action by due date and filtering the status
            # (112,000 rows skipped per part at 100,000 cases).
            models.Index(
                fields=["status", "due_date", "id"], include=["session"], name="action_due_idx"
            ),
            # The quality dashboard's list walks the actions in its own order and stops after a
            # page of visible ones (actions.selectors.dashboard_page).
            models.Index(fields=["due_date", "id"], name="action_list_order_idx"),
        ]

    def __str__(self):
        return f"A{self.pk} — {self.what_changes[:60]}"

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    def is_overdue_on(self, day) -> bool:
        return is_overdue(self.status, self.due_date, day)

    @property
    def may_be_handed_over(self) -> bool:
        """An approved or running action can be handed over to the quality programme, once."""
        return self.status in (S.APPROVED, S.IN_PROGRESS) and not self.paqss_reference

    @property
    def is_handed_over(self) -> bool:
        return bool(self.paqss_reference)

    # --- Transitions (through rmm.workflow.apply) ---------------------------------------------
    @transition(
        field=status,
        source=S.PROPOSED,
        target=S.APPROVED,
        permission=_planner,
        label=_("Approuver"),
    )
    def approve(self):
        """The committee adopts the action."""

    @transition(
        field=status,
        source=S.APPROVED,
        target=S.IN_PROGRESS,
        permission=_follower,
        label=_("Démarrer"),
    )
    def start(self):
        """The owner starts the work."""

    @transition(
        field=status,
        source=S.IN_PROGRESS,
        target=S.DONE,
        permission=_follower,
        label=_("Marquer comme réalisée"),
        guards=[conditions.progress_recorded],
    )
    def complete(self):
        """The change is in place; its effectiveness remains to be measured."""

    @transition(
        field=status,
        source=S.DONE,
        target=S.VERIFIED,
        permission=_verifier,
        label=_("Vérifier l'efficacité"),
        guards=[conditions.effectiveness_measured],
    )
    def verify(self):
        """The quality team measured the indicator: the action worked (or the result says
        what remains)."""

    @transition(
        field=status,
        source=[S.PROPOSED, S.APPROVED, S.IN_PROGRESS],
        target=S.CANCELLED,
        permission=_canceller,
        label=_("Annuler l'action"),
        reason_required=True,
        setback=True,
    )
    def cancel(self, reason: str = ""):
        """The action will not be carried out (reason required)."""
        self.cancellation_reason = reason

    def transition_comment_problems(self, comment: str) -> list[str]:
        """Its history is read by every member of the committee: no identifier in a reason
        (the identity of the cases it answers compared too)."""
        from cases.conditions import identifiers_in_comment_of_cases

        return identifiers_in_comment_of_cases(self.cases.all(), comment)


class ActionTransition(TransitionRecord):
    subject_field = "action"

    action = models.ForeignKey(
        CorrectiveAction,
        on_delete=models.PROTECT,
        related_name="transitions",
        verbose_name=_("action"),
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("transition d'action")
        verbose_name_plural = _("historique des actions")


class ProgressNote(models.Model):
    """What the owner did, with optional evidence."""

    action = models.ForeignKey(
        CorrectiveAction,
        on_delete=models.CASCADE,
        related_name="progress_notes",
        verbose_name=_("action"),
    )
    text = ReviewTextField(_("avancement"), validators=[MaxTextLength(COMMENT_MAX_LENGTH)])
    evidence = models.FileField(_("pièce justificative"), upload_to="actions/%Y/", blank=True)
    evidence_pseudonymised = models.BooleanField(
        _("pièce pseudonymisée (peut être montrée au comité)"), default=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("auteur"),
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("note d'avancement")
        verbose_name_plural = _("notes d'avancement")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"A{self.action_id}: {self.text[:40]}"


class NoActionDecision(models.Model):
    """The committee recorded why a reviewed case needs no corrective action."""

    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="no_action_decision",
        verbose_name=_("cas"),
    )
    reason = ReviewTextField(_("motif"), validators=[MaxTextLength(COMMENT_MAX_LENGTH)])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("décidé par"),
    )
    decided_at = models.DateTimeField(_("décidé le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("décision sans action")
        verbose_name_plural = _("décisions sans action")

    def __str__(self):
        return f"{self.case_id}: {self.reason[:40]}"
