"""The notification centre and the preferences, as their users meet them: the unread badge, the
list, opening a notification (read, then to its object, never elsewhere), marking as read, one's
own notifications only, bad input answered in French without a change; the delivery choices,
which decide the e-mail of new notifications, the daily digest (one e-mail, once) and the
language of the e-mails."""

import html
import re
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases.services.transitions import case_transition
from notifications import delivery, sweep
from notifications.ledger import Due, record
from notifications.models import (
    MANDATORY_KINDS,
    OPTIONAL_KINDS,
    Delivery,
    EmailState,
    Kind,
    Notification,
    NotificationSettings,
)
from tests.factories import CaseFactory

from .conftest import deliver_all

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")
MARK_READ = reverse("notifications:mark_read")
PREFERENCES = reverse("notifications:preferences")


def notify(user, number=1, *, kind=Kind.CASE_DECLARED, link=None, created_at=None):
    """A notification about case `number` for `user` (rows written as the ledger writes them)."""
    return Notification.objects.create(
        kind=kind,
        recipient=user,
        subject_type="cases.case",
        subject_id=number,
        occasion="declared",
        params={"code": f"RMM-T-{number:04d}"},
        link=f"/cas/{number}/" if link is None else link,
        created_at=created_at or timezone.now(),
    )


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def badge(response) -> str | None:
    """The unread badge of the navigation, as a screen reader reads it (None when absent)."""
    found = re.search(r'<span[^>]*id="unread-badge"[^>]*>(.*?)</span></span>', page_text(response))
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else None


def titles(page: str) -> list[str]:
    """The case codes of the listed notifications' titles, in order."""
    return re.findall(r"Nouveau cas (RMM-T-\d{4}) à prendre en charge</a>", page)


def unread_ids(user) -> set[int]:
    return set(
        Notification.objects.filter(recipient=user, read_at__isnull=True).values_list(
            "pk", flat=True
        )
    )


# --- The badge --------------------------------------------------------------------------------
def test_the_badge_counts_the_unread_notifications_and_disappears_when_all_are_read(
    client, coordinator, clinician
):
    client.force_login(coordinator)
    assert badge(client.get(reverse("home"))) is None
    for number in range(3):
        notify(coordinator, number)
    notify(clinician, 9)  # someone else's: not counted
    notify(coordinator, 8, kind=Kind.DIGEST)  # the digest is an e-mail, not a notification
    assert badge(client.get(reverse("home"))) == "3 notifications non lues"
    client.post(MARK_READ, {"notification": Notification.objects.filter(subject_id=0).get().pk})
    assert badge(client.get(LIST)) == "2 notifications non lues"
    response = client.post(MARK_READ, follow=True)
    assert "2 notification(s) marquée(s) comme lue(s)." in page_text(response)
    assert badge(response) is None
    assert badge(client.get(reverse("home"))) is None
    assert unread_ids(clinician)  # marking all read is one's own only


def test_the_badge_stops_counting_at_99(client, coordinator):
    """Someone back from leave: the badge says 99+ and the count reads at most 100 rows."""
    from notifications.context_processors import BADGE_CAP

    client.force_login(coordinator)
    for number in range(BADGE_CAP):
        notify(coordinator, number)
    assert badge(client.get(reverse("home"))) == f"{BADGE_CAP} notifications non lues"
    notify(coordinator, BADGE_CAP)
    assert badge(client.get(reverse("home"))) == "99+ notifications non lues"
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    (count,) = [q["sql"] for q in queries if "notifications_notification" in q["sql"]]
    assert f"LIMIT {BADGE_CAP + 1}" in count
    assert "ORDER BY" not in count  # sorting thousands of rows to count a hundred


def test_the_badge_is_counted_once_per_request_however_many_templates_render(rf, coordinator):
    from notifications.context_processors import unread

    notify(coordinator, 1)
    request = rf.get("/")
    request.user = coordinator
    with CaptureQueriesContext(connection) as queries:
        first, second = unread(request), unread(request)
    assert first == second == {"unread_notifications": 1, "unread_over_cap": False}
    assert len(queries) == 1


