"""Panels other apps add to the review screen (the actions app shows the case's actions there
and, to the chair and secretary, the way to propose them) without committees importing them."""

from collections.abc import Callable

# (request, session, case, review or None) -> (title, html) or None.
Provider = Callable[[object, object, object, object], tuple[str, str] | None]
_providers: list[Provider] = []


def register_review_panel(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def review_panels(*, request, session, case, review) -> list[tuple[str, str]]:
    return [panel for provider in _providers if (panel := provider(request, session, case, review))]
