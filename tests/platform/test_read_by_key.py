"""rmm.querysets.ReadByKey: a row by its key with its joined relations, its statement compiled
once, built exactly as the ORM's `select_related(...).get(pk=...)` builds it."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, ParentsContact
from rmm.querysets import ReadByKey
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

CASES = ReadByKey(Case, "organisation", "parents_contact")


def fields_of(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


def test_the_row_and_its_relations_are_the_orm_s(maternity, clinician):
    case = CaseFactory(
        organisation=maternity, territory=maternity.parent, declared_by=clinician, status="ready"
    )
    ParentsContact.objects.create(
        case=case, status="told", told_on=date(2026, 1, 2), questions="Pourquoi ?"
    )
    expected = Case.objects.select_related("organisation", "parents_contact").get(pk=case.pk)
    for _twice in range(2):  # compiled on the first call, reused on the second
        with CaptureQueriesContext(connection) as queries:
            found = CASES.get(case.pk)
            assert found.organisation.name == maternity.name  # joined: no query
            assert found.parents_contact.questions == "Pourquoi ?"
        assert len(queries) == 1
        assert fields_of(found) == fields_of(expected)
        assert fields_of(found.organisation) == fields_of(expected.organisation)
        assert fields_of(found.parents_contact) == fields_of(expected.parents_contact)
        assert found.parents_contact.case is found
        assert (found._state.db, found._state.adding) == ("default", False)
        assert found.created_at == expected.created_at and found.created_at.tzinfo is not None


def test_a_missing_relation_is_known_missing_without_a_query(maternity, clinician):
    case = CaseFactory(organisation=maternity, territory=maternity.parent, declared_by=clinician)
    found = CASES.get(str(case.pk))  # a key from a URL
    with CaptureQueriesContext(connection) as queries:
        assert not hasattr(found, "parents_contact")
    assert len(queries) == 0


@pytest.mark.parametrize("key", [0, -1, 10**6, 2**63, 10**30, "abc", "", None, "1 OR 1=1"])
def test_no_row_for_a_key_that_names_none(key, maternity, clinician):
    CaseFactory(organisation=maternity, territory=maternity.parent, declared_by=clinician)
    assert CASES.get(key) is None
