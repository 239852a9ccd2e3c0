"""The admin site answers from RMM's predicates: administrators see and change only what their
territory covers; other roles cannot open it; a new account is created with its first role."""

import pytest
from django.urls import reverse

from accounts.models import Membership, Organisation, Role, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
def test_non_administrators_are_refused_in_french(client, every_role, role):
    client.force_login(every_role[role])
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_anonymous_visitors_go_to_the_one_login_page(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))


def test_changelists_show_only_the_administrators_territory(
    client, administrator, maternity, other_maternity, other_administrator, clinician, outsider
):
    client.force_login(administrator)
    organisations = client.get(reverse("admin:accounts_organisation_changelist"))
    assert organisations.status_code == 200
    shown = set(organisations.context["cl"].result_list)
    assert maternity in shown and other_maternity not in shown
    users = set(client.get(reverse("admin:accounts_user_changelist")).context["cl"].result_list)
    assert clinician in users and outsider not in users and other_administrator not in users
    memberships = client.get(reverse("admin:accounts_membership_changelist")).context["cl"]
    assert {m.organisation for m in memberships.result_list} <= {maternity, maternity.parent}


def test_another_networks_rows_cannot_be_opened_or_changed(
    client, administrator, other_maternity, outsider
):
    client.force_login(administrator)
    url = reverse("admin:accounts_organisation_change", args=[other_maternity.pk])
    assert client.get(url).status_code == 302  # admin redirects away from what it cannot show
    response = client.post(url, {"name": "Piratée", "kind": "pmi", "level": ""})
    assert response.status_code in (302, 403)
    other_maternity.refresh_from_db()
    assert other_maternity.name == "Maternité Sud"
    user_url = reverse("admin:accounts_user_change", args=[outsider.pk])
    assert client.get(user_url).status_code == 302
    delete_url = reverse("admin:accounts_user_delete", args=[outsider.pk])
    client.post(delete_url, {"post": "yes"})
    assert User.objects.filter(pk=outsider.pk).exists()


def test_administrator_creates_an_account_with_its_first_role(
    client, administrator, maternity, other_maternity
):
    client.force_login(administrator)
    add_url = reverse("admin:accounts_user_add")
    page = client.get(add_url)
    choices = list(page.context["adminform"].form.fields["organisation"].queryset)
    assert maternity in choices and other_maternity not in choices
    response = client.post(
        add_url,
        {
            "email": "nouvelle.sf@nord.test",
            "full_name": "Nina Nouvelle",
            "job_title": "SF",
            "organisation": maternity.pk,
            "role": Role.CLINICIAN,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = User.objects.get(email="nouvelle.sf@nord.test")
    # Declarant opens identity vaults: the role waits, inactive, for a coordinator's confirmation.
    assert list(created.memberships.values_list("organisation", "role", "is_active")) == [
        (maternity.pk, Role.CLINICIAN, False)
    ]
    # Invited: no password until its owner chooses one through the link.
    assert not created.has_usable_password()


def test_administrator_cannot_grant_a_role_in_another_network(
    client, administrator, clinician, other_maternity
):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": clinician.pk,
            "organisation": other_maternity.pk,
            "role": Role.COORDINATOR,
            "is_active": "on",
        },
    )
    assert response.status_code == 200  # form redisplayed with an error
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Membership.objects.filter(organisation=other_maternity, user=clinician).exists()


def test_maternity_needs_a_level_in_french(client, administrator, network):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_organisation_add"),
        {
            "name": "Maternité sans niveau",
            "kind": "maternite",
            "level": "",
            "parent": network.pk,
            "finess": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "Indiquez le niveau de la maternité." in response.content.decode()
    assert not Organisation.objects.filter(name="Maternité sans niveau").exists()


def test_an_administrator_cannot_grant_themselves_a_role(client, administrator, maternity):
    """Otherwise an administrator could make themselves RMM coordinator and open the vaults."""
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": administrator.pk,
            "organisation": maternity.pk,
            "role": Role.COORDINATOR,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=administrator, organisation=maternity).exists()
    own = administrator.memberships.get()
    assert client.get(reverse("admin:accounts_membership_change", args=[own.pk])).status_code in (
        200,
        302,
    )
    client.post(
        reverse("admin:accounts_membership_change", args=[own.pk]),
        {
            "user": administrator.pk,
            "organisation": maternity.pk,
            "role": Role.COORDINATOR,
            "is_active": "on",
        },
    )
    own.refresh_from_db()
    assert own.role == Role.ADMINISTRATOR
    assert (
        client.get(reverse("admin:accounts_user_change", args=[administrator.pk])).status_code
        == 302
    )


def test_user_page_lets_the_administrator_manage_that_users_roles(
    client, administrator, clinician, maternity
):
    client.force_login(administrator)
    page = client.get(reverse("admin:accounts_user_change", args=[clinician.pk]))
    assert page.status_code == 200
    formset = page.context["inline_admin_formsets"][0]
    assert formset.formset.queryset.get().role == Role.CLINICIAN
    assert formset.has_change_permission
