"""Writes on accounts that touch security: roles that open identity vaults, e-mail changes and
passwords. No administrator becomes a reader of the vaults alone:

- a vault role (declarant, coordinator) given through any route becomes a `RoleGrantRequest`,
  effective once a coordinator of the organisation (or, when it has none, a second independent
  administrator) confirms it, never to oneself (`Membership.save` refuses any other way in);
- so does an administrator role given by an administrator: another independent administrator
  managing the organisation, or the platform operator, confirms it (only the platform operator
  gives one directly, to bootstrap an installation);
- removing the last active coordinator of an organisation stays immediate, and is logged so;
- an e-mail change waits for a confirmation from the old address, which is told when it applies;
- a password set by an administrator must be changed at the next login, and is disabled when a
  vault role is confirmed (its owner chooses one through a link sent to their own address);
- a reactivated account gets its vault roles back only as requests to confirm;
- a new account is invited: created without a usable password, its owner chooses one through a
  one-time link sent to the account's own address (no administrator types or passes one on);
- each of these writes one `SecurityEvent` in the same transaction; e-mails leave after commit.
"""

from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import (
    SENSITIVE_ROLES,
    VAULT_ROLES,
    EmailChangeRequest,
    Membership,
    Organisation,
    Role,
    RoleGrantRequest,
    SecurityEvent,
    User,
    direct_vault_grants_allowed,
)
from .permissions import (
    SEAT_ROLES,
    assignable_roles,
    can_manage_membership,
    can_manage_organisation,
    can_manage_user,
    coordinators_who_may_confirm,
    is_platform_operator,
    role_grant_refusal_reason,
)
from .scope import organisation_and_ancestor_ids

EMAIL_CHANGE_SALT = "accounts.email-change"
EMAIL_CHANGE_MAX_AGE = 48 * 60 * 60  # seconds: the old address has two days to confirm
# An invitation may arrive on a Friday evening: three days, against one hour for a reset link
# (a reset is asked by someone at their screen; an invitation is not expected).
INVITATION_MAX_AGE = 72 * 60 * 60

Kind = SecurityEvent.Kind


class NotAllowed(PermissionDenied):
    """A security rule refused the write; the message (French) says which."""


class InvalidLink(Exception):
    """A confirmation link that is forged, expired, already used or overtaken."""


# --- Security log ---------------------------------------------------------------------------
def _label(user) -> str:
    if user is None:
        return ""
    return f"{user.full_name} <{user.email}>" if user.full_name else user.email


def security_event_record(
    *,
    kind: str,
    actor=None,
    target=None,
    organisation: Organisation | None = None,
    role: str = "",
    detail: str = "",
    actor_name: str = "",
) -> SecurityEvent:
    """Append one row to the security log (never a password, token or patient datum)."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return SecurityEvent.objects.create(
        kind=kind,
        actor=actor,
        actor_name=_label(actor) or actor_name,
        target=target,
        target_name=_label(target),
        organisation=organisation,
        role=role,
        detail=detail[:500],
    )


def _send(*, template: str, to: list[str], context: dict) -> None:
    context = {**context, "site_url": settings.RMM_SITE_URL}
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{template}_body.txt", context)
    EmailMultiAlternatives(subject=subject, body=body, to=to).send()


def _send_after_commit(*, template: str, to: list[str], context: dict) -> None:
    if to:
        transaction.on_commit(partial(_send, template=template, to=to, context=context))


# --- Memberships and vault roles ------------------------------------------------------------
def direct_vault_grants():
    """Context manager letting demo data and test factories create vault roles directly.

    Internal: no view calls it, and `load_demo` refuses to run outside local settings."""
    return direct_vault_grants_allowed()


@transaction.atomic
def membership_bootstrap(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Give a role directly, for demo data only (logged as an initialisation)."""
    with direct_vault_grants():
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
    if created:
        security_event_record(
            kind=Kind.ROLE_GRANTED,
            target=user,
            organisation=organisation,
            role=role,
            detail=_("Initialisation (données de démonstration)"),
            actor_name=_("système"),
        )
    return membership


