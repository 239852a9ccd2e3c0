"""Guards and effects that apps attach to a state machine's transitions.

A guard returns None when satisfied, or the French reason shown to the user when it is not
("la chronologie est vide"). An effect is work that must happen in the same transaction as the
move, or not at all (a case sent back leaves the committee's agenda). Both are keyed by the
model's label ("cases.case") and the transition's name, so a higher app registers on a lower
app's transitions in its AppConfig.ready(), and the lower app never imports it.
"""

from collections import defaultdict
from collections.abc import Callable

Guard = Callable[[object], "str | None"]
Effect = Callable[..., None]

_guards: dict[tuple[str, str], list[Guard]] = defaultdict(list)
_effects: dict[tuple[str, str], list[Effect]] = defaultdict(list)


def add_guard(model: str, transition: str, guard: Guard) -> None:
    """`model` is a label such as "cases.case"; registering twice is harmless."""
    key = (model.lower(), transition)
    if guard not in _guards[key]:
        _guards[key].append(guard)


def add_effect(model: str, transition: str, effect: Effect, *, first: bool = False) -> None:
    """`effect(instance=..., transition=..., source=..., by=...)` runs after the move is
    saved and before the transaction commits: if it raises, nothing is applied. Effects run in
    the order registered; `first` puts this one before those registered earlier (a notice that
    must read who was on an agenda before another effect releases it)."""
    key = (model.lower(), transition)
    if effect not in _effects[key]:
        if first:
            _effects[key].insert(0, effect)
        else:
            _effects[key].append(effect)


def registered_guards(instance, transition: str) -> list[Guard]:
    return list(_guards.get((instance._meta.label_lower, transition), ()))


def registered_effects(instance, transition: str) -> list[Effect]:
    return list(_effects.get((instance._meta.label_lower, transition), ()))


def refusal_reasons(instance, transition: str, memo: dict | None = None) -> list[str]:
    """Every guard of the transition that is not met, in order: its own, then the registered.
    `memo` (guard -> reason) lets the buttons of one page ask a guard shared by several
    transitions once (the same instance, unchanged in between); a transition being applied asks
    every guard afresh, under its lock."""
    from .declaration import transition_meta

    guards = [*transition_meta(type(instance), transition).own_guards]
    guards += registered_guards(instance, transition)
    if memo is None:
        return [reason for guard in guards if (reason := guard(instance))]
    reasons = []
    for guard in guards:
        if guard not in memo:
            memo[guard] = guard(instance)
        if memo[guard]:
            reasons.append(memo[guard])
    return reasons
