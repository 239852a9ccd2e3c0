"""No administrator reads a vault alone, even through a second administrator account they made:
administrator roles given by an administrator wait for another independent administrator (or
the platform operator), and two administrators count as two only if neither gave the other
their administrator role over the organisation. Starts with the security review's sequence."""

import re

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from accounts import demo, services
from accounts.models import (
    Membership,
    Role,
    RoleGrantRequest,
    SecurityEvent,
    User,
    VaultRoleNeedsConfirmation,
)
from cases.permissions import can_view_identity
from tests.factories import CaseFactory, MembershipFactory, UserFactory, member

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind
PUPPET_PASSWORD = "Marionnette-2026!"


def fresh(user):
    return User.objects.get(pk=user.pk)


def user_add(client, organisation, role, email, password=PUPPET_PASSWORD):
    """The administrator invites `email`, an address they control (the puppet of the review):
    they open the link themselves and choose `password`, in another browser."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_add"),
            {
                "email": email,
                "full_name": email.split("@")[0].title(),
                "job_title": "",
                "organisation": organisation.pk,
                "role": role,
            },
        )
    invitation = [m for m in mail.outbox if m.to == [email] and "/invitation/" in m.body]
    if response.status_code == 302 and invitation:
        path = re.search(r"https?://[^/\s]+(/invitation/\S+/)", invitation[-1].body).group(1)
        browser = Client()
        form = browser.get(path, follow=True)
        browser.post(
            form.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
        )
    return response


def decide(client, grant, confirm=True):
    name = "role_grant_confirm" if confirm else "role_grant_refuse"
    return client.post(reverse(name, args=[grant.pk]), follow=True)


@pytest.fixture
def demo_site():
    demo.load()
    south = Membership.objects.get(user__email="referent@rmm-demo.fr").organisation
    case = CaseFactory(
        organisation=south, declared_by=User.objects.get(email="declarant@rmm-demo.fr")
    )
    return {
        "admin": User.objects.get(email="admin@rmm-demo.fr"),
        "south": south,
        "network": south.parent,
        "case": case,
    }


def remove_the_only_coordinator(client, site):
    """Step 1 of the review: immediate, and logged as the organisation's last coordinator."""
    client.force_login(site["admin"])
    row = Membership.objects.get(user__email="referent@rmm-demo.fr", role=Role.COORDINATOR)
    response = client.post(
        reverse("admin:accounts_membership_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=row.pk).exists()
    event = SecurityEvent.objects.get(kind=Kind.ROLE_REVOKED, role=Role.COORDINATOR)
    assert event.actor == site["admin"] and event.organisation == site["south"]
    assert "Dernier référent RMM" in event.detail
    assert "deux administrateurs indépendants" in event.detail


# --- The security review's sequence ---------------------------------------------------------
def test_review_sequence_a_puppet_administrator_waits_and_cannot_ask_for_a_vault_role(
    client, demo_site
):
    site = demo_site
    remove_the_only_coordinator(client, site)

    # Step 2: the puppet administrator account is created, but its role waits.
    response = user_add(client, site["south"], Role.ADMINISTRATOR, "puppet@evil.test")
    assert response.status_code == 302
    puppet = User.objects.get(email="puppet@evil.test")
    assert list(puppet.memberships.values_list("role", "is_active")) == [
        (Role.ADMINISTRATOR, False)
    ]
    grant = RoleGrantRequest.objects.get(user=puppet)
    assert (grant.role, grant.status, grant.requested_by) == (
        Role.ADMINISTRATOR,
        RoleGrantRequest.Status.PENDING,
        site["admin"],
    )
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("rôle sensible" in m for m in messages)
    # The requester cannot confirm it, even by URL.
    assert decide(client, grant).status_code == 404
    assert fresh(grant.user).memberships.get().is_active is False

    # Step 3: the puppet logs in; it administers nothing, so it cannot ask for a vault role.
    client.logout()
    login = client.post(
        reverse("login"), {"username": "puppet@evil.test", "password": PUPPET_PASSWORD}
    )
    assert login.status_code == 302
    known = "Marionnette-choisie-2026!"
    client.post(
        reverse("password_change"),
        {"old_password": PUPPET_PASSWORD, "new_password1": known, "new_password2": known},
    )
    assert not fresh(puppet).must_change_password
    assert not fresh(puppet).is_staff
    response = user_add(client, site["south"], Role.COORDINATOR, "mole@evil.test")
    assert response.status_code == 302 and "/login/" in response.url
    assert not User.objects.filter(email="mole@evil.test").exists()
    mole = UserFactory(email="mole@evil.test")
    with pytest.raises(services.NotAllowed, match="n'administrez pas"):
        services.role_grant_request(
            user=mole, organisation=site["south"], role=Role.COORDINATOR, by=fresh(puppet)
        )
    assert not RoleGrantRequest.objects.filter(user=mole).exists()
    assert not can_view_identity(fresh(mole), site["case"])
    assert not can_view_identity(fresh(puppet), site["case"])


def test_review_sequence_with_a_confirmed_puppet_its_maker_cannot_confirm_the_mole(
    client, demo_site
):
    """A colleague was fooled into confirming the puppet's administrator role: the puppet's
    vault request still needs an administrator independent of both the puppet and its maker."""
    site = demo_site
    remove_the_only_coordinator(client, site)
    user_add(client, site["south"], Role.ADMINISTRATOR, "puppet@evil.test")
    puppet = User.objects.get(email="puppet@evil.test")
    fooled = member(Role.ADMINISTRATOR, site["network"], email="collegue@rmm-demo.fr")
    services.role_grant_confirm(grant=RoleGrantRequest.objects.get(user=puppet), by=fooled)
    assert puppet.memberships.get().is_active

    # Step 3: the puppet asks for "Référent RMM" for the mole (pending).
    client.force_login(fresh(puppet))
    user_add(client, site["south"], Role.COORDINATOR, "mole@evil.test")
    mole = User.objects.get(email="mole@evil.test")
    grant = RoleGrantRequest.objects.get(user=mole)
    assert (grant.role, grant.requested_by) == (Role.COORDINATOR, puppet)

    # Step 4: the real administrator made the puppet: not a second administrator.
    client.force_login(site["admin"])
    assert client.get(reverse("role_grant_list")).context["to_decide"] == []
    assert decide(client, grant).status_code == 404
    with pytest.raises(services.NotAllowed, match="Vous avez attribué son rôle"):
        services.role_grant_confirm(grant=grant, by=fresh(site["admin"]))
    # Nor is the colleague who confirmed the puppet's role.
    with pytest.raises(services.NotAllowed, match="Vous avez attribué son rôle"):
        services.role_grant_confirm(grant=grant, by=fresh(fooled))
    grant.refresh_from_db()
    assert grant.status == RoleGrantRequest.Status.PENDING
    # Step 5: the vault stays closed.
    assert not can_view_identity(fresh(mole), site["case"])
    client.force_login(mole)
    assert client.get(reverse("cases:identity", args=[site["case"].pk])).status_code in (
        302,
        403,
        404,
    )


def test_an_administrator_role_given_before_the_fix_does_not_make_its_giver_independent(
    administrator, maternity, network
):
    """Existing data: a puppet made administrator directly by the requester's own confirmer."""
    puppet = UserFactory(email="puppet@evil.test")
    MembershipFactory(
        user=puppet, organisation=maternity, role=Role.ADMINISTRATOR, granted_by=administrator
    )
    mole = UserFactory(email="mole@evil.test")
    grant = services.role_grant_request(
        user=mole, organisation=maternity, role=Role.COORDINATOR, by=fresh(puppet)
    )
    with pytest.raises(services.NotAllowed, match="Vous avez attribué son rôle"):
        services.role_grant_confirm(grant=grant, by=administrator)
    assert not Membership.objects.get(user=mole).is_active
    # An administrator independent of both confirms.
    independent = member(Role.ADMINISTRATOR, network, email="admin2@nord.test")
    services.role_grant_confirm(grant=grant, by=independent)
    assert Membership.objects.get(user=mole).is_active


# --- Every route gives an administrator role only as a pending request ----------------------
def test_membership_admin_add_and_role_change_are_pending(
    client, administrator, maternity, quality_manager, clinician
):
    client.force_login(administrator)
    client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": clinician.pk,
            "organisation": maternity.pk,
            "role": Role.ADMINISTRATOR,
            "is_active": "on",
        },
    )
    assert not Membership.objects.get(user=clinician, role=Role.ADMINISTRATOR).is_active
    row = quality_manager.memberships.get()
    client.post(
        reverse("admin:accounts_membership_change", args=[row.pk]),
        {
            "user": quality_manager.pk,
            "organisation": maternity.pk,
            "role": Role.ADMINISTRATOR,
            "is_active": "on",
        },
    )
    row.refresh_from_db()
    assert (row.role, row.is_active) == (Role.QUALITY_MANAGER, True)
    pending = RoleGrantRequest.objects.filter(status="pending", role=Role.ADMINISTRATOR)
    assert set(pending.values_list("user", flat=True)) == {clinician.pk, quality_manager.pk}
    assert not fresh(quality_manager).is_staff


