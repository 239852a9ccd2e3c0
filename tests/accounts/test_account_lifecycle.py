"""Deactivating and reactivating an account (logged; vault roles back only once confirmed) and
passwords chosen by an administrator, disabled when a vault role is confirmed."""

import importlib
import re
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import (
    AccountActivityNeedsService,
    Membership,
    Role,
    RoleGrantRequest,
    SecurityEvent,
    User,
)
from cases.permissions import can_view_identity
from tests.factories import TEST_PASSWORD, CaseFactory, member

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind
CHOSEN = "Choisi-par-admin-2026"
RESET_LINK = re.compile(r"https?://[^/\s]+(/mot-de-passe/reinitialiser/\S+/)")


def fresh(user):
    return User.objects.get(pk=user.pk)


def change_form(user, *, active):
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "job_title": user.job_title,
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
    if active:
        data["is_active"] = "on"
    return data


def kinds_of(user):
    return list(
        SecurityEvent.objects.filter(target=user).order_by("pk").values_list("kind", flat=True)
    )


def login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


# --- Deactivation and reactivation ----------------------------------------------------------
def test_reactivation_in_the_admin_puts_vault_roles_back_to_confirmation(
    client, administrator, clinician, coordinator, maternity, network
):
    services.membership_save(
        membership=Membership(user=clinician, organisation=network, role=Role.QUALITY_MANAGER),
        by=administrator,
    )
    case = CaseFactory(organisation=maternity, declared_by=clinician)
    url = reverse("admin:accounts_user_change", args=[clinician.pk])
    client.force_login(administrator)

    response = client.post(url, change_form(clinician, active=False), follow=True)
    assert "est désactivé" in response.content.decode()
    assert not fresh(clinician).is_active
    deactivated = SecurityEvent.objects.get(kind=Kind.ACCOUNT_DEACTIVATED, target=clinician)
    assert deactivated.actor == administrator

    response = client.post(url, change_form(clinician, active=True), follow=True)
    page = response.content.decode()
    assert "ne reviennent pas d&#x27;eux-mêmes" in page or "ne reviennent pas d'eux-mêmes" in page
    reactivated = fresh(clinician)
    assert reactivated.is_active
    # The non-vault role is back at once; the vault role waits for the coordinator.
    assert Membership.objects.get(user=clinician, role=Role.QUALITY_MANAGER).is_active
    vault_row = Membership.objects.get(user=clinician, role=Role.CLINICIAN)
    assert not vault_row.is_active
    assert not can_view_identity(reactivated, case)
    grant = RoleGrantRequest.objects.get(user=clinician, status=RoleGrantRequest.Status.PENDING)
    assert (grant.role, grant.organisation, grant.requested_by) == (
        Role.CLINICIAN,
        maternity,
        administrator,
    )
    assert kinds_of(clinician)[-4:] == [
        Kind.ACCOUNT_DEACTIVATED,
        Kind.ACCOUNT_REACTIVATED,
        Kind.ROLE_REVOKED,
        Kind.ROLE_REQUESTED,
    ]
    assert "Déclarant" in SecurityEvent.objects.get(kind=Kind.ACCOUNT_REACTIVATED).detail

    # The administrator who reactivated cannot confirm; the organisation's coordinator can.
    with pytest.raises(services.NotAllowed):
        services.role_grant_confirm(grant=grant, by=administrator)
    services.role_grant_confirm(grant=grant, by=coordinator)
    assert can_view_identity(fresh(clinician), case)


def test_without_a_coordinator_a_second_independent_administrator_confirms(
    administrator, clinician, maternity, network
):
    services.user_set_active(user=clinician, active=False, by=administrator)
    (grant,) = services.user_set_active(user=clinician, active=True, by=administrator)
    with pytest.raises(services.NotAllowed, match="ne peut pas la confirmer"):
        services.role_grant_confirm(grant=grant, by=administrator)
    second = member(Role.ADMINISTRATOR, network, email="admin2@nord.test")
    services.role_grant_confirm(grant=grant, by=second)
    assert Membership.objects.get(user=clinician, role=Role.CLINICIAN).is_active


def test_an_account_without_vault_roles_comes_back_at_once(client, administrator, quality_manager):
    client.force_login(administrator)
    url = reverse("admin:accounts_user_change", args=[quality_manager.pk])
    client.post(url, change_form(quality_manager, active=False))
    response = client.post(url, change_form(quality_manager, active=True), follow=True)
    assert "est réactivé avec ses rôles" in response.content.decode()
    assert fresh(quality_manager).is_active
    assert quality_manager.memberships.get().is_active
    assert not RoleGrantRequest.objects.exists()
    assert kinds_of(quality_manager) == [Kind.ACCOUNT_DEACTIVATED, Kind.ACCOUNT_REACTIVATED]


