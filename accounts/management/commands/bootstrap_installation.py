"""First start of an installation: the platform operator, the first organisation (a network or
a maternity) and its first administrator, without any interactive prompt.

    python manage.py bootstrap_installation \\
        --organisation "Réseau périnatal Val-de-Marne" --kind reseau \\
        --admin-email a.martin@reseau.fr --admin-name "Anne Martin" \\
        --operator-email dsi@hopital.fr

Each option can come from the environment instead (RMM_BOOTSTRAP_*, see `--help`). No password
is taken: the administrator gets a link at their own address to choose one (an administrator
role manages accounts; nobody else should know its password), and the operator, who runs this
command on the server, gets theirs printed. Every write goes through accounts.services as the
operator, so the security log shows who gave the first administrator role and how. A second
run with the same values changes nothing and says so; a value that contradicts what exists
stops the command before anything is written.
"""

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, Role, SecurityEvent, User
from accounts.services import membership_save, password_reset_requested, security_event_record

# option name -> (environment variable, required)
OPTIONS = {
    "organisation": ("RMM_BOOTSTRAP_ORGANISATION", True),
    "kind": ("RMM_BOOTSTRAP_ORGANISATION_KIND", False),
    "level": ("RMM_BOOTSTRAP_ORGANISATION_LEVEL", False),
    "finess": ("RMM_BOOTSTRAP_ORGANISATION_FINESS", False),
    "admin_email": ("RMM_BOOTSTRAP_ADMIN_EMAIL", True),
    "admin_name": ("RMM_BOOTSTRAP_ADMIN_NAME", True),
    "operator_email": ("RMM_BOOTSTRAP_OPERATOR_EMAIL", True),
    "operator_name": ("RMM_BOOTSTRAP_OPERATOR_NAME", False),
}


