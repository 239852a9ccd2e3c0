"""E-mail changes confirmed from the old address, passwords chosen by an administrator changed
at first login, and the append-only security log of every such event."""

import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts import services
from accounts.models import (
    AppendOnlyError,
    EmailChangeNeedsConfirmation,
    EmailChangeRequest,
    Membership,
    SecurityEvent,
    User,
)
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind


def user_change_data(user, **changes):
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "job_title": user.job_title,
        "is_active": "on",
        "date_joined_0": "01/01/2026",
        "date_joined_1": "10:00:00",
        "initial-date_joined_0": "01/01/2026",
        "initial-date_joined_1": "10:00:00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        # The committee seats shown beside the roles (committees.admin).
        "committee_memberships-TOTAL_FORMS": "0",
        "committee_memberships-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/adresse-email/confirmer/\S+/)", message.body).group(1)


# --- E-mail change --------------------------------------------------------------------------
def test_admin_email_change_waits_for_the_old_address_and_is_announced_to_it(
    client, administrator, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_change", args=[coordinator.pk]),
            user_change_data(coordinator, email="pirate@ailleurs.test"),
            follow=True,
        )
    assert "ancienne adresse" in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.email == "referent@nord.test"
    # One message, to the old address only; nothing identifying reaches the new one.
    assert [message.to for message in mail.outbox] == [["referent@nord.test"]]
    assert "pirate@ailleurs.test" in mail.outbox[0].body
    link = confirmation_link(mail.outbox[0])

    # Until confirmed, a reset asked for the new address sends nothing.
    client.logout()
    client.post(reverse("password_reset"), {"email": "pirate@ailleurs.test"})
    assert len(mail.outbox) == 1

    page = client.get(link)
    assert page.status_code == 200
    assert "Confirmer le changement" in page.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.email == "referent@nord.test"  # a GET (mail scanner) changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link, {"decision": "confirm"})
    assert "a été changée" in done.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.email == "pirate@ailleurs.test"
    assert mail.outbox[-1].to == ["referent@nord.test"]
    assert "a changé" in mail.outbox[-1].subject
    kinds = list(
        SecurityEvent.objects.filter(target=coordinator)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [Kind.EMAIL_CHANGE_REQUESTED, Kind.EMAIL_CHANGED]
    requested = SecurityEvent.objects.get(kind=Kind.EMAIL_CHANGE_REQUESTED)
    assert requested.actor == administrator and "pirate@ailleurs.test" in requested.detail

    # Single use.
    again = client.post(link, {"decision": "confirm"})
    assert again.status_code == 400
    assert "n'est plus valable" in again.content.decode()


def test_the_old_address_can_refuse(client, administrator, coordinator):
    change = services.email_change_request(
        user=coordinator, new_email="autre@nord.test", by=administrator
    )
    token = services._email_change_token(change)
    response = client.post(reverse("email_change_confirm", args=[token]), {"decision": "refuse"})
    assert "refusé" in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.email == "referent@nord.test"
    assert SecurityEvent.objects.filter(kind=Kind.EMAIL_CHANGE_REFUSED).exists()
    with pytest.raises(services.InvalidLink):
        services.email_change_confirm(token=token)


def test_expired_forged_or_overtaken_links_are_refused(client, administrator, coordinator):
    change = services.email_change_request(
        user=coordinator, new_email="autre@nord.test", by=administrator
    )
    token = services._email_change_token(change)
    two_days_later = time.time() + 49 * 3600
    with mock.patch("django.core.signing.time.time", return_value=two_days_later):
        response = client.post(reverse("email_change_confirm", args=[token]))
        assert response.status_code == 400
    assert client.get(reverse("email_change_confirm", args=[token + "x"])).status_code == 400
    # A second request confirmed first: the first link no longer matches the address.
    second = services.email_change_request(
        user=coordinator, new_email="troisieme@nord.test", by=administrator
    )
    services.email_change_confirm(token=services._email_change_token(second))
    with pytest.raises(services.InvalidLink):
        services.email_change_confirm(token=token)
    coordinator.refresh_from_db()
    assert coordinator.email == "troisieme@nord.test"


def test_the_model_refuses_an_unconfirmed_email_change(coordinator):
    user = User.objects.get(pk=coordinator.pk)
    user.email = "direct@nord.test"
    with pytest.raises(EmailChangeNeedsConfirmation):
        user.save()
    assert User.objects.get(pk=coordinator.pk).email == "referent@nord.test"
    assert not EmailChangeRequest.objects.exists()


# --- Password chosen by an administrator ----------------------------------------------------
def test_account_created_with_a_password_must_change_it_at_first_login(
    client, administrator, maternity
):
    """Accounts from before invitations, whose password an administrator chose: the service
    that flagged them still forces a change at the first login."""
    created = User.objects.create_user(
        email="qualite2@nord.test", password="Premier-mdp-2026!", full_name="Quentin Deux"
    )
    services.membership_save(
        membership=Membership(user=created, organisation=maternity, role="quality_manager"),
        by=administrator,
    )
    services.password_set_by_admin(user=created, by=administrator)
    created.refresh_from_db()
    assert created.must_change_password
    assert SecurityEvent.objects.filter(
        kind=Kind.PASSWORD_SET_BY_ADMIN, target=created, actor=administrator
    ).exists()

    client.logout()
    login = client.post(
        reverse("login"), {"username": created.email, "password": "Premier-mdp-2026!"}
    )
    assert login.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home.url == reverse("password_change")
    assert client.get(reverse("organisation_list")).url == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200
    changed = client.post(
        reverse("password_change"),
        {
            "old_password": "Premier-mdp-2026!",
            "new_password1": "Mon-propre-mdp-2026",
            "new_password2": "Mon-propre-mdp-2026",
        },
    )
    assert changed.status_code == 302
    created.refresh_from_db()
    assert not created.must_change_password
    assert client.get(reverse("home")).status_code == 200
    assert SecurityEvent.objects.filter(
        kind=Kind.PASSWORD_CHANGED, target=created, actor=created
    ).exists()


def test_logout_and_language_switch_stay_open_while_a_change_is_due(client, committee_member):
    User.objects.filter(pk=committee_member.pk).update(must_change_password=True)
    client.force_login(committee_member)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).url == "/"
    assert client.post(reverse("logout")).url == reverse("login")


