"""What the coordinator decided about the scrubber's findings on one case."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..crypto import EncryptedTextField


class RejectedFinding(models.Model):
    """A detected value the coordinator judged not identifying for this case ("Potter" in
    "séquence de Potter" read as a name...): no longer reported on this case's texts.

    Scoped to one case. The value is kept encrypted (it may be a real name the coordinator
    misjudged) with a keyed digest for lookups; a value of the identity vault can never be
    rejected (cases.services.anonymisation refuses it and cases.detection ignores it)."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="rejected_findings",
        verbose_name=_("cas"),
    )
    kind = models.CharField(_("type"), max_length=20)
    value = EncryptedTextField(_("valeur (forme normalisée)"))
    value_digest = models.CharField(_("empreinte de la valeur"), max_length=64, editable=False)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rejeté par"),
    )
    rejected_by_name = models.CharField(_("nom de l'auteur"), max_length=150)
    rejected_at = models.DateTimeField(_("rejeté le"), auto_now_add=True)

    class Meta:
        verbose_name = _("détection rejetée")
        verbose_name_plural = _("détections rejetées")
        ordering = ["rejected_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "value_digest"], name="rejected_finding_once_per_case"
            )
        ]

    def __str__(self):
        return f"{self.case_id} · {self.kind}"