def test_user_inline_and_shell_are_pending(client, administrator, quality_manager, maternity):
    from tests.accounts.test_vault_roles import inline_post

    row = quality_manager.memberships.get()
    client.force_login(administrator)
    data = inline_post(
        quality_manager,
        [{"id": row.pk, "organisation": maternity.pk, "role": Role.QUALITY_MANAGER}],
        [{"organisation": maternity.pk, "role": Role.ADMINISTRATOR}],
    )
    response = client.post(reverse("admin:accounts_user_change", args=[quality_manager.pk]), data)
    assert response.status_code == 302
    assert not Membership.objects.get(user=quality_manager, role=Role.ADMINISTRATOR).is_active
    user = UserFactory()
    grant = services.membership_save(
        membership=Membership(user=user, organisation=maternity, role=Role.ADMINISTRATOR),
        by=administrator,
    )
    assert grant.status == RoleGrantRequest.Status.PENDING
    assert not Membership.objects.get(user=user).is_active


def test_the_model_refuses_an_administrator_role_by_any_other_way(maternity, clinician):
    user = UserFactory()
    with pytest.raises(VaultRoleNeedsConfirmation):
        Membership.objects.create(user=user, organisation=maternity, role=Role.ADMINISTRATOR)
    with pytest.raises(VaultRoleNeedsConfirmation):
        Membership.objects.bulk_create(
            [Membership(user=user, organisation=maternity, role=Role.ADMINISTRATOR)]
        )
    row = clinician.memberships.get()
    with pytest.raises(VaultRoleNeedsConfirmation):
        Membership.objects.filter(pk=row.pk).update(role=Role.ADMINISTRATOR)
    row.role = Role.ADMINISTRATOR
    with pytest.raises(VaultRoleNeedsConfirmation):
        row.save()
    assert not Membership.objects.filter(role=Role.ADMINISTRATOR, user__in=[user, clinician])


