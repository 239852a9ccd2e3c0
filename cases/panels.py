"""Extra panels on the case page, contributed by other apps (the committees app shows the
reviews of the case there) without the cases app importing them."""

from collections.abc import Callable

# Each provider: (case, user) -> (template name, context dict) or None.
Provider = Callable[[object, object], tuple[str, dict] | None]
_providers: list[Provider] = []


def register_case_panel(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def case_panels(*, case, user) -> list[tuple[str, dict]]:
    return [panel for provider in _providers if (panel := provider(case, user))]
