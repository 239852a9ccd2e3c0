"""Who may do what on organisations, memberships and users.

Every predicate is scoped by the user's memberships (role + organisation, and the territory an
organisation covers) and is paired with a queryset of the objects it allows, so that a list
never shows what a detail page would refuse. A global Django permission never grants access:
the only exception is the platform operator (an active superuser), who may manage the
*structure* (organisations, users, memberships) to bootstrap an installation, and nothing else.
"""

import rules
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import VAULT_ROLES, Membership, Organisation, Role, RoleGrantRequest, User
from .scope import (
    covered_organisation_ids,
    organisation_and_ancestor_ids,
    organisation_ids_with_role,
    roles_by_organisation,
)

# Organisation roles that only mirror a committee seat (committees.models.CommitteeMember is
# the truth): the seat service writes them, administrators never pick them as such.
SEAT_ROLES = frozenset({Role.COMMITTEE_CHAIR, Role.COMMITTEE_SECRETARY, Role.COMMITTEE_MEMBER})


def assignable_roles() -> list[tuple[str, str]]:
    """The organisation roles an administrator gives directly (choices for forms)."""
    return [(value, label) for value, label in Role.choices if value not in SEAT_ROLES]


def is_platform_operator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


# --- Organisations --------------------------------------------------------------------------
@rules.predicate
def can_view_organisation(user, organisation: Organisation) -> bool:
    """Members see their organisations and those their territory covers."""
    if is_platform_operator(user):
        return True
    return organisation.pk in covered_organisation_ids(user)


def organisations_visible_to(user) -> QuerySet[Organisation]:
    if is_platform_operator(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=covered_organisation_ids(user))


@rules.predicate
def can_manage_organisation(user, organisation: Organisation) -> bool:
    """Administrators manage their organisation and the ones their territory covers."""
    if is_platform_operator(user):
        return True
    return organisation.pk in covered_organisation_ids(user, Role.ADMINISTRATOR)


def organisations_managed_by(user) -> QuerySet[Organisation]:
    if is_platform_operator(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=covered_organisation_ids(user, Role.ADMINISTRATOR))


# --- Memberships ----------------------------------------------------------------------------
@rules.predicate
def can_view_membership(user, membership: Membership) -> bool:
    """Who works where is visible to the members of the same organisation and its managers."""
    return can_view_organisation(user, membership.organisation)


def memberships_visible_to(user) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation__in=organisations_visible_to(user))


@rules.predicate
def can_manage_membership(user, membership: Membership) -> bool:
    """Administrators grant and revoke roles in the organisations they manage, never their own:
    an administrator must not make themselves RMM coordinator to open identity vaults."""
    if not is_platform_operator(user) and membership.user_id == getattr(user, "pk", None):
        return False
    return can_manage_organisation(user, membership.organisation)


def memberships_managed_by(user) -> QuerySet[Membership]:
    memberships = Membership.objects.filter(organisation__in=organisations_managed_by(user))
    return memberships if is_platform_operator(user) else memberships.exclude(user_id=user.pk)


# --- Users ----------------------------------------------------------------------------------
@rules.predicate
def can_manage_user(user, target: User) -> bool:
    """An administrator edits an account only if every organisation of that account is one they
    manage: a network administrator cannot rename a colleague of another network."""
    if is_platform_operator(user):
        return True
    if target.is_superuser or target.pk == user.pk:
        return False  # own account: password page only, roles come from another administrator
    managed = covered_organisation_ids(user, Role.ADMINISTRATOR)
    if not managed:
        return False
    target_orgs = set(target.memberships.values_list("organisation_id", flat=True))
    return bool(target_orgs) and target_orgs <= managed


def users_managed_by(user) -> QuerySet[User]:
    if is_platform_operator(user):
        return User.objects.all()
    managed = covered_organisation_ids(user, Role.ADMINISTRATOR)
    return (
        User.objects.filter(is_superuser=False, memberships__organisation_id__in=managed)
        .exclude(memberships__in=Membership.objects.exclude(organisation_id__in=managed))
        .exclude(pk=user.pk)
        .distinct()
    )


