"""Sections other apps add to the minutes and to the session page (the actions app adds each
reviewed case's actions and the "Suivi des actions" section) without committees importing them.

Providers return HTML they rendered themselves (autoescaped templates); what goes into the
minutes must be anonymous, as the rest of the minutes: functions and case codes, never a name.
"""

from collections.abc import Callable

# (session, case ids) -> {case id: html} for the cases reviewed in the session.
CaseProvider = Callable[[object, list[int]], dict[int, str]]
# (session) -> (title, html) or None: a section of the session's agenda page and minutes.
SessionProvider = Callable[[object], tuple[str, str] | None]

_case_providers: list[CaseProvider] = []
_session_providers: list[SessionProvider] = []


def register_case_section(provider: CaseProvider) -> CaseProvider:
    if provider not in _case_providers:
        _case_providers.append(provider)
    return provider


def register_session_section(provider: SessionProvider) -> SessionProvider:
    if provider not in _session_providers:
        _session_providers.append(provider)
    return provider


def case_sections(*, session, case_ids: list[int]) -> dict[int, list[str]]:
    """{case id: [html, ...]}: what other apps add under each reviewed case."""
    sections: dict[int, list[str]] = {case_id: [] for case_id in case_ids}
    for provider in _case_providers:
        for case_id, html in provider(session, case_ids).items():
            if html and case_id in sections:
                sections[case_id].append(html)
    return sections


def session_sections(*, session) -> list[tuple[str, str]]:
    """[(title, html), ...]: what other apps add to the session's agenda page and minutes."""
    return [section for provider in _session_providers if (section := provider(session))]
