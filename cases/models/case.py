"""The case and its workflow (DESIGN §3).

Transition methods only change the case's own fields. Everything around them (permission,
row lock, audit record, notifications) is done by `cases.services.transitions`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Organisation

from .. import conditions as guards
from .. import permissions as perms
from ..clinical import ClinicalFacts
from ..status import CaseStatus

S = CaseStatus


class Case(FSMModelMixin, ClinicalFacts):
    """A neonatal or infant death (or severe morbidity) under review, pseudonymised."""

    code = models.CharField(_("code"), max_length=30, editable=False)
    # The root of the declaring organisation's territory: case codes are numbered within it.
    territory = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="territory_cases",
        editable=False,
        verbose_name=_("territoire"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("organisation déclarante"),
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="declared_cases",
        verbose_name=_("déclarant"),
    )
    status = FSMField(
        _("statut"), choices=S.choices, default=S.DRAFT, protected=True, db_index=True
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    declared_at = models.DateTimeField(_("déclaré le"), null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(
        _("pris en charge le"), null=True, blank=True, editable=False
    )
    ready_at = models.DateTimeField(_("prêt le"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("clôturé le"), null=True, blank=True, editable=False)
    summary = models.TextField(
        _("résumé pseudonymisé"),
        blank=True,
        help_text=_("Le récit montré au comité : aucun nom, date exacte, adresse ni numéro."),
    )
    summary_validated_at = models.DateTimeField(
        _("anonymisation validée le"), null=True, blank=True, editable=False
    )
    summary_validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("anonymisation validée par"),
    )
    exclusion_reason = models.TextField(_("motif d'exclusion"), blank=True, editable=False)

    class Meta:
        verbose_name = _("cas")
        verbose_name_plural = _("cas")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "code"], name="case_code_unique")
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["-created_at", "-id"], name="case_keyset_idx"),
        ]

    def __str__(self):
        return self.code

    # --- Transitions (DESIGN §3). Conditions return bool for django-fsm; their French reasons
    # are given by cases.conditions.refusal_reasons(). ---------------------------------------
    @transition(
        field=status,
        source=S.DRAFT,
        target=S.DECLARED,
        conditions=guards.for_fsm("declare"),
        permission=perms.may_declare,
    )
    def declare(self):
        """The clinician sends a complete declaration to their organisation's coordinators."""
        self.declared_at = timezone.now()

    @transition(field=status, source=S.DECLARED, target=S.DOCUMENTING, permission=perms.may_accept)
    def accept(self):
        """A coordinator takes the case in charge for documentation."""
        self.accepted_at = timezone.now()

    @transition(field=status, source=S.DECLARED, target=S.EXCLUDED, permission=perms.may_accept)
    def exclude(self, reason: str = ""):
        """A coordinator decides the case falls outside the RMM scope (reason required)."""
        self.exclusion_reason = reason

    @transition(
        field=status,
        source=S.DOCUMENTING,
        target=S.READY,
        conditions=guards.for_fsm("submit_for_review"),
        permission=perms.may_submit_for_review,
    )
    def submit_for_review(self):
        """The documented, anonymised case is handed to the committee."""
        self.ready_at = timezone.now()

    @transition(field=status, source=S.READY, target=S.SCHEDULED, permission=perms.may_schedule)
    def schedule(self):
        """The committee puts the case on a session's agenda."""

    @transition(field=status, source=S.SCHEDULED, target=S.READY, permission=perms.may_schedule)
    def postpone(self):
        """The case leaves the agenda and waits for a later session."""

    @transition(
        field=status,
        source=[S.READY, S.SCHEDULED],
        target=S.DOCUMENTING,
        permission=perms.may_schedule,
    )
    def send_back(self):
        """The committee returns the case to its coordinator for more documentation."""
        self.ready_at = None

    @transition(
        field=status, source=S.SCHEDULED, target=S.REVIEWED, permission=perms.may_record_review
    )
    def record_review(self):
        """The committee's analysis of the case is recorded."""

    @transition(
        field=status,
        source=S.REVIEWED,
        target=S.ACTION_FOLLOW_UP,
        permission=perms.may_record_review,
    )
    def adopt_action_plan(self):
        """The committee adopts corrective actions, followed by the quality team."""

    @transition(
        field=status,
        source=[S.REVIEWED, S.ACTION_FOLLOW_UP],
        target=S.CLOSED,
        permission=perms.may_close,
    )
    def close(self):
        """The case is closed: no action needed, or every action finished."""
        self.closed_at = timezone.now()

    @transition(field=status, source=S.CLOSED, target=S.REVIEWED, permission=perms.may_reopen)
    def reopen(self):
        """The chair reopens a closed case because of new findings."""
        self.closed_at = None


class CaseCodeCounter(models.Model):
    """Last sequence number of case codes per territory and year (RMM-<year>-<sequence>)."""

    territory = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["territory", "year"], name="case_code_counter_unique")
        ]

    def __str__(self):
        return f"{self.territory_id}/{self.year}: {self.last_value}"
