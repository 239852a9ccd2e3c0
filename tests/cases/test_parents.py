"""The parents' pathway on the coordinator's side (issue 15): whether the parents were told of
the review, by which function and when, and their questions. Recorded by the coordinator of the
declaring organisation from documentation until the session; the questions are checked for
identifiers like the summary (by the submit guard while documenting, on save afterwards)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.exceptions import InvalidInput, NotAllowed, TransitionConflict, TransitionRefused
from cases.models import CareEvent, Case, ParentsContact
from cases.services.parents import parents_contact_save
from cases.services.transitions import case_transition
from tests.factories import member

pytestmark = pytest.mark.django_db

QUESTIONS = "Aurait-on pu le transférer plus tôt ?\nPourquoi la péridurale a-t-elle tardé ?"


def save(case, by, *, version=None, **values):
    data = {
        "status": "told",
        "told_on": timezone.localdate() - timedelta(days=3),
        "told_by_function": "midwife",
        "questions": QUESTIONS,
        **values,
    }
    if version is None:
        contact = ParentsContact.objects.filter(case=case).first()
        version = contact.version if contact else 0
    return parents_contact_save(case=case, by=by, expected_version=version, **data)


def documented(case_factory, **kwargs):
    case = case_factory(status="documenting", summary="Nouveau-né de 27 SA + 2 j.", **kwargs)
    CareEvent.objects.create(
        case=case, period="postnatal", day_of_life=0, place_type="nicu", description="Intubation."
    )
    Case.objects.filter(pk=case.pk).update(summary_validated_at=timezone.now())
    return Case.objects.get(pk=case.pk)


def test_the_coordinator_records_the_parents_told_and_their_questions(case_factory, coordinator):
    case = case_factory(status="documenting")
    contact = save(case, coordinator, questions="Pourquoi\u00ad tant d'attente ?  ")
    contact.refresh_from_db()
    assert contact.status == "told" and contact.told_by_function == "midwife"
    assert contact.questions == "Pourquoi tant d'attente ?"  # normal form, stripped
    assert contact.version == 1 and contact.updated_by == coordinator


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"told_on": None}, "Indiquez la date"),
        ({"told_on": "in two days"}, "ne peut pas être future"),
        ({"told_by_function": ""}, "Indiquez la fonction"),
        ({"status": "unreachable"}, "une fois les parents informés"),
        ({"status": "bogus"}, "Choix inconnu"),
        ({"questions": "x" * 4001}, r"4.000 caractères"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_saved(
    case_factory, coordinator, values, message
):
    case = case_factory(status="documenting")
    if values.get("told_on") == "in two days":  # read when the test runs, not when collected
        values = {"told_on": timezone.localdate() + timedelta(days=2)}
    with pytest.raises(InvalidInput, match=message):
        save(case, coordinator, **values)
    assert not ParentsContact.objects.exists()


@pytest.mark.parametrize("status", ["told", "declined"])
def test_an_absurdly_early_date_is_refused_a_year_before_the_case_at_most(
    case_factory, coordinator, status
):
    """The death precedes the declaration: not before the case's creation minus one year."""
    case = case_factory(status="documenting")
    case.created_at = timezone.now() - timedelta(days=30)
    case.save(update_fields=["created_at"])
    earliest = timezone.localtime(case.created_at).date() - timedelta(days=365)
    for told_on in (date(1900, 1, 1), earliest - timedelta(days=1)):
        with pytest.raises(InvalidInput, match="trop ancienne.*" + earliest.strftime("%d/%m/%Y")):
            save(case, coordinator, status=status, told_on=told_on, questions="")
    assert not ParentsContact.objects.exists()
    assert (
        save(case, coordinator, status=status, told_on=earliest, questions="").told_on == earliest
    )


def test_the_parents_page_refuses_01_01_1900_beside_the_form(client, case_factory, coordinator):
    case = case_factory(status="documenting")
    client.force_login(coordinator)
    page = client.post(
        reverse("cases:parents", args=[case.pk]),
        {"status": "told", "told_on": "01/01/1900", "told_by_function": "midwife", "version": "0"},
    )
    assert page.status_code == 400 and "trop ancienne" in page.content.decode()
    assert not ParentsContact.objects.exists()


def test_not_reached_clears_the_date_and_the_function(case_factory, coordinator):
    case = case_factory(status="documenting")
    contact = save(case, coordinator, status="unreachable", questions="")
    assert (contact.told_on, contact.told_by_function) == (None, "")


def test_a_stale_form_gets_a_conflict_and_changes_nothing(case_factory, coordinator):
    case = case_factory(status="documenting")
    save(case, coordinator, version=0)
    with pytest.raises(TransitionConflict, match="modifiée entre-temps"):
        save(case, coordinator, version=0, questions="Autre question ?")
    assert ParentsContact.objects.get(case=case).questions == QUESTIONS


@pytest.mark.parametrize("status", ["draft", "declared", "reviewed", "closed"])
def test_outside_documentation_to_session_nobody_records(case_factory, coordinator, status):
    case = case_factory(status=status)
    with pytest.raises(NotAllowed):
        save(case, coordinator)


def test_only_the_declaring_organisations_coordinator_records(
    case_factory, every_role, other_maternity
):
    case = case_factory(status="documenting")
    foreign = member(Role.COORDINATOR, other_maternity)
    for role, user in [*every_role.items(), ("foreign coordinator", foreign)]:
        if role == Role.COORDINATOR:
            continue
        with pytest.raises(NotAllowed):
            save(case, user)
    assert not ParentsContact.objects.exists()


