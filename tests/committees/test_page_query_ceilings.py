"""How many queries the case list, the case page and the agenda page run, per role, as a
ceiling (issue 13: each within 1.5x the floor page, which already runs 7). Constancy with rows
is tested in test_page_query_counts; this says what each page costs at all, so that a lookup
run twice in a request (the committee's territory, the attendance, the seats) shows here."""

import pytest
from django.urls import reverse

from tests.committees.test_page_query_counts import cases, on_agenda, queries, reviewed

pytestmark = pytest.mark.django_db

# The floor page (session, user, memberships, seats, charters, notifications) is 6 of these.
# The lists and the case page ask once whether the user holds a signed guest invitation: for
# the many who hold none, no guest EXISTS is evaluated on every case row. (The list no longer
# asks which organisations the user may declare for: the roles already read say it.)
CEILINGS = {
    ("coordinator", "list"): 9,
    ("chair", "list"): 10,
    ("secretary", "list"): 10,
    ("committee_member", "list"): 9,
    # Of which 2 for the "Organisations du parcours" panel (issue 15): the organisations named,
    # and those the declaring coordinator may add (whatever their number: see
    # tests/cases/test_contributions.py).
    ("coordinator", "case"): 15,
    # Of which 9 for the transitions' guards and the committee and actions panels.
    ("chair", "case"): 23,
    ("chair", "agenda"): 14,
    ("secretary", "agenda"): 14,
    ("committee_member", "agenda"): 12,
}


@pytest.fixture
def coming(committee, secretary):
    from committees.models import Session
    from tests.committees.conftest import days_from_now

    return Session.objects.create(
        committee=committee, starts_at=days_from_now(20), place="Salle", created_by=secretary
    )


@pytest.fixture
def earlier(committee, secretary):
    from committees.models import Session
    from tests.committees.conftest import days_from_now

    return Session.objects.create(
        committee=committee,
        starts_at=days_from_now(-60),
        place="Salle",
        created_by=secretary,
        status="minutes_validated",
    )


@pytest.mark.parametrize(("role", "page"), list(CEILINGS))
def test_page_runs_no_more_queries_than_its_ceiling(
    request, client, role, page, coming, earlier, maternity, clinician, secretary
):
    on_agenda(coming, maternity, clinician, 3, secretary)
    cases(maternity, clinician, 3)
    (case,) = reviewed(earlier, maternity, clinician, 1, secretary, reopened=False)
    url = {
        "list": reverse("cases:list"),
        "case": reverse("cases:detail", args=[case.pk]),
        "agenda": reverse("committees:session_detail", args=[coming.pk]),
    }[page]
    client.force_login(request.getfixturevalue(role))
    count = queries(client, url)
    assert count <= CEILINGS[role, page], count
