"""Invitations: an administrator of the organisation enters who the person is and their role
(and, where relevant, their committee seat); the account is created without a usable password
and its owner chooses one through a one-time link sent to their own address. No administrator
ever types, sees or passes on a password; sensitive roles still wait for a second person."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Membership, Role, RoleGrantRequest, SecurityEvent, User
from committees.models import CommitteeMember
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind
NEW_PASSWORD = "Mon-propre-mdp-2026!"


def invite(client, organisation, role, email="nouveau@nord.test", **extra):
    data = {
        "email": email,
        "full_name": "Noé Nouveau",
        "job_title": "Pédiatre",
        "organisation": getattr(organisation, "pk", organisation or ""),
        "role": role,
        "committee": "",
        "committee_role": "",
        "specialty": "",
    }
    data.update(extra)
    return post(client, reverse("admin:accounts_user_add"), data)


def post(client, url, data=None, **kwargs):
    """A request whose after-commit e-mails leave (tests run inside a transaction)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {}, **kwargs)


def link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/invitation/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def accept(client, path, password=NEW_PASSWORD):
    """Open the link as its recipient and choose a password; returns the final response."""
    form = client.get(path, follow=True)
    assert form.status_code == 200
    return client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"new_password1": password, "new_password2": password},
        follow=True,
    )