# --- The list ---------------------------------------------------------------------------------
def test_the_list_shows_the_newest_first_paginated_and_filters_the_unread(client, coordinator):
    start = timezone.now() - timedelta(days=40)
    rows = [notify(coordinator, n, created_at=start + timedelta(hours=n)) for n in range(30)]
    Notification.objects.filter(pk__in=[row.pk for row in rows[25:]]).update(read_at=timezone.now())
    client.force_login(coordinator)

    first = page_text(client.get(LIST))
    codes = re.findall(r"Nouveau cas (RMM-T-\d{4}) à prendre en charge</a>", first)
    assert codes == [f"RMM-T-{n:04d}" for n in range(29, 4, -1)]  # 25, newest first
    assert "1 / 2" in first
    second = page_text(client.get(LIST, {"page": 2}))
    assert titles(second) == [f"RMM-T-{n:04d}" for n in range(4, -1, -1)]

    unread = page_text(client.get(LIST, {"non-lues": "1"}))
    assert titles(unread) == [f"RMM-T-{n:04d}" for n in range(24, -1, -1)]
    assert "1 / 2" not in unread  # 25 unread: one page
    assert unread.count("Marquer comme lue") == 25
    assert titles(first).count("RMM-T-0029") == 1
    Notification.objects.filter(recipient=coordinator).update(read_at=timezone.now())
    assert "Aucune notification non lue." in page_text(client.get(LIST, {"non-lues": "1"}))


def test_the_list_costs_the_same_queries_at_5_and_200_notifications(client, coordinator):
    client.force_login(coordinator)
    client.get(LIST)  # session and first-request work out of the way

    def queries_for(count: int) -> int:
        Notification.objects.all().delete()
        Notification.objects.bulk_create(
            [
                Notification(
                    kind=Kind.ACTION_OVERDUE if n % 2 else Kind.CASE_DECLARED,
                    recipient=coordinator,
                    subject_type="cases.case",
                    subject_id=n,
                    occasion="declared",
                    params={"code": f"RMM-T-{n:04d}", "due_date": "2026-01-02"},
                    link=f"/cas/{n}/",
                )
                for n in range(count)
            ]
        )
        for path in (LIST, f"{LIST}?non-lues=1", f"{LIST}?page=2"):
            with CaptureQueriesContext(connection) as context:
                assert client.get(path).status_code == 200
        with CaptureQueriesContext(connection) as context:
            response = client.get(LIST)
        assert response.status_code == 200
        shown = count if count < 100 else "99+"
        assert badge(response) == f"{shown} notifications non lues"
        return len(context.captured_queries)

    assert queries_for(5) == queries_for(200)


# --- Opening a notification -------------------------------------------------------------------
def test_opening_marks_read_and_goes_to_the_object(client, coordinator, maternity, clinician):
    case = CaseFactory(organisation=maternity, declared_by=clinician)
    notification = notify(coordinator, case.pk, link=reverse("cases:detail", args=[case.pk]))
    other = notify(coordinator, case.pk + 1)
    client.force_login(coordinator)
    listed = page_text(client.get(LIST))
    open_url = reverse("notifications:open", args=[notification.pk])
    assert f'href="{open_url}"' in listed

    response = client.get(open_url)
    assert response.status_code == 302
    assert response["Location"] == f"/cas/{case.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert unread_ids(coordinator) == {other.pk}
    read_at = notification.read_at
    client.get(open_url)  # opened again: still read, from the first time
    notification.refresh_from_db()
    assert notification.read_at == read_at


