"""Browser journeys: pytest-playwright driving Debian's Chromium (never a downloaded browser)
against Django's live_server. Screenshots are always taken, but written to docs/screenshots/
(for the README) only when asked (`make screenshots`, or RMM_SCREENSHOTS=1): a test run leaves
the git tree clean."""

import os
from pathlib import Path

import pytest

from tests.conftest import missing_service

CHROMIUM = Path(os.environ.get("RMM_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "viewport": {"width": 1280, "height": 800}}


@pytest.fixture(autouse=True)
def _chromium_present():
    if not CHROMIUM.exists():
        missing_service(f"needs Debian's Chromium at {CHROMIUM} (apt-get install -y chromium)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test and its
    # fixtures are still synchronous and safe. Allowed around browser tests only: subprocesses
    # started by other tests (check --deploy...) must not inherit it.
    if Path(str(item.fspath)).parent != Path(__file__).parent:
        yield
        return
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def pytest_collection_modifyitems(items):
    # Browser journeys run last: once Playwright has started, its event loop stays set in this
    # thread until the session ends, and Django then refuses the database calls of any later
    # transactional test (the real-worker tests of notifications) as made "from an async
    # context".
    browser = [item for item in items if "tests/e2e/" in str(item.fspath)]
    for item in browser:
        item.add_marker(pytest.mark.e2e)
    items[:] = [item for item in items if item not in browser] + browser


@pytest.fixture
def screenshot(tmp_path):
    folder = SCREENSHOTS if os.environ.get("RMM_SCREENSHOTS") == "1" else tmp_path

    def take(page, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in(live_server):
    def go(page, email: str, password: str):
        page.goto(f"{live_server.url}/connexion/")
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()

    return go
