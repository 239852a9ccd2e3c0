"""Work other apps attach to a case transition, done in the same database transaction.

The cases app does not know what other apps hold about a case (a committee's agenda, for
example), yet some of it must change with the case or not at all: a case sent back to its
coordinator must leave every agenda at once, whatever route sent it back (case page, session
page, admin, shell). Apps register an effect here when they load; `case_transition` runs the
effects of a transition after the case is saved and before the transaction commits, so a
failing effect rolls the transition back.
"""

from collections import defaultdict
from collections.abc import Callable

Effect = Callable[..., None]

_effects: dict[str, list[Effect]] = defaultdict(list)


def register(*transition_names: str, effect: Effect) -> None:
    """Run `effect(case=..., transition=..., source=..., by=...)` inside these transitions."""
    for name in transition_names:
        if effect not in _effects[name]:
            _effects[name].append(effect)


def run(*, case, transition: str, source: str, by) -> None:
    for effect in _effects.get(transition, ()):
        effect(case=case, transition=transition, source=source, by=by)