@pytest.mark.parametrize(
    "tampered",
    [
        "https://evil.example/cas/1/",
        "//evil.example/cas/1/",
        "/\\evil.example/cas/1/",
        "\\\\evil.example/",
        "javascript:alert(1)",
        " //evil.example/",
        "http:/evil.example",
        "",
    ],
)
def test_opening_a_notification_with_a_tampered_link_stays_in_rmm(client, coordinator, tampered):
    notification = notify(coordinator, link=tampered)
    client.force_login(coordinator)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == LIST
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_one_read_leaves_the_others(client, coordinator):
    one, two = notify(coordinator, 1), notify(coordinator, 2)
    client.force_login(coordinator)
    response = client.post(MARK_READ, {"notification": one.pk})
    assert response.status_code == 302 and response["Location"] == LIST
    assert unread_ids(coordinator) == {two.pk}
    listed = page_text(client.get(LIST))
    assert listed.count("Marquer comme lue") == 1
    assert "Tout marquer comme lu" in listed


def test_nobody_else_reaches_someone_s_notification(
    client, every_role, outsider, other_administrator, coordinator, django_user_model
):
    notification = notify(coordinator, 7)
    operator = django_user_model.objects.create_superuser(
        email="operateur@rmm.test", password="x" * 20
    )
    others = [user for user in every_role.values() if user != coordinator]
    others += [outsider, other_administrator, operator]
    open_url = reverse("notifications:open", args=[notification.pk])
    for user in others:
        client.force_login(user)
        assert client.get(open_url).status_code == 404, user.email
        assert client.post(MARK_READ, {"notification": notification.pk}).status_code == 302
        client.post(MARK_READ)  # "mark all read" of someone else
        listed = page_text(client.get(LIST))
        assert "RMM-T-0007" not in listed, user.email
        assert badge(client.get(LIST)) is None, user.email
    notification.refresh_from_db()
    assert notification.read_at is None


def test_anonymous_visitors_are_sent_to_the_login_page(client, coordinator):
    notification = notify(coordinator)
    login = reverse("login")
    for method, url in [
        ("get", LIST),
        ("get", reverse("notifications:open", args=[notification.pk])),
        ("post", MARK_READ),
        ("get", PREFERENCES),
        ("post", PREFERENCES),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{login}?next="), url
    notification.refresh_from_db()
    assert notification.read_at is None
    assert not NotificationSettings.objects.exists()


@pytest.mark.parametrize(
    "value", ["abc", "1" * 40, "\x00", "12\x00", "-1", "1.5", "١٢", " 1", "9" * 19, "0x1"]
)
def test_marking_a_bad_id_is_refused_in_french_and_changes_nothing(coordinator, value):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    notification = notify(coordinator)
    response = client.post(MARK_READ, {"notification": value}, follow=True)
    assert response.status_code == 200
    assert "Notification inconnue : rien n'a été changé." in page_text(response)
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize(
    "path",
    [
        "/notifications/abc/ouvrir/",
        f"/notifications/{'1' * 40}/ouvrir/",
        f"/notifications/{'9' * 19}/ouvrir/",
        "/notifications/%00/ouvrir/",
        "/notifications/1%00/ouvrir/",
        "/notifications/-1/ouvrir/",
    ],
)
def test_opening_a_bad_id_is_a_french_404_and_changes_nothing(coordinator, path):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    notification = notify(coordinator)
    response = client.get(path)
    assert response.status_code == 404
    assert "Page introuvable" in page_text(response)
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "\x00"},
        {"page": "1" * 40},
        {"page": "-3"},
        {"non-lues": "\x00"},
        {"non-lues": "1", "page": "9" * 30},
    ],
)
def test_the_list_takes_bad_parameters_without_an_error(coordinator, query):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    notify(coordinator)
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert "RMM-T-0001" in page_text(response)


