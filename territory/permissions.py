"""Who sees what of the territorial diagnosis, each predicate paired with its queryset.

- quality managers and coordinators (référents RMM): their organisation's cases;
- committee chairs and secretaries (charter signed): the organisations their committee covers;
- territorial observers (network, ARS): the organisations their territory covers, as
  aggregates only: no case page, no row-level export;
- row-level (pseudonymised) export: coordinators and quality managers of the organisation, for
  the rows they may see as cases (a quality manager once the case is anonymised);
- live births: entered by the administrators of the organisation or of its territory.
Counted cases are the declared ones: neither drafts nor cases excluded from the RMM scope.
"""

from django.db.models import Q, QuerySet

from accounts.models import Organisation, Role
from accounts.permissions import organisations_managed_by
from accounts.scope import covered_organisation_ids, organisation_ids_with_role
from cases.committee_scope import COMMITTEE_STAGES
from cases.models import Case
from cases.status import CaseStatus
from committees.permissions import PLANNERS, covered_by_committees

from .models import LiveBirths

NOT_COUNTED = (CaseStatus.DRAFT, CaseStatus.EXCLUDED)
ROW_EXPORT_ROLES = (Role.COORDINATOR, Role.QUALITY_MANAGER)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


# --- Aggregates -------------------------------------------------------------------------------
def aggregated_organisation_ids(user) -> set[int]:
    """The organisations whose cases the user sees as aggregates (cached on the user object)."""
    if not _active(user):
        return set()
    cached = user.__dict__.get("_rmm_territory_ids")
    if cached is None:
        cached = set(organisation_ids_with_role(user, Role.QUALITY_MANAGER, Role.COORDINATOR))
        cached |= covered_organisation_ids(user, Role.OBSERVER)
        cached |= covered_by_committees(user, *PLANNERS)
        user.__dict__["_rmm_territory_ids"] = cached
    return cached


def can_see_aggregates(user, organisation: Organisation) -> bool:
    """The organisation's figures are in the user's dashboard, exports and report."""
    return organisation.pk in aggregated_organisation_ids(user)


def organisations_aggregated_for(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=aggregated_organisation_ids(user))


def may_see_territory(user) -> bool:
    """The "Diagnostic territorial" section: whoever sees the aggregates of one organisation."""
    return bool(aggregated_organisation_ids(user))


def counts_case(user, case: Case) -> bool:
    """The case is counted in the user's aggregates (never shown as a row for that)."""
    return case.status not in NOT_COUNTED and can_see_aggregates(user, case.organisation)


def cases_counted_for(user) -> QuerySet[Case]:
    if not _active(user):
        return Case.objects.none()
    return Case.objects.filter(organisation_id__in=aggregated_organisation_ids(user)).exclude(
        status__in=NOT_COUNTED
    )


# --- Pseudonymised rows -----------------------------------------------------------------------
def may_export_rows(user) -> bool:
    """The row-level export is for the epidemiological work of the organisation's own team."""
    return _active(user) and bool(organisation_ids_with_role(user, *ROW_EXPORT_ROLES))


def _row_condition(user) -> Q:
    return Q(organisation_id__in=organisation_ids_with_role(user, Role.COORDINATOR)) | Q(
        organisation_id__in=organisation_ids_with_role(user, Role.QUALITY_MANAGER),
        status__in=COMMITTEE_STAGES,
    )


def can_export_case_row(user, case: Case) -> bool:
    """One pseudonymised line per case: as the case list shows it to the same person."""
    if not may_export_rows(user) or case.status in NOT_COUNTED:
        return False
    if case.organisation_id in organisation_ids_with_role(user, Role.COORDINATOR):
        return True
    return case.status in COMMITTEE_STAGES and case.organisation_id in (
        organisation_ids_with_role(user, Role.QUALITY_MANAGER)
    )


def case_rows_exportable_by(user) -> QuerySet[Case]:
    if not may_export_rows(user):
        return Case.objects.none()
    return Case.objects.filter(_row_condition(user)).exclude(status__in=NOT_COUNTED)


# --- Live births ------------------------------------------------------------------------------
def can_manage_live_births(user, organisation: Organisation) -> bool:
    """Enter, correct or import an organisation's live births: its administrators and those of
    its territory."""
    return _active(user) and organisations_managed_by(user).filter(pk=organisation.pk).exists()


def live_births_managed_by(user) -> QuerySet[LiveBirths]:
    if not _active(user):
        return LiveBirths.objects.none()
    return LiveBirths.objects.filter(organisation__in=organisations_managed_by(user))


def may_import_live_births(user) -> bool:
    return _active(user) and organisations_managed_by(user).exists()