def test_no_other_route_changes_whether_an_account_is_active(administrator, clinician):
    user = fresh(clinician)
    user.is_active = False
    with pytest.raises(AccountActivityNeedsService):
        user.save()
    with pytest.raises(AccountActivityNeedsService):
        User.objects.filter(pk=clinician.pk).update(is_active=False)
    assert User.objects.filter(pk=clinician.pk, is_active=False).update(is_active=True) == 0
    services.user_set_active(user=clinician, active=False, by=administrator)

    # Reactivation from the shell: save, queryset update, bulk update are all refused.
    user = fresh(clinician)
    user.is_active = True
    with pytest.raises(AccountActivityNeedsService):
        user.save()
    with pytest.raises(AccountActivityNeedsService):
        User.objects.filter(pk=clinician.pk).update(is_active=True)
    with pytest.raises(AccountActivityNeedsService):
        User.objects.bulk_update([user], ["is_active"])
    assert not fresh(clinician).is_active
    assert Membership.objects.get(user=clinician, role=Role.CLINICIAN).is_active  # unchanged
    # Other fields still save; a refreshed instance is not mistaken for a change.
    user.refresh_from_db()
    user.full_name = "Clara Clin-Martin"
    user.save()
    user.save(update_fields=["full_name"])


def test_the_service_refuses_oneself_and_administrators_of_elsewhere(
    administrator, other_administrator, clinician
):
    with pytest.raises(services.NotAllowed, match="Vous ne gérez pas"):
        services.user_set_active(user=clinician, active=False, by=other_administrator)
    with pytest.raises(services.NotAllowed, match="son propre compte"):
        services.user_set_active(user=administrator, active=False, by=administrator)
    assert fresh(clinician).is_active and not SecurityEvent.objects.exists()


def test_reactivation_is_all_or_nothing(administrator, clinician):
    services.user_set_active(user=clinician, active=False, by=administrator)
    with (
        mock.patch.object(services, "role_grant_request", side_effect=RuntimeError("panne")),
        pytest.raises(RuntimeError),
    ):
        services.user_set_active(user=clinician, active=True, by=administrator)
    assert not fresh(clinician).is_active
    assert Membership.objects.get(user=clinician, role=Role.CLINICIAN).is_active
    assert kinds_of(clinician) == [Kind.ACCOUNT_DEACTIVATED]


# --- Passwords chosen by an administrator, then a vault role --------------------------------
def admin_creates(client, administrator, organisation, role, email="nouveau@nord.test"):
    """An account from before invitations: its password chosen by an administrator (flagged as
    accounts.services.password_set_by_admin did), with a role given through the services."""
    user = User.objects.create_user(email=email, password=CHOSEN, full_name="Noé Nouveau")
    user.must_change_password = user.password_set_by_admin = True
    user.save(update_fields=["must_change_password", "password_set_by_admin"])
    services.membership_save(
        membership=Membership(user=user, organisation=organisation, role=role), by=administrator
    )
    client.force_login(administrator)


@pytest.mark.parametrize("admin_changed_it_first", [False, True])
def test_a_password_an_administrator_knows_stops_working_when_the_vault_role_is_confirmed(
    client,
    administrator,
    coordinator,
    maternity,
    admin_changed_it_first,
    django_capture_on_commit_callbacks,
):
    admin_creates(client, administrator, maternity, Role.CLINICIAN)
    created = User.objects.get(email="nouveau@nord.test")
    known = CHOSEN
    if admin_changed_it_first:
        # The administrator signs in as the new account and does the forced change themselves.
        client.logout()
        assert login(client, created.email, CHOSEN).status_code == 302
        known = "Encore-choisi-par-admin-2026"
        client.post(
            reverse("password_change"),
            {"old_password": CHOSEN, "new_password1": known, "new_password2": known},
        )
        assert not fresh(created).must_change_password
        client.logout()

    grant = RoleGrantRequest.objects.get(user=created)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("role_grant_confirm", args=[grant.pk]), follow=True)
    body = page.content.decode()
    assert "est désormais actif" in body
    assert "vient d&#x27;être désactivé" in body or "vient d'être désactivé" in body
    created = fresh(created)
    assert created.memberships.get().is_active
    assert not created.has_usable_password()
    assert not created.must_change_password
    event = SecurityEvent.objects.get(kind=Kind.PASSWORD_DISABLED, target=created)
    assert event.actor == coordinator and created.email in event.detail

    # Nobody signs in with what the administrator knew.
    client.logout()
    assert login(client, created.email, known).status_code == 200
    assert "_auth_user_id" not in client.session

    # The link went to the account's own address, and only there.
    assert [message.to for message in mail.outbox] == [[created.email]]
    assert "Déclarant" in mail.outbox[0].body
    link = RESET_LINK.search(mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Le-mien-seulement-2026", "new_password2": "Le-mien-seulement-2026"},
    )
    created = fresh(created)
    assert created.check_password("Le-mien-seulement-2026")
    assert not created.password_set_by_admin
    assert login(client, created.email, "Le-mien-seulement-2026").status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_password_the_owner_reset_from_their_address_is_kept(
    client, administrator, coordinator, maternity, django_capture_on_commit_callbacks
):
    admin_creates(client, administrator, maternity, Role.CLINICIAN)
    created = User.objects.get(email="nouveau@nord.test")
    client.logout()
    client.post(reverse("password_reset"), {"email": created.email})
    link = RESET_LINK.search(mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Le-mien-2026-xyz", "new_password2": "Le-mien-2026-xyz"},
    )
    assert not fresh(created).password_set_by_admin
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.role_grant_confirm(
            grant=RoleGrantRequest.objects.get(user=created), by=coordinator
        )
    assert not membership.password_reset_sent
    assert fresh(created).check_password("Le-mien-2026-xyz")
    assert len(mail.outbox) == sent
    assert not SecurityEvent.objects.filter(kind=Kind.PASSWORD_DISABLED).exists()


