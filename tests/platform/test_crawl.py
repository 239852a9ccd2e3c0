"""Every page reachable from the demo, for every demo account: no server error, and no identity
of a demo family on any page a committee member or the quality team can reach."""

import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest

from accounts.demo import ACCOUNTS, DEMO_PASSWORD
from cases.demo import SCENARIOS

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/[^"]*)"')
SKIP = ("/deconnexion/", "/static/", "/i18n/", "/admin/logout", "/admin/jsi18n")
MAX_PAGES = 120
# The demo families' names, and "Mme <name>" for those that are also common words ("Petit", as
# in "petit poids de naissance", is an ICD-PM label).
COMMON_WORDS = {"Petit"}
FAMILY_NAMES = sorted({scenario["mother"][0] for scenario in SCENARIOS} - COMMON_WORDS) + [
    f"Mme {word}" for word in sorted(COMMON_WORDS)
]
NO_IDENTITY_ROLES = {
    "committee_member",
    "committee_chair",
    "committee_secretary",
    "quality_manager",
    "administrator",
}


def body_of(response) -> bytes:
    """Exports and downloads stream: read them whole, they are searched like pages."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def crawl(client):
    seen, queue, pages = set(), deque(["/"]), {}
    while queue and len(pages) < MAX_PAGES:
        url = urldefrag(queue.popleft())[0]
        if url in seen or url.startswith(SKIP) or "/delete/" in url:
            continue
        seen.add(url)
        response = client.get(url)
        response.body = body_of(response)
        pages[url] = response
        if response.get("Content-Type", "").startswith("text/html"):
            for link in LINK.findall(response.body.decode()):
                link = link.replace("&amp;", "&")
                if urlparse(link).path not in seen:
                    queue.append(link)
    return pages


@pytest.mark.parametrize(("email", "role"), [(email, role) for email, _n, _j, role, _o in ACCOUNTS])
def test_every_reachable_page_answers_and_hides_identity(demo_for_the_module, client, email, role):
    response = client.post("/connexion/", {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    pages = crawl(client)
    assert len(pages) >= 5
    errors = {url: r.status_code for url, r in pages.items() if r.status_code >= 500}
    assert errors == {}
    if role in NO_IDENTITY_ROLES:
        for url, response in pages.items():
            body = response.body.decode(errors="replace")
            leaks = [name for name in FAMILY_NAMES if name in body]
            assert leaks == [], (role, url, leaks)
