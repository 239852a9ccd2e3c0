"""Errors the case services raise; views turn them into French messages. They are the
project's shared user-facing errors (rmm.errors): `CaseError` is their common base."""

from rmm.errors import InvalidInput, NotAllowed, TransitionConflict, TransitionRefused
from rmm.errors import UserError as CaseError

__all__ = ["CaseError", "InvalidInput", "NotAllowed", "TransitionConflict", "TransitionRefused"]
