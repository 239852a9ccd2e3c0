"""Professionals invited from outside the committee for one case of one session (issue 15)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.fields import ReviewCharField

from .session import Session


class SessionGuest(models.Model):
    """An invitation of one professional (an RMM account of any organisation) to the review of
    one case of one session: the birth maternity's team, the SMUR doctor. The guest signs the
    committee's charter for this invitation, then reads that case's pseudonymised pages for
    that session only, until the minutes are first validated, the session cancelled, the
    invitation removed or the case taken off the agenda. Minutes count guests by function,
    never by name."""

    class Presence(models.TextChoices):
        PRESENT = "present", _("Présent")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="guests", verbose_name=_("séance")
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("cas")
    )
    # The agenda entry the invitation was made for. A case taken off the agenda (postponed,
    # sent back to documentation) loses its item, and the invitation ends with it for good:
    # the same case put back on the same session is a new entry, which needs a new invitation.
    agenda_item = models.ForeignKey(
        "committees.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="guests",
        verbose_name=_("inscription à l'ordre du jour"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="session_invitations",
        verbose_name=_("professionnel invité"),
    )
    # Read in the minutes (counted by function): a function, never a name.
    function = ReviewCharField(_("fonction dans le parcours"), max_length=100)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("invité par"),
    )
    invited_at = models.DateTimeField(_("invité le"))
    charter_accepted_at = models.DateTimeField(_("charte acceptée le"), null=True, blank=True)
    charter_version = models.CharField(_("version de la charte"), max_length=20, blank=True)
    revoked_at = models.DateTimeField(_("invitation retirée le"), null=True, blank=True)
    presence = models.CharField(_("présence"), max_length=10, choices=Presence.choices, blank=True)

    class Meta:
        verbose_name = _("invité extérieur")
        verbose_name_plural = _("invités extérieurs")
        ordering = ["session", "case", "invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "case", "user"], name="session_guest_once_per_case"
            )
        ]
        indexes = [
            models.Index(fields=["user", "case"], name="session_guest_user_case"),
        ]

    def __str__(self):
        return f"{self.session_id}: {self.case_id} — {self.function}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def left_agenda(self) -> bool:
        """The case was taken off the agenda since: this invitation gives nothing any more."""
        return self.agenda_item_id is None

    @property
    def charter_accepted(self) -> bool:
        return self.charter_accepted_at is not None
