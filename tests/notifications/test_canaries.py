"""No identity value ever reaches a notification or an e-mail (issue 10, point 4): canary values
are planted in the vaults of cases moved through the real workflow, every kind of notification
is produced (the four events, every reminder rule of the sweep, the daily digest), every e-mail
is sent, and then everything told to anyone is searched: the ledger rows, the texts in French
and English, the notification centre of each recipient, every e-mail part in both languages and
the log."""

import html
import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from actions.services import action_propose, action_transition
from cases.models import CareEvent, Case
from cases.services.cases import case_create_draft, summary_save
from cases.services.transitions import case_transition
from committees.models import Session
from committees.services import reviews, sessions
from notifications import delivery, sweep
from notifications.models import Kind, Notification, NotificationSettings
from notifications.texts import text_of
from tests.committees.conftest import all_present, full_review
from tests.factories import canary_fragments, complete_facts

from .conftest import deliver_all

pytestmark = pytest.mark.django_db

BORN = datetime(2025, 2, 17, 3, 41, tzinfo=ZoneInfo("Europe/Paris"))
CANARIES = {
    "mother_last_name": "Xylophonadze",
    "mother_birth_name": "Quarkenbush",
    "mother_first_name": "Ottilienne",
    "child_last_name": "Xylophonadze",
    "child_first_name": "Zébulonne",
    "mother_nir": "2 85 03 75 123 456 98",
    "ipp": "IPP4815162342",
    "nda": "NDA0815471100",
    "address": "42 impasse des Pélicans, 46000 Cahors",
    "phone": "+33 6 98 76 54 32",
    "email": "ottilienne.xylo@canari.example",
    "narrative_original": "Mme Xylophonadze Ottilienne, NIR 285037512345698, Pélicans.",
}
# The dates of birth and death are identifying too, as are the free texts of the case (an
# anonymised summary is for the committee's pages, never for a message).
SUMMARY = "Mère de 31 ans, grossesse gémellaire wombatique, 27 SA + 2 j, décès à J2."
FORBIDDEN = sorted(
    {
        *canary_fragments(CANARIES),
        "98 76 54 32",
        "canari.example",
        "17/02/2025",
        "2025-02-17",
        "19/02/2025",
        "2025-02-19",
        "03:41",
        "wombatique",
        "Intubation Kookaburra",
    }
)


def assert_clean(where: str, text: str) -> None:
    leaks = [value for value in FORBIDDEN if value in text]
    assert leaks == [], f"{where} leaks {leaks}"


def sweep_moment() -> datetime:
    """The sweep runs 31 days from now at 10:00 (after the digest hour): what was declared or
    documented today has waited long enough for every 'waiting' reminder."""
    day = timezone.localdate() + timedelta(days=31)
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def at(moment: datetime, days: int, hour: int = 14) -> datetime:
    day = timezone.localdate(moment) + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def case_through(maternity, clinician, coordinator, steps: int) -> Case:
    """A case with the canary identity, moved through the real workflow: 1 declared,
    2 documenting, 3 ready for the committee."""
    case = case_create_draft(
        organisation=maternity,
        by=clinician,
        facts=complete_facts(),
        identity={**CANARIES, "born_at": BORN, "died_at": BORN + timedelta(hours=50)},
    )
    case_transition(case_id=case.pk, name="declare", by=clinician, expected_status="draft")
    if steps >= 2:
        case_transition(case_id=case.pk, name="accept", by=coordinator, expected_status="declared")
    if steps >= 3:
        case = Case.objects.get(pk=case.pk)
        CareEvent.objects.create(
            case=case,
            period="postnatal",
            day_of_life=0,
            hour_of_day=1,
            place_type="nicu",
            description="Intubation Kookaburra, surfactant.",
        )
        summary_save(case=case, by=coordinator, validate=True, summary=SUMMARY)
        case_transition(
            case_id=case.pk, name="submit_for_review", by=coordinator, expected_status="documenting"
        )
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def everything_told(
    maternity,
    clinician,
    coordinator,
    committee,
    chair,
    secretary,
    committee_member,
    quality_manager,
    queued,
    settings,
):
    """Every kind of notification, for real: returns the moment of the sweep."""
    settings.RMM_DIGEST_HOUR = 7
    now = sweep_moment()
    # The coordinator gathers new cases in a digest, and reads e-mails in English.
    NotificationSettings.objects.create(
        user=coordinator, language="en", deliveries={Kind.CASE_DECLARED: "digest"}
    )
    NotificationSettings.objects.create(user=chair, language="en")

    case_through(maternity, clinician, coordinator, 1)  # declared, never accepted
    case_through(maternity, clinician, coordinator, 2)  # documenting for a month
    presented = case_through(maternity, clinician, coordinator, 3)
    reviewed = case_through(maternity, clinician, coordinator, 3)

    # Held three days ago, minutes never validated; an action plan with two approved actions.
    held = Session.objects.create(
        committee=committee,
        starts_at=at(timezone.now(), -3),
        place="Salle du réseau",
        created_by=secretary,
    )
    sessions.agenda_add(session=held, case=reviewed, by=secretary)
    sessions.session_transition(
        session=held, name="send_agenda", by=secretary, expected_status="planned"
    )
    all_present(held, secretary)
    reviews.review_record(session=held, case=reviewed, by=chair, review=full_review())
    sessions.session_transition(
        session=held, name="hold", by=secretary, expected_status="agenda_sent"
    )
    fields = {
        "what_changes": "Protocole de transfert révisé",
        "barrier": "recovery",
        "nature": "protocol",
        "owner_organisation": maternity,
        "owner_function": "Cadre de la salle de naissance",
        "indicator": "Audit de 20 dossiers",
    }
    for due_in, owner in ((-3, clinician), (3, None)):  # overdue, then due within the week
        due = timezone.localdate(now) + timedelta(days=due_in)
        action = action_propose(
            session=held,
            cases=[reviewed],
            by=chair,
            fields={
                **fields,
                "owner_person": owner,
                "due_date": due,
                "indicator_check_date": due + timedelta(days=60),
            },
        )
        action_transition(action_id=action.pk, name="approve", by=chair, expected_status="proposed")

    # The day after the sweep: agenda sent, a presenter (J-14, J-7 agenda, J-1).
    coming = sessions.session_plan(
        committee=committee, by=secretary, starts_at=at(now, 1), place="Salle 2"
    )
    sessions.agenda_add(session=coming, case=presented, by=secretary, presenter=committee_member)
    sessions.session_transition(
        session=coming, name="send_agenda", by=secretary, expected_status="planned"
    )
    # Three days after the sweep, agenda still not sent (J-7 for the chair and secretary).
    sessions.session_plan(committee=committee, by=secretary, starts_at=at(now, 3), place="Salle 3")
    # Cancelled, its case had a presenter.
    cancelled = sessions.session_plan(
        committee=committee, by=secretary, starts_at=at(now, 20), place="Salle 4"
    )
    sessions.agenda_add(
        session=cancelled,
        case=case_through(maternity, clinician, coordinator, 3),
        by=secretary,
        presenter=clinician,  # the declarant
    )
    sessions.session_transition(
        session=cancelled,
        name="cancel",
        by=secretary,
        expected_status="planned",
        reason="Salle indisponible.",
    )
    # Moved after its agenda was sent: members and the presenter told the new date.
    moved = sessions.session_plan(
        committee=committee, by=secretary, starts_at=at(now, 30), place="Salle 5"
    )
    sessions.agenda_add(
        session=moved,
        case=case_through(maternity, clinician, coordinator, 3),
        by=secretary,
        presenter=clinician,
    )
    sessions.session_transition(
        session=moved, name="send_agenda", by=secretary, expected_status="planned"
    )
    sessions.session_reschedule(
        session=moved, by=secretary, expected_status="agenda_sent", starts_at=at(now, 31, 9)
    )
    return now


