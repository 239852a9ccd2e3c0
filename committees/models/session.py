"""RMM sessions: date, place, ordered agenda, attendance (DESIGN §5)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from .committee import Committee, CommitteeMember


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planifiée")
    AGENDA_SENT = "agenda_sent", _("Ordre du jour envoyé")
    HELD = "held", _("Tenue")
    MINUTES_VALIDATED = "minutes_validated", _("Compte rendu validé")
    CANCELLED = "cancelled", _("Annulée")


S = SessionStatus


class Session(FSMModelMixin, models.Model):
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("comité")
    )
    starts_at = models.DateTimeField(_("date et heure"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=120)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    video_link = models.URLField(_("lien de visioconférence"), blank=True)
    status = FSMField(_("statut"), choices=S.choices, default=S.PLANNED, protected=True)
    cancellation_reason = models.TextField(_("motif d'annulation"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("créée par"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("séance RMM")
        verbose_name_plural = _("séances RMM")
        ordering = ["-starts_at", "-pk"]

    def __str__(self):
        return f"{self.committee} — {self.starts_at:%d/%m/%Y}"

    @transition(field=status, source=S.PLANNED, target=S.AGENDA_SENT)
    def send_agenda(self):
        """The agenda is sent to the members (it can still be adjusted until the session)."""

    @transition(field=status, source=[S.PLANNED, S.AGENDA_SENT], target=S.HELD)
    def hold(self):
        """The session took place."""

    @transition(field=status, source=S.HELD, target=S.MINUTES_VALIDATED)
    def validate_minutes(self):
        """The chair validated the minutes: they are frozen."""

    @transition(field=status, source=[S.PLANNED, S.AGENDA_SENT], target=S.CANCELLED)
    def cancel(self, reason: str = ""):
        """The session will not take place (reason required)."""
        self.cancellation_reason = reason


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
