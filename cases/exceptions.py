"""Errors the case services raise; views turn them into French messages."""


class CaseError(Exception):
    """Base: the message is French and safe to show (it never carries identity data)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(CaseError):
    """The user's role or organisation does not allow this action on this case."""


class InvalidInput(CaseError):
    """Facts that contradict each other (death before birth...): nothing was saved."""


class TransitionRefused(CaseError):
    """The transition's guards are not met; `reasons` lists each one in French."""

    def __init__(self, reasons: list[str]):
        from .conditions import describe

        super().__init__(describe(reasons))
        self.reasons = reasons


class TransitionConflict(CaseError):
    """Someone else moved the case first: nothing was changed."""
