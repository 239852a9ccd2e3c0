"""The navigation bar, by role: a user sees the sections they can use, nothing else."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import can_open_administration


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    url_name: str


# Other apps append (label, url name, predicate(user)) entries in their AppConfig.ready().
def _confirms_grants(user) -> bool:
    from .models import Role
    from .permissions import has_role

    return can_open_administration(user) or has_role(user, Role.COORDINATOR)


SECTIONS: list[tuple[str, str, object]] = [
    (_("Accueil"), "home", lambda user: True),
    (_("Organisations"), "organisation_list", lambda user: True),
    (_("Habilitations"), "role_grant_list", _confirms_grants),
]


def register_section(label, url_name: str, is_visible) -> None:
    if all(existing[1] != url_name for existing in SECTIONS):
        SECTIONS.append((label, url_name, is_visible))


def navigation_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    items = [
        NavItem(str(label), reverse(url_name), url_name)
        for label, url_name, is_visible in SECTIONS
        if is_visible(user)
    ]
    if can_open_administration(user):
        items.append(NavItem(str(_("Administration")), reverse("admin:index"), "admin:index"))
    return items
