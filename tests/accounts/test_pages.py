import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, Role
from tests.factories import MaternityFactory, member

pytestmark = pytest.mark.django_db


def test_home_shows_the_users_organisations_and_roles(client, clinician, maternity):
    client.force_login(clinician)
    body = client.get(reverse("home")).content.decode()
    assert "Mes organisations" in body
    assert maternity.name in body
    assert "Déclarant (clinicien)" in body


def test_home_tells_an_administrator_which_organisation_lacks_a_coordinator(
    client, administrator, maternity, network
):
    client.force_login(administrator)
    items = client.get(reverse("home")).context["pending_items"]
    details = [item.detail for item in items]
    assert any(maternity.name in detail for detail in details)
    member(Role.COORDINATOR, maternity)
    member(Role.COORDINATOR, network)
    client.force_login(administrator)
    assert client.get(reverse("home")).context["pending_items"] == []


def test_home_of_a_user_without_organisation_says_whom_to_ask(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    body = client.get(reverse("home")).content.decode()
    assert "rattaché à aucune organisation" in body


def test_navigation_depends_on_role(client, clinician, administrator):
    client.force_login(clinician)
    names = [item.url_name for item in client.get(reverse("home")).context["nav_items"]]
    assert "admin:index" not in names
    client.force_login(administrator)
    names = [item.url_name for item in client.get(reverse("home")).context["nav_items"]]
    assert "admin:index" in names


def test_organisation_of_another_network_is_a_french_404(client, outsider, maternity):
    client.force_login(outsider)
    response = client.get(reverse("organisation_detail", args=[maternity.pk]))
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert maternity.name not in response.content.decode()


def test_unknown_organisation_is_the_same_404(client, outsider):
    client.force_login(outsider)
    response = client.get("/organisations/999999/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_organisation_page_lists_its_members_to_a_member(client, clinician, coordinator, maternity):
    client.force_login(clinician)
    body = client.get(reverse("organisation_detail", args=[maternity.pk])).content.decode()
    assert coordinator.full_name in body
    assert "Gérer dans l'administration" not in body


def test_organisation_list_runs_a_constant_number_of_queries(
    client, administrator, network, django_assert_max_num_queries
):
    def page_queries():
        client.force_login(administrator)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        # The first request of a session stamps its idle refresh (one write): count the next.
        client.get(reverse("organisation_list"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("organisation_list")).status_code == 200
        return len(captured)

    for index in range(5):
        MaternityFactory(name=f"Petite {index}", parent=network)
    few = page_queries()
    for index in range(45):
        organisation = MaternityFactory(name=f"Grande {index}", parent=network)
        member(Role.CLINICIAN, organisation)
    with django_assert_max_num_queries(few):
        client.get(reverse("organisation_list"))
    assert page_queries() == few


def test_tampered_form_gets_a_french_403_and_changes_nothing(clinician):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(clinician)
    response = csrf_client.post(
        reverse("password_change"),
        {"old_password": "x", "new_password1": "Tampered-2026!", "new_password2": "Tampered-2026!"},
    )
    assert response.status_code == 403
    assert "Formulaire expiré ou modifié" in response.content.decode()
    clinician.refresh_from_db()
    assert not clinician.check_password("Tampered-2026!")


def test_language_switch_to_english_and_back(client, clinician):
    client.force_login(clinician)
    assert "Mes organisations" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    body = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in body
    assert "My organisations" in body
    client.post(reverse("set_language"), {"language": "fr", "next": reverse("home")})
    assert 'lang="fr"' in client.get(reverse("home")).content.decode()


def test_unknown_language_is_ignored(client, clinician):
    client.force_login(clinician)
    client.post(reverse("set_language"), {"language": "xx", "next": reverse("home")})
    assert 'lang="fr"' in client.get(reverse("home")).content.decode()


def test_base_page_is_accessible_markup(client, clinician):
    client.force_login(clinician)
    body = client.get(reverse("home")).content.decode()
    assert '<html lang="fr">' in body
    for landmark in ("<header>", '<main id="contenu"', "<footer", "<nav "):
        assert landmark in body
    assert 'href="#contenu"' in body  # skip link
    assert '<label class="visually-hidden" for="language-select">' in body
    # Every stylesheet, script and image comes from our own static files (no CDN: hospital
    # networks often have no internet). The markup is searched, not the page's random tokens.
    assets = re.findall(r'<(?:link|script|img)\b[^>]*\b(?:href|src)="([^"]+)"', body)
    assert assets and all(url.startswith("/") and not url.startswith("//") for url in assets)
    assert "/static/vendor/bootstrap-5.3.9/bootstrap.min.css" in body


def test_login_form_labels_every_field(client):
    body = client.get(reverse("login")).content.decode()
    for field in ("id_username", "id_password"):
        assert re.search(rf'<label\s+for="{field}"', body), field


@pytest.mark.parametrize("role", list(Role))
def test_no_page_answers_500_for_any_role(client, role, maternity, network, other_maternity):
    user = member(role, network if "committee" in role or role == Role.ADMINISTRATOR else maternity)
    client.force_login(user)
    urls = [
        reverse(name)
        for name in (
            "home",
            "organisation_list",
            "password_change",
            "password_reset",
            "admin:index",
        )
    ]
    urls += [reverse("organisation_detail", args=[org.pk]) for org in Organisation.objects.all()]
    urls += [
        "/admin/accounts/organisation/",
        "/admin/accounts/user/",
        "/admin/accounts/membership/",
        f"/admin/accounts/organisation/{other_maternity.pk}/change/",
    ]
    for url in urls:
        status = client.get(url).status_code
        assert status < 500, (role, url, status)
