"""Minutes of a session: generated from its reviews, anonymous, validated by the chair, then
frozen. A correction is a new version; earlier versions stay readable."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.fields import ReviewTextField

from .session import Session


class MinutesVersion(models.Model):
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="minutes", verbose_name=_("séance")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    body_html = models.TextField(_("contenu (HTML figé)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rédigée par"),
    )
    created_at = models.DateTimeField(_("rédigée le"), auto_now_add=True)
    correction_reason = ReviewTextField(_("motif de la correction"), blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validée par"),
    )
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    # The frozen version as PDF, rendered once (committees.minutes_pdf): in the default storage,
    # which no URL serves; MinutesPdfView hands it out after its own permission checks.
    pdf = models.FileField(
        _("PDF figé"), upload_to="minutes/%Y/", blank=True, editable=False, max_length=200
    )

    class Meta:
        verbose_name = _("compte rendu")
        verbose_name_plural = _("comptes rendus")
        ordering = ["session", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["session", "version"], name="minutes_version_unique")
        ]

    def __str__(self):
        return f"{self.session} — v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.validated_at is not None


class MinutesCaseExtract(models.Model):
    """One case's part of a minutes version (its review and decisions), frozen with it. The
    organisation that declared the case reads this, never the whole minutes of a territorial
    committee, which also tell other organisations' cases."""

    minutes = models.ForeignKey(
        MinutesVersion,
        on_delete=models.CASCADE,
        related_name="case_extracts",
        verbose_name=_("compte rendu"),
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("cas")
    )
    body_html = models.TextField(_("extrait (HTML figé)"))

    class Meta:
        verbose_name = _("extrait de compte rendu")
        verbose_name_plural = _("extraits de comptes rendus")
        constraints = [
            models.UniqueConstraint(fields=["minutes", "case"], name="minutes_extract_unique")
        ]

    def __str__(self):
        return f"{self.minutes} — {self.case_id}"
