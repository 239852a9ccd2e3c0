"""Guards of the corrective actions, and those `actions` adds to the case transitions
`adopt_action_plan` and `close` (registered in apps.py). Each returns None when satisfied, or
the French reason shown when not. Models are imported late: the action model names these
guards on its transitions."""

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _action_model():
    return apps.get_model("actions", "CorrectiveAction")


# --- On the actions themselves -------------------------------------------------------------
def progress_recorded(action) -> str | None:
    if action.progress_notes.exists():
        return None
    return _("Aucune note d'avancement n'a été enregistrée.")


def effectiveness_measured(action) -> str | None:
    if action.effectiveness_result.strip():
        return None
    return _("Le résultat de la mesure d'efficacité n'est pas renseigné.")


# --- On the case transitions ----------------------------------------------------------------
def plan_required(case) -> bool:
    """An action plan (or a recorded reason for none) is required when the latest review finds
    the death avoidable or potentially avoidable, or grades any care C or D (DESIGN §6)."""
    review = case.reviews.order_by("-recorded_at", "-pk").first()
    return review is not None and review.calls_for_action_plan


def _no_action_recorded(case) -> bool:
    """The committee said no action is needed: on the latest review (its "aucune action
    corrective nécessaire" box), or as a decision recorded afterwards."""
    review = case.reviews.order_by("-recorded_at", "-pk").first()
    if review is not None and review.no_action_needed:
        return True
    return apps.get_model("actions", "NoActionDecision").objects.filter(case_id=case.pk).exists()


def action_plan_adopted(case) -> str | None:
    """`adopt_action_plan`: at least one approved action answers the case, or the committee
    recorded why none is needed."""
    from .models import ActionStatus

    decided = (
        _action_model()
        .objects.filter(cases=case)
        .exclude(status__in=(ActionStatus.PROPOSED, ActionStatus.CANCELLED))
    )
    if decided.exists() or _no_action_recorded(case):
        return None
    return _(
        "Aucune action n'est approuvée pour ce cas, et aucun motif d'absence d'action n'est "
        "enregistré."
    )


def actions_finished(case) -> str | None:
    """`close`: every action of the case is done, verified or cancelled, or handed over to the
    organisation's quality programme; closing straight after the review needs no plan."""
    from cases.status import CaseStatus

    from .models import OPEN_STATUSES

    reasons = []
    unfinished = (
        _action_model()
        .objects.filter(cases=case, status__in=OPEN_STATUSES, paqss_reference="")
        .count()
    )
    if unfinished:
        reasons.append(
            ngettext(
                "%(count)s action n'est pas terminée.",
                "%(count)s actions ne sont pas terminées.",
                unfinished,
            )
            % {"count": unfinished}
        )
    if case.status == CaseStatus.REVIEWED and plan_required(case) and not _no_action_recorded(case):
        reasons.append(
            _(
                "Un plan d'actions est requis (cas évitable ou potentiellement évitable, ou "
                "soins notés C ou D) : adoptez-le, ou enregistrez pourquoi aucune action "
                "n'est nécessaire."
            )
        )
    return " ".join(reasons) or None
