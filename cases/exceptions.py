"""Errors the case services raise; views turn them into French messages. They are the
project's shared user-facing errors (rmm.errors): `CaseError` is their common base."""

from rmm.errors import InvalidInput, NotAllowed, TransitionConflict, TransitionRefused
from rmm.errors import UserError as CaseError

__all__ = [
    "CaseError",
    "InvalidInput",
    "NotAllowed",
    "TransitionConflict",
    "TransitionRefused",
    "WouldErase",
]


class WouldErase(InvalidInput):
    """A change would empty values already recorded; `fields` names them. Nothing was saved."""

    def __init__(self, message: str, *, fields: list[str], confirmable: bool):
        super().__init__(message)
        self.fields = fields
        self.confirmable = confirmable
