"""The committee people's case list, read fast with the same visibility (issue 13): the
agenda probe that PostgreSQL may not turn into a hashed set of the whole agenda, the list's
organisations read with their labels in one query, the territory descended once a request."""

import pytest
from django.db import connection

from accounts.models import Organisation, User
from accounts.scope import with_covered_organisations
from cases.models import Case
from cases.permissions import (
    cases_visible_to,
    organisation_ids_of_visible_cases,
    organisations_of_visible_cases_q,
)
from cases.selectors import PAGE_SIZE, ROW_COLUMNS, case_list_visible_to, filter_organisations
from committees import permissions
from committees.models import AgendaItem
from tests.factories import CaseFactory, MaternityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def far_case(other_maternity, secretary, session):
    """A case of another network's maternity, on our committee's agenda: the member reads it
    through the agenda, not through the committee's territory."""
    case = CaseFactory(organisation=other_maternity, territory=other_maternity.parent)
    Case.objects.filter(pk=case.pk).update(status="scheduled")
    AgendaItem.objects.create(session=session, case=case, presenter=secretary)
    return case


def test_the_filter_offers_the_organisations_of_visible_cases_for_every_role(
    chair, secretary, committee_member, clinician, coordinator, administrator, far_case, maternity
):
    for user in (chair, secretary, committee_member, clinician, coordinator, administrator):
        fresh = User.objects.get(pk=user.pk)
        expected = organisation_ids_of_visible_cases(fresh)
        read = set(
            Organisation.objects.filter(organisations_of_visible_cases_q(fresh)).values_list(
                "pk", flat=True
            )
        )
        assert read == expected, user.email
        assert {pk for pk, _label in filter_organisations(user=fresh)} == expected, user.email
    member = User.objects.get(pk=committee_member.pk)
    assert far_case.organisation_id in organisation_ids_of_visible_cases(member)


def test_the_filter_labels_organisations_as_they_label_themselves(chair, maternity, far_case):
    Organisation.objects.create(name="PMI Nord", kind="pmi", parent=maternity.parent)
    labels = dict(filter_organisations(user=User.objects.get(pk=chair.pk)))
    assert labels
    for organisation in Organisation.objects.filter(pk__in=labels):
        assert labels[organisation.pk] == str(organisation)
    assert labels[maternity.pk].startswith("Maternité Nord (")


def test_the_territory_is_descended_once_per_request(chair, django_assert_num_queries):
    fresh = User.objects.get(pk=chair.pk)
    permissions.committee_ids(fresh, charter=True)  # seats and charters
    with django_assert_num_queries(1):  # one recursive query, whatever the depth
        planned = permissions.covered_by_committees(fresh, *permissions.PLANNERS)
        chaired = permissions.covered_by_committees(fresh, permissions.R.CHAIR)
    assert planned == chaired == with_covered_organisations({chair_committee_org(fresh)})


def chair_committee_org(user) -> int:
    (organisation_id,) = set(user.__dict__["_rmm_committee_organisations"].values())
    return organisation_id


def test_the_territory_descends_every_level(network):
    region = Organisation.objects.create(name="ARS", kind="ars")
    Organisation.objects.filter(pk=network.pk).update(parent=region)
    deep = MaternityFactory(name="Maternité profonde", parent=network)
    assert {network.pk, deep.pk} <= with_covered_organisations({region.pk})
    assert region.pk not in with_covered_organisations({network.pk})
    assert with_covered_organisations(set()) == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_members_case_list_probes_the_agenda_per_case(committee_member, far_case):
    """Inside the visibility OR, PostgreSQL turned the agenda EXISTS into a hashed set of the
    committee's whole agenda (96,000 rows read before page 1 at 100,000 cases)."""
    member = User.objects.get(pk=committee_member.pk)
    rows = case_list_visible_to(user=member).values_list(*ROW_COLUMNS)[: PAGE_SIZE + 1]
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "hashed SubPlan" not in plan, plan
    assert list(cases_visible_to(member)) == [far_case]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_members_part_of_the_list_is_read_from_the_committee_stages_index(
    committee_member, far_case
):
    """A member sees cases in the committee's stages only: their part of the list walks the
    index of those stages (at 100,000 cases page 1 skipped 8,900 recent cases still being
    documented through the list's general index: 4 ms; 1,200 in this one)."""
    from cases.selectors import case_list_parts
    from tests.plans import plan_of

    member = User.objects.get(pk=committee_member.pk)
    *_any_status, in_stages = case_list_parts(user=member)
    rows = in_stages.values_list(*ROW_COLUMNS).order_by("-created_at", "-pk")[: PAGE_SIZE + 1]
    plan = plan_of(rows)
    assert "case_stage_keyset_idx" in plan, plan
    assert "hashed SubPlan" not in plan, plan
    assert [row[0] for row in rows] == [far_case.pk]


@pytest.fixture
def filter_cache(settings):
    """A real cache, as in production (the test settings use none)."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.RMM_CASE_FILTER_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_the_filter_organisations_are_read_once_per_standing(
    filter_cache, committee_member, far_case, django_assert_num_queries
):
    first = filter_organisations(user=User.objects.get(pk=committee_member.pk))
    assert far_case.organisation_id in dict(first)
    again = User.objects.get(pk=committee_member.pk)
    # Seats, charters and invitations are read for the key (the page reads them anyway);
    # the organisations themselves come from the cache.
    with django_assert_num_queries(4):
        assert filter_organisations(user=again) == first


def test_a_new_seat_changes_the_cached_filter_at_once(
    filter_cache, committee_member, other_maternity, far_case
):
    """A member's standing is part of the key: leaving the committee empties the menu at the
    next page, not minutes later."""
    from committees.models import CommitteeMember

    assert far_case.organisation_id in dict(
        filter_organisations(user=User.objects.get(pk=committee_member.pk))
    )
    CommitteeMember.objects.filter(user=committee_member).update(is_active=False)
    assert far_case.organisation_id not in dict(
        filter_organisations(user=User.objects.get(pk=committee_member.pk))
    )


def test_no_guest_condition_for_a_user_without_a_signed_invitation(committee_member, far_case):
    """The guest EXISTS is evaluated on every case row of the list: only for a user who holds
    a signed invitation (the probe is one query per request)."""
    from django.test.utils import CaptureQueriesContext

    fresh = User.objects.get(pk=committee_member.pk)
    with CaptureQueriesContext(connection) as captured:
        rows = list(case_list_visible_to(user=fresh).values_list("pk", flat=True))
    assert far_case.pk in rows
    listing = [q["sql"] for q in captured.captured_queries if '"cases_case"' in q["sql"]]
    assert listing and all("committees_sessionguest" not in sql for sql in listing)
