"""The other organisations of the care pathway named on a case (DESIGN §2): their coordinators
add chronology events and read the pseudonymised case, never its identity vault."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

ROLE_LABEL_MAX_LENGTH = 80


class CaseContribution(models.Model):
    class PathwayRole(models.TextChoices):
        BIRTH_MATERNITY = "birth_maternity", _("Maternité de naissance")
        TRANSPORT = "transport", _("Transport / SMUR pédiatrique")
        NEONATAL = "neonatal", _("Néonatologie / réanimation")
        PMI = "pmi", _("PMI")
        OTHER = "other", _("Autre")

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="contributions",
        verbose_name=_("cas"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="case_contributions",
        verbose_name=_("organisation contributrice"),
    )
    pathway_role = models.CharField(
        _("rôle dans le parcours"), max_length=20, choices=PathwayRole.choices
    )
    role_label = models.CharField(
        _("précision du rôle"),
        max_length=ROLE_LABEL_MAX_LENGTH,
        blank=True,
        help_text=_(
            "Courte précision, obligatoire pour « Autre » (fonction ou service, jamais un nom)."
        ),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ajoutée par"),
    )
    added_at = models.DateTimeField(_("ajoutée le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("organisation du parcours")
        verbose_name_plural = _("organisations du parcours")
        ordering = ["case", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"], name="case_contribution_unique"
            )
        ]
        # The case list of a contributing coordinator starts from their organisations.
        indexes = [models.Index(fields=["organisation", "case"], name="contribution_org_case_idx")]

    def __str__(self):
        return f"{self.organisation} — {self.role_display}"

    @property
    def role_display(self) -> str:
        if self.pathway_role == self.PathwayRole.OTHER and self.role_label:
            return f"{self.get_pathway_role_display()} ({self.role_label})"
        return str(self.get_pathway_role_display())