def test_a_name_in_the_questions_blocks_submit_for_review(case_factory, coordinator):
    case = documented(case_factory)
    save(case, coordinator, questions="Mme Zanzibarova demande pourquoi le SMUR a tardé.")
    Case.objects.filter(pk=case.pk).update(summary_validated_at=timezone.now())
    with pytest.raises(TransitionRefused, match="les questions des parents"):
        case_transition(
            case_id=case.pk, name="submit_for_review", by=coordinator, expected_status="documenting"
        )
    assert Case.objects.get(pk=case.pk).status == "documenting"
    save(case, coordinator, questions="La mère demande pourquoi le SMUR a tardé.")
    Case.objects.filter(pk=case.pk).update(summary_validated_at=timezone.now())
    case_transition(
        case_id=case.pk, name="submit_for_review", by=coordinator, expected_status="documenting"
    )
    assert Case.objects.get(pk=case.pk).status == "ready"


def test_changed_questions_while_documenting_need_a_new_anonymisation_check(
    case_factory, coordinator
):
    case = documented(case_factory)
    save(case, coordinator)
    assert Case.objects.get(pk=case.pk).summary_validated_at is None


@pytest.mark.parametrize("status", ["ready", "scheduled"])
def test_late_questions_are_taken_but_checked_before_saving(case_factory, coordinator, status):
    case = case_factory(status=status)
    with pytest.raises(InvalidInput, match="identifiants"):
        save(case, coordinator, questions="Appeler la mère au 06 12 34 56 78.")
    assert not ParentsContact.objects.exists()
    save(case, coordinator, questions="Le SMUR aurait-il pu venir plus vite ?")
    assert ParentsContact.objects.get(case=case).questions.startswith("Le SMUR")


# --- Pages ------------------------------------------------------------------------------------
def test_the_parents_page_records_and_the_case_page_shows_it(client, case_factory, coordinator):
    case = case_factory(status="documenting")
    client.force_login(coordinator)
    url = reverse("cases:parents", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200 and "PMRT" in page.content.decode()
    told_on = timezone.localdate() - timedelta(days=2)
    response = client.post(
        url,
        {
            "status": "told",
            "told_on": told_on.strftime("%d/%m/%Y"),
            "told_by_function": "paediatrician",
            "questions": QUESTIONS,
            "version": "0",
        },
    )
    assert response.status_code == 302
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Informés de la revue" in detail and "par : pédiatre" in detail
    assert told_on.strftime("%d/%m/%Y") in detail  # the coordinator's side shows the date
    assert "Aurait-on pu le transférer" in detail


def test_a_bad_date_or_a_stale_page_is_told_beside_and_nothing_changes(
    client, case_factory, coordinator
):
    case = case_factory(status="documenting")
    client.force_login(coordinator)
    url = reverse("cases:parents", args=[case.pk])
    data = {"status": "told", "told_by_function": "midwife", "questions": "", "version": "0"}
    page = client.post(url, {**data, "told_on": "31/02/2026"})
    assert page.status_code == 400 and "JJ/MM/AAAA" in page.content.decode()
    assert not ParentsContact.objects.exists()
    yesterday = (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")
    assert client.post(url, {**data, "told_on": yesterday}).status_code == 302
    stale = client.post(url, {**data, "told_on": yesterday, "questions": "Encore ?"})
    assert stale.status_code == 409 and "entre-temps" in stale.content.decode()
    assert ParentsContact.objects.get(case=case).questions == ""


def test_the_parents_page_is_404_for_every_other_role(
    client, case_factory, every_role, other_maternity
):
    case = case_factory(status="scheduled")
    url = reverse("cases:parents", args=[case.pk])
    foreign = member(Role.COORDINATOR, other_maternity)
    for role, user in [*every_role.items(), ("foreign", foreign)]:
        client.force_login(user)
        expected = 200 if role == Role.COORDINATOR else 404
        assert client.get(url).status_code == expected, role
        if expected == 404:
            assert client.post(url, {"status": "told", "version": "0"}).status_code == 404
    assert not ParentsContact.objects.exists()


def test_the_committee_reads_told_and_function_never_the_date(
    client, case_factory, coordinator, chair
):
    case = case_factory(status="ready")
    told_on = timezone.localdate() - timedelta(days=9)
    save(case, coordinator, told_on=told_on, questions="Le SMUR aurait-il pu venir plus vite ?")
    client.force_login(chair)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "par : sage-femme" in page and "Le SMUR aurait-il pu" in page
    assert told_on.strftime("%d/%m/%Y") not in page
    assert reverse("cases:parents", args=[case.pk]) not in page


def test_a_contributing_coordinator_reads_the_questions_only_once_checked(
    client, case_factory, coordinator, network
):
    """Until the anonymisation is validated (a change to the questions withdraws it) they have
    not passed the identifier check: the birth maternity named on the case reads them once
    validated or submitted, as the summary, never the date."""
    from cases.models import CaseContribution
    from tests.factories import MaternityFactory

    case = documented(case_factory)
    told_on = timezone.localdate() - timedelta(days=5)
    save(case, coordinator, told_on=told_on, questions="Pourquoi ce transfert tardif ?")
    birth_maternity = MaternityFactory(name="Maternité de naissance", parent=network)
    CaseContribution.objects.create(
        case=case,
        organisation=birth_maternity,
        pathway_role=CaseContribution.PathwayRole.BIRTH_MATERNITY,
        added_by=coordinator,
    )
    client.force_login(member(Role.COORDINATOR, birth_maternity))
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Pourquoi ce transfert tardif" not in page
    assert "Les questions des parents seront lisibles une fois" in page
    Case.objects.filter(pk=case.pk).update(summary_validated_at=timezone.now())
    case_transition(case_id=case.pk, name="submit_for_review", by=coordinator)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Pourquoi ce transfert tardif" in page
    assert told_on.strftime("%d/%m/%Y") not in page
