"""Reference taxonomies of the review (DESIGN §9): seeded by a data migration, editable in the
admin. Codes are stable identifiers; labels may be reworded by administrators."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ReferenceItem(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    label_en = models.CharField(_("libellé en anglais"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self):
        return f"{self.code} — {self.display_label}"

    @property
    def display_label(self) -> str:
        """The label in the user's language (reference data lives in the database, not in the
        translation catalogue)."""
        # No language is active in the admin's change messages (translation.override(None)),
        # in shells and in tasks: French, the reference language, then.
        if (get_language() or "").startswith("en") and self.label_en:
            return self.label_en
        return self.label


class IcdPmGroup(ReferenceItem):
    """ICD-PM cause group, by timing: antepartum (A1-A6), intrapartum (I1-I7), neonatal (N1-N11)."""

    class Timing(models.TextChoices):
        ANTEPARTUM = "A", _("Antepartum")
        INTRAPARTUM = "I", _("Intrapartum")
        NEONATAL = "N", _("Néonatal")

    timing = models.CharField(_("moment"), max_length=1, choices=Timing.choices)

    class Meta(ReferenceItem.Meta):
        verbose_name = _("groupe CIM-PM")
        verbose_name_plural = _("groupes CIM-PM")


class MaternalCondition(ReferenceItem):
    """ICD-PM maternal condition M1-M5."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("condition maternelle CIM-PM")
        verbose_name_plural = _("conditions maternelles CIM-PM")


class AlarmCategory(ReferenceItem):
    """One of the 7 categories of the ALARM grid of contributing factors."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("catégorie ALARM")
        verbose_name_plural = _("catégories ALARM")


class AlarmItem(ReferenceItem):
    category = models.ForeignKey(
        AlarmCategory, on_delete=models.PROTECT, related_name="items", verbose_name=_("catégorie")
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("facteur ALARM")
        verbose_name_plural = _("facteurs ALARM")
        ordering = ["category__position", "position", "code"]


class Delay(ReferenceItem):
    """The three delays: deciding to seek care, reaching care, receiving adequate care."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("retard (modèle des trois retards)")
        verbose_name_plural = _("retards (modèle des trois retards)")


class PathwayStage(ReferenceItem):
    """A stage of the care pathway where care may have broken."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("étape du parcours")
        verbose_name_plural = _("étapes du parcours")