# --- Roles that open parts of the application -----------------------------------------------
@rules.predicate
def can_declare_case_for(user, organisation: Organisation) -> bool:
    """Clinicians (and the coordinators who help them) declare cases for their organisation."""
    return organisation.pk in organisation_ids_with_role(user, Role.CLINICIAN, Role.COORDINATOR)


def organisations_where_user_may_declare(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        pk__in=organisation_ids_with_role(user, Role.CLINICIAN, Role.COORDINATOR)
    )


def may_declare_cases(user) -> bool:
    """Whether `organisations_where_user_may_declare` holds any organisation, from the roles
    already read for the request (memberships count only in active organisations): no query."""
    return bool(organisation_ids_with_role(user, Role.CLINICIAN, Role.COORDINATOR))


@rules.predicate
def can_open_administration(user) -> bool:
    """The admin site is for administrators of an organisation and the platform operator."""
    return is_platform_operator(user) or bool(organisation_ids_with_role(user, Role.ADMINISTRATOR))


def has_role(user, *roles: str) -> bool:
    return any(held & set(roles) for held in roles_by_organisation(user).values())


# --- Confirming a sensitive role (vault roles, administrator) ---------------------------------
def coordinators_who_may_confirm(grant: RoleGrantRequest) -> set[int]:
    """Active coordinators of the grant's organisation, other than the grantee and requester
    (none for an administrator role: only administrators confirm those)."""
    if grant.role not in VAULT_ROLES:
        return set()
    return set(
        Membership.objects.filter(
            organisation_id=grant.organisation_id,
            role=Role.COORDINATOR,
            is_active=True,
            user__is_active=True,
            organisation__is_active=True,
        )
        .exclude(user_id__in=[grant.user_id, grant.requested_by_id])
        .values_list("user_id", flat=True)
    )


def administrator_role_givers(user_id: int, organisation: Organisation) -> set[int]:
    """Who gave `user_id` the administrator roles that let them manage `organisation` (in it or
    in a territory above it): whoever granted each active membership and, for one confirmed
    through a request, its requester and its confirmer."""
    organisation_ids = organisation_and_ancestor_ids(organisation)
    memberships = list(
        Membership.objects.filter(
            user_id=user_id,
            role=Role.ADMINISTRATOR,
            is_active=True,
            organisation_id__in=organisation_ids,
        ).values_list("organisation_id", "granted_by_id")
    )
    givers = {granted_by for _org, granted_by in memberships if granted_by}
    for requested_by, decided_by in RoleGrantRequest.objects.filter(
        user_id=user_id,
        role=Role.ADMINISTRATOR,
        status=RoleGrantRequest.Status.GRANTED,
        organisation_id__in=[org for org, _granted_by in memberships],
    ).values_list("requested_by_id", "decided_by_id"):
        givers |= {requested_by, decided_by} - {None}
    return givers


def administrators_dependence_reason(confirmer, grant: RoleGrantRequest) -> str | None:
    """Why the administrator `confirmer` is not independent of the grant's requester, or None.

    Symmetric: the confirmer's administrator roles over the organisation were not given by the
    requester, and the requester's were not given by the confirmer (otherwise one person could
    make up a second administrator account and be both)."""
    if confirmer.pk in administrator_role_givers(grant.requested_by_id, grant.organisation):
        return _(
            "Vous avez attribué son rôle d'administrateur à l'auteur de la demande : un autre "
            "administrateur doit confirmer."
        )
    if grant.requested_by_id in administrator_role_givers(confirmer.pk, grant.organisation):
        return _(
            "Votre rôle d'administrateur vous a été attribué par l'auteur de la demande : "
            "un autre administrateur doit confirmer."
        )
    return None


