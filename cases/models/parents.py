"""The parents' pathway (DESIGN §5, UK PMRT practice): the parents are told of the review and
asked for their questions beforehand, the committee answers them in session, and a letter is
drafted for the coordinator to complete and send.

This record holds the coordinator's side: whether (and by which function) the parents were told,
the date they were told (coordinator side only: committee pages show at most "informés" and
the function), and their questions, pseudonymised like every text the committee reads."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rmm.choices import ChoiceLabelsMixin

from ..fields import REVIEW_TEXT_MAX_LENGTH, MaxTextLength, ReviewTextField


class ParentsContactStatus(models.TextChoices):
    TOLD = "told", _("Informés de la revue")
    NOT_YET = "not_yet", _("Pas encore informés")
    UNREACHABLE = "unreachable", _("N'ont pas pu être joints")
    DECLINED = "declined", _("Ont refusé de participer")


class ParentsContactFunction(models.TextChoices):
    MIDWIFE = "midwife", _("sage-femme")
    PAEDIATRICIAN = "paediatrician", _("pédiatre")
    OBSTETRICIAN = "obstetrician", _("obstétricien")
    GENERAL_PRACTITIONER = "general_practitioner", _("médecin généraliste")
    PMI_NURSE = "pmi_nurse", _("puéricultrice PMI")
    PSYCHOLOGIST = "psychologist", _("psychologue")
    SOCIAL_WORKER = "social_worker", _("assistant(e) social(e)")
    OTHER = "other", _("autre")


max_parents_questions_length = MaxTextLength(
    REVIEW_TEXT_MAX_LENGTH,
    _(
        "Les questions des parents ne doivent pas dépasser %(limit)s caractères "
        "(actuellement %(length)s)."
    ),
)


class ParentsContact(ChoiceLabelsMixin, models.Model):
    """Whether the parents were told of the review, by whom (a function, never a name), and
    the questions they asked for the committee. Written by the coordinator of the declaring
    organisation only (cases.services.parents)."""

    Status = ParentsContactStatus
    Function = ParentsContactFunction

    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="parents_contact",
        verbose_name=_("cas"),
    )
    status = models.CharField(
        _("parents informés de la revue"),
        max_length=20,
        choices=ParentsContactStatus.choices,
        blank=True,
    )
    # An exact date about the family: shown on the coordinator's side only.
    told_on = models.DateField(_("informés le"), null=True, blank=True)
    told_by_function = models.CharField(
        _("informés par (fonction)"),
        max_length=30,
        choices=ParentsContactFunction.choices,
        blank=True,
    )
    questions = ReviewTextField(
        _("questions des parents"),
        blank=True,
        validators=[max_parents_questions_length],
        help_text=_(
            "Les questions que les parents souhaitent poser au comité, reformulées sans nom, "
            "date exacte, adresse ni numéro (comme le résumé)."
        ),
    )
    # Optimistic concurrency: the form carries the version it showed.
    version = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("modifié par"),
    )

    class Meta:
        verbose_name = _("information des parents")
        verbose_name_plural = _("informations des parents")

    def __str__(self):
        return str(_("Parents du cas %(pk)s") % {"pk": self.case_id})

    @property
    def reached(self) -> bool:
        """The parents were told of the review (the only state where questions are taken)."""
        return self.status == ParentsContactStatus.TOLD