def test_the_pages_are_labelled_for_assistive_technology(client, coordinator):
    notify(coordinator)
    client.force_login(coordinator)
    listed = page_text(client.get(LIST))
    assert re.search(r"<h1[^>]*>Notifications</h1>", listed)
    assert (
        '<span class="visually-hidden"> notification non lue</span>' in listed
    )  # one unread: singular
    assert re.search(r'<button[^>]*>Marquer comme lue<span class="visually-hidden"> : ', listed)
    assert '<nav aria-label="Filtrer les notifications">' in listed
    assert '<nav aria-label="Pages de notifications">' not in listed  # one page only
    preferences = page_text(client.get(PREFERENCES))
    assert re.search(r"<h1[^>]*>Préférences de notification</h1>", preferences)
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', preferences)
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', preferences))
    assert ids and set(ids) <= labelled
    assert preferences.count("<legend") == len(OPTIONAL_KINDS)


# --- Preferences ------------------------------------------------------------------------------
def choices(language="fr", **deliveries) -> dict:
    data = dict.fromkeys(OPTIONAL_KINDS, Delivery.IMMEDIATE)
    data.update(deliveries)
    return {"language": language, **data}


def test_preferences_offer_only_the_optional_kinds_and_save_the_choices(client, coordinator):
    client.force_login(coordinator)
    page = page_text(client.get(PREFERENCES))
    for kind in OPTIONAL_KINDS:
        assert f'name="{kind}"' in page
    for kind in MANDATORY_KINDS:
        assert f'name="{kind}"' not in page
        assert str(Kind(kind).label) in page  # named as always e-mailed
    assert f'name="{Kind.DIGEST}"' not in page

    data = choices("en", case_declared="digest", case_not_accepted="off")
    data["agenda"] = "off"  # a mandatory kind, posted by hand: ignored
    response = client.post(PREFERENCES, data, follow=True)
    assert "Préférences de notification enregistrées." in page_text(response)
    saved = NotificationSettings.objects.get(user=coordinator)
    assert saved.language == "en"
    assert saved.delivery_of(Kind.CASE_DECLARED) == Delivery.DIGEST
    assert saved.delivery_of(Kind.CASE_NOT_ACCEPTED) == Delivery.OFF
    assert saved.delivery_of(Kind.ACTION_DUE) == Delivery.IMMEDIATE
    for kind in MANDATORY_KINDS:
        assert saved.delivery_of(kind) == Delivery.IMMEDIATE
    assert Kind.AGENDA not in saved.deliveries
    again = page_text(client.get(PREFERENCES))
    assert re.search(r'<option value="en" selected>', again)
    checked = {
        (re.search(r'name="([^"]+)"', tag).group(1), re.search(r'value="([^"]+)"', tag).group(1))
        for tag in re.findall(r'<input type="radio"[^>]*>', again)
        if " checked" in tag
    }
    assert (Kind.CASE_DECLARED, "digest") in checked
    assert (Kind.CASE_NOT_ACCEPTED, "off") in checked
    assert (Kind.ACTION_DUE, "immediate") in checked
    assert len(checked) == len(OPTIONAL_KINDS)


@pytest.mark.parametrize(
    "bad",
    [
        {"language": "xx"},
        {"language": "\x00"},
        {"case_declared": "never"},
        {"case_declared": "off\x00"},
        {"action_due": ""},
        {"language": "fr" * 3000},
    ],
)
def test_invalid_preferences_are_refused_in_french_and_nothing_is_saved(coordinator, bad):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    client.post(PREFERENCES, choices("fr", case_declared="off"))
    before = NotificationSettings.objects.values("language", "deliveries").get(user=coordinator)
    response = client.post(PREFERENCES, choices("en", action_due="digest") | bad)
    assert response.status_code == 400
    assert "Choix invalide : rien n'a été enregistré." in page_text(response)
    assert (
        NotificationSettings.objects.values("language", "deliveries").get(user=coordinator)
        == before
    )


def test_a_missing_field_is_refused_too(client, coordinator):
    client.force_login(coordinator)
    data = choices("en")
    del data[Kind.ACTION_DUE]
    response = client.post(PREFERENCES, data)
    assert response.status_code == 400
    assert not NotificationSettings.objects.exists()