def _gives_directly(membership: Membership, by) -> bool:
    """The platform operator gives administrator roles at once (bootstrap of an installation),
    never to themselves; every other sensitive role waits for a confirmation."""
    return (
        membership.role == Role.ADMINISTRATOR
        and is_platform_operator(by)
        and membership.user_id != by.pk
    )


def _last_coordinator_note(*, organisation_id: int, leaving_user_id: int) -> str:
    """A note for the log when `leaving_user_id` was the organisation's last active coordinator:
    its vault roles then need two independent administrators."""
    remaining = (
        Membership.objects.filter(
            organisation_id=organisation_id,
            role=Role.COORDINATOR,
            is_active=True,
            user__is_active=True,
        )
        .exclude(user_id=leaving_user_id)
        .exists()
    )
    if remaining:
        return ""
    return _(
        "Dernier référent RMM actif de l'organisation : ses rôles qui ouvrent l'identité des "
        "patients demandent désormais deux administrateurs indépendants."
    )


def _refuse_seat_role(membership: Membership, from_seat: bool) -> None:
    """Committee roles (chair, secretary, member) follow the committee seats: written by the
    seat service only, so that an organisation role never says "chair" of nobody's committee."""
    if from_seat:
        return
    roles = {membership.role}
    if membership.loaded_state is not None:
        roles.add(membership.loaded_state[2])
    if roles & SEAT_ROLES:
        raise NotAllowed(
            _(
                "Un rôle de comité (président, secrétaire, membre) se donne ou se retire avec "
                "le siège au comité, sur la fiche de l'utilisateur ou du comité."
            )
        )


@transaction.atomic
def membership_save(
    *, membership: Membership, by, from_seat: bool = False
) -> RoleGrantRequest | None:
    """Save a membership as an administrator asked (admin form, inline, shell). A sensitive role
    it would give becomes a pending request instead, and the row keeps what it gave before
    (the platform operator alone gives an administrator role at once). Committee roles come
    only from a committee seat (`from_seat`, set by committees.services.seats)."""
    if not can_manage_membership(by, membership):
        raise NotAllowed(_("Vous ne gérez pas les rôles de ce compte dans cette organisation."))
    _refuse_seat_role(membership, from_seat)
    loaded = membership.loaded_state
    direct = membership.needs_confirmation() and _gives_directly(membership, by)
    if membership.needs_confirmation() and not direct:
        grant = role_grant_request(
            user=membership.user,
            organisation=membership.organisation,
            role=membership.role,
            by=by,
        )
        if loaded is not None:
            membership.refresh_from_db()
        else:
            # The request keeps (or creates) the inactive row, so the account stays in scope.
            membership.pk = Membership.objects.get(
                user=membership.user, organisation=membership.organisation, role=membership.role
            ).pk
            membership.refresh_from_db()
            membership._state.adding = False
        return grant
    if membership.gives_role():
        membership.granted_by = by
        membership.granted_at = timezone.now()
    membership._grant_confirmed = direct
    membership.save()
    before = (loaded[0], loaded[1], loaded[2]) if loaded and loaded[3] else None
    after = (
        (membership.user_id, membership.organisation_id, membership.role)
        if membership.is_active
        else None
    )
    if before != after:
        if before is not None:
            security_event_record(
                kind=Kind.ROLE_REVOKED,
                actor=by,
                target=User.objects.get(pk=before[0]),
                organisation=Organisation.objects.get(pk=before[1]),
                role=before[2],
                detail=(
                    _last_coordinator_note(organisation_id=before[1], leaving_user_id=before[0])
                    if before[2] == Role.COORDINATOR
                    else ""
                ),
            )
        if after is not None:
            security_event_record(
                kind=Kind.ROLE_GRANTED,
                actor=by,
                target=membership.user,
                organisation=membership.organisation,
                role=membership.role,
                detail=_("Donné directement par l'opérateur de la plateforme") if direct else "",
            )
    return None


