"""Committees, their members and the confidentiality charter."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

CHARTER_VERSION = "2026-1"


class Committee(models.Model):
    """A review committee of one organisation (a maternity) or of a territory (a network): it
    reviews cases declared by the organisations it covers."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="committees",
        verbose_name=_("organisation ou territoire"),
        help_text=_("Le comité revoit les cas de cette organisation et de celles qu'elle couvre."),
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum"), default=3, help_text=_("Nombre minimal de membres présents.")
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("comité")
        verbose_name_plural = _("comités")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", _("Président")
    SECRETARY = "secretary", _("Secrétaire")
    MEMBER = "member", _("Membre")
    EXTERNAL_EXPERT = "external_expert", _("Expert extérieur")


class CommitteeMember(models.Model):
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="members", verbose_name=_("comité")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="committee_memberships",
        verbose_name=_("utilisateur"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=CommitteeRole.choices)
    specialty = models.CharField(_("spécialité"), max_length=100, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("membre de comité")
        verbose_name_plural = _("membres de comité")
        ordering = ["committee", "role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"], name="committee_member_unique")
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.committee}"


class CharterAcceptance(models.Model):
    """A member's acceptance of the confidentiality charter: once, recorded and dated, before
    any case content is shown to them."""

    committee = models.ForeignKey(
        Committee,
        on_delete=models.CASCADE,
        related_name="charter_acceptances",
        verbose_name=_("comité"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("utilisateur"),
    )
    version = models.CharField(_("version de la charte"), max_length=20, default=CHARTER_VERSION)
    accepted_at = models.DateTimeField(_("acceptée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("acceptation de la charte")
        verbose_name_plural = _("acceptations de la charte")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "user", "version"], name="charter_acceptance_unique"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.committee} ({self.accepted_at:%d/%m/%Y})"
