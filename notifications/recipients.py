"""Who is told: the people behind a role, looked up for many organisations or committees at once
(one query each), so that the sweep costs the same whatever the number of due objects."""

from collections import defaultdict

from accounts.models import Membership, Organisation, Role
from accounts.scope import MAX_TERRITORY_DEPTH
from committees.models import Committee, CommitteeMember, CommitteeRole

People = dict[int, list[int]]


def by_organisation(organisation_ids, *roles: str) -> People:
    """{organisation id: [user ids]} of the active holders of `roles` there."""
    found: People = defaultdict(list)
    if not organisation_ids:
        return found
    for organisation_id, user_id in (
        Membership.objects.filter(
            organisation_id__in=set(organisation_ids),
            role__in=roles,
            is_active=True,
            user__is_active=True,
            organisation__is_active=True,
        )
        .values_list("organisation_id", "user_id")
        .distinct()
        .order_by("organisation_id", "user_id")
    ):
        found[organisation_id].append(user_id)
    return found


def coordinators(organisation_ids) -> People:
    return by_organisation(organisation_ids, Role.COORDINATOR)


def quality_team(organisation_ids) -> People:
    return by_organisation(organisation_ids, Role.QUALITY_MANAGER)


def action_followers(organisation_ids) -> People:
    """Who answers for an organisation's corrective actions when no one named does: its quality
    team, or its RMM coordinators where it has none (they may follow actions too): an action
    must never go unreminded because a small maternity has no quality manager."""
    found = quality_team(organisation_ids)
    missing = set(organisation_ids) - {pk for pk, people in found.items() if people}
    for organisation_id, people in coordinators(missing).items():
        found[organisation_id] = people
    return found


def by_committee(committee_ids, *roles: str) -> People:
    """{committee id: [user ids]} of its active members holding `roles` (all roles if none)."""
    found: People = defaultdict(list)
    if not committee_ids:
        return found
    members = CommitteeMember.objects.filter(
        committee_id__in=set(committee_ids),
        is_active=True,
        user__is_active=True,
        committee__is_active=True,
    )
    if roles:
        members = members.filter(role__in=roles)
    for committee_id, user_id in (
        members.values_list("committee_id", "user_id")
        .distinct()
        .order_by("committee_id", "user_id")
    ):
        found[committee_id].append(user_id)
    return found


def covering_committees(organisation_ids) -> dict[int, list[int]]:
    """{organisation id: [ids of the active committees that review its cases]}: a committee
    covers its own organisation and the organisations of its territory (two queries)."""
    parents = dict(Organisation.objects.values_list("pk", "parent_id"))
    committees: dict[int, list[int]] = defaultdict(list)
    for committee_id, organisation_id in Committee.objects.filter(is_active=True).values_list(
        "pk", "organisation_id"
    ):
        committees[organisation_id].append(committee_id)
    covering: dict[int, list[int]] = {}
    for organisation_id in set(organisation_ids):
        found, current = [], organisation_id
        for _depth in range(MAX_TERRITORY_DEPTH + 1):
            if current is None:
                break
            found += committees.get(current, [])
            current = parents.get(current)
        covering[organisation_id] = found
    return covering


def chairs_covering(organisation_ids) -> People:
    """{organisation id: [user ids]} of the chairs of the committees covering it."""
    covering = covering_committees(organisation_ids)
    chairs = by_committee({cid for ids in covering.values() for cid in ids}, CommitteeRole.CHAIR)
    return {
        organisation_id: sorted({user for cid in ids for user in chairs.get(cid, [])})
        for organisation_id, ids in covering.items()
    }


def planners_covering(organisation_ids) -> People:
    """{organisation id: [user ids]} of the chairs and secretaries of the covering committees."""
    covering = covering_committees(organisation_ids)
    planners = by_committee(
        {cid for ids in covering.values() for cid in ids},
        CommitteeRole.CHAIR,
        CommitteeRole.SECRETARY,
    )
    return {
        organisation_id: sorted({user for cid in ids for user in planners.get(cid, [])})
        for organisation_id, ids in covering.items()
    }