def morning_after(hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def test_the_saved_choice_decides_the_e_mail_and_the_digest_gathers_them_once(
    client, coordinator, maternity, clinician, settings, queued
):
    settings.RMM_DIGEST_HOUR = 7
    client.force_login(coordinator)
    client.post(PREFERENCES, choices("fr", case_declared="digest", case_documenting_long="off"))
    cases = [CaseFactory(organisation=maternity, declared_by=clinician) for _ in range(2)]
    for case in cases:
        case_transition(case_id=case.pk, name="declare", by=clinician, expected_status="draft")
    record(
        [
            Due(Kind.CASE_DOCUMENTING_LONG, "cases.case", cases[0].pk, coordinator.pk, "d", {}),
            Due(Kind.ACTION_DUE, "actions.correctiveaction", 5, coordinator.pk, "d", {}),
        ]
    )
    states = dict(
        Notification.objects.values_list("kind", "email").filter(
            kind__in=[Kind.CASE_DOCUMENTING_LONG, Kind.ACTION_DUE]
        )
    )
    assert states == {
        Kind.CASE_DOCUMENTING_LONG: EmailState.OFF,
        Kind.ACTION_DUE: EmailState.PENDING,
    }

    def declared():
        return list(Notification.objects.filter(kind=Kind.CASE_DECLARED, recipient=coordinator))

    assert [n.email for n in declared()] == [EmailState.DIGEST] * 2

    assert deliver_all() == {"sent": 1}  # the immediate one only
    [immediate] = mail.outbox
    assert "A5" in immediate.subject
    mail.outbox.clear()

    sweep.sweep(now=morning_after(settings.RMM_DIGEST_HOUR) - timedelta(hours=1))
    assert not Notification.objects.filter(kind=Kind.DIGEST).exists()  # not before the hour

    sweep.sweep(now=morning_after(settings.RMM_DIGEST_HOUR))
    [digest] = Notification.objects.filter(kind=Kind.DIGEST)
    assert digest.recipient == coordinator and digest.email == EmailState.PENDING
    assert deliver_all() == {"sent": 1}
    [message] = mail.outbox
    assert message.to == [coordinator.email]
    assert message.subject.startswith("RMM — Votre récapitulatif RMM du ")
    for case in cases:
        assert case.code in message.body and case.code in message.alternatives[0][0]
    assert [(n.email, n.digest_id) for n in declared()] == [(EmailState.DIGESTED, digest.pk)] * 2
    assert Notification.objects.get(kind=Kind.CASE_DOCUMENTING_LONG).email == EmailState.OFF

    sweep.sweep(now=morning_after(settings.RMM_DIGEST_HOUR + 3))  # later the same day
    assert Notification.objects.filter(kind=Kind.DIGEST).count() == 1
    assert deliver_all() == {}
    assert len(mail.outbox) == 1


def test_e_mails_are_written_in_each_recipient_s_language(
    coordinator, quality_manager, chair, monkeypatch
):
    NotificationSettings.objects.create(user=coordinator, language="en")
    NotificationSettings.objects.create(user=quality_manager, language="fr")
    # chair: no preferences saved, French by default
    written_in = {}
    original = delivery.text_of

    def spy(notification):
        written_in.setdefault(notification.recipient_id, set()).add(translation.get_language())
        return original(notification)

    monkeypatch.setattr(delivery, "text_of", spy)
    with translation.override("fr"):  # whatever the language of the process that sends
        record(
            [
                Due(Kind.ACTION_DUE, "actions.correctiveaction", 3, user.pk, "d", {}, "/a/3/")
                for user in (coordinator, quality_manager, chair)
            ]
        )
        deliver_all()
    assert written_in == {coordinator.pk: {"en"}, quality_manager.pk: {"fr"}, chair.pk: {"fr"}}
    languages = {
        message.to[0]: re.search(r'<html lang="([^"]+)"', message.alternatives[0][0]).group(1)
        for message in mail.outbox
    }
    assert languages == {coordinator.email: "en", quality_manager.email: "fr", chair.email: "fr"}
