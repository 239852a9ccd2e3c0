"""Extra panels on the case page, contributed by other apps (the committees app shows the
reviews of the case there) without the cases app importing them."""

from collections.abc import Callable

# Each provider: (case, user) -> (template name, context dict) or None.
Provider = Callable[[object, object], tuple[str, dict] | None]
_providers: list[tuple[Provider, bool]] = []


def register_case_panel(provider: Provider, *, outcome: bool = False) -> Provider:
    """`outcome`: the panel tells the review's outcome (the committee's reviews, the corrective
    actions): shown only to those who may read it (`can_view_case_outcome`), which keeps it from
    a contributing organisation until the case is reviewed."""
    if all(provider is not known for known, _outcome in _providers):
        _providers.append((provider, outcome))
    return provider


def case_panels(*, case, user) -> list[tuple[str, dict]]:
    from .permissions import can_view_case_outcome

    panels, may_read_outcome = [], None
    for provider, outcome in _providers:
        if outcome:
            if may_read_outcome is None:
                may_read_outcome = can_view_case_outcome(user, case)
            if not may_read_outcome:
                continue
        if panel := provider(case, user):
            panels.append(panel)
    return panels
