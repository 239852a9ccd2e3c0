"""The administration of notifications: an administrator sees the deliveries of the people of
the organisations they manage (never another network's), resends failed e-mails only (through
their ledger row, so once), and tunes the reminder rules, refused with a message when the values
make no sense. The platform operator sees every delivery."""

import html

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import EmailState, Kind, Notification, ReminderRule
from tests.html_forms import FormParser, as_post, browser_data

from .conftest import deliver_all

pytestmark = pytest.mark.django_db

DELIVERIES = reverse("admin:notifications_notification_changelist")
RULES = reverse("admin:notifications_reminderrule_changelist")


def delivery(user, state, number=1, **fields):
    return Notification.objects.create(
        kind=Kind.ACTION_OVERDUE,
        recipient=user,
        subject_type="actions.correctiveaction",
        subject_id=number,
        occasion=f"2026-01-0{number}:0",
        params={"due_date": "2026-01-01", "days": 3},
        link=f"/actions/{number}/",
        email=state,
        **fields,
    )


def listed(client, url=DELIVERIES, **query) -> set[int]:
    response = client.get(url, query)
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def deliveries(clinician, coordinator, quality_manager, outsider):
    failed = delivery(
        clinician,
        EmailState.FAILED,
        1,
        email_attempts=5,
        email_error="SMTPServerDisconnected",
    )
    sent = delivery(coordinator, EmailState.SENT, 2, email_attempts=1, email_sent_at=timezone.now())
    pending = delivery(quality_manager, EmailState.PENDING, 3)
    elsewhere = delivery(outsider, EmailState.FAILED, 4, email_attempts=5, email_error="OSError")
    return {"failed": failed, "sent": sent, "pending": pending, "elsewhere": elsewhere}


def test_an_administrator_sees_the_deliveries_of_the_people_they_manage_only(
    client, administrator, other_administrator, deliveries, django_user_model
):
    client.force_login(administrator)
    mine = {deliveries[key].pk for key in ("failed", "sent", "pending")}
    assert listed(client) == mine
    assert listed(client, email=EmailState.FAILED) == {deliveries["failed"].pk}
    page = page_text(client.get(DELIVERIES))
    assert "SMTPServerDisconnected" in page and "Échec" in page
    assert "clinicien@sud.test" not in page and "Oto Out" not in page
    elsewhere = reverse(
        "admin:notifications_notification_change", args=[deliveries["elsewhere"].pk]
    )
    assert client.get(elsewhere).status_code in (302, 403, 404)
    own = reverse("admin:notifications_notification_change", args=[deliveries["failed"].pk])
    response = client.get(own)
    assert response.status_code == 200
    assert 'name="_save"' not in page_text(response)  # written by the workers only

    client.force_login(other_administrator)
    assert listed(client) == {deliveries["elsewhere"].pk}

    operator = django_user_model.objects.create_superuser(
        email="operateur@rmm.test", password="x" * 20
    )
    client.force_login(operator)
    assert listed(client) == {row.pk for row in deliveries.values()}


def test_people_who_do_not_administer_see_no_deliveries(client, every_role, deliveries):
    for role, user in every_role.items():
        if role == "administrator":
            continue
        client.force_login(user)
        response = client.get(DELIVERIES)
        assert response.status_code in (302, 403), role


def test_resend_puts_back_only_failed_e_mails_and_delivering_sends_each_once(
    client, administrator, deliveries, queued, django_capture_on_commit_callbacks
):
    client.force_login(administrator)
    sent_at = deliveries["sent"].email_sent_at
    selected = [deliveries[key].pk for key in ("failed", "sent", "pending")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            DELIVERIES, {"action": "resend", "_selected_action": selected}, follow=True
        )
    assert response.status_code == 200
    assert messages_of(response) == [
        "1 e-mail remis en file d'envoi.",
        "Les envois qui ne sont pas en échec ne sont jamais renvoyés.",
    ]
    [(task, (ids,), _countdown)] = queued
    assert task == "notifications.tasks.deliver_task" and ids == [deliveries["failed"].pk]
    states = dict(Notification.objects.values_list("pk", "email"))
    assert states == {
        deliveries["failed"].pk: EmailState.PENDING,
        deliveries["sent"].pk: EmailState.SENT,
        deliveries["pending"].pk: EmailState.PENDING,
        deliveries["elsewhere"].pk: EmailState.FAILED,
    }
    failed = Notification.objects.get(pk=deliveries["failed"].pk)
    assert (failed.email_attempts, failed.email_error) == (0, "")

    outcomes = deliver_all()
    assert outcomes == {"sent": 2}  # the resent one and the one that was still waiting
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [deliveries["failed"].recipient.email, deliveries["pending"].recipient.email]
    )
    assert deliver_all() == {}
    assert Notification.objects.get(pk=deliveries["sent"].pk).email_sent_at == sent_at

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            DELIVERIES, {"action": "resend", "_selected_action": selected}, follow=True
        )
    assert messages_of(response)[0].startswith("Aucun e-mail en échec dans la sélection")
    assert deliver_all() == {} and len(mail.outbox) == 2  # a sent e-mail is never resent


