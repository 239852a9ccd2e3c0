"""Naming the other organisations of the care pathway on a case (DESIGN §2). Only the
coordinators of the declaring organisation do it; the rules are here, never in the view."""

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation
from rmm.querysets import KeyedQuery

from ..conditions import identifiers_in_comment
from ..exceptions import InvalidInput, NotAllowed
from ..models import Case, CaseContribution
from ..models.contribution import ROLE_LABEL_MAX_LENGTH
from ..permissions import can_manage_contributions
from ..text import normalise_text

Role = CaseContribution.PathwayRole

# Told after commit, with the contribution's id (the notifications app registers itself here:
# the cases app never imports it).
_on_added: list[Callable[[int], None]] = []


def on_contribution_added(hook: Callable[[int], None]) -> Callable[[int], None]:
    if hook not in _on_added:
        _on_added.append(hook)
    return hook


def _locked_case(case: Case, by) -> Case:
    case = Case.objects.select_for_update().select_related("organisation").get(pk=case.pk)
    if not can_manage_contributions(by, case):
        raise NotAllowed(
            _(
                "Seuls les référents RMM de l'organisation déclarante nomment les organisations "
                "du parcours, une fois le cas déclaré. Rien n'a été modifié."
            )
        )
    return case


def _clean_label(pathway_role: str, role_label: str) -> str:
    if pathway_role not in Role.values:
        raise InvalidInput(_("Rôle dans le parcours inconnu : rien n'a été modifié."))
    label = normalise_text(role_label or "").strip()
    if pathway_role == Role.OTHER and not label:
        raise InvalidInput(
            _("Précisez le rôle de l'organisation (pour « Autre »). Rien n'a été modifié.")
        )
    if len(label) > ROLE_LABEL_MAX_LENGTH:
        raise InvalidInput(
            _("La précision du rôle ne doit pas dépasser %(limit)s caractères.")
            % {"limit": ROLE_LABEL_MAX_LENGTH}
        )
    if label and identifiers_in_comment(label):
        raise InvalidInput(
            _(
                "La précision du rôle contient un identifiant (nom, date, numéro…) : "
                "indiquez une fonction ou un service. Rien n'a été modifié."
            )
        )
    return label


@transaction.atomic
def contribution_add(
    *, case: Case, by, organisation: Organisation, pathway_role: str, role_label: str = ""
) -> CaseContribution:
    """Name another organisation of the pathway on the case, with its role: its coordinators
    then read the pseudonymised case and add chronology events."""
    case = _locked_case(case, by)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.pk == case.organisation_id:
        raise InvalidInput(
            _(
                "%(organisation)s est l'organisation déclarante du cas : elle n'est pas une "
                "organisation contributrice. Rien n'a été modifié."
            )
            % {"organisation": organisation.name}
        )
    if not organisation.is_active:
        raise InvalidInput(
            _("%(organisation)s est désactivée : elle ne peut pas être ajoutée.")
            % {"organisation": organisation.name}
        )
    label = _clean_label(pathway_role, role_label)
    duplicate = _(
        "%(organisation)s figure déjà parmi les organisations du parcours de ce cas. "
        "Rien n'a été modifié."
    ) % {"organisation": organisation.name}
    if CaseContribution.objects.filter(case=case, organisation=organisation).exists():
        raise InvalidInput(duplicate)
    contribution = CaseContribution(
        case=case,
        organisation=organisation,
        pathway_role=pathway_role,
        role_label=label,
        added_by=by,
    )
    try:
        with transaction.atomic():
            contribution.save()
    except IntegrityError as error:  # added meanwhile from another page
        raise InvalidInput(duplicate) from error
    for hook in _on_added:
        transaction.on_commit(lambda hook=hook, pk=contribution.pk: hook(pk))
    return contribution


@transaction.atomic
def contribution_remove(*, case: Case, by, contribution_id: int) -> str:
    """Withdraw an organisation from the pathway: its coordinators lose access to the case; the
    events it added stay in the chronology, marked with it. Returns its name, for the message."""
    case = _locked_case(case, by)
    contribution = (
        CaseContribution.objects.select_related("organisation")
        .filter(case=case, pk=contribution_id)
        .first()
    )
    if contribution is None:
        raise InvalidInput(
            _(
                "Cette organisation ne figure déjà plus parmi les organisations du parcours "
                "(retirée entre-temps ?). Rien n'a été modifié."
            )
        )
    name = contribution.organisation.name
    contribution.delete()
    return name


CONTRIBUTIONS = KeyedQuery(
    lambda key: (
        CaseContribution.objects.filter(case_id=key)
        .select_related("organisation")
        .order_by("added_at", "pk")
    )
)


def contributions_of(case: Case) -> list[CaseContribution]:
    """The case's contributing organisations with their role, in one query."""
    return CONTRIBUTIONS.rows(case.pk)
