"""One workflow engine for every state machine of RMM: cases, sessions, corrective actions.

A transition is declared once, on the model, with `rmm.workflow.transition`: its source and
target, who may perform it (a permission predicate), its own guards, and what the user sees
(label, whether a reason is required, whether it is a setback). Other apps add guards and
same-transaction effects to it through the registry, without the owning app importing them.
Every move goes through `apply`: lock, compare with the status the user saw, permission,
guards (every refusal explained in French), the django-fsm-2 transition, one append-only audit
record in the same transaction, and the `transitioned` signal after commit.
"""

from .declaration import transition, transition_meta
from .engine import AvailableTransition, apply, available_transitions, transitioned
from .registry import add_effect, add_guard, refusal_reasons

__all__ = [
    "AvailableTransition",
    "add_effect",
    "add_guard",
    "apply",
    "available_transitions",
    "refusal_reasons",
    "transition",
    "transition_meta",
    "transitioned",
]
