"""The committee's review of a case (DESIGN §4 "Review record"). A re-review after reopening
adds a new record: earlier classifications stay visible in the case history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.fields import (
    REVIEW_TEXT_MAX_LENGTH,
    MaxTextLength,
    ReviewTextField,
    max_comment_length,
)
from rmm.choices import ChoiceLabelsMixin

from .reference import AlarmItem, Delay, IcdPmGroup, MaternalCondition, PathwayStage
from .session import Session


def icd_pm_timings_fitting(case) -> tuple[str, ...]:
    """ICD-PM timings that fit the case's death: a death after a live birth takes a neonatal
    group (N), a stillbirth an antepartum (A) or intrapartum (I) one, only A or only I when the
    declaration says whether the death came before or during labour; any other case, any.
    The review form offers only these groups and the review service refuses the others."""
    Timing = IcdPmGroup.Timing
    if case.outcome == "live_birth_death":
        return (Timing.NEONATAL,)
    if case.outcome == "stillbirth":
        timing = getattr(case, "stillbirth_timing", "")
        if timing == "antepartum":
            return (Timing.ANTEPARTUM,)
        if timing == "intrapartum":
            return (Timing.INTRAPARTUM,)
        return (Timing.ANTEPARTUM, Timing.INTRAPARTUM)
    return (Timing.ANTEPARTUM, Timing.INTRAPARTUM, Timing.NEONATAL)


def icd_pm_misfit_message(case) -> str:
    """What is said of a group that does not fit the case's death."""
    if case.outcome == "live_birth_death":
        return gettext("Un décès néonatal se classe dans un groupe CIM-PM néonatal (N1-N11).")
    if case.outcome == "stillbirth":
        timing = getattr(case, "stillbirth_timing", "")
        if timing == "antepartum":
            return gettext(
                "Un décès avant le travail se classe dans un groupe CIM-PM antepartum (A1-A6)."
            )
        if timing == "intrapartum":
            return gettext(
                "Un décès pendant le travail se classe dans un groupe CIM-PM intrapartum (I1-I7)."
            )
        return gettext(
            "Une mortinatalité se classe dans un groupe CIM-PM antepartum ou intrapartum."
        )
    return gettext("Choisissez un groupe CIM-PM de la liste.")


def icd_pm_timing_error(group, case) -> str | None:
    """Why an ICD-PM group does not fit the case's death, or None when it does."""
    if group is None or group.timing in icd_pm_timings_fitting(case):
        return None
    return icd_pm_misfit_message(case)


class CareGrade(models.TextChoices):
    A = "A", _("A — aucun problème dans les soins")
    B = "B", _("B — problèmes sans effet sur l'issue")
    C = "C", _("C — problèmes qui ont pu changer l'issue")
    D = "D", _("D — problèmes qui ont probablement changé l'issue")


class Avoidability(models.TextChoices):
    AVOIDABLE = "avoidable", _("Évitable")
    POTENTIALLY_AVOIDABLE = "potentially_avoidable", _("Potentiellement évitable")
    NOT_AVOIDABLE = "not_avoidable", _("Non évitable")
    NOT_ASSESSABLE = "not_assessable", _("Non évaluable")


class CaseReview(ChoiceLabelsMixin, models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="reviews", verbose_name=_("cas")
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("séance")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enregistrée par"),
    )
    recorded_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)
    icd_pm_group = models.ForeignKey(
        IcdPmGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("groupe CIM-PM (moment et cause)"),
    )
    maternal_condition = models.ForeignKey(
        MaternalCondition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("condition maternelle (M1-M5)"),
    )
    grade_care_to_death = models.CharField(
        _("soins jusqu'au décès"), max_length=1, choices=CareGrade.choices, blank=True
    )
    grade_neonatal_care = models.CharField(
        _("soins néonatals"), max_length=1, choices=CareGrade.choices, blank=True
    )
    grade_after_death = models.CharField(
        _("soins après le décès et accompagnement de la famille"),
        max_length=1,
        choices=CareGrade.choices,
        blank=True,
    )
    avoidability = models.CharField(
        _("évitabilité"), max_length=25, choices=Avoidability.choices, blank=True
    )
    optimal_care = models.BooleanField(_("soins optimaux"), null=True, blank=True)
    delays = models.ManyToManyField(Delay, blank=True, verbose_name=_("retards"))
    pathway_breaks = models.ManyToManyField(
        PathwayStage, blank=True, verbose_name=_("étapes où le parcours a rompu")
    )
    # Every free text of a review goes into the minutes: normal form, bounded (cases.fields).
    what_went_well = ReviewTextField(
        _("ce qui a bien fonctionné"),
        blank=True,
        validators=[MaxTextLength(REVIEW_TEXT_MAX_LENGTH)],
    )
    # The parents' questions are gathered beforehand on the case (cases.ParentsContact, issue
    # 15); the committee's answers, decided in session, stay here. They feed the letter to the
    # parents and never reach the minutes, which only say whether the questions were answered.
    answers_to_parents = ReviewTextField(
        _("réponses apportées aux parents"),
        blank=True,
        validators=[MaxTextLength(REVIEW_TEXT_MAX_LENGTH)],
    )
    conclusion = ReviewTextField(
        _("conclusion et décisions du comité"),
        blank=True,
        validators=[MaxTextLength(REVIEW_TEXT_MAX_LENGTH)],
    )
    no_action_needed = models.BooleanField(_("aucune action corrective nécessaire"), default=False)

    class Meta:
        verbose_name = _("revue de cas")
        verbose_name_plural = _("revues de cas")
        ordering = ["case", "-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.case} — {self.recorded_at:%d/%m/%Y}"

    @property
    def calls_for_action_plan(self) -> bool:
        """DESIGN §6: the death avoidable or potentially avoidable, or any care graded C or D,
        calls for an action plan (or a recorded reason for none)."""
        grades = {self.grade_care_to_death, self.grade_neonatal_care, self.grade_after_death}
        return self.avoidability in (
            Avoidability.AVOIDABLE,
            Avoidability.POTENTIALLY_AVOIDABLE,
        ) or bool(grades & {CareGrade.C, CareGrade.D})


class ContributingFactor(models.Model):
    """One ALARM factor the committee retained, with its comment."""

    review = models.ForeignKey(
        CaseReview, on_delete=models.CASCADE, related_name="factors", verbose_name=_("revue")
    )
    item = models.ForeignKey(AlarmItem, on_delete=models.PROTECT, verbose_name=_("facteur ALARM"))
    comment = ReviewTextField(_("commentaire"), blank=True, validators=[max_comment_length])
    recovery_barrier = models.BooleanField(
        _("barrière de récupération"),
        default=False,
        help_text=_("Ce qui a permis, ou aurait permis, de rattraper la situation."),
    )

    class Meta:
        verbose_name = _("facteur contributif")
        verbose_name_plural = _("facteurs contributifs")
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="factor_once_per_review")
        ]

    def __str__(self):
        return str(self.item)