def test_another_network_s_administrator_cannot_resend_these(
    client, other_administrator, deliveries, queued, django_capture_on_commit_callbacks
):
    client.force_login(other_administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            DELIVERIES,
            {"action": "resend", "_selected_action": [deliveries["failed"].pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert Notification.objects.get(pk=deliveries["failed"].pk).email == EmailState.FAILED
    assert queued == []


@pytest.mark.parametrize("value", ["9" * 40, "\x00", "-1", "١٢"])
def test_a_tampered_selection_is_refused_with_a_message(administrator, deliveries, value):
    client = Client(raise_request_exception=False)
    client.force_login(administrator)
    response = client.post(
        DELIVERIES, {"action": "resend", "_selected_action": [value]}, follow=True
    )
    assert response.status_code == 200
    assert Notification.objects.get(pk=deliveries["failed"].pk).email == EmailState.FAILED


# --- Reminder rules ---------------------------------------------------------------------------
def rules_form(client) -> dict[str, list[str]]:
    parser = FormParser()
    parser.feed(client.get(RULES).content.decode())
    form = max(parser.forms, key=lambda form: len(form["controls"]))
    return as_post([*browser_data(form), ("_save", "Enregistrer")])


def row_prefix(data, rule) -> str:
    return next(
        key.removesuffix("-id")
        for key, value in data.items()
        if key.endswith("-id") and value == [str(rule.pk)]
    )


def rules_state():
    return list(
        ReminderRule.objects.order_by("pk").values_list(
            "kind", "days", "escalate_after_days", "repeat_every_days", "is_active"
        )
    )


def test_an_administrator_tunes_the_reminder_rules_but_adds_or_deletes_none(client, administrator):
    assert ReminderRule.objects.count() == 9  # one per reminder of DESIGN §7
    client.force_login(administrator)
    overdue = ReminderRule.objects.get(kind=Kind.ACTION_OVERDUE)
    documenting = ReminderRule.objects.get(kind=Kind.CASE_DOCUMENTING_LONG)
    data = rules_form(client)
    prefix, other = row_prefix(data, overdue), row_prefix(data, documenting)
    data[f"{prefix}-days"] = ["2"]
    data[f"{prefix}-escalate_after_days"] = ["21"]
    data[f"{prefix}-repeat_every_days"] = ["14"]
    data.pop(f"{other}-is_active", None)  # unticked
    response = client.post(RULES, data)
    assert response.status_code == 302, page_text(response)[:2000]
    overdue.refresh_from_db()
    assert (overdue.days, overdue.escalate_after_days, overdue.repeat_every_days) == (2, 21, 14)
    assert overdue.is_active
    assert not ReminderRule.objects.get(kind=Kind.CASE_DOCUMENTING_LONG).is_active

    page = page_text(client.get(RULES))
    assert reverse("admin:notifications_reminderrule_add") not in page
    assert 'value="delete_selected"' not in page
    change = reverse("admin:notifications_reminderrule_change", args=[overdue.pk])
    assert client.get(change).status_code == 200
    assert 'name="kind"' not in page_text(client.get(change))  # the kind is fixed
    delete = reverse("admin:notifications_reminderrule_delete", args=[overdue.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ReminderRule.objects.count() == 9


def test_people_who_may_not_edit_the_rules_change_nothing(client, every_role, maternity):
    from accounts.models import Role
    from tests.factories import member

    before = rules_state()
    maternity_admin = member(Role.ADMINISTRATOR, maternity, email="admin@maternite.test")
    overdue = ReminderRule.objects.get(kind=Kind.ACTION_OVERDUE)
    change = reverse("admin:notifications_reminderrule_change", args=[overdue.pk])
    for user in [*every_role.values(), maternity_admin]:
        if user.email == "admin@nord.test":
            continue
        client.force_login(user)
        client.post(change, {"days": "0", "is_active": ""})
        client.post(
            RULES,
            {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-id": str(overdue.pk),
                "form-0-days": "0",
                "_save": "1",
            },
        )
    assert rules_state() == before


@pytest.mark.parametrize(
    "field, value",
    [
        ("days", "-1"),
        ("days", "366"),
        ("days", "9" * 40),
        ("days", "\x00"),
        ("days", ""),
        ("days", "1e3"),
        ("escalate_after_days", "-7"),
        ("escalate_after_days", "99999999999"),
        ("repeat_every_days", "0"),
        ("repeat_every_days", "-1"),
        ("repeat_every_days", "40000"),
    ],
)
def test_hostile_values_in_the_rules_list_are_refused_with_a_message(administrator, field, value):
    client = Client(raise_request_exception=False)
    client.force_login(administrator)
    before = rules_state()
    data = rules_form(client)
    prefix = row_prefix(data, ReminderRule.objects.get(kind=Kind.ACTION_OVERDUE))
    other = row_prefix(data, ReminderRule.objects.get(kind=Kind.ACTION_DUE))
    data[f"{other}-days"] = ["3"]  # a valid change beside it is not saved either
    data[f"{prefix}-{field}"] = [value]
    response = client.post(RULES, data)
    assert response.status_code == 200
    page = page_text(response)
    assert "Veuillez corriger les erreurs ci-dessous." in page or "errornote" in page
    assert "Constraint" not in page and "violated" not in page  # said in French
    assert "reminder_" not in page  # and not by the name of a database constraint
    assert rules_state() == before