def test_reactivation_puts_an_administrator_role_back_to_confirmation(
    administrator, maternity, network
):
    local_admin = member(Role.ADMINISTRATOR, maternity, email="admin.mat@nord.test")
    services.user_set_active(user=local_admin, active=False, by=administrator)
    (grant,) = services.user_set_active(user=local_admin, active=True, by=administrator)
    assert grant.role == Role.ADMINISTRATOR
    assert not Membership.objects.get(user=local_admin).is_active
    assert not fresh(local_admin).is_staff
    # The platform operator's reactivation gives it back at once.
    operator = UserFactory(email="operateur@rmm.test", is_superuser=True)
    other = member(Role.ADMINISTRATOR, maternity, email="admin.mat2@nord.test")
    services.user_set_active(user=other, active=False, by=operator)
    assert services.user_set_active(user=other, active=True, by=operator) == []
    assert Membership.objects.get(user=other).is_active


# --- Who confirms an administrator role -----------------------------------------------------
def test_only_an_independent_administrator_or_the_operator_confirms(
    client,
    administrator,
    coordinator,
    maternity,
    network,
    other_administrator,
    django_capture_on_commit_callbacks,
):
    made_by_requester = UserFactory(email="fait.par.ada@nord.test")
    MembershipFactory(
        user=made_by_requester,
        organisation=network,
        role=Role.ADMINISTRATOR,
        granted_by=administrator,
    )
    independent = member(Role.ADMINISTRATOR, network, email="admin2@nord.test")
    client.force_login(administrator)
    user_add(client, maternity, Role.ADMINISTRATOR, "nouvel.admin@nord.test")  # runs on_commit
    grantee = User.objects.get(email="nouvel.admin@nord.test")
    grant = RoleGrantRequest.objects.get(user=grantee)
    # Only the independent administrator is asked (the requester's own creation is not).
    notices = [message for message in mail.outbox if "/invitation/" not in message.body]
    assert [message.to for message in notices] == [[independent.email]]
    assert "administrateur" in notices[0].body

    refusals = {
        administrator: "ne peut pas la confirmer",
        grantee: "lui est attribué",
        coordinator: "Seul un autre administrateur",
        other_administrator: "Seul un autre administrateur",
        made_by_requester: "attribué par l'auteur",
    }
    for user, reason in refusals.items():
        with pytest.raises(services.NotAllowed, match=reason):
            services.role_grant_confirm(grant=grant, by=fresh(user))
    client.force_login(independent)
    assert [g.pk for g in client.get(reverse("role_grant_list")).context["to_decide"]] == [grant.pk]
    response = decide(client, grant)
    assert "est désormais actif" in response.content.decode()
    assert Membership.objects.get(user=grantee).is_active
    event = SecurityEvent.objects.get(kind=Kind.ROLE_GRANTED, target=grantee)
    assert "deux administrateurs" in event.detail
    # The grantee chose their password through the invitation sent to their own address (the
    # address is the boundary, as for a reset link): nothing to disable.
    assert fresh(grantee).has_usable_password()
    assert not SecurityEvent.objects.filter(kind=Kind.PASSWORD_DISABLED, target=grantee).exists()