# --- The administrator's side ---------------------------------------------------------------
def test_the_invitation_page_asks_no_password(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("admin:accounts_user_add"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Inviter un utilisateur" in html
    assert 'type="password"' not in html and "password1" not in html
    assert "Ajout de" not in html


def test_administrator_invites_a_quality_manager_who_chooses_their_password(
    client, administrator, maternity
):
    client.force_login(administrator)
    with_callbacks = invite(client, maternity, Role.QUALITY_MANAGER)
    assert with_callbacks.status_code == 302
    created = User.objects.get(email="nouveau@nord.test")
    assert not created.has_usable_password()
    assert created.memberships.get().role == Role.QUALITY_MANAGER
    assert created.memberships.get().is_active  # not a sensitive role: active at once
    assert SecurityEvent.objects.filter(
        kind=Kind.INVITATION_SENT, target=created, actor=administrator
    ).exists()
    (message,) = mail.outbox
    assert message.to == ["nouveau@nord.test"]
    path = link_in(message)

    client.logout()
    done = accept(client, path)
    assert done.redirect_chain[-1][0] == reverse("login")
    assert "Votre mot de passe est enregistré" in done.content.decode()
    created.refresh_from_db()
    assert created.check_password(NEW_PASSWORD)
    assert not created.must_change_password and not created.password_set_by_admin
    assert SecurityEvent.objects.filter(kind=Kind.INVITATION_ACCEPTED, target=created).exists()
    login = client.post(reverse("login"), {"username": created.email, "password": NEW_PASSWORD})
    assert login.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_the_email_carries_the_link_only(client, administrator, maternity):
    client.force_login(administrator)
    invite(client, maternity, Role.CLINICIAN, full_name="Zébulon Identitaire")
    (message,) = mail.outbox
    texts = [message.subject, message.body, message.alternatives[0][0]]
    for text in texts:
        assert "Zébulon" not in text and "Identitaire" not in text
        assert maternity.name not in text  # who works where stays out of a mistyped address
        assert "Pédiatre" not in text
        assert User.objects.get(email="nouveau@nord.test").password not in text
    assert "/invitation/" in message.body


def test_a_vault_role_invited_still_waits_for_the_coordinator(
    client, administrator, coordinator, maternity
):
    client.force_login(administrator)
    invite(client, maternity, Role.CLINICIAN)
    created = User.objects.get(email="nouveau@nord.test")
    membership = Membership.objects.get(user=created)
    assert not membership.is_active
    grant = RoleGrantRequest.objects.get(user=created, status=RoleGrantRequest.Status.PENDING)
    assert grant.requested_by == administrator
    # The invitation and the coordinator's notice both left.
    assert {tuple(m.to) for m in mail.outbox} == {("nouveau@nord.test",), (coordinator.email,)}
    with pytest.raises(services.NotAllowed):
        services.role_grant_confirm(grant=grant, by=administrator)
    services.role_grant_confirm(grant=grant, by=coordinator)
    assert Membership.objects.get(user=created).is_active
    assert not User.objects.get(pk=created.pk).has_usable_password()  # still theirs to choose


def test_an_administrator_role_invited_waits_for_another_administrator(
    client, administrator, network
):
    client.force_login(administrator)
    invite(client, network, Role.ADMINISTRATOR, email="second@nord.test")
    created = User.objects.get(email="second@nord.test")
    assert not created.memberships.get().is_active
    assert RoleGrantRequest.objects.filter(user=created, role=Role.ADMINISTRATOR).exists()


# --- Who may invite -------------------------------------------------------------------------
@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_no_other_role_may_invite(client, every_role, maternity, role):
    if role not in every_role:
        pytest.skip("role without a fixture")
    client.force_login(every_role[role])
    response = invite(client, maternity, Role.QUALITY_MANAGER)
    assert response.status_code in (302, 403)
    assert not User.objects.filter(email="nouveau@nord.test").exists()
    with pytest.raises(services.NotAllowed):
        services.user_invite(
            email="nouveau@nord.test",
            full_name="Noé",
            organisation=maternity,
            role=Role.QUALITY_MANAGER,
            by=every_role[role],
        )


def test_an_administrator_of_another_network_cannot_invite_here(
    client, other_administrator, maternity
):
    client.force_login(other_administrator)
    response = invite(client, maternity, Role.QUALITY_MANAGER)
    assert response.status_code == 200  # the form again: this organisation is not a choice
    assert "organisation" in response.context["adminform"].form.errors
    assert not User.objects.filter(email="nouveau@nord.test").exists()
    with pytest.raises(services.NotAllowed):
        services.user_invite(
            email="nouveau@nord.test",
            full_name="Noé",
            organisation=maternity,
            role=Role.QUALITY_MANAGER,
            by=other_administrator,
        )
    assert mail.outbox == []


def test_anonymous_visitors_cannot_invite(client, maternity):
    response = invite(client, maternity, Role.QUALITY_MANAGER)
    assert response.status_code == 302 and "login" in response.url
    assert not User.objects.filter(email="nouveau@nord.test").exists()


# --- Hostile or careless input --------------------------------------------------------------
def test_a_committee_role_cannot_be_typed_as_an_organisation_role(client, administrator, maternity):
    client.force_login(administrator)
    response = invite(client, maternity, Role.COMMITTEE_CHAIR)
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert not User.objects.filter(email="nouveau@nord.test").exists()
    with pytest.raises(services.NotAllowed):
        services.user_invite(
            email="nouveau@nord.test",
            full_name="Noé",
            organisation=maternity,
            role=Role.COMMITTEE_CHAIR,
            by=administrator,
        )


def test_an_existing_address_is_refused_whatever_its_case(client, administrator, maternity):
    UserFactory(email="deja@nord.test")
    client.force_login(administrator)
    response = invite(client, maternity, Role.QUALITY_MANAGER, email="  DEJA@Nord.test ")
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="deja@nord.test").count() == 1
    assert mail.outbox == []


def test_an_existing_address_is_refused_in_plain_french(client, administrator, maternity):
    UserFactory(email="deja@nord.test")
    client.force_login(administrator)
    html = invite(client, maternity, Role.QUALITY_MANAGER, email="deja@nord.test").content
    assert "Un compte existe déjà avec cette adresse e-mail." in html.decode()
    assert "Un objet" not in html.decode()


def test_an_address_is_stored_lowercase(client, administrator, maternity):
    client.force_login(administrator)
    invite(client, maternity, Role.QUALITY_MANAGER, email="Nouvelle.Personne@Nord.TEST")
    assert User.objects.filter(email="nouvelle.personne@nord.test").exists()


def test_markup_and_line_breaks_in_a_name_stay_text(client, administrator, maternity):
    client.force_login(administrator)
    invite(
        client,
        maternity,
        Role.QUALITY_MANAGER,
        full_name="<script>alert(1)</script>\r\nBcc: x@evil.test",
    )
    created = User.objects.get(email="nouveau@nord.test")
    assert "\n" not in created.full_name and "\r" not in created.full_name
    page = client.get(reverse("admin:accounts_user_change", args=[created.pk]))
    assert b"<script>alert(1)</script>" not in page.content
    (message,) = mail.outbox
    assert message.to == ["nouveau@nord.test"] and not message.bcc


def test_nothing_given_is_refused(client, administrator, maternity):
    client.force_login(administrator)
    response = invite(client, maternity, "")
    assert response.status_code == 200
    assert "Donnez au moins un rôle ou un siège de comité." in response.content.decode()
    assert not User.objects.filter(email="nouveau@nord.test").exists()


def test_a_forged_organisation_or_committee_id_is_refused(
    client, administrator, other_maternity, other_network
):
    from committees.models import Committee

    foreign = Committee.objects.create(name="Comité Sud", organisation=other_network)
    client.force_login(administrator)
    for data in (
        {"organisation": other_maternity.pk, "role": Role.QUALITY_MANAGER},
        {"organisation": "", "role": "", "committee": foreign.pk, "committee_role": "member"},
        {"organisation": "1e9999", "role": Role.QUALITY_MANAGER},
    ):
        response = invite(client, data.pop("organisation"), data.pop("role"), **data)
        assert response.status_code == 200
    assert not User.objects.filter(email="nouveau@nord.test").exists()


# --- No password anywhere -------------------------------------------------------------------
def test_no_page_shows_or_sets_a_password(client, administrator, maternity, quality_manager):
    client.force_login(administrator)
    page = client.get(reverse("admin:accounts_user_change", args=[quality_manager.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert quality_manager.password not in html
    assert 'type="password"' not in html
    assert "md5$" not in html and "pbkdf2" not in html
    old_password_page = client.get(f"/admin/accounts/user/{quality_manager.pk}/password/")
    assert old_password_page.status_code in (302, 404)
    assert client.get(old_password_page.url if old_password_page.status_code == 302 else "/")
    quality_manager.refresh_from_db()
    assert not quality_manager.password_set_by_admin


# --- The link -------------------------------------------------------------------------------
def test_a_used_link_says_so(client, administrator, maternity):
    client.force_login(administrator)
    invite(client, maternity, Role.QUALITY_MANAGER)
    path = link_in(mail.outbox[0])
    client.logout()
    accept(client, path)
    again = client.get(path, follow=True)
    assert "Ce lien d'invitation a déjà servi" in again.content.decode()


def test_an_expired_link_says_so(client, administrator, maternity):
    client.force_login(administrator)
    invite(client, maternity, Role.QUALITY_MANAGER)
    path = link_in(mail.outbox[0])
    client.logout()
    # A day past the limit: time-machine and the token's naive local clock may differ by the
    # time zone's offset.
    later = timezone.now() + timedelta(seconds=services.INVITATION_MAX_AGE, days=1)
    with time_machine.travel(later):
        page = client.get(path, follow=True)
    html = page.content.decode()
    assert "n'est plus valable" in html and "renvoyer l'invitation" in html
    assert not User.objects.get(email="nouveau@nord.test").has_usable_password()


def test_a_password_reset_token_does_not_open_an_invitation(client, administrator, maternity):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    client.force_login(administrator)
    invite(client, maternity, Role.QUALITY_MANAGER)
    created = User.objects.get(email="nouveau@nord.test")
    uid = urlsafe_base64_encode(force_bytes(created.pk))
    token = default_token_generator.make_token(created)
    client.logout()
    page = client.get(reverse("invitation_accept", args=[uid, token]), follow=True)
    assert "n'est plus valable" in page.content.decode()


def test_resending_kills_the_earlier_link(client, administrator, maternity):
    client.force_login(administrator)
    invite(client, maternity, Role.QUALITY_MANAGER)
    created = User.objects.get(email="nouveau@nord.test")
    first = link_in(mail.outbox[0])
    page = client.get(reverse("admin:accounts_user_change", args=[created.pk]))
    assert "Renvoyer l'invitation" in page.content.decode()
    resent = post(
        client, reverse("admin:accounts_user_invitation_resend", args=[created.pk]), follow=True
    )
    assert "Nouvelle invitation envoyée" in resent.content.decode()
    second = link_in(mail.outbox[1])
    assert first != second
    client.logout()
    assert "n'est plus valable" in client.get(first, follow=True).content.decode()
    accept(client, second)
    assert User.objects.get(pk=created.pk).check_password(NEW_PASSWORD)


def test_resending_after_the_password_was_chosen_is_refused(client, administrator, quality_manager):
    client.force_login(administrator)
    response = post(
        client,
        reverse("admin:accounts_user_invitation_resend", args=[quality_manager.pk]),
        follow=True,
    )
    assert "a déjà choisi son mot de passe" in response.content.decode()
    assert mail.outbox == []


def test_only_a_managing_administrator_resends(
    client, administrator, other_administrator, maternity
):
    invited, _grant = services.user_invite(
        email="nouveau@nord.test",
        full_name="Noé",
        organisation=maternity,
        role=Role.QUALITY_MANAGER,
        by=administrator,
    )
    with pytest.raises(services.NotAllowed):
        services.user_invitation_resend(user=invited, by=other_administrator)
    client.force_login(other_administrator)
    post(client, reverse("admin:accounts_user_invitation_resend", args=[invited.pk]))
    assert mail.outbox == []
    assert not SecurityEvent.objects.filter(
        kind=Kind.INVITATION_SENT, actor=other_administrator
    ).exists()


# --- One screen: a role and a committee seat ------------------------------------------------
def test_invitation_with_a_committee_seat_writes_the_seat_and_its_role(
    client, administrator, maternity, committee
):
    client.force_login(administrator)
    response = invite(
        client,
        maternity,
        Role.QUALITY_MANAGER,
        committee=committee.pk,
        committee_role="chair",
        specialty="Pédiatrie",
    )
    assert response.status_code == 302
    created = User.objects.get(email="nouveau@nord.test")
    seat = CommitteeMember.objects.get(user=created)
    assert (seat.committee, seat.role, seat.specialty) == (committee, "chair", "Pédiatrie")
    roles = set(created.memberships.values_list("organisation__name", "role"))
    assert roles == {
        (maternity.name, Role.QUALITY_MANAGER),
        (committee.organisation.name, Role.COMMITTEE_CHAIR),
    }


def test_a_seat_alone_is_enough_for_an_external_expert(client, administrator, committee):
    client.force_login(administrator)
    response = invite(client, "", "", committee=committee.pk, committee_role="external_expert")
    assert response.status_code == 302
    created = User.objects.get(email="nouveau@nord.test")
    assert CommitteeMember.objects.get(user=created).role == "external_expert"
    assert set(created.memberships.values_list("role", flat=True)) == {Role.COMMITTEE_MEMBER}


def test_a_committee_without_its_role_is_refused(client, administrator, maternity, committee):
    client.force_login(administrator)
    response = invite(client, maternity, Role.QUALITY_MANAGER, committee=committee.pk)
    assert response.status_code == 200
    assert "committee_role" in response.context["adminform"].form.errors
    assert not User.objects.filter(email="nouveau@nord.test").exists()


def test_password_rules_are_shown_under_the_new_password(client, administrator, maternity):
    client.force_login(administrator)
    invite(client, maternity, Role.QUALITY_MANAGER)
    path = link_in(mail.outbox[0])
    client.logout()
    page = client.get(path, follow=True)
    form_url = page.redirect_chain[-1][0]
    assert form_url.endswith("/choisir-mot-de-passe/")
    refused = client.post(form_url, {"new_password1": "court", "new_password2": "court"})
    errors = refused.context["form"].errors
    assert "new_password1" in errors and "new_password2" not in errors
    mismatch = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    )
    assert list(mismatch.context["form"].errors) == ["new_password2"]


def test_a_form_opened_at_the_old_english_address_still_works(client, administrator, maternity):
    client.force_login(administrator)
    invite(client, maternity, Role.QUALITY_MANAGER)
    path = link_in(mail.outbox[0])
    client.logout()
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    old_url = form_url.replace("/choisir-mot-de-passe/", "/set-password/")
    done = client.post(
        old_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert done.redirect_chain[0] == (form_url, 307)
    assert User.objects.get(email="nouveau@nord.test").check_password(NEW_PASSWORD)
