"""What committees may do with cases, as the cases app sees it.

The cases app does not know how committees are organised: it asks the registered scope. The
`committees` app registers the real one (committee membership, charter, agendas) when it loads;
the default below, based on organisation roles alone, only serves an installation without it.
"""

from django.db.models import Q

from accounts.models import Role
from accounts.scope import covered_organisation_ids

from .status import CaseStatus

S = CaseStatus
COMMITTEE_STAGES = (S.READY, S.SCHEDULED, S.REVIEWED, S.ACTION_FOLLOW_UP, S.CLOSED)


class OrganisationRoleScope:
    """Committee rights from organisation memberships (chair/secretary/member roles)."""

    def plans(self, user, case) -> bool:
        """Schedule, postpone, send back, record the review, adopt the action plan."""
        roles = (Role.COMMITTEE_CHAIR, Role.COMMITTEE_SECRETARY)
        return case.organisation_id in covered_organisation_ids(user, *roles)

    def chairs(self, user, case) -> bool:
        """Close after review, reopen."""
        return case.organisation_id in covered_organisation_ids(user, Role.COMMITTEE_CHAIR)

    def reads(self, user, case) -> bool:
        return case.status in COMMITTEE_STAGES and case.organisation_id in self._readable(user)

    def reads_q(self, user) -> Q:
        """The cases `reads` allows, as a condition: only cases in COMMITTEE_STAGES (every
        scope's contract: the case list reads this part through an index of those stages).
        `Q(pk__in=[])` when the user reads none."""
        return Q(status__in=COMMITTEE_STAGES, organisation_id__in=self._readable(user))

    def standing(self, user) -> list:
        """What the user's committee rights depend on, beyond their organisation roles (which
        already decide them here): a key for what is cached per user."""
        return []

    def organisation_ids(self, user) -> set[int]:
        """Organisations whose cases the user may read as a committee person."""
        return set(self._readable(user))

    def _readable(self, user):
        return covered_organisation_ids(
            user, Role.COMMITTEE_CHAIR, Role.COMMITTEE_SECRETARY, Role.COMMITTEE_MEMBER
        )


_scope = [OrganisationRoleScope()]


def register(scope) -> None:
    _scope[0] = scope


def current():
    return _scope[0]
