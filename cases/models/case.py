"""The case and its workflow (DESIGN §3).

Transition methods only change the case's own fields. Everything around them (permission,
row lock, guards, audit record, notifications) is done by the workflow engine (rmm.workflow),
which `cases.services.transitions` calls.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin

from accounts.models import Organisation
from rmm.choices import ChoiceLabelsMixin
from rmm.workflow import transition

from .. import conditions as guards
from .. import permissions as perms
from ..clinical import ClinicalFacts, Outcome
from ..committee_scope import COMMITTEE_STAGES
from ..fields import ReviewTextField, max_comment_length, max_summary_length, too_long
from ..status import CaseStatus
from ..text import normalise_text

S = CaseStatus


class Case(ChoiceLabelsMixin, FSMModelMixin, ClinicalFacts):
    """A neonatal or infant death (or severe morbidity) under review, pseudonymised."""

    code = models.CharField(_("code"), max_length=30, editable=False)
    # The one-time token of the declaration form that created the draft: the same form sent
    # twice at once (a double click) creates one draft, the database deciding (unique).
    declaration_token = models.CharField(
        _("jeton du formulaire de déclaration"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
    )
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
    summary = ReviewTextField(
        _("résumé pseudonymisé"),
        blank=True,
        help_text=_("Le récit montré au comité : aucun nom, date exacte, adresse ni numéro."),
        validators=[max_summary_length],
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
    exclusion_reason = ReviewTextField(
        _("motif d'exclusion"), blank=True, editable=False, validators=[max_comment_length]
    )
    # Non-identifying timings, derived from the vault when the facts are derived, so that the
    # territorial indicators (DESIGN §8) are computed in SQL without decrypting anything.
    death_year = models.PositiveSmallIntegerField(
        _("année du décès"), null=True, blank=True, editable=False
    )
    death_month = models.PositiveSmallIntegerField(
        _("mois du décès"), null=True, blank=True, editable=False
    )
    days_death_to_declaration = models.IntegerField(
        _("délai décès → déclaration (jours)"), null=True, blank=True, editable=False
    )
    days_declaration_to_review = models.IntegerField(
        _("délai déclaration → revue (jours)"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("cas")
        verbose_name_plural = _("cas")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "code"], name="case_code_unique")
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            # The case list in its order. It carries the columns the list shows and the
            # visibility tests read, so that the rows a committee member may not see are
            # skipped within the index (an index-only scan), never fetched from a case row of
            # ~130 columns: a member's page 1 skips thousands of recent cases still in
            # documentation.
            models.Index(
                fields=["-created_at", "-id"],
                name="case_keyset_idx",
                include=["status", "organisation", "declared_by", "code", "kind"],
            ),
            # The case list filtered by organisation and status, paged on the keyset columns.
            models.Index(
                fields=["organisation", "status", "-created_at", "-id"],
                name="case_org_status_keyset_idx",
            ),
            # The case list filtered by status (whatever the organisation), in its order: a
            # status and a kind picked in the filter match a few cases in a hundred, which the
            # list's own index skips by thousands before page 1 is full.
            models.Index(
                fields=["status", "-created_at", "-id"],
                name="case_status_keyset_idx",
                include=["organisation", "declared_by", "code", "kind"],
            ),
            # The cases quality teams and committees see (the committee's stages), in the
            # list's order: their part of the list reads this index alone, never the recent
            # cases still being documented that they may not see.
            models.Index(
                fields=["-created_at", "-id"],
                name="case_stage_keyset_idx",
                include=["status", "organisation", "declared_by", "code", "kind"],
                condition=models.Q(status__in=COMMITTEE_STAGES),
            ),
            models.Index(fields=["declared_at"], name="case_declared_at_idx"),
            models.Index(fields=["death_year", "death_month"], name="case_death_period_idx"),
            # The ready cases waiting longest, offered to a session's agenda (a few thousand
            # across a network): read in order from the index alone.
            models.Index(
                fields=["ready_at", "id"],
                include=["organisation", "code", "kind"],
                condition=models.Q(status="ready"),
                name="case_ready_queue_idx",
            ),
            # The reviewed cases of a committee's organisations, among which the session page
            # looks for those reopened since their review: read from the index alone (the
            # case rows themselves cost a thousand page reads on every agenda page).
            models.Index(
                fields=["organisation"],
                include=["id", "code", "kind", "ready_at"],
                condition=models.Q(status="reviewed"),
                name="case_reviewed_idx",
            ),
        ]

    def __str__(self):
        return self.code

    # --- Transitions (DESIGN §3): each declares who may do it, its guards and its label once.
    # Other apps add guards and same-transaction effects through rmm.workflow's registry
    # (committees on schedule, record_review, send_back and postpone). ----------------------
    @transition(
        field=status,
        source=S.DRAFT,
        target=S.DECLARED,
        permission=perms.may_declare,
        label=_("Déclarer le cas"),
        guards=[guards.declaration_complete],
    )
    def declare(self):
        """The clinician sends a complete declaration to their organisation's coordinators."""
        self.declared_at = timezone.now()
        self.derive_timings(death=self.death_moment())

    @transition(
        field=status,
        source=S.DECLARED,
        target=S.DOCUMENTING,
        permission=perms.may_accept,
        label=_("Prendre en charge"),
    )
    def accept(self):
        """A coordinator takes the case in charge for documentation."""
        self.accepted_at = timezone.now()

    @transition(
        field=status,
        source=S.DECLARED,
        target=S.EXCLUDED,
        permission=perms.may_accept,
        label=_("Exclure du champ RMM"),
        reason_required=True,
        setback=True,
    )
    def exclude(self, reason: str = ""):
        """A coordinator decides the case falls outside the RMM scope (reason required)."""
        self.exclusion_reason = reason

    @transition(
        field=status,
        source=S.DOCUMENTING,
        target=S.READY,
        permission=perms.may_submit_for_review,
        label=_("Soumettre au comité"),
        guards=[
            guards.summary_present,
            guards.chronology_present,
            guards.no_identifier_left,
            guards.summary_validated,
        ],
    )
    def submit_for_review(self):
        """The documented, anonymised case is handed to the committee."""
        self.ready_at = timezone.now()

    @transition(
        field=status,
        source=S.READY,
        target=S.SCHEDULED,
        permission=perms.may_schedule,
        label=_("Inscrire en séance"),
    )
    def schedule(self):
        """The committee puts the case on a session's agenda."""

    @transition(
        field=status,
        source=S.SCHEDULED,
        target=S.READY,
        permission=perms.may_schedule,
        label=_("Reporter"),
        setback=True,
    )
    def postpone(self):
        """The case leaves the agenda and waits for a later session."""

    @transition(
        field=status,
        source=[S.READY, S.SCHEDULED],
        target=S.DOCUMENTING,
        permission=perms.may_schedule,
        label=_("Renvoyer en documentation"),
        reason_required=True,
        setback=True,
    )
    def send_back(self):
        """The committee returns the case to its coordinator for more documentation."""
        self.ready_at = None

    @transition(
        field=status,
        source=S.SCHEDULED,
        target=S.REVIEWED,
        permission=perms.may_record_review,
        label=_("Enregistrer la revue"),
    )
    def record_review(self):
        """The committee's analysis of the case is recorded."""
        if self.days_declaration_to_review is None and self.declared_at is not None:
            self.days_declaration_to_review = _days_between(self.declared_at, timezone.now())

    @transition(
        field=status,
        source=S.REVIEWED,
        target=S.ACTION_FOLLOW_UP,
        permission=perms.may_record_review,
        label=_("Adopter le plan d'actions"),
    )
    def adopt_action_plan(self):
        """The committee adopts corrective actions, followed by the quality team."""

    @transition(
        field=status,
        source=[S.REVIEWED, S.ACTION_FOLLOW_UP],
        target=S.CLOSED,
        permission=perms.may_close,
        label=_("Clôturer"),
        reason_required=True,
    )
    def close(self):
        """The case is closed: no action needed, or every action finished."""
        self.closed_at = timezone.now()

    @transition(
        field=status,
        source=S.CLOSED,
        target=S.REVIEWED,
        permission=perms.may_reopen,
        label=_("Rouvrir"),
        reason_required=True,
        setback=True,
    )
    def reopen(self):
        """The chair reopens a closed case because of new findings."""
        self.closed_at = None

    # --- Derived values ---------------------------------------------------------------------
    def compute_derived_values(self, born_at=None, died_at=None) -> None:
        """The clinical derivations (age at death, kind, classes), then the timings."""
        super().compute_derived_values(born_at=born_at, died_at=died_at)
        self.derive_timings(
            death=died_at or (born_at if self.outcome == Outcome.STILLBIRTH else None)
        )

    def derive_timings(self, *, death) -> None:
        """Year and month of death, and days from death to declaration once declared: relative
        and coarse values, never the date itself."""
        if death is None:
            self.death_year = self.death_month = self.days_death_to_declaration = None
            return
        local = timezone.localtime(death)
        self.death_year, self.death_month = local.year, local.month
        if self.declared_at is not None:
            self.days_death_to_declaration = _days_between(death, self.declared_at)

    def death_moment(self):
        """When death occurred (birth, for a stillbirth), read from the vault; None if unknown."""
        from .identity import IdentityVault

        vault = IdentityVault.objects.filter(case_id=self.pk).first()
        if vault is None:
            return None
        return vault.died_at or (vault.born_at if self.outcome == Outcome.STILLBIRTH else None)

    # --- What the workflow engine asks of every state machine -------------------------------
    def transition_comment_problems(self, comment: str) -> list[str]:
        """The history is read by the committee: a comment must stay as anonymous as the
        summary. It is checked, and stored (CaseTransition.comment), in normal form."""
        comment = normalise_text(comment)
        length_problem = too_long(comment, max_comment_length.limit, max_comment_length.message)
        if length_problem:
            return [length_problem]
        if guards.places_with_identifiers(self, [("comment", comment)]):
            return [_("le commentaire contient un identifiant (nom, date, numéro...)")]
        return []


def _days_between(start, end) -> int:
    """Whole days between two moments, by local calendar dates."""
    return (timezone.localtime(end).date() - timezone.localtime(start).date()).days


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
