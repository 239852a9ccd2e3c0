"""Users (login by email), organisations and the memberships that give a user a role in one."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
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

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

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


class Membership(models.Model):
    """A user's role in one organisation. One user may hold several roles and organisations."""

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

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"