def test_nothing_told_to_anyone_carries_identity(
    client, everything_told, caplog, monkeypatch, settings
):
    caplog.set_level(logging.DEBUG)
    now = everything_told
    # Every rule of the sweep finds something to tell at that moment (no vacuous pass).
    due = sweep.due_reminders(now)
    assert {d.kind for d in due} == set(sweep.FINDERS), set(sweep.FINDERS) - {d.kind for d in due}

    sweep.sweep(now=now)
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == set(Kind), set(Kind) - kinds  # the events, every reminder, the digest
    assert deliver_all().get("sent", 0) >= len(Kind)
    assert mail.outbox

    # The ledger rows.
    for notification in Notification.objects.all():
        assert_clean(
            f"row {notification.kind}",
            f"{notification.params} {notification.link} {notification.occasion}",
        )
        for language in ("fr", "en"):
            with translation.override(language):
                text = text_of(notification)
            assert_clean(f"{notification.kind} text ({language})", f"{text.title} {text.body}")

    # Every e-mail sent, and every one rendered again in the other language.
    for message in mail.outbox:
        assert_clean(f"e-mail to {message.to}", message.subject)
        assert_clean(f"e-mail to {message.to}", message.body)
        assert_clean(f"e-mail to {message.to}", message.alternatives[0][0])
    for language in ("fr", "en"):
        monkeypatch.setattr(delivery, "language_of", lambda user, language=language: language)
        for notification in Notification.objects.select_related("recipient"):
            items = list(notification.items.all())
            message = delivery.message(notification, items)
            where = f"{notification.kind} e-mail ({language})"
            assert_clean(where, f"{message.subject}\n{message.body}")
            assert_clean(where, message.alternatives[0][0])
            assert f'<html lang="{language}">' in message.alternatives[0][0]

    # The notification centre of each recipient, every page of it.
    recipients = Notification.objects.values_list("recipient", flat=True).distinct()
    User = Notification._meta.get_field("recipient").related_model
    for user in User.objects.filter(pk__in=recipients):
        client.force_login(user)
        for query in ({}, {"non-lues": "1"}, {"page": "2"}):
            response = client.get(reverse("notifications:list"), query)
            assert response.status_code == 200
            assert_clean(f"centre of {user.email}", html.unescape(response.content.decode()))

    assert_clean("log", caplog.text)
    for record in caplog.records:
        assert_clean("log arguments", repr(record.args))


def test_the_canaries_would_be_seen(everything_told):
    """The search itself works: the vaults hold the canaries, and a leak would be reported."""
    case = Case.objects.order_by("pk").first()
    assert case.identity.mother_last_name == CANARIES["mother_last_name"]
    with pytest.raises(AssertionError, match="Xylophonadze"):
        assert_clean("a leak", f"Cas {case.code} — {case.identity.mother_last_name}")
    with pytest.raises(AssertionError, match="285037512345698"):
        assert_clean("a leak", "NIR 285037512345698")
