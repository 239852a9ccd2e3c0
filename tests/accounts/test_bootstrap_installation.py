"""`manage.py bootstrap_installation`: the first organisation and its administrator on an empty
installation, non-interactively, through the accounts services (logged), idempotent, and all
or nothing on bad input."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Membership, Organisation, Role, SecurityEvent, User
from accounts.permissions import administrator_role_givers, can_manage_organisation

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ARGS = {
    "organisation": "Réseau périnatal Val-de-Marne",
    "kind": "reseau",
    "admin_email": "A.Martin@Reseau.fr",
    "admin_name": "Anne Martin",
    "operator_email": "dsi@hopital.fr",
}


def bootstrap(**overrides) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    options = {key: value for key, value in {**ARGS, **overrides}.items() if value is not None}
    call_command("bootstrap_installation", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        SecurityEvent.objects.count(),
    )


def test_first_start_creates_operator_organisation_and_administrator(settings):
    settings.RMM_SITE_URL = "https://rmm.example.org"
    out, err = bootstrap()

    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.kind) == (ARGS["organisation"], "reseau")
    operator = User.objects.get(email="dsi@hopital.fr")
    assert operator.is_superuser and not operator.has_usable_password()
    admin = User.objects.get(email="a.martin@reseau.fr")
    assert admin.full_name == "Anne Martin" and not admin.is_superuser
    assert not admin.has_usable_password(), "nobody but the administrator knows its password"
    membership = Membership.objects.get(user=admin)
    assert (membership.organisation, membership.role, membership.is_active) == (
        organisation,
        Role.ADMINISTRATOR,
        True,
    )
    assert can_manage_organisation(admin, organisation)

    # Recorded as the operator's act, through the service and its security log.
    assert membership.granted_by == operator
    assert administrator_role_givers(admin.pk, organisation) == {operator.pk}
    granted = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ROLE_GRANTED, target=admin)
    assert granted.actor == operator and "opérateur de la plateforme" in granted.detail
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.ROLE_GRANTED, target=operator, detail__contains="bootstrap"
    ).exists()
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.PASSWORD_RESET_REQUESTED, target=admin, actor=operator
    ).exists()

    # The administrator gets a link at their own address; the operator's is printed.
    [message] = mail.outbox
    assert message.to == ["a.martin@reseau.fr"]
    assert ARGS["organisation"] in message.body
    assert "https://rmm.example.org/mot-de-passe/reinitialiser/" in message.body
    assert "Fait :" in out and "Ensuite :" in out
    assert re.search(r"dsi@hopital\.fr.*https://rmm\.example\.org/mot-de-passe/reinit", out)
    assert "RMM_FIELD_ENCRYPTION_KEY" in out
    assert err == ""


def test_the_emailed_link_lets_the_administrator_choose_a_password_and_sign_in(client):
    bootstrap()
    link = re.search(r"https?://\S+/mot-de-passe/reinitialiser/\S+", mail.outbox[0].body).group()
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get(f"/{path}", follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "Un-mot-de-passe-solide-42",
            "new_password2": "Un-mot-de-passe-solide-42",
        },
    )
    assert response.status_code == 302
    client.post("/deconnexion/")
    signed_in = client.post(
        "/connexion/",
        {"username": "a.martin@reseau.fr", "password": "Un-mot-de-passe-solide-42"},
    )
    assert signed_in.status_code == 302
    assert client.get("/").context["user"].email == "a.martin@reseau.fr"


def test_a_second_run_changes_nothing_and_says_so():
    bootstrap()
    before = counts()
    mail.outbox.clear()
    out, _err = bootstrap()
    assert counts() == before
    assert mail.outbox == []
    assert "Rien n'a été modifié" in out
    # The operator still has no password: a fresh link is printed (a read, no write).
    assert "/mot-de-passe/reinitialiser/" in out


def test_values_can_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("RMM_BOOTSTRAP_ORGANISATION", "Maternité des Lilas")
    monkeypatch.setenv("RMM_BOOTSTRAP_ORGANISATION_KIND", "maternite")
    monkeypatch.setenv("RMM_BOOTSTRAP_ORGANISATION_LEVEL", "2B")
    monkeypatch.setenv("RMM_BOOTSTRAP_ADMIN_EMAIL", "cadre@lilas.fr")
    monkeypatch.setenv("RMM_BOOTSTRAP_ADMIN_NAME", "Camille Cadre")
    monkeypatch.setenv("RMM_BOOTSTRAP_OPERATOR_EMAIL", "it@lilas.fr")
    call_command("bootstrap_installation", stdout=StringIO(), stderr=StringIO())
    organisation = Organisation.objects.get(name="Maternité des Lilas")
    assert (organisation.kind, organisation.level) == ("maternite", "2B")
    assert Membership.objects.filter(
        user__email="cadre@lilas.fr", organisation=organisation, role=Role.ADMINISTRATOR
    ).exists()


@pytest.fixture
def existing_accounts():
    from tests.factories import UserFactory

    UserFactory(email="clinicien@hopital.fr")
    UserFactory(email="parti@hopital.fr", is_active=False)
    Organisation.objects.create(name="Réseau Est", kind="reseau")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"admin_email": None, "organisation": None}, "Valeurs manquantes : --organisation"),
        ({"admin_email": "pas-une-adresse"}, "Adresse e-mail invalide"),
        ({"admin_email": "dsi@hopital.fr"}, "deux comptes distincts"),
        ({"kind": "hopital"}, "Type d'organisation inconnu"),
        ({"kind": "maternite"}, "Indiquez le niveau de la maternité"),
        ({"kind": "reseau", "level": "3"}, "Seule une maternité a un niveau"),
        ({"organisation": "Réseau Est", "kind": "pmi"}, "existe déjà avec un autre type"),
        ({"operator_email": "clinicien@hopital.fr"}, "n'est pas un opérateur actif"),
        ({"admin_email": "parti@hopital.fr"}, "désactivé"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_created(
    existing_accounts, overrides, message
):
    before = counts()
    with pytest.raises(CommandError, match=message) as refused:
        bootstrap(**overrides)
    assert "Rien n'a été" in str(refused.value)
    assert counts() == before
    assert mail.outbox == []


def test_a_refusal_exits_with_an_error_code_and_a_message_on_stderr(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("RMM_BOOTSTRAP_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "bootstrap_installation", "--admin-email", "x@y.fr"],
        cwd=ROOT,
        env={**env, "RMM_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "Valeurs manquantes" in result.stderr and "RMM_BOOTSTRAP_ORGANISATION" in result.stderr
    assert result.stdout == ""


def test_a_mail_server_down_keeps_the_accounts_and_says_how_to_finish(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    out, err = bootstrap()
    assert User.objects.filter(email="a.martin@reseau.fr").exists()
    assert "n'est pas parti" in err and "Mot de passe oublié" in err
    assert "Ensuite :" in out