def test_the_platform_operator_confirms_or_gives_an_administrator_role(
    client, administrator, maternity
):
    operator = UserFactory(email="operateur@rmm.test", is_superuser=True)
    grant = services.membership_save(
        membership=Membership(user=UserFactory(), organisation=maternity, role=Role.ADMINISTRATOR),
        by=administrator,
    )
    services.role_grant_confirm(grant=grant, by=operator)
    assert Membership.objects.get(user=grant.user).is_active
    assert (
        "opérateur" in SecurityEvent.objects.get(kind=Kind.ROLE_GRANTED, target=grant.user).detail
    )

    # Bootstrap of an installation: the operator gives an administrator role at once.
    client.force_login(operator)
    user_add(client, maternity, Role.ADMINISTRATOR, "premier.admin@nord.test")
    first = User.objects.get(email="premier.admin@nord.test")
    assert first.memberships.get().is_active and first.memberships.get().granted_by == operator
    assert not RoleGrantRequest.objects.filter(user=first).exists()
    event = SecurityEvent.objects.get(kind=Kind.ROLE_GRANTED, target=first)
    assert event.actor == operator and "opérateur" in event.detail
    # Never to themselves.
    with pytest.raises(services.NotAllowed, match="s'attribue un rôle d'administrateur"):
        services.membership_save(
            membership=Membership(user=operator, organisation=maternity, role=Role.ADMINISTRATOR),
            by=operator,
        )


def test_an_administrator_does_not_choose_another_administrators_password(
    client, administrator, maternity
):
    """Otherwise they would sign in as that administrator and confirm as a second one: no page
    sets a password, and a new link goes to the account's own address only while it has
    never chosen one."""
    local_admin = member(Role.ADMINISTRATOR, maternity, email="admin.mat@nord.test")
    old = fresh(local_admin).password
    client.force_login(administrator)
    client.post(
        f"/admin/accounts/user/{local_admin.pk}/password/",
        {"password1": "Pris-en-main-2026!", "password2": "Pris-en-main-2026!"},
    )
    response = client.post(
        reverse("admin:accounts_user_invitation_resend", args=[local_admin.pk]), follow=True
    )
    assert "a déjà choisi son mot de passe" in response.content.decode()
    assert fresh(local_admin).password == old
    assert mail.outbox == []


# --- The last coordinator leaving: immediate, logged ----------------------------------------
def test_deactivating_the_last_coordinator_is_immediate_and_logged(
    administrator, coordinator, maternity
):
    services.user_set_active(user=coordinator, active=False, by=administrator)
    event = SecurityEvent.objects.get(kind=Kind.ACCOUNT_DEACTIVATED, target=coordinator)
    assert "Dernier référent RMM" in event.detail and maternity.name in event.detail
    services.user_set_active(user=coordinator, active=True, by=administrator)
    assert RoleGrantRequest.objects.get(user=coordinator).role == Role.COORDINATOR
    assert not Membership.objects.get(user=coordinator).is_active

    second = member(Role.COORDINATOR, maternity, email="ref2@nord.test")
    row = second.memberships.get()
    row.is_active = False
    services.membership_save(membership=row, by=administrator)
    revoked = SecurityEvent.objects.get(kind=Kind.ROLE_REVOKED, target=second)
    assert "Dernier référent RMM" in revoked.detail


def test_the_operator_cannot_confirm_a_vault_role_asked_by_an_administrator_it_made(
    client, demo_site
):
    """Second security review: the operator made a puppet administrator at once, the puppet
    removed the only coordinator and asked for a coordinator role for a third account; the
    operator then confirmed it and the third account read a vault."""
    operator = User.objects.create_superuser(
        email="op@rmm.test", password=PUPPET_PASSWORD, full_name="Opérateur"
    )
    client.force_login(operator)
    user_add(client, demo_site["south"], Role.ADMINISTRATOR, "puppet@evil.test")
    puppet = User.objects.get(email="puppet@evil.test")
    assert Membership.objects.get(user=puppet, role=Role.ADMINISTRATOR).is_active
    remove_the_only_coordinator(client, {**demo_site, "admin": demo_site["admin"]})
    mole = UserFactory(email="mole@evil.test")
    grant = services.role_grant_request(
        user=mole, organisation=demo_site["south"], role=Role.COORDINATOR, by=puppet
    )
    client.force_login(operator)
    decide(client, grant)
    assert RoleGrantRequest.objects.get(pk=grant.pk).status == RoleGrantRequest.Status.PENDING
    assert not can_view_identity(fresh(mole), demo_site["case"])
