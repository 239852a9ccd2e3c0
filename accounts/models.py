"""Users (login by email), organisations and the memberships that give a user a role in one;
the requests that open a vault role, e-mail changes awaiting confirmation and the append-only
security log of every grant, e-mail change and password event (see accounts.services)."""

import contextlib
import contextvars
import re
import unicodedata

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailChangeNeedsConfirmation(PermissionDenied):
    """An account's e-mail address was changed without the old address confirming it."""


class VaultRoleNeedsConfirmation(PermissionDenied):
    """A sensitive role (one that opens identity vaults, or administrator) was given without
    the confirmation it needs."""


class AppendOnlyError(PermissionDenied):
    """Someone tried to change or delete a row of the security log."""


class AccountActivityNeedsService(PermissionDenied):
    """An account was deactivated or reactivated outside accounts.services.user_set_active."""


# Set only by accounts.services.direct_vault_grants(): demo data and test factories.
_direct_vault_grants = contextvars.ContextVar("rmm_direct_vault_grants", default=False)


@contextlib.contextmanager
def direct_vault_grants_allowed():
    token = _direct_vault_grants.set(True)
    try:
        yield
    finally:
        _direct_vault_grants.reset(token)


class UserQuerySet(models.QuerySet):
    """Bulk writes neither deactivate nor reactivate accounts: user_set_active logs each one and
    puts the vault roles of a reactivated account back to confirmation."""

    def update(self, **kwargs):
        if (
            "is_active" in kwargs
            and not _direct_vault_grants.get()
            and self.exclude(is_active=kwargs["is_active"]).exists()
        ):
            raise AccountActivityNeedsService(
                _("Un compte ne se désactive ou ne se réactive que par accounts.services.")
            )
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if "is_active" in fields and not _direct_vault_grants.get():
            raise AccountActivityNeedsService(
                _("Un compte ne se désactive ou ne se réactive que par accounts.services.")
            )
        return super().bulk_update(objs, fields, *args, **kwargs)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_superuser=True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


# A title then a capitalised word ("Dr Martin"), not "Docteur en pharmacie".
_CIVIL_TITLE_AND_NAME = re.compile(
    r"\b(?i:dr|docteure?|pr|professeure?|mme|mlle|m|mr|madame|monsieur)\b\.?\s+[A-ZÀ-Ý]"
)
_CONTACT = re.compile(r"@|\d[\d .-]{5,}\d")


def _plain_words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    return [word for word in re.split(r"\W+", plain) if word]


def _holds_name(job_title: str, full_name: str) -> bool:
    """The person's whole name in the function, its words in either order ("Romain Referent",
    "REFERENT Romain"); one word alone is no proof (Mme Sage may be a sage-femme)."""
    name = _plain_words(full_name)
    if len(name) < 2:
        return False
    words = _plain_words(job_title)
    wanted = {tuple(name), tuple(reversed(name))}
    return any(tuple(words[i : i + len(name)]) in wanted for i in range(len(words)))


def job_title_problem(job_title: str, full_name: str) -> str | None:
    """Why a function cannot be kept, or None. The committee reads a person's function in a
    case's history instead of their name: no name (theirs, or after a title such as "Dr"), no
    e-mail address or telephone number in it."""
    if not job_title:
        return None
    if (
        _holds_name(job_title, full_name)
        or _CONTACT.search(job_title)
        or _CIVIL_TITLE_AND_NAME.search(job_title)
    ):
        return _(
            "La fonction se lit à la place du nom dans l'historique des cas : indiquez une "
            "fonction (sage-femme, pédiatre…), sans nom ni coordonnées."
        )
    return None