def test_an_account_with_a_disabled_password_can_ask_for_a_new_link(
    client, administrator, coordinator, maternity
):
    admin_creates(client, administrator, maternity, Role.COORDINATOR)
    created = User.objects.get(email="nouveau@nord.test")
    services.role_grant_confirm(grant=RoleGrantRequest.objects.get(user=created), by=coordinator)
    assert not fresh(created).has_usable_password()
    client.logout()
    mail.outbox.clear()
    client.post(reverse("password_reset"), {"email": "Nouveau@Nord.test"})
    assert [message.to for message in mail.outbox] == [[created.email]]
    assert RESET_LINK.search(mail.outbox[0].body)


def test_no_administrator_page_sets_a_password_any_more(
    client, administrator, quality_manager, maternity
):
    """Invitations replaced it: the owner chooses their password through a link."""
    client.force_login(administrator)
    url = f"/admin/accounts/user/{quality_manager.pk}/password/"
    response = client.post(
        url, {"password1": CHOSEN, "password2": CHOSEN, "usable_password": "true"}, follow=True
    )
    assert response.status_code in (200, 404)
    assert fresh(quality_manager).check_password(TEST_PASSWORD)
    assert not fresh(quality_manager).password_set_by_admin


def test_migration_flags_passwords_last_set_by_an_administrator(administrator, clinician):
    services.security_event_record(
        kind=Kind.PASSWORD_SET_BY_ADMIN, actor=administrator, target=clinician
    )
    migration = importlib.import_module(
        "accounts.migrations.0004_account_activity_and_admin_chosen_passwords"
    )
    migration.flag_passwords_chosen_by_admins(django_apps, None)
    assert fresh(clinician).password_set_by_admin
    assert not fresh(administrator).password_set_by_admin


# --- The function, read in a case's history in place of the name ---------------------------
@pytest.mark.parametrize(
    "job_title",
    [
        "Dr Houssin, pédiatre",
        "Rémi Référent, pédiatre",  # the person's own name
        "Pédiatre REFERENT Rémi",
        "Pédiatre, 06 12 34 56 78",
        "pediatre@hopital.fr",
    ],
)
def test_a_function_naming_someone_is_refused_on_every_route(
    client, administrator, clinician, maternity, job_title
):
    from accounts.models import job_title_problem

    clinician.full_name = "Rémi Référent"
    clinician.save()
    assert job_title_problem(job_title, clinician.full_name)
    client.force_login(administrator)
    url = reverse("admin:accounts_user_change", args=[clinician.pk])
    data = {**change_form(fresh(clinician), active=True), "job_title": job_title}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "La fonction se lit à la place du nom" in response.content.decode()
    assert fresh(clinician).job_title != job_title
    with pytest.raises(ValidationError):
        services.user_invite(
            email="nouveau@nord.test",
            full_name="Rémi Référent",
            job_title=job_title,
            organisation=maternity,
            role=Role.CLINICIAN,
            by=administrator,
        )
    assert not User.objects.filter(email="nouveau@nord.test").exists()


@pytest.mark.parametrize(
    ("job_title", "full_name"),
    [
        ("Sage-femme", "Claire Sage"),  # one word of the name is no proof
        ("Docteur en pharmacie", "Paul Martin"),
        ("Ingénieur qualité", "Quentin Qualite"),
        ("Puéricultrice de PMI (secteur 3)", "Anne Petit"),
    ],
)
def test_an_ordinary_function_is_kept(job_title, full_name):
    from accounts.models import job_title_problem

    assert job_title_problem(job_title, full_name) is None
