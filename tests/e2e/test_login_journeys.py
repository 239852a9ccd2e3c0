"""Each demo role logs in and sees its home; a wrong password shows a French error."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.demo import ACCOUNTS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_data():
    call_command("load_demo")  # test settings allow demo data


@pytest.mark.parametrize(
    ("email", "role"), [(email, role) for email, _n, _j, role, _o in ACCOUNTS[:7]]
)
def test_each_demo_role_logs_in_and_sees_its_home(
    page, live_server, demo_data, log_in, screenshot, email, role
):
    log_in(page, email, DEMO_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Mes organisations")).to_be_visible()
    expect(page.get_by_text(str(role.label)).first).to_be_visible()
    administration = page.get_by_role("link", name="Administration")
    if role == "administrator":
        expect(administration).to_be_visible()
        expect(page.get_by_text("Désigner un référent RMM").first).to_be_visible()
    else:
        expect(administration).to_have_count(0)
    screenshot(page, f"home-{role}")


def test_wrong_password_shows_a_french_error(page, live_server, demo_data, log_in, screenshot):
    log_in(page, ACCOUNTS[0][0], "pas-le-bon")
    expect(page).to_have_url(re.compile(r"/connexion/$"))
    expect(page.get_by_text("Adresse e-mail ou mot de passe incorrect")).to_be_visible()
    screenshot(page, "login-wrong-password")


def test_language_switch_shows_english(page, live_server, demo_data, log_in, axe_check):
    log_in(page, ACCOUNTS[0][0], DEMO_PASSWORD)
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    expect(page.get_by_role("heading", name="My organisations")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    axe_check(page)


def test_form_errors_are_summarised_focused_and_tied_to_their_fields(
    page, live_server, demo_data, log_in, axe_check
):
    log_in(page, ACCOUNTS[0][0], DEMO_PASSWORD)
    page.goto(f"{live_server.url}/mot-de-passe/")
    axe_check(page)
    page.get_by_label("Ancien mot de passe").fill("pas-le-bon")
    page.locator("#id_new_password1").fill("Un-mot-de-passe-assez-long-1")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("Un-autre-mot-de-passe-long-2")
    page.get_by_role("button", name="Enregistrer").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(2)
    old = page.get_by_label("Ancien mot de passe")
    expect(old).to_have_attribute("aria-invalid", "true")
    wrong = re.compile("Votre ancien mot de passe est incorrect")
    expect(old).to_have_accessible_description(wrong)
    expect(summary.get_by_role("link", name=wrong)).to_have_attribute("href", "#id_old_password")
    axe_check(page)
