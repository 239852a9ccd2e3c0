"""Browser journeys: pytest-playwright driving Debian's Chromium (never a downloaded browser)
against Django's live_server. Screenshots are always taken, but written to docs/screenshots/
(for the README) only when asked (`make screenshots`, or RMM_SCREENSHOTS=1): a test run leaves
the git tree clean.

Accessibility (WCAG 2.1 AA): every page a journey loads is checked with axe-core (vendored in
static/vendor/axe-core/, never a CDN). Call `axe_check(page)` once the page you reached is shown
(after its `expect`); `log_in` and `screenshot` call it for you. A page loaded during a test and
never checked fails the test at teardown, with its address (RMM_AXE_EVERY_PAGE=0 turns that off
for a local investigation; CI never sets it).
"""

import json
import os
from pathlib import Path

import pytest

from tests.conftest import missing_service

CHROMIUM = Path(os.environ.get("RMM_CHROMIUM", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
AXE_SCRIPT = ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_STATIC_URL = "/static/vendor/axe-core/axe.min.js"
# WCAG 2.1 levels A and AA; "best-practice" rules are advice, not the target.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_FAILING_IMPACTS = ("serious", "critical")
# Journeys allowed to leave pages unchecked (file names, each with its reason): none. A page a
# journey loads is checked, or the journey fails.
AXE_UNCHECKED_ALLOWED: set[str] = set()


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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # After pytest-django's and pytest's own reordering (pytest-playwright's session-scoped
    # browser parameter made pytest group the journeys in the middle of the run).
    # Browser journeys run last: once Playwright has started, its event loop stays set in this
    # thread until the session ends, and Django then refuses the database calls of any later
    # transactional test (the real-worker tests of notifications) as made "from an async
    # context".
    browser = [item for item in items if "tests/e2e/" in str(item.fspath)]
    for item in browser:
        item.add_marker(pytest.mark.e2e)
    items[:] = [item for item in items if item not in browser] + browser


@pytest.fixture(autouse=True)
def _axe_every_page(request):
    # Every browser test is tracked, even one that never asks for axe_check itself.
    if "page" in request.fixturenames:
        request.getfixturevalue("axe_check")


@pytest.fixture
def screenshot(tmp_path, axe_check):
    folder = SCREENSHOTS if os.environ.get("RMM_SCREENSHOTS") == "1" else tmp_path

    def take(page, name: str) -> Path:
        axe_check(page)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in(live_server, axe_check):
    def go(page, email: str, password: str):
        page.goto(f"{live_server.url}/connexion/")
        axe_check(page)
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        # The page reached (home, or the login page again with its error) is checked too.
        page.wait_for_load_state()
        axe_check(page)

    return go


# --- Accessibility (axe-core) -------------------------------------------------------------------
def axe_violations(page, *, impacts=AXE_FAILING_IMPACTS, exclude=()) -> list[dict]:
    """The WCAG 2.1 A/AA violations of the page as shown now, of the given impacts."""
    if page.evaluate("typeof window.axe") == "undefined":
        # Loaded from our own origin: the Content-Security-Policy refuses an inline script.
        origin = page.evaluate("window.location.origin")
        if origin.startswith("http"):
            page.add_script_tag(url=f"{origin}{AXE_STATIC_URL}")
        else:
            page.add_script_tag(path=str(AXE_SCRIPT))
    context = {"exclude": [[selector] for selector in exclude]} if exclude else "document"
    results = page.evaluate(
        """async ([context, tags]) => {
            const target = context === "document" ? document : context;
            return await axe.run(target, {runOnly: {type: "tag", values: tags}});
        }""",
        [context, AXE_TAGS],
    )
    return [v for v in results["violations"] if v["impact"] in impacts]


def _describe(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])} {node['failureSummary'][:300]}")
    return "\n".join(lines)


class AxeTracker:
    """Counts the documents a page loads and which of them were checked."""

    def __init__(self, page):
        self.page = page
        self.loads: list[str] = []
        self.checked: set[int] = set()
        page.on("load", lambda loaded: self.loads.append(loaded.url))

    def check(self, *, exclude=()) -> None:
        # A URL (what a journey waits for) changes before its document has loaded: checked
        # then, the previous document would be counted as checked and the new one never (the
        # faster the pages, the likelier).
        self.page.wait_for_load_state("load")
        violations = axe_violations(self.page, exclude=exclude)
        if self.loads:
            self.checked.add(len(self.loads) - 1)
        assert not violations, (
            f"axe-core: WCAG 2.1 AA violations on {self.page.url}:\n{_describe(violations)}"
        )

    def unchecked(self) -> list[str]:
        return [url for index, url in enumerate(self.loads) if index not in self.checked]


@pytest.fixture
def axe_check(page, request):
    """`axe_check(page)`: assert the page shown has no serious or critical WCAG 2.1 AA
    violation. `exclude=("#selector",)` leaves out a region (say why at the call)."""
    tracker = AxeTracker(page)

    def check(checked_page=None, *, exclude=()):
        assert checked_page in (None, page), "axe_check follows the test's own page"
        tracker.check(exclude=exclude)

    yield check
    unchecked = [url for url in tracker.unchecked() if not url.startswith("about:")]
    allowed = Path(str(request.node.fspath)).name in AXE_UNCHECKED_ALLOWED
    if unchecked and not allowed and os.environ.get("RMM_AXE_EVERY_PAGE") != "0":
        listed = ", ".join(unchecked)
        raise AssertionError(f"Pages loaded but never checked with axe_check(page): {listed}")
