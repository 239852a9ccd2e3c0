"""Append-only records: case transitions and views of the identity vault.

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


class CaseTransition(AppendOnlyModel):
    """One move of a case through its workflow: who, when, from, to, why."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="transitions", verbose_name=_("cas")
    )
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
    # Read by the committee in the case history: stored in normal form like the summary.
    comment = ReviewTextField(_("commentaire"), blank=True, validators=[max_comment_length])

    class Meta:
        verbose_name = _("transition de cas")
        verbose_name_plural = _("transitions de cas")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.case_id}: {self.source} → {self.target} ({self.transition})"

    @property
    def transition_label(self) -> str:
        from rmm.workflow import transition_meta

        from .case import Case

        try:
            return str(transition_meta(Case, self.transition).label)
        except KeyError:  # a transition renamed since: its stored name
            return self.transition

    @property
    def source_label(self) -> str:
        return _status_label(self.source)

    @property
    def target_label(self) -> str:
        return _status_label(self.target)


def _status_label(value: str) -> str:
    from ..status import CaseStatus

    try:
        return str(CaseStatus(value).label)
    except ValueError:
        return value


class IdentityAccessLog(AppendOnlyModel):
    """Each time someone displayed a case's identity vault."""

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

    class Meta:
        verbose_name = _("accès à l'identité")
        verbose_name_plural = _("accès à l'identité")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.user_name} → {self.case_id} ({self.at:%d/%m/%Y %H:%M})"
