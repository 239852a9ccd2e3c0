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
