"""Where a user stands: their active roles per organisation, and the organisations a territory
covers. Computed once per user object (one or two queries) so that permission checks in a list
do not add a query per row."""

from collections import defaultdict

from django.db import connection

from rmm.querysets import KeyedQuery

from .models import Membership, Organisation, Role

# Territories are shallow (ARS > network > maternity > ...): this bounds the descent's queries.
MAX_TERRITORY_DEPTH = 5


# Read on every page (the navigation asks it): a statement compiled once (KeyedQuery).
MEMBERSHIP_ROLES = KeyedQuery(
    lambda key: Membership.objects.filter(
        user_id=key, is_active=True, organisation__is_active=True
    ).values_list("organisation_id", "role")
)


def roles_by_organisation(user) -> dict[int, frozenset[str]]:
    """{organisation id: roles} from the user's active memberships in active organisations."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, "_rmm_roles_by_organisation", None)
    if cached is not None:
        return cached
    roles: dict[int, set[str]] = defaultdict(set)
    for organisation_id, role in MEMBERSHIP_ROLES.rows(user.pk):
        roles[organisation_id].add(role)
    user._rmm_roles_by_organisation = {key: frozenset(value) for key, value in roles.items()}
    return user._rmm_roles_by_organisation


def organisation_ids_with_role(user, *roles: str) -> set[int]:
    wanted = set(roles) or set(Role.values)
    return {org_id for org_id, held in roles_by_organisation(user).items() if held & wanted}


def with_covered_organisations(organisation_ids) -> set[int]:
    """The organisations themselves plus every organisation in their territory (descendants)."""
    covered = set(organisation_ids)
    if not covered:
        return covered
    # One recursive query whatever the depth (a query per level cost the network's chair two
    # or three on every page), bounded like the territories themselves.
    table = connection.ops.quote_name(Organisation._meta.db_table)
    pk = connection.ops.quote_name(Organisation._meta.pk.column)
    parent = connection.ops.quote_name(Organisation._meta.get_field("parent").column)
    placeholders = ", ".join(["%s"] * len(covered))
    # Only the model's own quoted table and column names are interpolated; ids are parameters.
    sql = (
        f"WITH RECURSIVE territory (id, depth) AS ("  # noqa: S608
        f" SELECT {pk}, 1 FROM {table} WHERE {parent} IN ({placeholders})"
        f" UNION"
        f" SELECT child.{pk}, territory.depth + 1 FROM {table} child"
        f" INNER JOIN territory ON child.{parent} = territory.id"
        f" WHERE territory.depth < %s"
        f") SELECT DISTINCT id FROM territory"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sorted(covered), MAX_TERRITORY_DEPTH])
        covered.update(row[0] for row in cursor.fetchall())
    return covered


def covered_for(user, organisation_ids) -> frozenset[int]:
    """`with_covered_organisations`, remembered on the user object (so for one request): the
    same organisations reached through several roles or seats are descended once."""
    key = frozenset(organisation_ids)
    cache = user.__dict__.setdefault("_rmm_territory_cache", {})
    if key not in cache:
        cache[key] = frozenset(with_covered_organisations(key))
    return cache[key]


def covered_organisation_ids(user, *roles: str) -> frozenset[int]:
    """Organisations where the user holds one of `roles`, and those their territories cover."""
    return covered_for(user, organisation_ids_with_role(user, *roles))


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
