"""The buttons of a page ask a guard shared by several transitions once (guards read reviews,
agendas, every text of a case); applying a transition still asks every guard afresh."""

import pytest

from rmm import workflow
from rmm.workflow import registry
from rmm.workflow.engine import available_transitions
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_a_guard_shared_by_two_buttons_is_asked_once_and_blocks_both(
    monkeypatch, maternity, clinician, coordinator
):
    case = CaseFactory(
        organisation=maternity, territory=maternity.parent, declared_by=clinician, status="declared"
    )
    calls = []

    def not_today(instance):
        calls.append(instance.pk)
        return "Pas aujourd'hui."

    for name in ("accept", "exclude"):
        key = ("cases.case", name)
        monkeypatch.setitem(registry._guards, key, [*registry._guards.get(key, []), not_today])

    buttons = {button.name: button for button in available_transitions(case, coordinator)}

    assert {"accept", "exclude"} <= set(buttons)
    assert "Pas aujourd'hui." in buttons["accept"].blocking_reasons
    assert "Pas aujourd'hui." in buttons["exclude"].blocking_reasons
    assert calls == [case.pk]

    calls.clear()
    assert workflow.refusal_reasons(case, "accept") == ["Pas aujourd'hui."]
    assert workflow.refusal_reasons(case, "exclude") == ["Pas aujourd'hui."]
    assert calls == [case.pk, case.pk]
