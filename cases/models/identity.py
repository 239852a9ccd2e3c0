"""The identity vault: the only place where directly identifying data lives, encrypted."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..crypto import EncryptedDateTimeField, IdentityTextField
from ..fields import NARRATIVE_MAX_LENGTH, MaxTextLength


class IdentityVault(models.Model):
    """Names, NIR, record numbers, exact dates, address, phone, email of one case.

    Visible only to the declarant and the coordinators of the declaring organisation, each view
    logged (IdentityAccessLog). Never rendered on committee pages, reminders, exports or logs.
    """

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="identity", verbose_name=_("cas")
    )
    mother_last_name = IdentityTextField(_("nom de la mère"), blank=True)
    mother_birth_name = IdentityTextField(_("nom de naissance de la mère"), blank=True)
    mother_first_name = IdentityTextField(_("prénom de la mère"), blank=True)
    child_last_name = IdentityTextField(_("nom de l'enfant"), blank=True)
    child_first_name = IdentityTextField(_("prénom de l'enfant"), blank=True)
    mother_nir = IdentityTextField(_("NIR de la mère"), blank=True)
    ipp = IdentityTextField(_("IPP"), blank=True)
    nda = IdentityTextField(_("NDA"), blank=True)
    born_at = EncryptedDateTimeField(_("date et heure de naissance"), blank=True, null=True)
    died_at = EncryptedDateTimeField(_("date et heure du décès"), blank=True, null=True)
    address = IdentityTextField(_("adresse"), blank=True)
    phone = IdentityTextField(_("téléphone"), blank=True)
    email = IdentityTextField(_("e-mail"), blank=True)
    # The declarant's free-text account as written, before anonymisation: identifying.
    narrative_original = IdentityTextField(
        _("récit d'origine"),
        blank=True,
        validators=[
            MaxTextLength(
                NARRATIVE_MAX_LENGTH,
                _("Le récit ne doit pas dépasser %(limit)s caractères (actuellement %(length)s)."),
            )
        ],
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    ENCRYPTED_FIELDS = [
        "mother_last_name",
        "mother_birth_name",
        "mother_first_name",
        "child_last_name",
        "child_first_name",
        "mother_nir",
        "ipp",
        "nda",
        "born_at",
        "died_at",
        "address",
        "phone",
        "email",
        "narrative_original",
    ]

    class Meta:
        verbose_name = _("identité (coffre)")
        verbose_name_plural = _("identités (coffre)")

    def __str__(self):
        # Never the identity itself: this string may end up in logs or admin breadcrumbs.
        return str(_("Identité du cas %(pk)s") % {"pk": self.case_id})

    def known_values(self) -> list[str]:
        """The identity values the scrubber must find in any review text."""
        values = [
            self.mother_last_name,
            self.mother_birth_name,
            self.mother_first_name,
            self.child_last_name,
            self.child_first_name,
            self.mother_nir,
            self.ipp,
            self.nda,
            self.address,
            self.phone,
            self.email,
        ]
        for moment in (self.born_at, self.died_at):
            if moment:
                values += [f"{moment:%d/%m/%Y}", f"{moment:%Y-%m-%d}"]
        return [value for value in values if value]
