"""Every admin screen an administrator opens is titled in French, with its article, never with
Django's generated "Sélectionnez l'objet … à changer" / "Ajout de …" / "Modification de …"."""

import html
import json
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.admin import FrenchAdminMixin
from accounts.models import Membership

pytestmark = pytest.mark.django_db

GENERATED = ("Sélectionnez", "Ajout de", "Modification de", "Afficher ")
# Django's own and django-axes' pages are the platform operator's (a superuser), not RMM's.
RMM_APPS = {"accounts", "cases", "committees", "actions", "notifications", "territory"}
REGISTERED = sorted(
    (item for item in admin.site._registry.items() if item[0]._meta.app_label in RMM_APPS),
    key=lambda item: item[0]._meta.label,
)


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


@pytest.mark.parametrize(
    "model_admin",
    [item[1] for item in REGISTERED],
    ids=[item[0]._meta.label for item in REGISTERED],
)
def test_every_admin_names_its_pages_in_french(model_admin):
    assert isinstance(model_admin, FrenchAdminMixin)
    assert model_admin.get_changelist_title() and model_admin.get_change_title()


@pytest.mark.parametrize("model", [item[0] for item in REGISTERED], ids=lambda m: m._meta.label)
def test_every_changelist_is_titled_in_french(client, administrator, maternity, model):
    client.force_login(administrator)
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200
    title = title_of(response)
    assert str(admin.site._registry[model].get_changelist_title()) in title
    assert not any(generated in title for generated in GENERATED), title


def test_the_role_pages_say_role_not_membership(client, administrator, maternity):
    client.force_login(administrator)
    add = client.get(reverse("admin:accounts_membership_add"))
    assert "Donner un rôle" in title_of(add)
    membership = Membership.objects.filter(user=administrator).first()
    change = client.get(reverse("admin:accounts_membership_change", args=[membership.pk]))
    assert "Modifier le rôle" in title_of(change)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Rôles" in index and "dhésion" not in index


def test_the_add_button_of_users_invites(client, administrator):
    client.force_login(administrator)
    changelist = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Inviter un utilisateur" in changelist and "Ajout de" not in changelist


@pytest.mark.parametrize(
    "url_name",
    ["admin:notifications_reminderrule_changelist", "admin:committees_icdpmgroup_changelist"],
)
def test_editable_columns_of_a_list_name_each_control(client, administrator, url_name):
    client.force_login(administrator)
    html = client.get(reverse(url_name)).content.decode()
    controls = re.findall(r"<(?:input|select|textarea)\b[^>]*name=\"form-\d+-[a-z_]+\"[^>]*>", html)
    assert controls
    unnamed = [c for c in controls if "aria-label=" not in c and 'type="hidden"' not in c]
    assert not unnamed, unnamed[:3]


def test_the_account_page_says_what_its_add_buttons_add(client, administrator, quality_manager):
    client.force_login(administrator)
    page = client.get(reverse("admin:accounts_user_change", args=[quality_manager.pk]))
    assert page.status_code == 200
    buttons = [
        json.loads(html.unescape(data))["options"]["addText"]
        for data in re.findall(r'data-inline-formset="([^"]*)"', page.content.decode())
    ]
    assert buttons == ["Ajouter un rôle", "Ajouter un siège de comité"]


def test_admin_pages_are_titled_in_french(client, administrator):
    client.force_login(administrator)
    for url in (reverse("admin:index"), reverse("admin:accounts_user_changelist")):
        title = title_of(client.get(url))
        assert title.endswith("| Administration de RMM"), title
        assert "administration" not in title.split("|")[-1].split()[1:], title
