"""RMM sessions: date, place, ordered agenda, attendance (DESIGN §5)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin

from cases.exceptions import TransitionConflict
from cases.fields import COMMENT_MAX_LENGTH, MaxTextLength, ReviewCharField, ReviewTextField
from cases.models.audit import TransitionRecord
from rmm.workflow import transition

from .. import conditions
from .committee import Committee, CommitteeMember


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planifiée")
    AGENDA_SENT = "agenda_sent", _("Ordre du jour envoyé")
    HELD = "held", _("Tenue")
    MINUTES_VALIDATED = "minutes_validated", _("Compte rendu validé")
    CANCELLED = "cancelled", _("Annulée")


S = SessionStatus


def _planner(session, user) -> bool:
    from ..permissions import can_plan_session

    return can_plan_session(user, session)


def _chair(session, user) -> bool:
    from ..permissions import can_chair_session

    return can_chair_session(user, session)


class Session(FSMModelMixin, models.Model):
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("comité")
    )
    starts_at = models.DateTimeField(_("date et heure"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=120)
    # Shown to every member, in the minutes and the .ics: stored in normal form.
    place = ReviewCharField(_("lieu"), max_length=200, blank=True)
    video_link = models.URLField(_("lien de visioconférence"), blank=True)
    status = FSMField(_("statut"), choices=S.choices, default=S.PLANNED, protected=True)
    cancellation_reason = ReviewTextField(
        _("motif d'annulation"),
        blank=True,
        editable=False,
        validators=[MaxTextLength(COMMENT_MAX_LENGTH)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("créée par"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    # When it was marked as held: the minutes are due a week later (DESIGN §7).
    held_at = models.DateTimeField(_("tenue le"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("séance RMM")
        verbose_name_plural = _("séances RMM")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            # A committee's sessions by date (the previous session of the action follow-up,
            # the session lists): thousands over years for a busy committee.
            models.Index(fields=["committee", "starts_at"], name="session_committee_date_idx"),
        ]

    def __str__(self):
        return f"{self.committee} — {self.starts_at:%d/%m/%Y}"

    # Transitions (DESIGN §5, §11): moved only through rmm.workflow.apply, which checks the
    # permission and guards, audits the move and announces it after commit. -----------------
    @transition(
        field=status,
        source=S.PLANNED,
        target=S.AGENDA_SENT,
        permission=_planner,
        label=_("Envoyer l'ordre du jour"),
        guards=[conditions.agenda_not_empty],
    )
    def send_agenda(self):
        """The agenda is sent to the members (it can still be adjusted until the session)."""

    @transition(
        field=status,
        source=[S.PLANNED, S.AGENDA_SENT],
        target=S.HELD,
        permission=_planner,
        label=_("Marquer la séance comme tenue"),
        guards=[
            conditions.session_has_begun,
            conditions.agenda_not_empty,
            conditions.attendance_recorded,
        ],
    )
    def hold(self):
        """The session took place."""
        self.held_at = timezone.now()

    @transition(
        field=status,
        source=S.HELD,
        target=S.MINUTES_VALIDATED,
        permission=_chair,
        label=_("Valider le compte rendu"),
        guards=[conditions.latest_minutes_validated, conditions.agenda_cases_reviewed],
    )
    def validate_minutes(self):
        """The chair validated the minutes: they are frozen."""

    @transition(
        field=status,
        source=S.MINUTES_VALIDATED,
        target=S.HELD,
        permission=_planner,
        label=_("Rouvrir le compte rendu pour correction"),
        reason_required=True,
        setback=True,
    )
    def reopen_for_correction(self):
        """A correction is needed: a new version of the minutes will be drafted and validated
        (the frozen ones stay as they are)."""

    @transition(
        field=status,
        source=[S.PLANNED, S.AGENDA_SENT],
        target=S.CANCELLED,
        permission=_planner,
        label=_("Annuler la séance"),
        reason_required=True,
        setback=True,
    )
    def cancel(self, reason: str = ""):
        """The session will not take place (reason required); its cases wait for another."""
        self.cancellation_reason = reason

    def times_moved(self) -> int:
        """How many times the session was moved (`session_reschedule`): what a move page
        showed, and the `.ics`'s revision."""
        return self.transitions.filter(transition=RESCHEDULED).count()

    # --- What the workflow engine asks of every state machine -------------------------------
    def transition_comment_problems(self, comment: str) -> list[str]:
        """Its history is read by every member of the committee: no identifier in a reason."""
        from cases.conditions import identifiers_in_comment

        return identifiers_in_comment(comment, reason=True)


# Not a move: a review of the session corrected (who, when, which case), written in the
# session's history by `review_update` with the session's status as source and target.
REVIEW_CORRECTED = "correct_review"
# Not a move either: the session moved (date, time, place or link), by `session_reschedule`.
RESCHEDULED = "reschedule"


class SessionTransition(TransitionRecord):
    """One move of a session (append-only; on PostgreSQL a trigger refuses UPDATE, DELETE and
    TRUNCATE), or an event of its history that leaves its status as it is (a review
    corrected)."""

    subject_field = "session"

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("séance")
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("transition de séance")
        verbose_name_plural = _("historique des séances")

    @property
    def transition_label(self) -> str:
        if self.transition == REVIEW_CORRECTED:
            return str(_("Revue corrigée"))
        if self.transition == RESCHEDULED:
            return str(_("Séance déplacée"))
        return super().transition_label


class AgendaItem(models.Model):
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("séance")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("cas")
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("présentateur"),
    )

    class Meta:
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("ordre du jour")
        ordering = ["session", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "case"], name="agenda_case_once")]

    def __str__(self):
        return f"{self.session_id}#{self.position}: {self.case_id}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Présent")
        EXCUSED = "excused", _("Excusé")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("séance")
    )
    member = models.ForeignKey(
        CommitteeMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("membre")
    )
    status = models.CharField(_("présence"), max_length=10, choices=Status.choices)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="attendance_once")
        ]

    def __str__(self):
        return f"{self.session_id}: {self.member_id} {self.status}"

    # Attendance is what a professional's participation certificate (DPC, accreditation) is
    # drawn from: once the minutes are validated it is locked, whatever the route (session
    # page, admin form, shell): the rule sits on the row it protects, read from the database
    # (a session object held in memory may be stale).
    def save(self, *args, **kwargs):
        if refusal := self._refusal():
            raise TransitionConflict(refusal)
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if refusal := self._refusal():
            raise TransitionConflict(refusal)
        return super().delete(*args, **kwargs)

    def clean(self):
        super().clean()
        if refusal := self._refusal():
            raise ValidationError(refusal)

    def _refusal(self) -> str | None:
        if self.session_id is None:
            return None
        status = Session.objects.filter(pk=self.session_id).values_list("status", flat=True)
        return conditions.attendance_refusal(next(iter(status), ""))
