import pytest
from django.urls import reverse

from accounts.models import Role
from committees.services import reviews, sessions
from tests.committees.conftest import all_present, full_review
from tests.conftest import committee_person

pytestmark = pytest.mark.django_db


def titles(client, user):
    client.force_login(user)
    return [item.title for item in client.get(reverse("home")).context["pending_items"]]


def test_home_asks_a_new_member_to_accept_the_charter(client, committee):
    newcomer = committee_person(committee, Role.COMMITTEE_MEMBER, "member", charter=False)
    assert "Accepter la charte de confidentialité" in titles(client, newcomer)


def test_home_tells_planners_what_waits(client, secretary, committee, ready_case):
    from committees.models import Session
    from tests.committees.conftest import days_from_now

    upcoming = Session.objects.create(
        committee=committee, starts_at=days_from_now(6), place="Salle", created_by=secretary
    )
    found = titles(client, secretary)
    assert "1 cas prêt à inscrire en séance" in found
    expected = f"Prochaine séance le {upcoming.starts_at:%d/%m/%Y} 14:00"
    assert expected in found


def test_case_page_shows_the_committee_reviews_to_the_coordinator(
    client, session, ready_case, secretary, chair, coordinator
):
    sessions.agenda_add(session=session, case=ready_case, by=secretary)
    sessions.session_transition(
        session=session, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(session, secretary)
    reviews.review_record(
        session=session,
        case=ready_case,
        by=chair,
        review=full_review(
            icd="N7", maternal="M5", grades="BAA", avoidability="not_avoidable", optimal_care=True
        ),
    )
    client.force_login(coordinator)
    body = client.get(reverse("cases:detail", args=[ready_case.pk])).content.decode()
    assert "Revues du comité" in body and "N7 / M5" in body and "Non évitable" in body
    row = f"<tr><td>{session.starts_at:%d/%m/%Y}</td><td>N7 / M5</td><td>B / A / A</td>"
    assert row in body
    # A review not classified (codes, grades, avoidability left empty) shows empty cells.
    from committees.models import CaseReview

    CaseReview.objects.filter(case=ready_case).update(
        icd_pm_group=None,
        maternal_condition=None,
        grade_care_to_death="",
        grade_neonatal_care="",
        grade_after_death="",
        avoidability="",
    )
    body = client.get(reverse("cases:detail", args=[ready_case.pk])).content.decode()
    assert (
        f"<tr><td>{session.starts_at:%d/%m/%Y}</td><td> / </td><td> /  / </td><td></td></tr>"
        in (body)
    )
    assert "None" not in body


@pytest.mark.parametrize("who", ["coordinator", "secretary", "chair", "clinician"])
def test_home_runs_a_constant_number_of_queries(
    client, request, who, maternity, clinician, committee, secretary
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from committees.models import Session
    from tests.committees.conftest import days_from_now
    from tests.factories import CaseFactory

    user = request.getfixturevalue(who)

    def add(n):
        for index in range(n):
            CaseFactory(
                organisation=maternity,
                territory=maternity.parent,
                declared_by=clinician,
                status=["draft", "declared", "documenting", "ready"][index % 4],
            )
            Session.objects.create(
                committee=committee,
                created_by=secretary,
                place="Salle",
                starts_at=days_from_now(index % 20 + 1),
            )

    def count():
        client.force_login(user)
        client.get(reverse("home"))  # a fresh login may write its session once
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return len(captured)

    add(4)
    few = count()
    add(40)
    assert count() == few
