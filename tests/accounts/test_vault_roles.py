"""No administrator becomes a reader of the identity vaults alone: a role that opens them
(declarant, coordinator), given through any route, waits for a coordinator of the organisation
(or, for its first one, a second administrator); nobody confirms a role given to themselves."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import (
    Membership,
    Role,
    RoleGrantRequest,
    SecurityEvent,
    User,
    VaultRoleNeedsConfirmation,
)
from cases.permissions import can_view_identity
from tests.factories import CaseFactory, MaternityFactory, UserFactory, member

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind


def fresh(user):
    """A new user object: role caches live on the instance."""
    return User.objects.get(pk=user.pk)


def admin_user_add(client, organisation, role, email="nouveau@nord.test"):
    return client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": email,
            "full_name": "Noé Nouveau",
            "job_title": "Pédiatre",
            "organisation": organisation.pk,
            "role": role,
        },
    )


def decide(client, grant, confirm=True):
    name = "role_grant_confirm" if confirm else "role_grant_refuse"
    return client.post(reverse(name, args=[grant.pk]), follow=True)


# --- Admin creates a coordinator: nothing opens until a coordinator confirms ----------------
def test_administrator_creates_a_coordinator_who_reads_no_vault_until_confirmed(
    client, administrator, coordinator, maternity
):
    case = CaseFactory(organisation=maternity, declared_by=coordinator)
    client.force_login(administrator)
    response = admin_user_add(client, maternity, Role.COORDINATOR)
    assert response.status_code == 302
    created = User.objects.get(email="nouveau@nord.test")
    membership = created.memberships.get()
    assert (membership.role, membership.is_active) == (Role.COORDINATOR, False)
    assert not can_view_identity(fresh(created), case)
    grant = RoleGrantRequest.objects.get(user=created)
    assert grant.status == RoleGrantRequest.Status.PENDING
    assert grant.requested_by == administrator

    # The administrator cannot confirm their own request, even by URL.
    assert decide(client, grant).status_code == 404
    grant.refresh_from_db()
    assert grant.status == RoleGrantRequest.Status.PENDING

    client.force_login(coordinator)
    page = client.get(reverse("role_grant_list"))
    assert [g.pk for g in page.context["to_decide"]] == [grant.pk]
    assert "Noé Nouveau" in page.content.decode()
    response = decide(client, grant)
    assert "est désormais actif" in response.content.decode()
    membership.refresh_from_db()
    assert membership.is_active and membership.granted_by == coordinator
    assert can_view_identity(fresh(created), case)
    kinds = list(
        SecurityEvent.objects.filter(target=created).order_by("pk").values_list("kind", flat=True)
    )
    # Invited: no password anybody knows, so nothing to disable when the role opens.
    assert kinds == [Kind.ROLE_REQUESTED, Kind.INVITATION_SENT, Kind.ROLE_GRANTED]
    granted = SecurityEvent.objects.get(target=created, kind=Kind.ROLE_GRANTED)
    assert granted.actor == coordinator and granted.organisation == maternity
    assert "référent RMM" in granted.detail


def test_the_coordinators_of_the_organisation_are_emailed_and_the_home_page_says_so(
    client, administrator, coordinator, maternity, django_capture_on_commit_callbacks
):
    grantee = member(Role.COMMITTEE_MEMBER, maternity, email="futur@nord.test")
    with django_capture_on_commit_callbacks(execute=True):
        grant = services.role_grant_request(
            user=grantee, organisation=maternity, role=Role.CLINICIAN, by=administrator
        )
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    assert "habilitation" in mail.outbox[0].subject
    assert reverse("role_grant_list") in mail.outbox[0].body
    client.force_login(coordinator)
    items = client.get(reverse("home")).context["pending_items"]
    assert any(item.url == reverse("role_grant_list") for item in items)
    decide(client, grant, confirm=False)
    grant.refresh_from_db()
    assert grant.status == RoleGrantRequest.Status.REFUSED
    assert not Membership.objects.get(user=grantee, role=Role.CLINICIAN).is_active
    assert SecurityEvent.objects.filter(kind=Kind.ROLE_REFUSED, target=grantee).exists()


def test_nobody_confirms_a_role_given_to_themselves(administrator, coordinator, maternity):
    """A clinician role asked for the coordinator: they cannot confirm it themselves."""
    grant = services.role_grant_request(
        user=coordinator, organisation=maternity, role=Role.CLINICIAN, by=administrator
    )
    with pytest.raises(services.NotAllowed, match="lui est attribué"):
        services.role_grant_confirm(grant=grant, by=coordinator)
    with pytest.raises(services.NotAllowed, match="s'attribue"):
        services.role_grant_request(
            user=administrator, organisation=maternity, role=Role.COORDINATOR, by=administrator
        )
    assert not Membership.objects.filter(user=coordinator, role=Role.CLINICIAN, is_active=True)


def test_a_clinician_or_another_organisations_coordinator_cannot_confirm(
    client, administrator, coordinator, clinician, maternity, network
):
    other = MaternityFactory(name="Maternité Est", parent=network)
    other_coordinator = member(Role.COORDINATOR, other, email="ref.est@nord.test")
    grantee = UserFactory()
    grant = services.role_grant_request(
        user=grantee, organisation=maternity, role=Role.COORDINATOR, by=administrator
    )
    for user in (clinician, other_coordinator):
        with pytest.raises(services.NotAllowed, match="Seul un référent RMM"):
            services.role_grant_confirm(grant=grant, by=user)
        client.force_login(user)
        assert client.get(reverse("role_grant_list")).context["to_decide"] == []
        assert decide(client, grant).status_code == 404
    # A second administrator does not count while the organisation has a coordinator.
    second_admin = member(Role.ADMINISTRATOR, network, email="admin2@nord.test")
    with pytest.raises(services.NotAllowed, match="Seul un référent RMM"):
        services.role_grant_confirm(grant=grant, by=second_admin)
    grant.refresh_from_db()
    assert grant.status == RoleGrantRequest.Status.PENDING


# --- The first coordinator of an organisation: two distinct administrators ------------------
def test_first_coordinator_needs_a_second_distinct_administrator(
    client, administrator, maternity, network
):
    grantee = member(Role.QUALITY_MANAGER, maternity, email="premier.ref@nord.test")
    grant = services.role_grant_request(
        user=grantee, organisation=maternity, role=Role.COORDINATOR, by=administrator
    )
    with pytest.raises(services.NotAllowed, match="ne peut pas la confirmer"):
        services.role_grant_confirm(grant=grant, by=administrator)
    clinician_elsewhere = member(Role.CLINICIAN, maternity, email="sf@nord.test")
    with pytest.raises(services.NotAllowed, match="second administrateur"):
        services.role_grant_confirm(grant=grant, by=clinician_elsewhere)

    second = member(Role.ADMINISTRATOR, network, email="admin2@nord.test")
    client.force_login(second)
    assert [g.pk for g in client.get(reverse("role_grant_list")).context["to_decide"]] == [grant.pk]
    decide(client, grant)
    assert Membership.objects.get(user=grantee, role=Role.COORDINATOR).is_active
    event = SecurityEvent.objects.get(kind=Kind.ROLE_GRANTED, target=grantee)
    assert "deux administrateurs" in event.detail
    assert administrator.email in event.detail and second.email in event.detail


def test_an_administrator_made_by_the_requester_does_not_count_as_the_second(
    client, administrator, maternity, network
):
    """Otherwise an administrator could invent a colleague account and confirm with it (even
    once another administrator confirmed that colleague's administrator role)."""
    client.force_login(administrator)
    admin_user_add(client, network, Role.ADMINISTRATOR, email="complice@nord.test")
    accomplice = User.objects.get(email="complice@nord.test")
    assert not accomplice.memberships.get().is_active  # an administrator role waits too
    second = member(Role.ADMINISTRATOR, network, email="admin2@nord.test")
    services.role_grant_confirm(grant=RoleGrantRequest.objects.get(user=accomplice), by=second)
    assert accomplice.memberships.get().is_active
    grantee = UserFactory()
    grant = services.role_grant_request(
        user=grantee, organisation=maternity, role=Role.COORDINATOR, by=administrator
    )
    with pytest.raises(services.NotAllowed, match="attribué par l'auteur"):
        services.role_grant_confirm(grant=grant, by=fresh(accomplice))
    assert not Membership.objects.get(user=grantee, role=Role.COORDINATOR).is_active


def test_the_platform_operator_is_no_exception(administrator, maternity, network):
    operator = UserFactory(email="operateur@rmm.test", is_superuser=True)
    grantee = UserFactory()
    # The operator's own request: it cannot confirm it.
    grant = services.role_grant_request(
        user=grantee, organisation=maternity, role=Role.COORDINATOR, by=operator
    )
    with pytest.raises(services.NotAllowed, match="ne peut pas la confirmer"):
        services.role_grant_confirm(grant=grant, by=operator)
    with pytest.raises(services.NotAllowed, match="s'attribue"):
        services.role_grant_request(
            user=operator, organisation=maternity, role=Role.COORDINATOR, by=operator
        )
    # The operator counts as one administrator: the network's administrator is the second.
    services.role_grant_confirm(grant=grant, by=administrator)
    assert Membership.objects.get(user=grantee, role=Role.COORDINATOR).is_active


def test_superuser_in_the_admin_gets_a_pending_grant_too(client, maternity):
    operator = UserFactory(email="operateur@rmm.test", is_superuser=True)
    client.force_login(operator)
    assert admin_user_add(client, maternity, Role.CLINICIAN).status_code == 302
    created = User.objects.get(email="nouveau@nord.test")
    assert not created.memberships.get().is_active
    assert RoleGrantRequest.objects.filter(user=created, requested_by=operator).exists()


# --- Every route of the admin and of the shell leads to a pending grant ---------------------
def test_membership_admin_add_is_pending(client, administrator, maternity, coordinator):
    target = member(Role.QUALITY_MANAGER, maternity, email="qm2@nord.test")
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": target.pk,
            "organisation": maternity.pk,
            "role": Role.COORDINATOR,
            "is_active": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "attend" in response.content.decode() or "confirmation" in response.content.decode()
    row = Membership.objects.get(user=target, role=Role.COORDINATOR)
    assert not row.is_active
    assert RoleGrantRequest.objects.filter(user=target, status="pending").count() == 1


def test_membership_admin_role_change_is_pending_and_keeps_the_old_role(
    client, administrator, maternity, quality_manager, coordinator
):
    row = quality_manager.memberships.get()
    client.force_login(administrator)
    client.post(
        reverse("admin:accounts_membership_change", args=[row.pk]),
        {
            "user": quality_manager.pk,
            "organisation": maternity.pk,
            "role": Role.COORDINATOR,
            "is_active": "on",
        },
    )
    row.refresh_from_db()
    assert (row.role, row.is_active) == (Role.QUALITY_MANAGER, True)
    assert not Membership.objects.get(user=quality_manager, role=Role.COORDINATOR).is_active
    assert RoleGrantRequest.objects.get(user=quality_manager).role == Role.COORDINATOR


def test_membership_admin_reactivation_is_pending(client, administrator, clinician, coordinator):
    row = clinician.memberships.get()
    services.membership_save(membership=_deactivated(row), by=administrator)
    assert SecurityEvent.objects.filter(kind=Kind.ROLE_REVOKED, target=clinician).exists()
    client.force_login(administrator)
    client.post(
        reverse("admin:accounts_membership_change", args=[row.pk]),
        {
            "user": clinician.pk,
            "organisation": row.organisation_id,
            "role": Role.CLINICIAN,
            "is_active": "on",
        },
    )
    row.refresh_from_db()
    assert not row.is_active
    grant = RoleGrantRequest.objects.get(user=clinician)
    services.role_grant_confirm(grant=grant, by=coordinator)
    row.refresh_from_db()
    assert row.is_active


def _deactivated(row):
    row.is_active = False
    return row


def inline_post(user, membership_rows, extra_rows=()):
    """The admin user change form with its membership inline."""
    rows = list(membership_rows) + list(extra_rows)
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "job_title": user.job_title,
        "is_active": "on",
        "date_joined_0": "01/01/2026",
        "date_joined_1": "10:00:00",
        "initial-date_joined_0": "01/01/2026",
        "initial-date_joined_1": "10:00:00",
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(len(membership_rows)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        # The committee seats shown beside the roles (committees.admin).
        "committee_memberships-TOTAL_FORMS": "0",
        "committee_memberships-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(rows):
        prefix = f"memberships-{index}"
        data[f"{prefix}-user"] = str(user.pk)
        if row.get("id"):
            data[f"{prefix}-id"] = str(row["id"])
        data[f"{prefix}-organisation"] = str(row["organisation"])
        data[f"{prefix}-role"] = row["role"]
        if row.get("is_active", True):
            data[f"{prefix}-is_active"] = "on"
    return data


def test_user_admin_inline_add_and_role_change_are_pending(
    client, administrator, quality_manager, maternity, coordinator
):
    row = quality_manager.memberships.get()
    client.force_login(administrator)
    data = inline_post(
        quality_manager,
        [{"id": row.pk, "organisation": maternity.pk, "role": Role.COORDINATOR}],
        [{"organisation": maternity.pk, "role": Role.CLINICIAN}],
    )
    response = client.post(reverse("admin:accounts_user_change", args=[quality_manager.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    row.refresh_from_db()
    assert (row.role, row.is_active) == (Role.QUALITY_MANAGER, True)
    pending = set(
        RoleGrantRequest.objects.filter(user=quality_manager, status="pending").values_list(
            "role", flat=True
        )
    )
    assert pending == {Role.COORDINATOR, Role.CLINICIAN}
    assert not Membership.objects.filter(
        user=quality_manager, role__in=[Role.COORDINATOR, Role.CLINICIAN], is_active=True
    ).exists()


def test_a_non_vault_role_is_given_at_once_and_logged(client, administrator, clinician, network):
    client.force_login(administrator)
    client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": clinician.pk,
            "organisation": network.pk,
            "role": Role.QUALITY_MANAGER,
            "is_active": "on",
        },
    )
    row = Membership.objects.get(user=clinician, role=Role.QUALITY_MANAGER)
    assert row.is_active and row.granted_by == administrator
    assert SecurityEvent.objects.filter(
        kind=Kind.ROLE_GRANTED, target=clinician, actor=administrator
    ).exists()
    client.post(reverse("admin:accounts_membership_delete", args=[row.pk]), {"post": "yes"})
    assert not Membership.objects.filter(pk=row.pk).exists()
    assert SecurityEvent.objects.filter(
        kind=Kind.ROLE_REVOKED, target=clinician, role=Role.QUALITY_MANAGER
    ).exists()


def test_the_model_refuses_every_other_way_in(clinician, maternity, network):
    """Shell, bulk and direct saves: only the confirmation service opens a vault role."""
    user = UserFactory()
    with pytest.raises(VaultRoleNeedsConfirmation):
        Membership.objects.create(user=user, organisation=maternity, role=Role.COORDINATOR)
    row = clinician.memberships.get()
    row.role = Role.COORDINATOR
    with pytest.raises(VaultRoleNeedsConfirmation):
        row.save()
    row = Membership.objects.get(pk=row.pk)
    row.user = user  # moving someone's vault role to another account
    with pytest.raises(VaultRoleNeedsConfirmation):
        row.save()
    with pytest.raises(VaultRoleNeedsConfirmation):
        Membership.objects.filter(pk=row.pk).update(role=Role.COORDINATOR)
    with pytest.raises(VaultRoleNeedsConfirmation):
        Membership.objects.bulk_create(
            [Membership(user=user, organisation=maternity, role=Role.CLINICIAN)]
        )
    inactive = Membership.objects.create(
        user=user, organisation=maternity, role=Role.CLINICIAN, is_active=False
    )
    inactive.is_active = True
    with pytest.raises(VaultRoleNeedsConfirmation):
        inactive.save()
    with pytest.raises(VaultRoleNeedsConfirmation):
        Membership.objects.filter(pk=inactive.pk).update(is_active=True)
    assert not Membership.objects.filter(user=user, is_active=True).exists()
    # Roles that do not open the vault are not concerned.
    Membership.objects.create(user=user, organisation=network, role=Role.COMMITTEE_MEMBER)


def test_shell_service_gives_a_pending_grant(administrator, maternity, coordinator):
    user = UserFactory()
    grant = services.membership_save(
        membership=Membership(user=user, organisation=maternity, role=Role.COORDINATOR),
        by=administrator,
    )
    assert grant.status == RoleGrantRequest.Status.PENDING
    assert not Membership.objects.get(user=user).is_active
    # Asking twice does not pile up requests.
    again = services.role_grant_request(
        user=user, organisation=maternity, role=Role.COORDINATOR, by=administrator
    )
    assert again.pk == grant.pk


def test_requester_may_withdraw_their_request(client, administrator, maternity, coordinator):
    grant = services.role_grant_request(
        user=UserFactory(), organisation=maternity, role=Role.CLINICIAN, by=administrator
    )
    client.force_login(administrator)
    page = client.get(reverse("role_grant_list"))
    assert grant in page.context["my_requests"]
    decide(client, grant, confirm=False)
    grant.refresh_from_db()
    assert grant.status == RoleGrantRequest.Status.CANCELLED
    with pytest.raises(services.NotAllowed, match="plus en attente"):
        services.role_grant_confirm(grant=grant, by=coordinator)


def test_demo_data_still_creates_coordinators_directly(settings):
    from accounts import demo

    demo.load()
    referent = User.objects.get(email="referent@rmm-demo.fr")
    assert referent.memberships.get().is_active
    assert SecurityEvent.objects.filter(
        target=referent, kind=Kind.ROLE_GRANTED, actor__isnull=True
    ).exists()
