"""The review screen's reads compiled once (`rmm.querysets.KeyedQuery`): each
gives the very models the ORM's `select_related` reading it replaces gives, field for field,
with the same relations attached (and none the ORM leaves unread)."""

from datetime import date, datetime

import pytest

from accounts.models import Organisation
from cases.models import CareEvent, ParentsContact
from cases.selectors import chronology
from committees.models import AgendaItem, CaseReview, Session
from committees.selectors import agenda_item_for_review, reviews_of_case
from tests.committees.conftest import days_from_now, full_review
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def same_model(read, former) -> None:
    """The same row, field for field (dates with their zone), as saved models."""
    assert type(read) is type(former) and read.pk == former.pk
    fields = [field.attname for field in type(former)._meta.concrete_fields]
    assert [getattr(read, name) for name in fields] == [getattr(former, name) for name in fields]
    for name in fields:
        value = getattr(read, name)
        assert type(value) is type(getattr(former, name)), name
        if isinstance(value, datetime):
            assert value.utcoffset() is not None, name
    assert not read._state.adding and read._state.db == former._state.db


def same_relations(read, former, names) -> None:
    """The relations the ORM attached, attached alike (and no other)."""
    assert set(read._state.fields_cache) == set(former._state.fields_cache), (
        read._state.fields_cache,
        former._state.fields_cache,
    )
    for name in names:
        read_related, former_related = getattr(read, name), getattr(former, name)
        if former_related is None:
            assert read_related is None
        else:
            same_model(read_related, former_related)


@pytest.fixture
def on_agenda(session, maternity, clinician, secretary):
    case = CaseFactory(
        organisation=maternity,
        territory=maternity.parent,
        declared_by=clinician,
        status="scheduled",
        summary="Décès à J2 <b>.",
    )
    AgendaItem.objects.create(session=session, case=case, presenter=secretary)
    return case


@pytest.mark.parametrize("with_contact", [False, True])
def test_the_agenda_item_read_for_the_review_is_the_orms(
    session, on_agenda, coordinator, with_contact, django_assert_num_queries
):
    if with_contact:
        ParentsContact.objects.create(
            case=on_agenda,
            status="told",
            told_on=date(2026, 3, 4),
            told_by_function="midwife",
            updated_by=coordinator,
        )
    with django_assert_num_queries(1):
        read = agenda_item_for_review(session_pk=session.pk, case_pk=on_agenda.pk)
    former = AgendaItem.objects.select_related(
        "session__committee", "case__organisation", "case__parents_contact"
    ).get(session_id=session.pk, case_id=on_agenda.pk)
    with django_assert_num_queries(0):
        same_model(read, former)
        same_relations(read, former, ["session", "case"])
        same_relations(read.session, former.session, ["committee"])
        same_model(read.session.committee, former.session.committee)
        same_relations(read.case, former.case, ["organisation"])
        assert read.case.summary == "Décès à J2 <b>."
        if with_contact:
            same_model(read.case.parents_contact, former.case.parents_contact)
            assert read.case.parents_contact.case is read.case
            assert read.case.parents_contact.told_on == date(2026, 3, 4)
        else:
            with pytest.raises(ParentsContact.DoesNotExist):
                assert read.case.parents_contact
    assert read.session.starts_at.utcoffset() is not None
    # Not on this agenda, or no such session: None (the view then reads as the session pages).
    assert agenda_item_for_review(session_pk=session.pk, case_pk=on_agenda.pk + 1000) is None
    assert agenda_item_for_review(session_pk=session.pk + 1000, case_pk=on_agenda.pk) is None


def test_the_reviews_of_a_case_read_in_sql_are_the_orms(
    committee, session, on_agenda, secretary, chair, django_assert_num_queries
):
    """This session's review and the earlier ones (latest first, groups missing or not), with
    their session and groups attached as `select_related` attaches them."""
    earlier_sessions = [
        Session.objects.create(
            committee=committee, starts_at=days_from_now(-30 * n), created_by=secretary
        )
        for n in (2, 1)
    ]
    assert reviews_of_case(case=on_agenda, session=session) == (None, [])
    for n, earlier in enumerate(earlier_sessions):
        review = full_review(conclusion=f"Revue {n}")
        if n == 0:
            review.icd_pm_group = review.maternal_condition = None
        review.case, review.session, review.recorded_by = on_agenda, earlier, chair
        review.save()
    with django_assert_num_queries(1):
        existing, earlier = reviews_of_case(case=on_agenda, session=session)
    former = list(
        CaseReview.objects.filter(case=on_agenda).select_related(
            "session", "icd_pm_group", "maternal_condition"
        )
    )
    assert existing is None and earlier == former and len(earlier) == 2
    assert [review.conclusion for review in earlier] == ["Revue 1", "Revue 0"]
    with django_assert_num_queries(0):
        for read, orm in zip(earlier, former, strict=True):
            same_model(read, orm)
            same_relations(read, orm, ["session", "icd_pm_group", "maternal_condition"])
            assert read.get_avoidability_display() == orm.get_avoidability_display()
    assert earlier[1].icd_pm_group is None and earlier[0].icd_pm_group.code == "N9"

    review = full_review(conclusion="Cette séance")
    review.case, review.session, review.recorded_by = on_agenda, session, secretary
    review.save()
    review.delays.add(*review.delays.model.objects.all()[:2])
    with django_assert_num_queries(4):  # the reviews, then this one's delays, breaks, factors
        existing, earlier = reviews_of_case(case=on_agenda, session=session)
    same_model(existing, CaseReview.objects.get(pk=review.pk))
    assert existing.conclusion == "Cette séance" and len(earlier) == 2
    with django_assert_num_queries(0):
        assert len(existing.delays.all()) == 2


def test_the_chronology_read_in_sql_is_the_orms(
    on_agenda, maternity, network, django_assert_num_queries
):
    """The case's events in their order, each with its organisation (or none) and the case:
    who wrote it is named without a query."""
    assert chronology(on_agenda) == []
    for position, organisation in ((2, network), (1, None), (1, maternity)):
        CareEvent.objects.create(
            case=on_agenda,
            position=position,
            period="postnatal",
            day_of_life=position,
            place_type="nicu",
            description=f"Événement {position} <i>",
            organisation=organisation,
            flag_delay=position == 2,
        )
    with django_assert_num_queries(1):
        read = chronology(on_agenda)
    former = list(on_agenda.care_events.select_related("organisation").order_by("position", "pk"))
    assert read == former and len(read) == 3
    with django_assert_num_queries(0):
        for event, orm in zip(read, former, strict=True):
            same_model(event, orm)
            same_relations(event, orm, ["organisation"])
            assert event.case is on_agenda
            assert event.author == orm.author
            assert event.get_period_display() == orm.get_period_display()
    assert [event.organisation for event in read] == [None, maternity, network]
    assert isinstance(read[2].organisation, Organisation) and read[2].flag_delay is True
