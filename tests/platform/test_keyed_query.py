"""rmm.querysets.KeyedQuery and ReadByKey: reads whose statement the ORM compiles once per
process, built exactly as the ORM builds them (instances, values, values_list)."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseTransition, ParentsContact
from rmm.querysets import KeyedQuery, ReadByKey
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


# --- KeyedQuery: any read that differs by a key alone -------------------------------------------
def transitions_of(key):
    return CaseTransition.objects.filter(case_id=key).order_by("at", "pk")


@pytest.mark.parametrize(
    "shape",
    [
        lambda qs: qs,
        lambda qs: qs.select_related("case__organisation"),
        lambda qs: qs.values("at", "actor__job_title", "source", "target"),
        lambda qs: qs.values_list("at", "actor_name", "comment"),
        lambda qs: qs.values_list("target", flat=True),
        lambda qs: qs.values_list("pk", flat=True)[:1],
    ],
    ids=["instances", "joined", "values", "values_list", "flat", "first"],
)
def test_every_shape_is_what_the_orm_reads(shape, maternity, clinician, coordinator):
    case = CaseFactory(organisation=maternity, territory=maternity.parent, declared_by=clinician)
    other = CaseFactory(organisation=maternity, territory=maternity.parent, declared_by=clinician)
    for target, who in (("documenting", coordinator), ("ready", clinician), ("x", coordinator)):
        for subject in (case, other):
            CaseTransition.objects.create(
                case=subject, transition="t", source="s", target=target, actor=who,
                actor_name="Nom", comment="«»",
            )  # fmt: skip
    query = KeyedQuery(lambda key: shape(transitions_of(key)))
    for subject in (case, other, case):
        expected = list(shape(transitions_of(subject.pk)))
        found = query.rows(subject.pk)
        if isinstance(expected[0], CaseTransition):
            assert [fields_of(row) for row in found] == [fields_of(row) for row in expected]
        else:
            assert found == expected
    assert query.rows("nope") == [] and query.rows(10**6) == []


def test_a_key_used_twice_is_given_twice(maternity, clinician):
    case = CaseFactory(organisation=maternity, territory=maternity.parent, declared_by=clinician)

    def build(key):
        return Case.objects.filter(Q(pk=key) | Q(declared_by_id=key)).order_by("pk")

    query = KeyedQuery(lambda key: build(key).values_list("pk", flat=True))
    for key in (case.pk, clinician.pk):
        assert query.rows(key) == list(build(key).values_list("pk", flat=True))


def test_what_it_cannot_build_is_refused():
    with pytest.raises(ValueError, match="instances"):
        KeyedQuery(lambda key: Case.objects.filter(pk=key).prefetch_related("care_events")).rows(1)
    with pytest.raises(ValueError, match="key is not"):
        KeyedQuery(lambda key: Case.objects.all()).rows(1)


def test_several_keys_each_in_its_place(maternity, clinician, coordinator):
    cases = [
        CaseFactory(organisation=maternity, territory=maternity.parent, declared_by=clinician)
        for _ in range(2)
    ]
    for case in cases:
        for who in (clinician, coordinator):
            CaseTransition.objects.create(
                case=case, transition="t", source="s", target="x", actor=who, actor_name="N"
            )

    def build(case_key, actor_key):
        return CaseTransition.objects.filter(case_id=case_key, actor_id=actor_key).values_list(
            "case_id", "actor_id"
        )

    query = KeyedQuery(build, keys=2)
    for case in cases:
        for who in (clinician, coordinator):
            assert query.rows(case.pk, who.pk) == list(build(case.pk, who.pk)) != []
    assert query.rows(cases[0].pk, "x") == []
    with pytest.raises(TypeError):
        query.rows(cases[0].pk)