def role_grant_refusal_reason(user, grant: RoleGrantRequest) -> str | None:
    """Why `user` may not confirm `grant` (in French), or None when they may.

    A vault role: a coordinator of the organisation confirms; when it has none, a second
    administrator managing it confirms, the requester counting as the first. An administrator
    role: another administrator managing the organisation, or the platform operator, confirms.
    Nobody confirms a role given to themselves or requested by themselves. Two administrators
    count as two only if neither gave the other their administrator role over the organisation
    (no accounts made up by one of them); the platform operator is asked this for vault roles
    only."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _("Connectez-vous pour confirmer une habilitation.")
    if grant.status != RoleGrantRequest.Status.PENDING:
        return _("Cette demande n'est plus en attente.")
    if user.pk == grant.user_id:
        return _("Personne ne confirme un rôle qui lui est attribué.")
    if user.pk == grant.requested_by_id:
        return _("L'auteur de la demande ne peut pas la confirmer lui-même.")
    coordinators = coordinators_who_may_confirm(grant)
    if coordinators:
        if user.pk in coordinators:
            return None
        return _("Seul un référent RMM de %(organisation)s peut confirmer ce rôle.") % {
            "organisation": grant.organisation.name
        }
    # An administrator role, or a vault role where there is no coordinator: two independent
    # administrators, the requester being the first (or the platform operator).
    if not can_manage_organisation(grant.requested_by, grant.organisation):
        return _("L'auteur de la demande n'administre plus cette organisation : refusez-la.")
    if not can_manage_organisation(user, grant.organisation):
        if grant.role == Role.ADMINISTRATOR:
            return _(
                "Seul un autre administrateur de %(organisation)s, ou l'opérateur de la "
                "plateforme, peut confirmer un rôle d'administrateur."
            ) % {"organisation": grant.organisation.name}
        return _(
            "%(organisation)s n'a pas de référent RMM : seul un second administrateur de "
            "cette organisation peut confirmer."
        ) % {"organisation": grant.organisation.name}
    # The platform operator bootstraps administrators without this check, but for a role that
    # opens the vault it is an administrator like the others: it may not confirm the request of
    # an administrator it made up itself.
    if not is_platform_operator(user) or grant.role in VAULT_ROLES:
        return administrators_dependence_reason(user, grant)
    return None


@rules.predicate
def can_decide_role_grant(user, grant: RoleGrantRequest) -> bool:
    """Confirm or refuse a pending sensitive role (see role_grant_refusal_reason)."""
    return role_grant_refusal_reason(user, grant) is None


def role_grants_decidable_by(user) -> list[RoleGrantRequest]:
    """Pending sensitive roles `user` may confirm: candidates from the user's coordinator and
    administrator organisations, then the predicate (pending requests are few)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    coordinated = organisation_ids_with_role(user, Role.COORDINATOR)
    managed = organisations_managed_by(user).values("pk")
    if not coordinated and not can_open_administration(user):
        return []
    candidates = (
        RoleGrantRequest.objects.filter(status=RoleGrantRequest.Status.PENDING)
        .filter(Q(organisation_id__in=coordinated) | Q(organisation_id__in=managed))
        .exclude(user=user)
        .exclude(requested_by=user)
        .select_related("user", "organisation", "requested_by")
        .order_by("requested_at", "pk")
    )
    return [grant for grant in candidates if can_decide_role_grant(user, grant)]


rules.add_rule("accounts.view_organisation", can_view_organisation)
rules.add_rule("accounts.manage_organisation", can_manage_organisation)
rules.add_rule("accounts.view_membership", can_view_membership)
rules.add_rule("accounts.manage_membership", can_manage_membership)
rules.add_rule("accounts.manage_user", can_manage_user)
rules.add_rule("accounts.declare_case_for", can_declare_case_for)
rules.add_rule("accounts.open_administration", can_open_administration)
rules.add_rule("accounts.decide_role_grant", can_decide_role_grant)

# Each object predicate with the queryset of the objects it allows: tests check they agree.
PAIRED_SCOPES = {
    "accounts.view_organisation": organisations_visible_to,
    "accounts.manage_organisation": organisations_managed_by,
    "accounts.view_membership": memberships_visible_to,
    "accounts.manage_membership": memberships_managed_by,
    "accounts.manage_user": users_managed_by,
    "accounts.declare_case_for": organisations_where_user_may_declare,
}
