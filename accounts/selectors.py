"""Reads for the accounts pages, scoped to the user and with a bounded number of queries."""

from django.db.models import Count, Q, QuerySet

from .models import Membership, Organisation
from .permissions import memberships_visible_to, organisations_visible_to


def organisation_list_visible_to(*, user) -> QuerySet[Organisation]:
    """Organisations the user may see, with their territory and active member count."""
    return (
        organisations_visible_to(user)
        .select_related("parent")
        .annotate(member_count=Count("memberships", filter=Q(memberships__is_active=True)))
        .order_by("name")
    )


def organisation_members(*, user, organisation: Organisation) -> QuerySet[Membership]:
    return (
        memberships_visible_to(user)
        .filter(organisation=organisation, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("role", "user__full_name")
    )


def memberships_of(*, user) -> QuerySet[Membership]:
    """The user's own active roles, for the home page."""
    return (
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .select_related("organisation", "organisation__parent")
        .order_by("organisation__name", "role")
    )