@transaction.atomic
def membership_delete(*, membership: Membership, by, from_seat: bool = False) -> None:
    """Remove a role (taking a role away never needs a confirmation: it must be quick; the
    last coordinator of an organisation leaving is logged as such)."""
    if not can_manage_membership(by, membership):
        raise NotAllowed(_("Vous ne gérez pas les rôles de ce compte dans cette organisation."))
    _refuse_seat_role(membership, from_seat)
    if membership.is_active:
        detail = _("Rôle retiré")
        if membership.role == Role.COORDINATOR:
            note = _last_coordinator_note(
                organisation_id=membership.organisation_id, leaving_user_id=membership.user_id
            )
            detail = f"{detail}. {note}" if note else detail
        security_event_record(
            kind=Kind.ROLE_REVOKED,
            actor=by,
            target=membership.user,
            organisation=membership.organisation,
            role=membership.role,
            detail=detail,
        )
    membership.delete()


@transaction.atomic
def role_grant_request(
    *, user: User, organisation: Organisation, role: str, by
) -> RoleGrantRequest | None:
    """Ask for a sensitive role (vault or administrator) for `user`; None when they hold it."""
    if role not in SENSITIVE_ROLES:
        raise ValueError(f"{role} is not given through a confirmation")
    if getattr(by, "pk", None) == user.pk:
        if role == Role.ADMINISTRATOR:
            raise NotAllowed(_("Personne ne s'attribue un rôle d'administrateur."))
        raise NotAllowed(_("Personne ne s'attribue un rôle qui ouvre l'identité des patients."))
    if not can_manage_organisation(by, organisation):
        raise NotAllowed(_("Vous n'administrez pas cette organisation."))
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"is_active": False}
    )
    if membership.is_active:
        return None
    pending = RoleGrantRequest.objects.filter(
        user=user, organisation=organisation, role=role, status=RoleGrantRequest.Status.PENDING
    ).first()
    if pending is not None:
        return pending
    grant = RoleGrantRequest.objects.create(
        user=user, organisation=organisation, role=role, requested_by=by
    )
    security_event_record(
        kind=Kind.ROLE_REQUESTED, actor=by, target=user, organisation=organisation, role=role
    )
    _send_after_commit(
        template="role_grant_requested",
        to=_confirmer_emails(grant),
        context={"grant": grant, "url": reverse("role_grant_list")},
    )
    return grant


def _confirmer_emails(grant: RoleGrantRequest) -> list[str]:
    coordinators = coordinators_who_may_confirm(grant)
    if coordinators:
        users = User.objects.filter(pk__in=coordinators)
    else:
        users = (
            User.objects.filter(
                is_active=True,
                memberships__role=Role.ADMINISTRATOR,
                memberships__is_active=True,
                memberships__organisation_id__in=organisation_and_ancestor_ids(grant.organisation),
            )
            .exclude(pk__in=[grant.user_id, grant.requested_by_id])
            .distinct()
        )
        # Only those who may confirm: not an administrator the requester made, nor its maker.
        users = User.objects.filter(
            pk__in=[user.pk for user in users if role_grant_refusal_reason(user, grant) is None]
        )
    return sorted(users.values_list("email", flat=True))


def pending_role_grants_for(user: User):
    return RoleGrantRequest.objects.filter(user=user, status=RoleGrantRequest.Status.PENDING)


@transaction.atomic
def role_grant_confirm(*, grant: RoleGrantRequest, by) -> Membership:
    """A coordinator of the organisation (or a second independent administrator, or for an
    administrator role the platform operator) makes the sensitive role effective.

    A password an administrator chose (or that someone who knew it replaced) stops working at
    once: the owner gets a reset link at their own address (`password_reset_sent` on the
    returned membership says so)."""
    grant = (
        RoleGrantRequest.objects.select_for_update()
        .select_related("user", "organisation", "requested_by")
        .get(pk=grant.pk)
    )
    reason = role_grant_refusal_reason(by, grant)
    if reason:
        raise NotAllowed(reason)
    if coordinators_who_may_confirm(grant):
        path = _("confirmé par un référent RMM de l'organisation")
    elif is_platform_operator(by):
        path = _("confirmé par l'opérateur de la plateforme (%(operator)s)") % {
            "operator": _label(by)
        }
    else:
        path = _("confirmé par deux administrateurs (%(first)s, %(second)s)") % {
            "first": _label(grant.requested_by),
            "second": _label(by),
        }
    membership, _created = Membership.objects.get_or_create(
        user=grant.user,
        organisation=grant.organisation,
        role=grant.role,
        defaults={"is_active": False},
    )
    membership.is_active = True
    membership.granted_by = by
    membership.granted_at = timezone.now()
    membership._grant_confirmed = True
    membership.save()
    grant.status = RoleGrantRequest.Status.GRANTED
    grant.decided_by = by
    grant.decided_at = timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    security_event_record(
        kind=Kind.ROLE_GRANTED,
        actor=by,
        target=grant.user,
        organisation=grant.organisation,
        role=grant.role,
        detail=_("Demandé par %(requester)s ; %(path)s")
        % {"requester": _label(grant.requested_by), "path": path},
    )
    membership.password_reset_sent = _admin_chosen_password_disable(
        user=grant.user, by=by, role=grant.role, organisation=grant.organisation
    )
    return membership


