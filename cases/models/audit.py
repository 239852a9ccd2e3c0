"""Append-only records: workflow transitions and views of the identity vault.

Rows are written by services in the same transaction as the change they record. The database
refuses UPDATE and DELETE on these tables (triggers created by migration, on PostgreSQL and on
SQLite); the model refuses them too, so that a mistake fails loudly before reaching the database.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..fields import ReviewTextField, max_comment_length


class AppendOnlyError(Exception):
    pass


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")


class TransitionRecord(AppendOnlyModel):
    """One move of an object through its workflow (a case, a session...): who, when, from, to,
    why. Concrete records name the object's foreign key `subject_field`, with
    related_name="transitions": the workflow engine writes them there."""

    subject_field = ""

    transition = models.CharField(_("transition"), max_length=40)
    source = models.CharField(_("de"), max_length=30)
    target = models.CharField(_("vers"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("auteur"),
    )
    # A copy: the audit trail keeps the name the actor had when they acted.
    actor_name = models.CharField(_("nom de l'auteur"), max_length=150)
    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    # Read by the committee in the histories: stored in normal form like the summary.
    comment = ReviewTextField(_("commentaire"), blank=True, validators=[max_comment_length])

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        subject_id = getattr(self, f"{self.subject_field}_id")
        return f"{subject_id}: {self.source} → {self.target} ({self.transition})"

    @classmethod
    def subject_model(cls):
        return cls._meta.get_field(cls.subject_field).related_model

    @property
    def transition_label(self) -> str:
        from rmm.workflow import transition_meta

        try:
            return str(transition_meta(self.subject_model(), self.transition).label)
        except KeyError:  # a transition renamed since: its stored name
            return self.transition

    @property
    def source_label(self) -> str:
        return self._status_label(self.source)

    @property
    def target_label(self) -> str:
        return self._status_label(self.target)

    def _status_label(self, value: str) -> str:
        from rmm.workflow.engine import state_field

        return str(dict(state_field(self.subject_model()).choices).get(value, value))


class CaseTransition(TransitionRecord):
    subject_field = "case"

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="transitions", verbose_name=_("cas")
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("transition de cas")
        verbose_name_plural = _("transitions de cas")
        indexes = [
            # The agenda's candidates look for cases the chair reopened: the few `reopen` rows
            # among hundreds of thousands of transitions, newest first per case.
            models.Index(
                fields=["case", "-at"],
                condition=models.Q(transition="reopen"),
                name="case_transition_reopen_idx",
            )
        ]


class IdentityAccessLog(AppendOnlyModel):
    """Each time someone displayed or changed a case's identity vault (`purpose`: "view" on the
    identity page, "parents_letter" when a coordinator printed the letter to the parents,
    "edit" when values were entered or corrected, "erase" when values were emptied; `fields`
    names the fields changed, never their values)."""

    PURPOSE_VIEW = "view"
    PURPOSE_PARENTS_LETTER = "parents_letter"
    PURPOSE_EDIT = "edit"
    PURPOSE_ERASE = "erase"

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="identity_accesses",
        verbose_name=_("cas"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("utilisateur"),
    )
    user_name = models.CharField(_("nom de l'utilisateur"), max_length=150)
    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    purpose = models.CharField(_("objet"), max_length=40, default="view")
    # The vault's field names, comma-separated (an edit or an erasure); never a value.
    fields = models.CharField(_("champs"), max_length=400, blank=True, default="")

    class Meta:
        verbose_name = _("accès à l'identité")
        verbose_name_plural = _("accès à l'identité")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.user_name} → {self.case_id} ({self.at:%d/%m/%Y %H:%M})"

    @property
    def field_names(self) -> list[str]:
        return [name for name in self.fields.split(",") if name]
