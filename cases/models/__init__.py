"""Case models: the case and its workflow, the identity vault, the chronology, the audit trail."""

from .anonymisation import RejectedFinding
from .audit import CaseTransition, IdentityAccessLog
from .case import Case, CaseCodeCounter, CaseStatus
from .chronology import CareEvent
from .contribution import CaseContribution
from .identity import IdentityVault
from .parents import ParentsContact, ParentsContactFunction, ParentsContactStatus

__all__ = [
    "CareEvent",
    "Case",
    "CaseCodeCounter",
    "CaseContribution",
    "CaseStatus",
    "CaseTransition",
    "IdentityAccessLog",
    "IdentityVault",
    "ParentsContact",
    "ParentsContactFunction",
    "ParentsContactStatus",
    "RejectedFinding",
]
