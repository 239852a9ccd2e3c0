import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import User
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")


def login(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def test_login_by_email_case_insensitive_lands_on_home(client, clinician):
    response = login(client, "CLINICIEN@Nord.test", TEST_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == clinician


def test_wrong_password_shows_a_french_error_and_opens_no_session(client, clinician):
    response = login(client, clinician.email, "mauvais-mot-de-passe")
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert (
        Session.objects.count() == 0 or "_auth_user_id" not in Session.objects.get().get_decoded()
    )


def test_account_locks_after_repeated_failures_even_for_the_right_password(
    client, clinician, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, clinician.email, "faux").status_code == 200
    locked = login(client, clinician.email, "faux")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Compte temporairement bloqué" in body
    assert clinician.email not in body
    assert login(client, clinician.email, TEST_PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_not_per_hospital_address(client, clinician, coordinator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, clinician.email, "faux")
    assert login(client, coordinator.email, TEST_PASSWORD).status_code == 302


def test_inactive_account_cannot_log_in(client, clinician, administrator):
    services.user_set_active(user=clinician, active=False, by=administrator)
    response = login(client, clinician.email, TEST_PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_ends_the_session(client, clinician):
    client.force_login(clinician)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_pages_require_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_session_expires_after_inactivity(client, clinician, settings):
    assert not settings.SESSION_SAVE_EVERY_REQUEST  # written at most once a minute
    client.force_login(clinician)
    assert client.get(reverse("home")).status_code == 200
    session = Session.objects.get()
    remaining = session.expire_date - timezone.now()
    assert timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < remaining
    assert remaining <= timedelta(seconds=settings.SESSION_COOKIE_AGE)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_password_change_requires_the_old_password(client, clinician):
    client.force_login(clinician)
    url = reverse("password_change")
    bad = client.post(
        url,
        {
            "old_password": "faux",
            "new_password1": "Nouveau-mdp-2026!",
            "new_password2": "Nouveau-mdp-2026!",
        },
    )
    assert bad.status_code == 200
    assert "ancien mot de passe est incorrect" in bad.content.decode()
    clinician.refresh_from_db()
    assert clinician.check_password(TEST_PASSWORD)
    good = client.post(
        url,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Nouveau-mdp-2026!",
            "new_password2": "Nouveau-mdp-2026!",
        },
    )
    assert good.status_code == 302
    clinician.refresh_from_db()
    assert clinician.check_password("Nouveau-mdp-2026!")


def test_password_reset_by_email_in_french(client, clinician):
    response = client.post(reverse("password_reset"), {"email": clinician.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "RMM : réinitialisation de votre mot de passe"
    assert message.to == [clinician.email]
    link = re.search(r"https?://[^/]+(/mot-de-passe/reinitialiser/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    final = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Encore-un-mdp-2026", "new_password2": "Encore-un-mdp-2026"},
    )
    assert final.status_code == 302
    assert User.objects.get(pk=clinician.pk).check_password("Encore-un-mdp-2026")
    # The link is single-use.
    again = client.get(link, follow=True)
    assert not again.context["validlink"]
    assert "n'est plus valable" in again.content.decode()


def test_password_reset_for_unknown_email_sends_nothing_and_reveals_nothing(client, clinician):
    response = client.post(reverse("password_reset"), {"email": "inconnu@nulle-part.test"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_password_reset_unlocks_a_locked_account(client, clinician, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, clinician.email, "faux")
    assert login(client, clinician.email, TEST_PASSWORD).status_code == 429
    client.post(reverse("password_reset"), {"email": clinician.email})
    link = re.search(r"https?://[^/]+(/mot-de-passe/reinitialiser/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Debloque-2026-mdp", "new_password2": "Debloque-2026-mdp"},
    )
    assert login(client, clinician.email, "Debloque-2026-mdp").status_code == 302
