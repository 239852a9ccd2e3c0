"""Moving any state machine of RMM: one door, whatever the route (page, admin, shell)."""

import inspect
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _
from django_fsm import FSMFieldMixin

from rmm.errors import NotAllowed, TransitionConflict, TransitionRefused

from .declaration import CHECKED_BY_ENGINE, transition_meta
from .registry import refusal_reasons, registered_effects

# Sent once the transaction has committed: sender=the model, instance_id, transition, source,
# target, actor_id. Other apps (notifications) react without the owning app knowing them.
transitioned = Signal()


@dataclass(frozen=True)
class AvailableTransition:
    """A button: a transition this user may perform now, with what still blocks it."""

    name: str
    label: str
    target: str
    needs_reason: bool
    is_setback: bool
    blocking_reasons: list[str]


def state_field(model) -> FSMFieldMixin:
    return next(f for f in model._meta.concrete_fields if isinstance(f, FSMFieldMixin))


def available_transitions(instance, user) -> list[AvailableTransition]:
    """The transitions `user` may perform from the current status (the buttons), each with the
    guards that still block it, in declaration order."""
    field = state_field(type(instance))
    status = getattr(instance, field.name)
    available, memo = [], {}
    for transition in field.get_all_transitions(type(instance)):
        if transition.source not in (status, "*") or not transition.has_perm(instance, user):
            continue
        meta = transition.custom["meta"]
        available.append(
            AvailableTransition(
                name=transition.name,
                label=str(meta.label),
                target=transition.target,
                needs_reason=meta.reason_required,
                is_setback=meta.setback,
                blocking_reasons=refusal_reasons(instance, transition.name, memo),
            )
        )
    return available


def _comment_problems(instance, comment: str) -> list[str]:
    """What the audit record's own field refuses (length...), then what the state machine
    refuses in a comment its readers will see (identifiers...)."""
    problems = []
    try:
        instance.transitions.model._meta.get_field("comment").run_validators(comment)
    except ValidationError as error:
        problems += error.messages
    if hasattr(instance, "transition_comment_problems"):
        problems += instance.transition_comment_problems(comment)
    return problems


def apply(*, model, pk, name: str, by, expected_status=None, comment: str = ""):
    """Apply transition `name` to the row `pk` of `model` as `by`: locked, compared with the
    status the user saw, permitted, guarded, audited in the same transaction, announced after
    commit. Raises NotAllowed, TransitionConflict or TransitionRefused (French messages), in
    which case nothing was changed."""
    comment = (comment or "").strip()
    try:
        meta = transition_meta(model, name)
    except KeyError as exc:
        raise NotAllowed(_("Action inconnue : rien n'a été changé.")) from exc
    field = state_field(model)
    with transaction.atomic():
        try:
            instance = model.objects.select_for_update().get(pk=pk)
        except model.DoesNotExist as exc:
            raise NotAllowed(_("Cet élément n'existe pas ou ne vous est pas accessible.")) from exc
        source = getattr(instance, field.name)
        status_label = getattr(instance, f"get_{field.name}_display")()
        fsm = getattr(model, name)._django_fsm
        # Someone who may never perform this transition is told so, whatever the status.
        if not any(t.has_perm(instance, by) for t in fsm.transitions.values()):
            raise NotAllowed(_("Votre rôle ne permet pas cette action."))
        if expected_status is not None and source != expected_status:
            raise TransitionConflict(
                _(
                    "Déjà modifié entre-temps par quelqu'un d'autre (statut actuel : "
                    "« %(status)s »). Rien n'a été changé : rechargez la page."
                )
                % {"status": status_label}
            )
        if not fsm.has_transition(source):
            raise TransitionConflict(
                _("Cette action n'est pas possible au statut « %(status)s ».")
                % {"status": status_label}
            )
        if not fsm.has_transition_perm(instance, source, by):
            raise NotAllowed(_("Votre rôle ne permet pas cette action."))
        reasons = refusal_reasons(instance, name)
        if meta.reason_required and not comment:
            reasons.append(_("Un motif est obligatoire."))
        if comment:
            reasons += _comment_problems(instance, comment)
        if reasons:
            raise TransitionRefused(reasons)
        method = getattr(instance, name)
        # The guards were just evaluated under the row lock: the fsm condition need not repeat
        # them (some read every text of a case).
        instance.__dict__[CHECKED_BY_ENGINE] = name
        try:
            if "reason" in inspect.signature(method).parameters:
                method(reason=comment)
            else:
                method()
        finally:
            instance.__dict__.pop(CHECKED_BY_ENGINE, None)
        instance.save()
        target = getattr(instance, field.name)
        for effect in registered_effects(instance, name):
            effect(instance=instance, transition=name, source=source, by=by)
        # The audit record: every state machine keeps its history as `transitions`.
        instance.transitions.create(
            transition=name,
            source=source,
            target=target,
            actor=by,
            actor_name=by.get_full_name() or by.email,
            comment=comment,
        )
        transaction.on_commit(
            lambda: transitioned.send(
                sender=model,
                instance_id=instance.pk,
                transition=name,
                source=source,
                target=target,
                actor_id=by.pk,
            )
        )
    return instance
