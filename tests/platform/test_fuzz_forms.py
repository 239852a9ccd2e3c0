"""Hostile input on every form of every demo account (and the admin for the administrators):
no server error. The demo is loaded, each account crawls the pages it can reach, every
<form method="post"> found is submitted once as a browser would, then with hostile variants:
empty and missing fields, NUL and control characters, huge strings, non-ASCII digits, extreme
numbers and dates, invisible and Cyrillic characters, HTML, tampered ids and management-form
counts. Deterministic: the same variants in the same order on every run."""

import re
import time
from collections import deque
from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import resolve

from accounts.demo import ACCOUNTS
from accounts.models import Role, User
from accounts.services import direct_vault_grants
from tests.html_forms import FormParser, as_post, browser_data, option_value

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/[^"]*)"')
SKIP = ("/deconnexion/", "/static/", "/i18n/", "/admin/logout", "/admin/jsi18n", "/healthz")
# Posted too: the language switch and the sign-out form (each variant signs in again first).
NOT_POSTED = ("/static/", "/admin/jsi18n", "/healthz")
MAX_PAGES = 150
PAGES_PER_PATTERN = 8  # /cas/1/, /cas/2/...: enough of each shape to meet every status
HUGE = "x" * 100_000
ANONYMOUS_PAGES = ["/connexion/", "/mot-de-passe/oubli/"]

# Every value is sent in every field at once (one request per value).
HOSTILE_VALUES = [
    "",
    "a\x00b",
    "²",
    "١٢",
    "-1",
    str(10**9),
    "9" * 40,
    "01/01/0001 00:00",
    "31/12/9999 23:59",
    "31/02/2026",
    "\u00ad\u200bЗайцева <script>alert(1)</script>",
]
# A 100,000-character text in the text fields (at most MAX_HUGE_FIELDS of them, or the request
# is refused as too big before any field is read).
MAX_HUGE_FIELDS = 20
# Sent in one date-looking field at a time, the other fields keeping their valid values.
HOSTILE_DATES = ["01/01/0001 00:00", "31/12/9999 23:59", "31/02/2026", "0001-01-01"]
# Sent in one id-looking field at a time (hidden inputs, selects of numbers), at most
# MAX_ID_FIELDS of them per form: other scripts' digits, beyond any integer, another row's id.
HOSTILE_IDS = ["²", "١٢", "9" * 40, "1"]
MAX_ID_FIELDS = 3
# A NUL character in one text field at a time (PostgreSQL refuses it), at most MAX_NUL_FIELDS of
# them per form: alone, it reaches the code a form with every field wrong never reaches.
MAX_NUL_FIELDS = 4
# A form already fuzzed in full elsewhere (same view and fields: another transition, another
# submit button of the same form) gets these only.
LIGHT_VALUES = ["a\x00b", "²"]
# The admin's forms (110 of the demo's 157) run Django's own admin code around our models and
# forms: fewer values in every field and one id-looking field each keep CI under 20 minutes.
ADMIN_VALUES = ["", "a\x00b", "9" * 40, "31/12/9999 23:59", "\u00ad\u200bЗайцева <script>"]
MAX_ADMIN_ID_FIELDS = 1
DATE_NAME = re.compile(r"(_at|date|_on|period_start|period_end)(_\d)?$")


def is_date_control(control) -> bool:
    return bool(DATE_NAME.search(control["name"])) or "JJ/MM" in control.get("placeholder", "")


def is_id_control(control) -> bool:
    if control["name"] == "csrfmiddlewaretoken" or control["name"].endswith("_FORMS"):
        return False
    if control["type"] == "hidden":
        return True
    if control["type"] == "select":
        values = [option_value(option) for option in control["options"]]
        return any(value.isdigit() for value in values)
    return False


def variants(form, button, light="", admin=False):
    """(label, POST data) pairs: the form as sent by a browser, then hostile versions (fewer
    when `light`, see forms_of, or for an `admin` form)."""
    base = browser_data(form) + ([button] if button else [])
    keep = {"csrfmiddlewaretoken"} | ({button[0]} if button else set())
    # A hidden "action" selects a branch of the view: keep it so the branch is exercised.
    keep |= {c["name"] for c in form["controls"] if c["name"] == "action" and c["type"] == "hidden"}
    names = list(dict.fromkeys(c["name"] for c in form["controls"] if c["name"] not in keep))
    kept = [(name, value) for name, value in base if name in keep]
    yield "as rendered", base
    yield "missing fields", kept
    if not names:
        return
    for value in LIGHT_VALUES if light else ADMIN_VALUES if admin else HOSTILE_VALUES:
        yield f"every field = {value[:20]!r}", kept + [(name, value) for name in names]
    totals = [c["name"] for c in form["controls"] if c["name"].endswith("-TOTAL_FORMS")]
    for total in totals if light != "button" else []:
        prefix = total.removesuffix("TOTAL_FORMS")
        initial = f"{prefix}INITIAL_FORMS"
        current = dict(base)
        for label, changes in [
            ("TOTAL=-1", {total: "-1"}),
            ("TOTAL=10**9", {total: str(10**9)}),
            ("TOTAL=²", {total: "²"}),
            ("INITIAL>TOTAL", {initial: str(int(current.get(total, "0") or 0) + 5)}),
            ("INITIAL=-1", {initial: "-1"}),
            ("INITIAL=10**9", {total: str(10**9), initial: str(10**9)}),
        ]:
            yield (
                f"{prefix} {label}",
                [(n, v) for n, v in base if n not in changes] + list(changes.items()),
            )
    if light:
        return
    texts = [c["name"] for c in form["controls"] if c["type"] in ("text", "textarea", "email")]
    huge = set(texts[:MAX_HUGE_FIELDS])
    yield "huge texts", [(n, HUGE if n in huge else v) for n, v in base]
    yield "hostile action", [(n, v) for n, v in base if n != "action"] + [("action", "\x00²")]
    id_fields = nul_fields = 0
    for control in form["controls"]:
        name = control["name"]
        if name in keep or re.search(r"-[1-9]\d*-", name):  # formset rows: the first is enough
            continue
        others = [(n, v) for n, v in base if n != name]
        if is_date_control(control):
            for value in HOSTILE_DATES:
                yield f"{name} = {value!r}", [*others, (name, value)]
        elif is_id_control(control) and id_fields < (
            MAX_ADMIN_ID_FIELDS if admin else MAX_ID_FIELDS
        ):
            id_fields += 1
            for value in HOSTILE_IDS:
                yield f"{name} = {value!r}", [*others, (name, value)]
        if control["type"] in ("text", "textarea", "hidden") and nul_fields < MAX_NUL_FIELDS:
            nul_fields += 1
            yield f"{name} = NUL", [*others, (name, f"{control.get('value', '')}\x00")]


def pattern_of(url: str) -> str:
    return re.sub(r"\d+", "N", urlparse(url).path)


def crawl(client):
    """Pages reachable from home: (url, html) for each, a few per URL shape."""
    seen, queue, pages, per_pattern = set(), deque(["/"]), [], {}
    while queue and len(pages) < MAX_PAGES:
        url = urldefrag(queue.popleft())[0]
        if url in seen or url.startswith(SKIP) or "/delete/" in url or "/pdf/" in url:
            continue
        if "_popup=" in url:  # the admin's related-object pop-ups: the same forms again
            continue
        seen.add(url)
        shape = pattern_of(url)
        # Every admin change page of a model holds the same form: two of them are enough.
        if per_pattern.get(shape, 0) >= (2 if url.startswith("/admin/") else PAGES_PER_PATTERN):
            continue
        per_pattern[shape] = per_pattern.get(shape, 0) + 1
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        body = response.content.decode(errors="replace")
        pages.append((url, body))
        for link in LINK.findall(body):
            link = link.replace("&amp;", "&")
            if link not in seen:
                queue.append(link)
    return pages


def forms_of(pages, done):
    """Post forms not fuzzed yet (by any account): one per (URL shape, controls, button).
    Yields (action, form, button, light): `light` is "button" for a second submit button of a
    form, "view" when the same view already received the same fields (another transition, an
    admin change page after its add page), "" for a form fuzzed in full."""
    for url, body in pages:
        parser = FormParser()
        parser.feed(body)
        for form in parser.forms:
            action = urljoin(url, form["action"] or url)
            path = urlparse(action).path
            if path.startswith(NOT_POSTED):
                continue
            names = tuple(sorted({re.sub(r"\d+", "N", c["name"]) for c in form["controls"]}))
            # An admin model's add and change pages hold the same form, and admin pages with the
            # same fields (the actions of every changelist, reference tables alike) run the same
            # code: fuzz each in full once.
            view = re.sub(r"_(add|change)$", "_form", resolve(path).view_name)
            view = re.sub(r"^admin:\w+_(\w+)$", r"admin:\1", view)
            for index, button in enumerate(form["buttons"] or [None]):
                key = (pattern_of(action), names, button)
                if key not in done:
                    done.add(key)
                    light = "button" if index else "view" if (view, names) in done else ""
                    done.add((view, names))
                    yield action, form, button, light


def describe(response) -> str:
    exc = getattr(response, "exc_info", None)
    return f"{exc[0].__name__}: {str(exc[1])[:160]}" if exc else ""


def post_all(client, user, label, forms, failures, counters):
    for action, form, button, light in forms:
        counters["forms"] += 1
        counters["admin forms"] += action.startswith("/admin/")
        admin = action.startswith("/admin/")
        for variant, data in variants(form, button, light=light, admin=admin):
            if user is not None:
                # A variant may have deactivated the account (admin forms): sign in again.
                with direct_vault_grants():  # test scaffolding, not an administrator's act
                    User.objects.filter(pk=user.pk, is_active=False).update(is_active=True)
                client.force_login(user)
            response = client.post(action, as_post(data))
            counters["requests"] += 1
            if response.status_code >= 500:
                failures.append(
                    f"{label} POST {action} [{button and button[1]}] {variant}: "
                    f"{response.status_code} {describe(response)}"
                )


# Two halves, run side by side on two cores (make test): the administration's forms, and the
# forms of the people who work on cases (with the anonymous visitor's). Each half fuzzes a form
# once, whichever of its accounts finds it first.
GROUPS = {
    "administration": lambda role: role == Role.ADMINISTRATOR,
    "care": lambda role: role != Role.ADMINISTRATOR,
}


@pytest.mark.parametrize("group", GROUPS)
def test_no_form_answers_a_server_error_whatever_it_receives(group):
    call_command("load_demo")
    started = time.perf_counter()
    failures, done = [], set()
    counters = {"accounts": 0, "pages": 0, "forms": 0, "admin forms": 0, "requests": 0}
    for email, _name, _job, role, _organisation in ACCOUNTS:
        if not GROUPS[group](role):
            continue
        client = Client(raise_request_exception=False)
        user = User.objects.get(email=email)
        client.force_login(user)
        counters["accounts"] += 1
        pages = crawl(client)
        counters["pages"] += len(pages)
        counters["requests"] += len(pages)
        post_all(client, user, role, list(forms_of(pages, done)), failures, counters)
    if group == "care":
        anonymous = Client(raise_request_exception=False)
        pages = [(url, anonymous.get(url).content.decode()) for url in ANONYMOUS_PAGES]
        post_all(anonymous, None, "anonymous", list(forms_of(pages, done)), failures, counters)
    counters["seconds"] = round(time.perf_counter() - started, 1)
    print(group, counters)
    if group == "administration":
        assert counters["admin forms"] >= 20, counters
    else:
        assert counters["forms"] >= 40 and counters["accounts"] >= 8, counters
    assert failures == [], f"{len(failures)} server errors:\n" + "\n".join(failures)
