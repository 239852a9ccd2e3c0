"""Declaring a transition once, with everything the engine and the pages need to know."""

from dataclasses import dataclass, field

import django_fsm


@dataclass(frozen=True)
class TransitionMeta:
    """What a transition says of itself (stored in django-fsm-2's `custom`)."""

    label: str
    reason_required: bool = False
    setback: bool = False
    own_guards: tuple = field(default_factory=tuple)


# Set on an instance by the engine while it calls a transition whose guards it has just checked.
CHECKED_BY_ENGINE = "_workflow_guards_checked"


class GuardsMet:
    """The django-fsm condition of a transition: its own guards and the registered ones, so
    that even a direct call of the transition method refuses what the engine refuses."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, instance) -> bool:
        from .registry import refusal_reasons

        if instance.__dict__.get(CHECKED_BY_ENGINE) == self.name:
            return True
        return not refusal_reasons(instance, self.name)


def transition(
    *,
    field,
    source,
    target,
    permission,
    label,
    reason_required: bool = False,
    setback: bool = False,
    guards=(),
):
    """django-fsm-2's `transition`, with the permission predicate required and the metadata
    declared in the same place: label, reason required, setback, the transition's own guards."""

    def decorator(method):
        meta = TransitionMeta(
            label=label,
            reason_required=reason_required,
            setback=setback,
            own_guards=tuple(guards),
        )
        return django_fsm.transition(
            field=field,
            source=source,
            target=target,
            permission=permission,
            conditions=[GuardsMet(method.__name__)],
            custom={"meta": meta},
        )(method)

    return decorator


def transition_meta(model, name: str) -> TransitionMeta:
    """The metadata of transition `name` of `model` (KeyError for an unknown name)."""
    method = getattr(model, name, None)
    fsm = getattr(method, "_django_fsm", None)
    if fsm is None:
        raise KeyError(name)
    any_transition = next(iter(fsm.transitions.values()))
    return any_transition.custom["meta"]


def fsm_field_name(model, name: str) -> str:
    fsm_field = getattr(model, name)._django_fsm.field
    return fsm_field if isinstance(fsm_field, str) else fsm_field.name
