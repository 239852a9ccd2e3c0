"""WCAG 2.1 AA on the main pages of every role, journeys or not: with the demo data, each role
opens its daily pages (lists, a case, a session, the minutes, actions, notifications, the
territory, the administration) and axe-core finds no serious or critical violation on any.

One demo load for all roles; every page is checked, and the test lists every failing page at
once (a fix for one page should not hide the next)."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from actions.models import CorrectiveAction
from cases.models import Case
from committees.models import Session, SessionGuest

pytestmark = pytest.mark.django_db(transaction=True)


def _pages(role: str) -> list[str]:
    """The pages `role` opens on a working day, with the demo's objects."""
    documenting = Case.objects.filter(status="documenting").order_by("pk").first()
    reviewed = Case.objects.filter(status="action_follow_up").order_by("pk").first()
    draft = Case.objects.filter(status="draft").order_by("pk").first()
    held = Session.objects.filter(status="minutes_validated").order_by("pk").first()
    planned = Session.objects.filter(status="planned").order_by("pk").first()
    on_agenda = planned.agenda.order_by("pk").first().case if planned else None
    action = CorrectiveAction.objects.order_by("pk").first()
    # Issue 15: the transferred baby its birth maternity contributes to, the invited doctor.
    contributed = Case.objects.filter(contributions__isnull=False).order_by("pk").first()
    invitation = SessionGuest.objects.order_by("pk").first()
    agenda_item = planned.agenda.order_by("pk").first() if planned else None
    common = [
        reverse("home"),
        reverse("notifications:list"),
        reverse("notifications:preferences"),
        reverse("password_change"),
    ]
    pages = {
        "declarant@rmm-demo.fr": [
            reverse("cases:list"),
            reverse("cases:detail", args=[draft.pk]),
        ],
        "referent@rmm-demo.fr": [
            reverse("cases:list"),
            reverse("cases:detail", args=[documenting.pk]),
            reverse("cases:chronology", args=[documenting.pk]),
            reverse("cases:anonymisation", args=[documenting.pk]),
            reverse("cases:parents", args=[documenting.pk]),
            reverse("cases:detail", args=[reviewed.pk]),
            reverse("actions:mine"),
            reverse("organisation_list"),
        ],
        "president@rmm-demo.fr": [
            reverse("cases:list"),
            reverse("committees:session_list"),
            reverse("committees:session_detail", args=[held.pk]),
            reverse("committees:minutes", args=[held.pk]),
            reverse("committees:session_detail", args=[planned.pk]),
            reverse("cases:detail", args=[on_agenda.pk]),
            reverse("actions:mine"),
            reverse("committees:attendance_sheet", args=[held.pk]),
            reverse("committees:committee_certificates", args=[held.committee_id]),
            reverse("committees:guests", args=[planned.pk, agenda_item.pk]),
        ],
        "membre@rmm-demo.fr": [reverse("committees:my_certificates")],
        "referent.tilleuls@rmm-demo.fr": [
            reverse("cases:detail", args=[contributed.pk]),
            reverse("cases:chronology", args=[contributed.pk]),
        ],
        "dr.smur@rmm-demo.fr": [
            reverse("committees:invitation", args=[invitation.pk]),
            reverse("committees:invitation_charter", args=[invitation.pk]),
        ],
        "qualite@rmm-demo.fr": [
            reverse("actions:dashboard"),
            reverse("actions:mine"),
            reverse("actions:detail", args=[action.pk]),
            reverse("cases:detail", args=[reviewed.pk]),
        ],
        "observateur@rmm-demo.fr": [reverse("territory:dashboard")],
        "admin@rmm-demo.fr": [
            reverse("admin:index"),
            reverse("admin:accounts_user_changelist"),
            reverse("admin:accounts_user_add"),
            reverse("admin:accounts_membership_changelist"),
            reverse("admin:accounts_membership_add"),
            reverse("admin:committees_committee_changelist"),
            reverse("admin:committees_committeemember_changelist"),
            reverse("admin:cases_casetransition_changelist"),
            reverse("admin:actions_correctiveaction_changelist"),
            reverse("admin:notifications_reminderrule_changelist"),
            reverse("admin:committees_icdpmgroup_changelist"),
            reverse("admin:notifications_notification_changelist"),
            reverse("admin:territory_livebirths_changelist"),
            reverse("role_grant_list"),
            reverse("organisation_list"),
        ],
    }[role]
    return common + pages


ROLES = [
    "declarant@rmm-demo.fr",
    "referent@rmm-demo.fr",
    "president@rmm-demo.fr",
    "membre@rmm-demo.fr",
    "referent.tilleuls@rmm-demo.fr",
    "dr.smur@rmm-demo.fr",
    "qualite@rmm-demo.fr",
    "observateur@rmm-demo.fr",
    "admin@rmm-demo.fr",
]
ANONYMOUS = ["login", "password_reset"]


def test_the_main_pages_of_every_role_pass_axe(page, live_server, axe_check):
    call_command("load_demo")  # test settings allow demo data
    failures = []

    def check(url: str) -> None:
        response = page.goto(f"{live_server.url}{url}")
        if response.status != 200:
            failures.append(f"{url}: HTTP {response.status}")
        try:
            axe_check(page)
        except AssertionError as violation:
            failures.append(str(violation))

    for name in ANONYMOUS:
        check(reverse(name))
    for email in ROLES:
        client = Client()
        client.force_login(User.objects.get(email=email))
        page.context.clear_cookies()
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        for url in _pages(email):
            check(url)
    assert not failures, "\n\n".join(failures)