@transaction.atomic
def role_grant_refuse(*, grant: RoleGrantRequest, by, comment: str = "") -> RoleGrantRequest:
    """Someone who could confirm refuses, or the requester withdraws, a pending sensitive role."""
    grant = (
        RoleGrantRequest.objects.select_for_update()
        .select_related("user", "organisation", "requested_by")
        .get(pk=grant.pk)
    )
    withdrawn = grant.status == RoleGrantRequest.Status.PENDING and (
        getattr(by, "pk", None) == grant.requested_by_id
    )
    if not withdrawn:
        reason = role_grant_refusal_reason(by, grant)
        if reason:
            raise NotAllowed(reason)
    grant.status = (
        RoleGrantRequest.Status.CANCELLED if withdrawn else RoleGrantRequest.Status.REFUSED
    )
    grant.decided_by = by
    grant.decided_at = timezone.now()
    grant.comment = comment[:500]
    grant.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    security_event_record(
        kind=Kind.ROLE_REFUSED,
        actor=by,
        target=grant.user,
        organisation=grant.organisation,
        role=grant.role,
        detail=(_("Demande retirée par son auteur") if withdrawn else comment),
    )
    return grant


@transaction.atomic
def user_set_active(*, user: User, active: bool, by) -> list[RoleGrantRequest]:
    """Deactivate an account at once, or reactivate it. Its other roles come back with it; its
    sensitive roles (vault roles, and administrator roles unless the platform operator
    reactivates) come back only as requests confirmed like any other. Returns those requests;
    both moves are logged (a deactivated last coordinator as such)."""
    if getattr(by, "pk", None) == user.pk:
        raise NotAllowed(_("Personne ne désactive ni ne réactive son propre compte."))
    if not can_manage_user(by, user):
        raise NotAllowed(_("Vous ne gérez pas ce compte."))
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active == active:
        user.is_active = active
        user._loaded_is_active = active
        return []
    locked.is_active = active
    locked._activity_change_logged = True
    locked.save(update_fields=["is_active"])
    user.is_active = active
    user._loaded_is_active = active
    if not active:
        last_of = [
            str(membership.organisation)
            for membership in Membership.objects.filter(
                user=locked, role=Role.COORDINATOR, is_active=True
            ).select_related("organisation")
            if _last_coordinator_note(
                organisation_id=membership.organisation_id, leaving_user_id=locked.pk
            )
        ]
        security_event_record(
            kind=Kind.ACCOUNT_DEACTIVATED,
            actor=by,
            target=locked,
            detail=(
                _(
                    "Dernier référent RMM actif de : %(organisations)s ; leurs rôles qui ouvrent "
                    "l'identité des patients demandent désormais deux administrateurs "
                    "indépendants."
                )
                % {"organisations": ", ".join(last_of)}
                if last_of
                else ""
            ),
        )
        return []
    gated_roles = VAULT_ROLES if is_platform_operator(by) else SENSITIVE_ROLES
    vault_memberships = list(
        Membership.objects.select_for_update()
        .filter(user=locked, role__in=gated_roles, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )
    roles = ", ".join(f"{m.get_role_display()} ({m.organisation})" for m in vault_memberships)
    security_event_record(
        kind=Kind.ACCOUNT_REACTIVATED,
        actor=by,
        target=locked,
        detail=(
            _("Rôles sensibles remis à confirmation : %(roles)s") % {"roles": roles}
            if roles
            else ""
        ),
    )
    grants = []
    for membership in vault_memberships:
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        security_event_record(
            kind=Kind.ROLE_REVOKED,
            actor=by,
            target=locked,
            organisation=membership.organisation,
            role=membership.role,
            detail=_("Compte réactivé : ce rôle attend une nouvelle confirmation"),
        )
        grants.append(
            role_grant_request(
                user=locked, organisation=membership.organisation, role=membership.role, by=by
            )
        )
    return grants


def holds_sensitive_role(user: User) -> bool:
    """The account opens (or is about to open) identity vaults, or is (or is about to be) an
    administrator: whoever knew its password could open a vault or confirm as a second
    administrator."""
    return (
        Membership.objects.filter(user=user, role__in=SENSITIVE_ROLES, is_active=True).exists()
        or pending_role_grants_for(user).exists()
    )


# --- E-mail address -------------------------------------------------------------------------
def _email_change_token(change: EmailChangeRequest) -> str:
    return signing.dumps({"r": change.pk, "u": change.user_id}, salt=EMAIL_CHANGE_SALT)


@transaction.atomic
def email_change_request(*, user: User, new_email: str, by) -> EmailChangeRequest:
    """Ask for a new address: a link goes to the OLD address; nothing goes to the new one."""
    new_email = User.objects.normalize_email(new_email).strip().lower()
    if getattr(by, "pk", None) != user.pk and not can_manage_user(by, user):
        raise NotAllowed(_("Vous ne gérez pas ce compte."))
    if new_email == user.email:
        raise ValidationError(_("C'est déjà l'adresse de ce compte."))
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise ValidationError(_("Un autre compte utilise déjà cette adresse."))
    change = EmailChangeRequest.objects.create(
        user=user, old_email=user.email, new_email=new_email, requested_by=by
    )
    security_event_record(
        kind=Kind.EMAIL_CHANGE_REQUESTED,
        actor=by,
        target=user,
        detail=_("De %(old)s vers %(new)s") % {"old": user.email, "new": new_email},
    )
    _send_after_commit(
        template="email_change_confirm",
        to=[user.email],
        context={
            "change": change,
            "requested_by": _label(by),
            "url": reverse("email_change_confirm", args=[_email_change_token(change)]),
            "hours": EMAIL_CHANGE_MAX_AGE // 3600,
        },
    )
    return change


def email_change_for_token(token: str, *, lock: bool = False) -> EmailChangeRequest:
    """The open request a link names; InvalidLink when forged, expired, used or overtaken."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise InvalidLink from exc
    queryset = EmailChangeRequest.objects.select_related("user")
    if lock:
        queryset = queryset.select_for_update()
    change = queryset.filter(pk=data.get("r"), user_id=data.get("u")).first()
    if change is None or not change.is_open or change.user.email != change.old_email:
        raise InvalidLink
    return change


@transaction.atomic
def email_change_confirm(*, token: str, by=None) -> EmailChangeRequest:
    """The holder of the old address confirms: the address changes, and the old one is told."""
    change = email_change_for_token(token, lock=True)
    user = User.objects.select_for_update().get(pk=change.user_id)
    if User.objects.filter(email__iexact=change.new_email).exclude(pk=user.pk).exists():
        raise InvalidLink
    user.email = change.new_email
    user._email_change_confirmed = True
    user.save(update_fields=["email"])
    change.confirmed_at = timezone.now()
    change.save(update_fields=["confirmed_at"])
    security_event_record(
        kind=Kind.EMAIL_CHANGED,
        actor=by,
        actor_name=_("titulaire de l'ancienne adresse"),
        target=user,
        detail=_("De %(old)s vers %(new)s, confirmé depuis l'ancienne adresse")
        % {"old": change.old_email, "new": change.new_email},
    )
    _send_after_commit(template="email_changed", to=[change.old_email], context={"change": change})
    return change


@transaction.atomic
def email_change_refuse(*, token: str, by=None) -> EmailChangeRequest:
    """The holder of the old address refuses: nothing changes, the link dies."""
    change = email_change_for_token(token, lock=True)
    change.refused_at = timezone.now()
    change.save(update_fields=["refused_at"])
    security_event_record(
        kind=Kind.EMAIL_CHANGE_REFUSED,
        actor=by,
        actor_name=_("titulaire de l'ancienne adresse"),
        target=change.user,
        detail=_("Vers %(new)s, refusé depuis l'ancienne adresse") % {"new": change.new_email},
    )
    return change


# --- Passwords ------------------------------------------------------------------------------
@transaction.atomic
def password_set_by_admin(*, user: User, by, detail: str = "") -> None:
    """An administrator chose the password (new account, admin form): changed at next login,
    and disabled if a vault role is confirmed before a reset from the owner's address."""
    if user.has_usable_password():
        user.must_change_password = True
        user.password_set_by_admin = True
        user.save(update_fields=["must_change_password", "password_set_by_admin"])
    security_event_record(
        kind=Kind.PASSWORD_SET_BY_ADMIN,
        actor=by,
        target=user,
        detail=detail
        or (_("Connexion par mot de passe désactivée") if not user.has_usable_password() else ""),
    )


@transaction.atomic
def password_changed_by_owner(*, user: User, reset: bool = False) -> None:
    """The owner chose a new password (change form, or a reset link sent to their address).

    Only a reset proves the owner: the change form also opens to whoever knew an
    administrator's password, so that origin is kept until a reset."""
    fields = []
    if user.must_change_password:
        user.must_change_password = False
        fields.append("must_change_password")
    if reset and user.password_set_by_admin:
        user.password_set_by_admin = False
        fields.append("password_set_by_admin")
    if fields:
        user.save(update_fields=fields)
    security_event_record(
        kind=Kind.PASSWORD_RESET_DONE if reset else Kind.PASSWORD_CHANGED,
        actor=user if not reset else None,
        actor_name=_("titulaire de l'adresse e-mail"),
        target=user,
    )


@transaction.atomic
def password_reset_requested(*, email: str, by=None) -> int:
    """A reset link was asked for `email`: logged for each active account it names (nothing
    is logged for an unknown address, which would only record what strangers type)."""
    users = list(User.objects.filter(email__iexact=email.strip(), is_active=True))
    for user in users:
        security_event_record(kind=Kind.PASSWORD_RESET_REQUESTED, actor=by, target=user)
    return len(users)


def _admin_chosen_password_disable(*, user: User, by, role: str, organisation) -> bool:
    """A vault role was just confirmed: a password an administrator knows (or knew) stops
    working, and its owner gets a reset link at the account's own address after commit."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.has_usable_password() or not (
        user.must_change_password or user.password_set_by_admin
    ):
        return False
    user.set_unusable_password()
    user.must_change_password = False
    user.password_set_by_admin = False
    user.save(update_fields=["password", "must_change_password", "password_set_by_admin"])
    security_event_record(
        kind=Kind.PASSWORD_DISABLED,
        actor=by,
        target=user,
        organisation=organisation,
        role=role,
        detail=_(
            "Mot de passe choisi par un administrateur désactivé à la confirmation du rôle ; "
            "lien de réinitialisation envoyé à %(email)s"
        )
        % {"email": user.email},
    )
    transaction.on_commit(
        partial(
            _send_password_choice_link,
            user_id=user.pk,
            role=str(Role(role).label),
            organisation=str(organisation),
        )
    )
    return True


def _send_password_choice_link(*, user_id: int, role: str, organisation: str) -> None:
    """Django's reset e-mail (token, uid, link to password_reset_confirm) with our wording."""
    from .forms import PasswordResetForm

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    site = urlsplit(settings.RMM_SITE_URL)
    context = {
        "email": user.email,
        "domain": site.netloc,
        "site_name": "RMM",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": site.scheme or "https",
        "role": role,
        "organisation": organisation,
        "hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
        "site_url": settings.RMM_SITE_URL,
    }
    PasswordResetForm().send_mail(
        "accounts/email/vault_password_choice_subject.txt",
        "accounts/email/vault_password_choice_body.txt",
        context,
        None,
        user.email,
        html_email_template_name="accounts/email/vault_password_choice_body.html",
    )


# --- Invitations ----------------------------------------------------------------------------
class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token with its own salt and lifetime. It dies once used (the password
    hash changes) and when the invitation is sent again (a new unusable password is drawn)."""

    key_salt = "accounts.services.InvitationTokenGenerator"
    max_age = INVITATION_MAX_AGE

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return 0 <= self._num_seconds(self._now()) - timestamp <= self.max_age


invitation_token_generator = InvitationTokenGenerator()


def invitation_pending(user: User) -> bool:
    """The account was invited and its owner has not chosen a password yet."""
    return user.is_active and not user.has_usable_password() and user.last_login is None


@transaction.atomic
def user_invite(
    *,
    email: str,
    full_name: str,
    organisation: Organisation,
    role: str,
    by,
    job_title: str = "",
    also=None,
) -> tuple[User, RoleGrantRequest | None]:
    """Create an account without a usable password, with its first role, and send its owner a
    one-time link to choose a password. A sensitive role becomes a pending request like any
    other (membership_save). `also(user)` lets a higher app give, in the same transaction,
    what it knows (a committee seat); `role` may then be empty. Returns (user, pending grant)."""
    if not can_manage_organisation(by, organisation):
        raise NotAllowed(_("Vous n'administrez pas cette organisation."))
    if role and role not in dict(assignable_roles()):
        raise NotAllowed(_("Ce rôle ne se donne pas ici."))
    email = User.objects.normalize_email(email or "").strip().lower()
    full_name = " ".join((full_name or "").split())
    user = User(email=email, full_name=full_name, job_title=" ".join((job_title or "").split()))
    user.set_unusable_password()
    user.full_clean(exclude=["password"])  # address format, lengths, uniqueness
    user.save()
    grant = None
    if role:
        grant = membership_save(
            membership=Membership(user=user, organisation=organisation, role=role), by=by
        )
    if also is not None:
        also(user)
    if not Membership.objects.filter(user=user).exists():
        # An account with no role would be outside every administrator's scope.
        raise ValidationError(_("Donnez au moins un rôle ou un siège de comité."))
    security_event_record(
        kind=Kind.INVITATION_SENT,
        actor=by,
        target=user,
        organisation=organisation,
        role=role,
        detail=_("Compte créé ; lien valable %(hours)d heures") % {"hours": _invitation_hours()},
    )
    transaction.on_commit(partial(_send_invitation, user_id=user.pk))
    return user, grant


@transaction.atomic
def user_invitation_resend(*, user: User, by) -> None:
    """Send a fresh link; every earlier link stops working (a new unusable password is drawn)."""
    if not can_manage_user(by, user):
        raise NotAllowed(_("Vous ne gérez pas ce compte."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise NotAllowed(_("Ce compte est désactivé : réactivez-le avant de l'inviter."))
    if not invitation_pending(user):
        raise NotAllowed(
            _(
                "Ce compte a déjà choisi son mot de passe : en cas d'oubli, son titulaire "
                "utilise « Mot de passe oublié » sur la page de connexion."
            )
        )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    security_event_record(
        kind=Kind.INVITATION_SENT,
        actor=by,
        target=user,
        detail=_("Invitation renvoyée ; les liens précédents ne servent plus"),
    )
    transaction.on_commit(partial(_send_invitation, user_id=user.pk))


@transaction.atomic
def invitation_accepted(*, user: User) -> None:
    """The owner chose their password through the invitation link (proves the address)."""
    fields = []
    for flag in ("must_change_password", "password_set_by_admin"):
        if getattr(user, flag):
            setattr(user, flag, False)
            fields.append(flag)
    if fields:
        user.save(update_fields=fields)
    security_event_record(
        kind=Kind.INVITATION_ACCEPTED,
        actor_name=_("titulaire de l'adresse e-mail"),
        target=user,
    )


def _invitation_hours() -> int:
    return INVITATION_MAX_AGE // 3600


def _send_invitation(*, user_id: int) -> None:
    """The link only: no name, role or organisation (a mis-typed address would learn nothing
    of who works where), and never a patient datum."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not invitation_pending(user):
        return
    url = reverse(
        "invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_token_generator.make_token(user),
        },
    )
    context = {
        "url": f"{settings.RMM_SITE_URL}{url}",
        "days": INVITATION_MAX_AGE // 86400,
        "site_url": settings.RMM_SITE_URL,
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("accounts/email/invitation_body.txt", context),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("accounts/email/invitation_body.html", context), "text/html"
    )
    message.send()
