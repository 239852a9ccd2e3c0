"""Who may see and move corrective actions, each predicate with its queryset.

- the committee that proposed an action (its chair and secretary) approves or cancels it;
- its owner (the named person) and the coordinators and quality managers of the owning
  organisation record its progress;
- the quality managers of the owning organisation verify its effectiveness;
- everyone who may see one of its cases sees it (pseudonymised, as the case), and the
  coordinators and quality team of an organisation named as contributing on one of its cases
  once that case is reviewed (read-only: following an action stays with its owners).
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Membership, Role
from accounts.scope import organisation_ids_with_role
from cases.permissions import case_outcomes_visible_to
from committees.permissions import PLANNERS, committee_ids

from .models import CorrectiveAction


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_view_action(user, action: CorrectiveAction) -> bool:
    return actions_visible_to(user).filter(pk=action.pk).exists()


def actions_visible_to(user) -> QuerySet[CorrectiveAction]:
    if not _active(user):
        return CorrectiveAction.objects.none()
    return CorrectiveAction.objects.filter(
        Q(cases__in=case_outcomes_visible_to(user))
        | owned_by(user)
        | Q(owner_organisation_id__in=_followers_organisations(user))
    ).distinct()


def actions_visible_condition(user) -> Q:
    """`actions_visible_to(user)` as a condition on one action row (a membership probe): the
    action is owned by an organisation the user follows, or by the user by name, or answers a
    case whose outcome the user may read.

    The list walks the actions in its order (due date, id) through an index and keeps the first
    rows this condition accepts: for a quality manager who sees one action in six, a page reads
    about three hundred rows instead of building and sorting the ~34,000 visible ones. The case
    is reached from the action's own rows of the cases table (an outer reference two levels
    up), so that PostgreSQL probes it for each row read rather than hashing every visible case
    first. A test compares it with the permission for every role."""
    if not _active(user):
        return Q(pk__in=[])
    through = CorrectiveAction.cases.through
    # EXISTS drops the cases' default order itself.
    of_visible_case = Exists(
        case_outcomes_visible_to(user).filter(
            pk__in=through.objects.filter(correctiveaction_id=OuterRef(OuterRef("pk"))).values(
                "case_id"
            )
        )
    )
    # Cheapest first: PostgreSQL evaluates an OR's terms in order and stops at the first true.
    return (
        Q(owner_organisation_id__in=_followers_organisations(user))
        | owned_by(user)
        | Q(of_visible_case)
    )


def can_decide_action(user, action: CorrectiveAction) -> bool:
    """Approve or cancel: the chair and secretary of the committee that proposed it."""
    return _active(user) and action.session.committee_id in committee_ids(
        user, *PLANNERS, charter=True
    )


def owned_by(user) -> Q:
    """Actions naming the user as owner, while they still belong to the owning organisation:
    someone who left it keeps neither the action nor its evidence (its coordinators and quality
    team take it over, and reminders go to them)."""
    return Q(owner_person_id=user.pk, owner_organisation_id__in=organisation_ids_with_role(user))


def named_owner_in_charge() -> Exists:
    """On an action row: its named owner is active and still belongs to the owning
    organisation (the same rule as `owned_by`, for many actions at once)."""
    return Exists(
        Membership.objects.filter(
            user_id=OuterRef("owner_person_id"),
            user__is_active=True,
            organisation_id=OuterRef("owner_organisation_id"),
            is_active=True,
        )
    )


def _is_owner(user, action: CorrectiveAction) -> bool:
    return action.owner_person_id == user.pk and (
        action.owner_organisation_id in organisation_ids_with_role(user)
    )


def _followers_organisations(user) -> set[int]:
    return organisation_ids_with_role(user, Role.COORDINATOR, Role.QUALITY_MANAGER)


def can_follow_action(user, action: CorrectiveAction) -> bool:
    """Start it, record progress, mark it done: its owner and the owning organisation's
    coordinators and quality managers."""
    if not _active(user):
        return False
    return _is_owner(user, action) or (
        action.owner_organisation_id in _followers_organisations(user)
    )


def can_verify_action(user, action: CorrectiveAction) -> bool:
    """Measure its effectiveness: the owning organisation's quality team."""
    return _active(user) and action.owner_organisation_id in organisation_ids_with_role(
        user, Role.QUALITY_MANAGER
    )
