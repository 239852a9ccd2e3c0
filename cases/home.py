"""What waits for each role on the home page, in a fixed number of queries."""

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.home import PendingItem, register_pending_provider
from accounts.models import Role
from accounts.scope import organisation_ids_with_role

from .status import CaseStatus

S = CaseStatus


def _list_url(status: str) -> str:
    return f"{reverse('cases:list')}?{urlencode({'status': status})}"


@register_pending_provider
def cases_waiting(user):
    from .models import Case

    items = []
    drafts = Case.objects.filter(
        declared_by=user, status=S.DRAFT, organisation_id__in=organisation_ids_with_role(user)
    ).count()
    if drafts:
        items.append(
            PendingItem(
                title=ngettext(
                    "%(n)s brouillon à compléter et déclarer",
                    "%(n)s brouillons à compléter et déclarer",
                    drafts,
                )
                % {"n": drafts},
                url=_list_url(S.DRAFT),
                count=drafts,
            )
        )
    coordinated = organisation_ids_with_role(user, Role.COORDINATOR)
    if coordinated:
        counts = dict(
            Case.objects.filter(
                organisation_id__in=coordinated, status__in=[S.DECLARED, S.DOCUMENTING]
            )
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        if counts.get(S.DECLARED):
            n = counts[S.DECLARED]
            items.append(
                PendingItem(
                    title=ngettext(
                        "%(n)s cas déclaré à prendre en charge",
                        "%(n)s cas déclarés à prendre en charge",
                        n,
                    )
                    % {"n": n},
                    detail=_("Acceptez ou excluez chaque déclaration."),
                    url=_list_url(S.DECLARED),
                    count=n,
                )
            )
        if counts.get(S.DOCUMENTING):
            n = counts[S.DOCUMENTING]
            items.append(
                PendingItem(
                    title=ngettext("%(n)s cas en documentation", "%(n)s cas en documentation", n)
                    % {"n": n},
                    detail=_("Chronologie, anonymisation, puis soumission au comité."),
                    url=_list_url(S.DOCUMENTING),
                    count=n,
                )
            )
    return items