class User(AbstractBaseUser, PermissionsMixin):
    """A professional who signs in with their work email. Access to data never comes from this
    row alone: it comes from the user's memberships (see accounts.permissions)."""

    email = models.EmailField(_("adresse e-mail"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=150)
    job_title = models.CharField(
        _("fonction"),
        max_length=100,
        blank=True,
        help_text=_("Par exemple : sage-femme, pédiatre."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("date d'inscription"), default=timezone.now)
    must_change_password = models.BooleanField(
        _("doit changer son mot de passe"),
        default=False,
        help_text=_(
            "Le mot de passe a été fixé par un administrateur : il doit être changé à la "
            "prochaine connexion."
        ),
    )
    password_set_by_admin = models.BooleanField(
        _("mot de passe issu d'un administrateur"),
        default=False,
        help_text=_(
            "Le mot de passe actuel a été choisi par un administrateur, ou remplacé par quelqu'un "
            "qui le connaissait, jamais par un lien envoyé à l'adresse du compte : il est "
            "désactivé quand un rôle qui ouvre l'identité des patients est confirmé."
        ),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["full_name", "email"]

    def __str__(self):
        return self.full_name or self.email

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_email = instance.__dict__.get("email")
        instance._loaded_is_active = instance.__dict__.get("is_active")
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or "email" in fields:
            self._loaded_email = self.email
        if fields is None or "is_active" in fields:
            self._loaded_is_active = self.is_active

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        loaded_active = getattr(self, "_loaded_is_active", None)
        if (
            not self._state.adding
            and loaded_active is not None
            and self.is_active != loaded_active
            and (update_fields is None or "is_active" in update_fields)
            and not getattr(self, "_activity_change_logged", False)
            and not _direct_vault_grants.get()
        ):
            # A reactivated account must not get its vault roles back by itself, and both
            # moves are logged: accounts.services.user_set_active does both.
            raise AccountActivityNeedsService(
                _(
                    "Un compte ne se désactive ou ne se réactive que par "
                    "accounts.services.user_set_active (journalisé)."
                )
            )
        loaded = getattr(self, "_loaded_email", None)
        if (
            not self._state.adding
            and loaded is not None
            and self.email != loaded
            and not getattr(self, "_email_change_confirmed", False)
        ):
            # Whoever controls the address can reset the password: it changes only once
            # confirmed from the old address (accounts.services.email_change_confirm).
            raise EmailChangeNeedsConfirmation(
                _("L'adresse e-mail ne change qu'après confirmation depuis l'ancienne adresse.")
            )
        super().save(*args, **kwargs)
        self._loaded_email = self.email
        self._email_change_confirmed = False
        if update_fields is None or "is_active" in update_fields:
            self._loaded_is_active = self.is_active
        self._activity_change_logged = False

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if problem := job_title_problem(self.job_title, self.full_name):
            raise ValidationError({"job_title": problem})

    @property
    def is_staff(self) -> bool:
        """Django's admin asks this; the answer comes from memberships, never from a flag."""
        from .permissions import can_open_administration

        return can_open_administration(self)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name or self.email


class Organisation(models.Model):
    """A maternity unit, neonatal unit, PMI, perinatal network, CPTS, ARS... Networks and ARS
    act as territories: an organisation may name one as its parent territory."""

    class Kind(models.TextChoices):
        MATERNITY = "maternite", _("Maternité")
        NEONATOLOGY = "neonatologie", _("Néonatologie")
        PMI = "pmi", _("PMI (protection maternelle et infantile)")
        NETWORK = "reseau", _("Réseau de santé périnatale")
        CPTS = "cpts", _("CPTS")
        ARS = "ars", _("ARS")
        OTHER = "autre", _("Autre")

    class Level(models.TextChoices):
        LEVEL_1 = "1", _("Niveau 1")
        LEVEL_2A = "2A", _("Niveau 2A")
        LEVEL_2B = "2B", _("Niveau 2B")
        LEVEL_3 = "3", _("Niveau 3")

    name = models.CharField(_("nom"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    level = models.CharField(
        _("niveau de maternité"),
        max_length=2,
        choices=Level.choices,
        blank=True,
        help_text=_("Uniquement pour une maternité."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("territoire de rattachement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("Le réseau ou l'ARS qui couvre cette organisation."),
    )
    finess = models.CharField(_("n° FINESS"), max_length=9, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="maternite", level__in=["1", "2A", "2B", "3"])
                | (~Q(kind="maternite") & Q(level="")),
                name="organisation_level_only_for_maternity",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="organisation_not_its_own_parent"
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.MATERNITY and self.level:
            return f"{self.name} ({self.get_level_display()})"
        return self.name

    def clean(self):
        super().clean()
        if self.kind == self.Kind.MATERNITY and not self.level:
            raise ValidationError({"level": _("Indiquez le niveau de la maternité.")})
        if self.kind != self.Kind.MATERNITY and self.level:
            raise ValidationError({"level": _("Seule une maternité a un niveau.")})
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": _("Une organisation ne peut pas se rattacher à elle-même.")}
                )
            ancestor = ancestor.parent


class Role(models.TextChoices):
    """Roles of DESIGN §2; a membership gives one of them in one organisation."""

    CLINICIAN = "clinician", _("Déclarant (clinicien)")
    COORDINATOR = "coordinator", _("Référent RMM")
    COMMITTEE_MEMBER = "committee_member", _("Membre de comité")
    COMMITTEE_CHAIR = "committee_chair", _("Président de comité")
    COMMITTEE_SECRETARY = "committee_secretary", _("Secrétaire de comité")
    QUALITY_MANAGER = "quality_manager", _("Responsable qualité")
    ADMINISTRATOR = "administrator", _("Administrateur")
    # Sees the aggregates of the organisations its network or ARS covers, never a case row.
    OBSERVER = "observer", _("Observateur territorial (réseau, ARS)")


# Roles that open the identity vault of the organisation's cases (cases.permissions).
VAULT_ROLES = frozenset({Role.CLINICIAN, Role.COORDINATOR})
# Roles given only once a second person confirms (accounts.services): the vault roles, and the
# administrator role, which manages accounts and counts as a confirmer when there is no
# coordinator. Only the platform operator gives an administrator role directly.
SENSITIVE_ROLES = VAULT_ROLES | {Role.ADMINISTRATOR}


class MembershipQuerySet(models.QuerySet):
    """Bulk writes cannot give a sensitive role: only the confirmation service can (see save())."""

    def update(self, **kwargs):
        opens = kwargs.get("is_active") is True or kwargs.get("role") in SENSITIVE_ROLES
        if (opens or {"user", "user_id", "organisation", "organisation_id"} & set(kwargs)) and (
            not _direct_vault_grants.get()
        ):
            raise VaultRoleNeedsConfirmation(
                _("Un rôle ne s'active que par accounts.services, jamais en masse.")
            )
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if any(obj.needs_confirmation() for obj in objs) and not _direct_vault_grants.get():
            raise VaultRoleNeedsConfirmation(
                _(
                    "Un rôle sensible (identité des patients, administration) attend une "
                    "confirmation."
                )
            )
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if {"is_active", "role", "user", "organisation"} & set(fields) and (
            not _direct_vault_grants.get()
        ):
            raise VaultRoleNeedsConfirmation(
                _("Un rôle ne s'active que par accounts.services, jamais en masse.")
            )
        return super().bulk_update(objs, fields, *args, **kwargs)


class Membership(models.Model):
    """A user's role in one organisation. One user may hold several roles and organisations.

    A row that would give a sensitive role (declarant, coordinator, administrator) it did not
    give before (new, reactivated, role, user or organisation changed) refuses to save unless
    the confirmation service allowed it (or, for an administrator role, the platform operator
    gave it): no admin page or shell call can skip the confirmation."""

    user = models.ForeignKey(
        User, verbose_name=_("utilisateur"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attribué par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    granted_at = models.DateTimeField(_("attribué le"), null=True, blank=True, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("rôle")
        verbose_name_plural = _("rôles")
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"

    def save(self, *args, **kwargs):
        if (
            self.needs_confirmation()
            and not getattr(self, "_grant_confirmed", False)
            and not _direct_vault_grants.get()
        ):
            if self.role in VAULT_ROLES:
                message = _(
                    "Le rôle « %(role)s » ouvre l'identité des patients : il attend la "
                    "confirmation d'un référent RMM de l'organisation."
                )
            else:
                message = _(
                    "Le rôle « %(role)s » attend la confirmation d'un autre administrateur de "
                    "l'organisation ou de l'opérateur de la plateforme."
                )
            raise VaultRoleNeedsConfirmation(message % {"role": self.get_role_display()})
        super().save(*args, **kwargs)
        self._grant_confirmed = False
        self._remember_loaded_state()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember_loaded_state()
        return instance

    def _remember_loaded_state(self):
        self._loaded_state = (
            self.__dict__.get("user_id"),
            self.__dict__.get("organisation_id"),
            self.__dict__.get("role"),
            self.__dict__.get("is_active"),
        )

    @property
    def loaded_state(self):
        """(user id, organisation id, role, active) as read from the database, or None."""
        return None if self._state.adding else getattr(self, "_loaded_state", None)

    def gives_role(self) -> bool:
        """Saving would give a role this row did not give before (new, reactivated, moved)."""
        if not self.is_active:
            return False
        loaded = self.loaded_state
        return loaded is None or loaded != (self.user_id, self.organisation_id, self.role, True)

    def opens_vault(self) -> bool:
        return self.role in VAULT_ROLES and self.gives_role()

    def needs_confirmation(self) -> bool:
        """Saving would give a sensitive role (vault or administrator) not given before."""
        return self.role in SENSITIVE_ROLES and self.gives_role()


class RoleGrantRequest(models.Model):
    """A sensitive role asked for someone. A vault role (declarant, coordinator) takes effect
    only once a coordinator of the organisation (or, when it has none, a second independent
    administrator) confirms; an administrator role once another independent administrator
    managing the organisation, or the platform operator, confirms."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de confirmation")
        GRANTED = "granted", _("Confirmée")
        REFUSED = "refused", _("Refusée")
        CANCELLED = "cancelled", _("Annulée")

    user = models.ForeignKey(
        User, verbose_name=_("bénéficiaire"), on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices)
    requested_by = models.ForeignKey(
        User, verbose_name=_("demandé par"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("décidé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    comment = models.CharField(_("commentaire"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("demande d'habilitation")
        verbose_name_plural = _("demandes d'habilitation")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(status="pending"),
                name="role_grant_one_pending_per_role",
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"

    @property
    def opens_vault(self) -> bool:
        return self.role in VAULT_ROLES


class EmailChangeRequest(models.Model):
    """A new address asked for an account: applied only once confirmed from the old address."""

    user = models.ForeignKey(
        User, verbose_name=_("compte"), on_delete=models.CASCADE, related_name="+"
    )
    old_email = models.EmailField(_("ancienne adresse"))
    new_email = models.EmailField(_("nouvelle adresse"))
    requested_by = models.ForeignKey(
        User, verbose_name=_("demandé par"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    refused_at = models.DateTimeField(_("refusé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("changement d'adresse e-mail")
        verbose_name_plural = _("changements d'adresse e-mail")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.user_id}: {self.old_email} → {self.new_email}"

    @property
    def is_open(self) -> bool:
        return self.confirmed_at is None and self.refused_at is None


class SecurityEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(_("Le journal de sécurité ne se modifie pas."))

    def delete(self):
        raise AppendOnlyError(_("Le journal de sécurité ne se supprime pas."))

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise AppendOnlyError(_("Le journal de sécurité ne se modifie pas."))


class SecurityEvent(models.Model):
    """One grant, revocation, e-mail change or password event: append-only (the model refuses
    changes; on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE)."""

    class Kind(models.TextChoices):
        ROLE_REQUESTED = "role_requested", _("Rôle demandé")
        ROLE_GRANTED = "role_granted", _("Rôle attribué")
        ROLE_REFUSED = "role_refused", _("Rôle refusé")
        ROLE_REVOKED = "role_revoked", _("Rôle retiré")
        EMAIL_CHANGE_REQUESTED = "email_change_requested", _("Changement d'adresse demandé")
        EMAIL_CHANGED = "email_changed", _("Adresse e-mail changée")
        EMAIL_CHANGE_REFUSED = "email_change_refused", _("Changement d'adresse refusé")
        PASSWORD_SET_BY_ADMIN = (
            "password_set_by_admin",
            _("Mot de passe fixé par un administrateur"),
        )
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Réinitialisation demandée")
        PASSWORD_RESET_DONE = "password_reset_done", _("Mot de passe réinitialisé")
        PASSWORD_CHANGED = "password_changed", _("Mot de passe changé")
        PASSWORD_DISABLED = (
            "password_disabled",
            _("Mot de passe choisi par un administrateur désactivé"),
        )
        INVITATION_SENT = "invitation_sent", _("Invitation envoyée")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation acceptée (mot de passe choisi)")
        ACCOUNT_DEACTIVATED = "account_deactivated", _("Compte désactivé")
        ACCOUNT_REACTIVATED = "account_reactivated", _("Compte réactivé")

    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    kind = models.CharField(_("événement"), max_length=40, choices=Kind.choices)
    # Actor and target are kept (PROTECT) with a copy of their name as it was at the time.
    actor = models.ForeignKey(
        User,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("nom de l'auteur"), max_length=300, blank=True)
    target = models.ForeignKey(
        User,
        verbose_name=_("compte concerné"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="security_events",
    )
    target_name = models.CharField(_("compte concerné (nom)"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices, blank=True)
    detail = models.CharField(_("détail"), max_length=500, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement de sécurité")
        verbose_name_plural = _("journal de sécurité")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target", "-at"]), models.Index(fields=["kind", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.target_name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(_("Le journal de sécurité ne se modifie pas."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(_("Le journal de sécurité ne se supprime pas."))