def test_password_reset_request_and_completion_are_logged(client, clinician):
    client.post(reverse("password_reset"), {"email": clinician.email})
    assert SecurityEvent.objects.filter(
        kind=Kind.PASSWORD_RESET_REQUESTED, target=clinician, actor__isnull=True
    ).exists()
    link = re.search(r"https?://[^/]+(/mot-de-passe/reinitialiser/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Encore-un-mdp-2026", "new_password2": "Encore-un-mdp-2026"},
    )
    assert SecurityEvent.objects.filter(kind=Kind.PASSWORD_RESET_DONE, target=clinician).exists()
    client.post(reverse("password_reset"), {"email": "inconnu@nulle-part.test"})
    assert SecurityEvent.objects.filter(kind=Kind.PASSWORD_RESET_REQUESTED).count() == 1


# --- The security log -----------------------------------------------------------------------
@pytest.fixture
def event(administrator, clinician):
    return services.security_event_record(
        kind=Kind.ROLE_GRANTED, actor=administrator, target=clinician
    )


def test_the_log_refuses_changes_and_deletion_in_the_model(event):
    event.detail = "réécrit"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.all().update(detail="x")
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.all().delete()
    assert SecurityEvent.objects.get().detail == ""


def test_the_log_keeps_the_names_as_they_were(event, clinician):
    assert event.actor_name == "Ada Admin <admin@nord.test>"
    assert event.target_name == "Clara Clin <clinicien@nord.test>"


@pytest.mark.postgres
def test_the_database_refuses_update_delete_and_truncate_of_the_log(event):
    for statement in (
        "UPDATE accounts_securityevent SET detail = 'x'",
        "DELETE FROM accounts_securityevent",
        "TRUNCATE accounts_securityevent",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert SecurityEvent.objects.count() == 1


def test_the_log_admin_is_read_only_even_for_the_platform_operator(client, event):
    operator = User.objects.create_superuser(
        email="operateur@rmm.test", password=TEST_PASSWORD, full_name="Op"
    )
    client.force_login(operator)
    changelist = client.get(reverse("admin:accounts_securityevent_changelist"))
    assert changelist.status_code == 200
    assert event in changelist.context["cl"].result_list
    assert changelist.context["cl"].model_admin.get_actions(changelist.wsgi_request) == {}
    assert client.get(reverse("admin:accounts_securityevent_add")).status_code == 403
    change_url = reverse("admin:accounts_securityevent_change", args=[event.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    client.post(change_url, {"kind": "password_changed", "detail": "x"})
    delete_url = reverse("admin:accounts_securityevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    event = SecurityEvent.objects.get(pk=event.pk)
    assert (event.kind, event.detail) == (Kind.ROLE_GRANTED, "")


def test_administrators_see_the_log_of_their_territory_only(
    client, administrator, other_administrator, event, outsider
):
    elsewhere = services.security_event_record(
        kind=Kind.ROLE_GRANTED, actor=other_administrator, target=outsider
    )
    client.force_login(administrator)
    shown = set(
        client.get(reverse("admin:accounts_securityevent_changelist")).context["cl"].result_list
    )
    assert event in shown and elsewhere not in shown
