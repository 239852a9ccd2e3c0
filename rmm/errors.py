"""Errors that services raise and views turn into French messages. Every state machine and
every app uses these, so that a view catches one family whatever the service it called."""


class UserError(Exception):
    """Base: the message is French and safe to show (it never carries identity data)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(UserError):
    """The user's role or organisation does not allow this action on this object."""


class InvalidInput(UserError):
    """Facts that contradict each other (death before birth...): nothing was saved."""


class TransitionRefused(UserError):
    """The transition's guards are not met; `reasons` lists each one in French."""

    def __init__(self, reasons: list[str]):
        super().__init__(describe(reasons))
        self.reasons = reasons


class TransitionConflict(UserError):
    """Someone else moved the object first, or the move no longer applies: nothing changed."""


def describe(reasons: list[str]) -> str:
    from django.utils.translation import gettext as _

    return _("Refusé. %(reasons)s") % {"reasons": " ".join(as_sentence(r) for r in reasons)}


def as_sentence(reason) -> str:
    """A guard's reason as a sentence: capital first letter, final full stop (every guard is
    written so; this keeps a reason from another layer readable beside them)."""
    text = str(reason).strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else f"{text}."