class Command(BaseCommand):
    # A plain string: argparse cannot format a lazy translation.
    help = (
        "Crée l'opérateur de la plateforme, la première organisation et son administrateur, "
        "sans question (options ou variables d'environnement RMM_BOOTSTRAP_*). Aucun mot de "
        "passe n'est demandé : l'administrateur reçoit un lien par courriel. Relancer la "
        "commande avec les mêmes valeurs ne change rien."
    )

    def add_arguments(self, parser):
        kinds = ", ".join(Organisation.Kind.values)
        levels = ", ".join(Organisation.Level.values)
        parser.add_argument("--organisation", help=_("nom de l'organisation"))
        parser.add_argument(
            "--kind",
            help=_("type : %(kinds)s (défaut : reseau)") % {"kinds": kinds},
        )
        parser.add_argument(
            "--level", help=_("niveau, pour une maternité : %(levels)s") % {"levels": levels}
        )
        parser.add_argument("--finess", help=_("n° FINESS (facultatif)"))
        parser.add_argument("--admin-email", help=_("adresse e-mail de l'administrateur"))
        parser.add_argument("--admin-name", help=_("nom complet de l'administrateur"))
        parser.add_argument(
            "--operator-email",
            help=_(
                "adresse e-mail de l'opérateur de la plateforme (l'équipe informatique qui "
                "installe RMM) ; un compte existant est repris s'il est déjà opérateur"
            ),
        )
        parser.add_argument("--operator-name", help=_("nom de l'opérateur (facultatif)"))

    # --- reading and checking the input: nothing is written before all of it is valid -----
    def _values(self, options) -> dict[str, str]:
        values, missing = {}, []
        for name, (variable, required) in OPTIONS.items():
            value = (options.get(name) or os.environ.get(variable) or "").strip()
            if required and not value:
                missing.append(f"--{name.replace('_', '-')} ({variable})")
            values[name] = value
        if missing:
            raise CommandError(
                _("Valeurs manquantes : %(missing)s. Rien n'a été créé.")
                % {"missing": ", ".join(missing)}
            )
        values["kind"] = values["kind"] or Organisation.Kind.NETWORK
        values["admin_email"] = User.objects.normalize_email(values["admin_email"]).lower()
        values["operator_email"] = User.objects.normalize_email(values["operator_email"]).lower()
        values["operator_name"] = values["operator_name"] or _("Opérateur de la plateforme")
        for name in ("admin_email", "operator_email"):
            try:
                validate_email(values[name])
            except ValidationError:
                raise CommandError(
                    _("Adresse e-mail invalide : %(email)s. Rien n'a été créé.")
                    % {"email": values[name]}
                ) from None
        if values["admin_email"] == values["operator_email"]:
            raise CommandError(
                _(
                    "L'administrateur et l'opérateur de la plateforme doivent être deux comptes "
                    "distincts : personne ne s'attribue un rôle d'administrateur. Rien n'a été "
                    "créé."
                )
            )
        if values["kind"] not in Organisation.Kind.values:
            raise CommandError(
                _(
                    "Type d'organisation inconnu : %(kind)s (attendu : %(kinds)s). "
                    "Rien n'a été créé."
                )
                % {"kind": values["kind"], "kinds": ", ".join(Organisation.Kind.values)}
            )
        return values

    def _check_existing(self, values) -> tuple[User | None, Organisation | None, User | None]:
        operator = User.objects.filter(email__iexact=values["operator_email"]).first()
        if operator is not None and not (operator.is_superuser and operator.is_active):
            raise CommandError(
                _(
                    "Le compte %(email)s existe mais n'est pas un opérateur actif de la "
                    "plateforme : choisissez une autre adresse pour --operator-email. Rien n'a "
                    "été créé."
                )
                % {"email": operator.email}
            )
        organisation = Organisation.objects.filter(name=values["organisation"]).first()
        if organisation is not None and (
            organisation.kind != values["kind"] or organisation.level != values["level"]
        ):
            raise CommandError(
                _(
                    "L'organisation « %(name)s » existe déjà avec un autre type ou niveau "
                    "(%(existing)s). Rien n'a été modifié."
                )
                % {"name": organisation.name, "existing": organisation}
            )
        if organisation is None:
            candidate = Organisation(
                name=values["organisation"],
                kind=values["kind"],
                level=values["level"],
                finess=values["finess"],
            )
            try:
                candidate.full_clean()
            except ValidationError as error:
                messages = "; ".join(
                    message
                    for field_messages in error.message_dict.values()
                    for message in field_messages
                )
                raise CommandError(
                    _("Organisation refusée : %(errors)s Rien n'a été créé.") % {"errors": messages}
                ) from None
        admin = User.objects.filter(email__iexact=values["admin_email"]).first()
        if admin is not None and (admin.is_superuser or not admin.is_active):
            raise CommandError(
                _(
                    "Le compte %(email)s existe mais est désactivé ou opérateur de la "
                    "plateforme : il ne peut pas devenir le premier administrateur. Rien n'a "
                    "été créé."
                )
                % {"email": admin.email}
            )
        return operator, organisation, admin

    # --- the writes, all or nothing -------------------------------------------------------
    def handle(self, *args, **options):
        values = self._values(options)
        operator, organisation, admin = self._check_existing(values)
        done = []
        with transaction.atomic():
            if operator is None:
                operator = User.objects.create_superuser(
                    email=values["operator_email"], password=None, full_name=values["operator_name"]
                )
                # Superuser status is given outside every service: logged here, as a grant.
                security_event_record(
                    kind=SecurityEvent.Kind.ROLE_GRANTED,
                    target=operator,
                    detail=_(
                        "Opérateur de la plateforme créé par manage.py bootstrap_installation"
                    ),
                    actor_name="manage.py bootstrap_installation",
                )
                done.append(
                    _("opérateur de la plateforme %(email)s créé") % {"email": operator.email}
                )
            if organisation is None:
                organisation = Organisation.objects.create(
                    name=values["organisation"],
                    kind=values["kind"],
                    level=values["level"],
                    finess=values["finess"],
                )
                done.append(_("organisation « %(name)s » créée") % {"name": organisation})
            if admin is None:
                admin = User.objects.create_user(
                    email=values["admin_email"], password=None, full_name=values["admin_name"]
                )
                done.append(_("compte %(email)s créé") % {"email": admin.email})
            membership = Membership.objects.filter(
                user=admin, organisation=organisation, role=Role.ADMINISTRATOR
            ).first() or Membership(user=admin, organisation=organisation, role=Role.ADMINISTRATOR)
            granted = not membership.is_active or membership.pk is None
            if granted:
                membership.is_active = True
                # As the operator, through the service: direct for the platform operator alone,
                # logged with the operator as the giver (accounts.permissions counts it).
                membership_save(membership=membership, by=operator)
                done.append(
                    _("rôle d'administrateur de « %(organisation)s » donné à %(email)s")
                    % {"organisation": organisation, "email": admin.email}
                )
            link_sent_to_admin = granted and not admin.has_usable_password()
            if link_sent_to_admin:
                password_reset_requested(email=admin.email, by=operator)

        if done:
            self.stdout.write(self.style.SUCCESS(_("Fait : %(done)s.") % {"done": "; ".join(done)}))
        else:
            self.stdout.write(
                _(
                    "Rien n'a été modifié : l'opérateur %(operator)s, l'organisation « "
                    "%(organisation)s » et son administrateur %(admin)s existent déjà."
                )
                % {"operator": operator.email, "organisation": organisation, "admin": admin.email}
            )
        if link_sent_to_admin:
            self._send_admin_link(admin, organisation)
        self._next_steps(operator, admin, organisation)

    def _send_admin_link(self, admin: User, organisation: Organisation) -> None:
        context = password_link_context(admin)
        context["organisation"] = str(organisation)
        subject = render_to_string("accounts/email/first_administrator_subject.txt", context)
        body = render_to_string("accounts/email/first_administrator_body.txt", context)
        try:
            send_mail(subject.strip(), body, None, [admin.email])
        except Exception as error:  # the accounts exist: say how to finish, do not undo them
            self.stderr.write(
                _(
                    "Le courriel à %(email)s n'est pas parti (%(error)s). Une fois la messagerie "
                    "configurée (EMAIL_HOST...), l'administrateur demandera un lien avec « Mot "
                    "de passe oublié » sur %(url)s."
                )
                % {
                    "email": admin.email,
                    "error": type(error).__name__,
                    "url": settings.RMM_SITE_URL + reverse("password_reset"),
                }
            )
            return
        self.stdout.write(
            _("Lien pour choisir son mot de passe envoyé à %(email)s (valable %(hours)s h).")
            % {"email": admin.email, "hours": context["hours"]}
        )

    def _next_steps(self, operator: User, admin: User, organisation: Organisation) -> None:
        lines = [_("Ensuite :")]
        if not operator.has_usable_password():
            context = password_link_context(operator)
            lines.append(
                _(
                    "- Opérateur (%(email)s) : choisissez votre mot de passe avec ce lien, valable "
                    "%(hours)s h (relancez la commande pour en obtenir un autre) : %(url)s"
                )
                % {"email": operator.email, "hours": context["hours"], "url": context["url"]}
            )
        if not admin.has_usable_password():
            lines.append(
                _(
                    "- Administrateur (%(email)s) : le lien reçu par courriel, ou « Mot de passe "
                    "oublié » sur %(url)s."
                )
                % {
                    "email": admin.email,
                    "url": settings.RMM_SITE_URL + reverse("login"),
                }
            )
        lines += [
            _(
                "- L'administrateur crée, dans l'administration (%(url)s), les maternités du "
                "territoire et les comptes (référents RMM, déclarants...) ; les rôles qui ouvrent "
                "l'identité des patients attendent la confirmation d'un référent RMM ou d'un "
                "second administrateur indépendant."
            )
            % {"url": settings.RMM_SITE_URL + reverse("admin:index")},
            _(
                "- Un second administrateur de « %(organisation)s » : l'opérateur le nomme dans "
                "l'administration ; sinon, l'opérateur confirme les demandes sur %(url)s."
            )
            % {
                "organisation": organisation,
                "url": settings.RMM_SITE_URL + reverse("role_grant_list"),
            },
            _(
                "- Sauvegardes : voir « Sauvegarde et restauration » dans README.md ; gardez "
                "RMM_FIELD_ENCRYPTION_KEY à part, sans elle les coffres d'identité sont perdus."
            ),
        ]
        self.stdout.write("\n".join(lines))


def password_link_context(user: User) -> dict:
    """A link to choose a password (Django's reset token: single use, PASSWORD_RESET_TIMEOUT)."""
    site = urlsplit(settings.RMM_SITE_URL)
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return {
        "url": f"{site.scheme or 'https'}://{site.netloc}{path}",
        "hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
        "site_url": settings.RMM_SITE_URL,
        "user": user,
    }
