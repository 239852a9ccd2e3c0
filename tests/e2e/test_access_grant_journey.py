"""A vault role given by an administrator waits for the coordinator of the organisation: the
coordinator finds it on the home page, confirms it on "Habilitations", and only then does the
new colleague read identities."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from accounts.models import Membership, Organisation, Role, SecurityEvent, User
from accounts.services import role_grant_request

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pending_coordinator():
    call_command("load_demo")
    administrator = User.objects.get(email="admin@rmm-demo.fr")
    maternity = Organisation.objects.get(
        memberships__user__email="referent@rmm-demo.fr", memberships__role=Role.COORDINATOR
    )
    newcomer = User.objects.create_user(
        email="nouvelle.referente@rmm-demo.fr", full_name="Nina Nouvelle", password=None
    )
    role_grant_request(
        user=newcomer, organisation=maternity, role=Role.COORDINATOR, by=administrator
    )
    return newcomer, maternity


def test_the_coordinator_confirms_a_new_colleagues_vault_role(
    page, live_server, pending_coordinator, log_in, screenshot, axe_check
):
    newcomer, maternity = pending_coordinator
    membership = Membership.objects.get(user=newcomer, organisation=maternity)
    assert not membership.is_active  # no vault access before the confirmation

    log_in(page, "referent@rmm-demo.fr", DEMO_PASSWORD)
    page.get_by_role("link", name="Habilitations").first.click()
    pending = page.locator("#grants-to-decide")
    expect(pending).to_contain_text("Nina Nouvelle")
    expect(pending).to_contain_text("Demandé par")
    screenshot(page, "access-grant-to-confirm")
    pending.get_by_role("button", name="Confirmer").click()
    expect(page.locator("#nothing-to-decide")).to_be_visible()
    axe_check(page)

    membership.refresh_from_db()
    assert membership.is_active
    assert SecurityEvent.objects.filter(target=newcomer, kind="role_granted").exists()
