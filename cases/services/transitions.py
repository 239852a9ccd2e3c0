"""Moving a case through its workflow: one function for every transition.

The row is locked (SELECT ... FOR UPDATE), the status the user saw is compared with the current
one (a concurrent move is a conflict, never a second move), the permission predicate and the
guards are checked, the transition runs, and its audit record is written in the same
transaction. Other apps hear of it only after commit.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import transition_effects
from ..conditions import places_with_identifiers, refusal_reasons
from ..exceptions import NotAllowed, TransitionConflict, TransitionRefused
from ..models import Case, CaseTransition
from ..signals import case_transitioned

# Transitions that must say why (DESIGN §3).
REASON_REQUIRED = {"exclude", "send_back", "reopen", "close"}
SETBACKS = {"exclude", "send_back", "postpone", "reopen"}
TRANSITION_LABELS = {
    "declare": gettext_lazy("Déclarer le cas"),
    "accept": gettext_lazy("Prendre en charge"),
    "exclude": gettext_lazy("Exclure du champ RMM"),
    "submit_for_review": gettext_lazy("Soumettre au comité"),
    "schedule": gettext_lazy("Inscrire en séance"),
    "postpone": gettext_lazy("Reporter"),
    "send_back": gettext_lazy("Renvoyer en documentation"),
    "record_review": gettext_lazy("Enregistrer la revue"),
    "adopt_action_plan": gettext_lazy("Adopter le plan d'actions"),
    "close": gettext_lazy("Clôturer"),
    "reopen": gettext_lazy("Rouvrir"),
}


@dataclass(frozen=True)
class AvailableTransition:
    name: str
    label: str
    target: str
    needs_reason: bool
    blocking_reasons: list[str]

    @property
    def is_setback(self) -> bool:
        """Moves a case away from its review (shown less prominently than the way forward)."""
        return self.name in SETBACKS


def _meta(case: Case, name: str):
    method = getattr(type(case), name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise NotAllowed(_("Action inconnue."))
    return meta


def transitions_for(*, case: Case, user) -> list[AvailableTransition]:
    """The transitions this user may perform from the case's current status (the buttons),
    each with the guards that still block it."""
    available = []
    for transition in case.get_all_status_transitions():
        if transition.source not in (case.status, "*"):
            continue
        if not transition.has_perm(case, user):
            continue
        available.append(
            AvailableTransition(
                name=transition.name,
                label=str(TRANSITION_LABELS.get(transition.name, transition.name)),
                target=transition.target,
                needs_reason=transition.name in REASON_REQUIRED,
                blocking_reasons=refusal_reasons(case, transition.name),
            )
        )
    return available


def case_transition(
    *, case_id: int, name: str, by, expected_status: str | None = None, comment: str = ""
) -> Case:
    """Apply transition `name` to the case as `by`, audited; raise a French error otherwise."""
    comment = (comment or "").strip()
    with transaction.atomic():
        try:
            case = Case.objects.select_for_update().get(pk=case_id)
        except Case.DoesNotExist as exc:
            raise NotAllowed(_("Ce cas n'existe pas ou ne vous est pas accessible.")) from exc
        source = case.status
        if expected_status is not None and source != expected_status:
            raise TransitionConflict(
                _(
                    "Ce cas a été modifié entre-temps par quelqu'un d'autre (statut actuel : "
                    "%(status)s). Rien n'a été changé : rechargez la page."
                )
                % {"status": case.get_status_display()}
            )
        meta = _meta(case, name)
        if not meta.has_transition(source):
            raise TransitionConflict(
                _("Cette action n'est pas possible au statut « %(status)s ».")
                % {"status": case.get_status_display()}
            )
        if not meta.has_transition_perm(case, source, by):
            raise NotAllowed(_("Votre rôle ne permet pas cette action sur ce cas."))
        reasons = refusal_reasons(case, name)
        if name in REASON_REQUIRED and not comment:
            reasons.append(_("un motif est obligatoire"))
        if comment and places_with_identifiers(case, [("comment", comment)]):
            # The history is read by the committee: it must stay as anonymous as the summary.
            reasons.append(_("le commentaire contient un identifiant (nom, date, numéro...)"))
        if reasons:
            raise TransitionRefused(reasons)
        method = getattr(case, name)
        if name == "exclude":
            method(reason=comment)
        else:
            method()
        case.save()
        transition_effects.run(case=case, transition=name, source=source, by=by)
        CaseTransition.objects.create(
            case=case,
            transition=name,
            source=source,
            target=case.status,
            actor=by,
            actor_name=by.get_full_name() or by.email,
            comment=comment,
        )
        target = case.status
        transaction.on_commit(
            lambda: case_transitioned.send(
                sender=Case,
                case_id=case.pk,
                transition=name,
                source=source,
                target=target,
                actor_id=by.pk,
            )
        )
    return case
