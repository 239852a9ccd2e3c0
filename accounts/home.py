"""What waits for a user on their home page.

Each app registers a provider (a function of the user returning `PendingItem`s); the home page
shows them all. Providers must run a bounded number of queries whatever the data size.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Membership, Role
from .permissions import organisations_managed_by


@dataclass(frozen=True)
class PendingItem:
    title: str
    detail: str = ""
    url: str = ""
    count: int = 1


Provider = Callable[[object], Iterable[PendingItem]]
_providers: list[Provider] = []


def register_pending_provider(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def pending_items_for(user) -> list[PendingItem]:
    items: list[PendingItem] = []
    for provider in _providers:
        items.extend(provider(user))
    return items


@register_pending_provider
def organisations_without_coordinator(user) -> Iterable[PendingItem]:
    """An organisation without a référent RMM cannot receive declarations: its admins must act."""
    has_coordinator = Membership.objects.filter(
        organisation=OuterRef("pk"), role=Role.COORDINATOR, is_active=True, user__is_active=True
    )
    orphans = (
        organisations_managed_by(user)
        .filter(is_active=True)
        .exclude(Exists(has_coordinator))
        .order_by("name")
    )
    for organisation in orphans:
        yield PendingItem(
            title=_("Désigner un référent RMM"),
            detail=_("%(organisation)s n'a aucun référent RMM actif.")
            % {"organisation": organisation.name},
            url=reverse("organisation_detail", args=[organisation.pk]),
        )


@register_pending_provider
def role_grants_to_decide(user) -> Iterable[PendingItem]:
    """Vault roles waiting for this user's confirmation (coordinators, second administrators)."""
    from .permissions import role_grants_decidable_by

    grants = role_grants_decidable_by(user)
    if grants:
        yield PendingItem(
            title=_("Confirmer des habilitations"),
            detail=_("Des rôles qui ouvrent l'identité des patients attendent votre confirmation."),
            url=reverse("role_grant_list"),
            count=len(grants),
        )
