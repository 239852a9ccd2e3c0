"""Where a user stands: their active roles per organisation, and the organisations a territory
covers. Computed once per user object (one or two queries) so that permission checks in a list
do not add a query per row."""

from collections import defaultdict

from .models import Membership, Organisation, Role

# Territories are shallow (ARS > network > maternity > ...): this bounds the descent's queries.
MAX_TERRITORY_DEPTH = 5


def roles_by_organisation(user) -> dict[int, frozenset[str]]:
    """{organisation id: roles} from the user's active memberships in active organisations."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, "_rmm_roles_by_organisation", None)
    if cached is not None:
        return cached
    roles: dict[int, set[str]] = defaultdict(set)
    for organisation_id, role in Membership.objects.filter(
        user=user, is_active=True, organisation__is_active=True
    ).values_list("organisation_id", "role"):
        roles[organisation_id].add(role)
    user._rmm_roles_by_organisation = {key: frozenset(value) for key, value in roles.items()}
    return user._rmm_roles_by_organisation


def organisation_ids_with_role(user, *roles: str) -> set[int]:
    wanted = set(roles) or set(Role.values)
    return {org_id for org_id, held in roles_by_organisation(user).items() if held & wanted}


def with_covered_organisations(organisation_ids: set[int]) -> set[int]:
    """The organisations themselves plus every organisation in their territory (descendants)."""
    covered = set(organisation_ids)
    frontier = set(organisation_ids)
    for _depth in range(MAX_TERRITORY_DEPTH):
        if not frontier:
            break
        frontier = set(
            Organisation.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=covered)
            .values_list("pk", flat=True)
        )
        covered |= frontier
    return covered


def covered_organisation_ids(user, *roles: str) -> set[int]:
    """Organisations where the user holds one of `roles`, and those their territories cover."""
    key = ("_rmm_covered", roles)
    cache = user.__dict__.setdefault("_rmm_covered_cache", {})
    if key not in cache:
        cache[key] = with_covered_organisations(organisation_ids_with_role(user, *roles))
    return cache[key]


def organisation_and_ancestor_ids(organisation) -> list[int]:
    """The organisation and the territories above it (its administrators manage it too)."""
    ids = [organisation.pk]
    parent_id = organisation.parent_id
    for _depth in range(MAX_TERRITORY_DEPTH):
        if parent_id is None or parent_id in ids:
            break
        ids.append(parent_id)
        parent_id = (
            Organisation.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
        )
    return ids
