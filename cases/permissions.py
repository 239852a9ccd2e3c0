"""Who may see and move which case (DESIGN §2, §3), each predicate paired with its queryset.

- declarant: their own cases (identity included);
- référent RMM (coordinator): every case of their organisation (identity included);
- quality manager: cases of their organisation once anonymised (ready for review and later);
- committees: what `cases.committee_scope` says (the committees app registers the rules:
  membership, confidentiality charter, agendas), pseudonymised and never the vault;
- administrator: structure only, no case;
- coordinators of a contributing organisation (one the declaring coordinators named on the case,
  `CaseContribution`): the pseudonymised case once declared, their own chronology events while
  it is documented, its review outcome and actions once reviewed; never the vault, the
  anonymisation screen, the clinical facts or a transition. The clinicians of a contributing
  organisation get nothing; its quality team reads the case's review outcome and actions once
  reviewed (they follow the quality plans), not the case page.
Nothing here looks at Django's global permissions or at `is_superuser`.
"""

import operator
from functools import reduce

import rules
from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Role
from accounts.scope import organisation_ids_with_role

from . import committee_scope
from .status import CaseStatus

S = CaseStatus
# The condition no case meets (Django drops it from an OR, and a list's union drops its part).
NOTHING = Q(pk__in=[])


def _cases():
    # Imported late: the Case model itself names these predicates in its transitions.
    return apps.get_model("cases", "Case").objects


COMMITTEE_ROLES = (Role.COMMITTEE_CHAIR, Role.COMMITTEE_SECRETARY, Role.COMMITTEE_MEMBER)
EDITABLE_BY_COORDINATOR = (S.DECLARED, S.DOCUMENTING)


def _coordinates(user, case) -> bool:
    return case.organisation_id in organisation_ids_with_role(user, Role.COORDINATOR)


def _contributions():
    return apps.get_model("cases", "CaseContribution").objects


# Contributing organisations see a case once declared (a draft is still its author's), and
# its review outcome and actions once the committee has reviewed it.
VISIBLE_TO_CONTRIBUTORS = tuple(s for s in S.values if s != S.DRAFT)
OUTCOME_STAGES = (S.REVIEWED, S.ACTION_FOLLOW_UP, S.CLOSED)


def contributing_organisation_ids(case) -> set[int]:
    """The organisations named on the case, read once per case object (a page asks several
    predicates about the same case)."""
    cached = getattr(case, "_rmm_contributing_ids", None)
    if cached is None:
        cached = set(
            _contributions().filter(case_id=case.pk).values_list("organisation_id", flat=True)
        )
        case._rmm_contributing_ids = cached
    return cached


def contributing_ids_of_user(user, case, *roles) -> set[int]:
    """The organisations named on the case where the user holds one of `roles` (default: the
    coordinator role)."""
    held = organisation_ids_with_role(user, *(roles or (Role.COORDINATOR,)))
    if not held or case.pk is None:
        return set()
    return held & contributing_organisation_ids(case)


def _contributes(user, case, statuses=VISIBLE_TO_CONTRIBUTORS) -> bool:
    return case.status in statuses and bool(contributing_ids_of_user(user, case))


def _contributing_q(user, statuses, *roles) -> Q:
    """Cases naming one of the user's organisations (where they hold `roles`) as contributing,
    in `statuses`; an empty condition for a user with no such role (no subquery at all)."""
    held = organisation_ids_with_role(user, *(roles or (Role.COORDINATOR,)))
    if not held:
        return NOTHING
    return Q(
        status__in=statuses,
        pk__in=_contributions().filter(organisation_id__in=held).values("case_id"),
    )


def _is_declarant(user, case) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and case.declared_by_id == user.pk
        and case.organisation_id in organisation_ids_with_role(user)
    )


# --- Seeing ---------------------------------------------------------------------------------
@rules.predicate
def can_view_case(user, case) -> bool:
    """Pseudonymised case page."""
    if _sees_as_declaring_side(user, case):
        return True
    return _contributes(user, case)


def _sees_as_declaring_side(user, case) -> bool:
    if _is_declarant(user, case) or _coordinates(user, case):
        return True
    if case.organisation_id in organisation_ids_with_role(user, Role.QUALITY_MANAGER) and (
        case.status in committee_scope.COMMITTEE_STAGES
    ):
        return True
    return committee_scope.current().reads(user, case)


def cases_visible_to(user) -> QuerySet:
    parts = case_visibility_parts(user)
    if not parts:
        return _cases().none()
    return _cases().filter(reduce(operator.or_, parts))


def case_visibility_parts(user) -> list[Q]:
    """The condition of `cases_visible_to` in two parts, which a list may read apart and merge:
    the cases the user sees whatever their status (their own declarations, their organisation's
    as coordinator, a contributing organisation's), then those they see only in the committee's
    stages (quality team, committees), that part's status test written first. An index of the
    committee's stages then holds the second part in the list's order: in one condition, a
    committee member's page 1 skipped thousands of recent cases still being documented. A part
    the user has no role for is left out; no part, no case."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    any_status, in_stages = _declaring_side_parts(user)
    contributing = _contributing_q(user, VISIBLE_TO_CONTRIBUTORS)
    if contributing != NOTHING:
        any_status.append(contributing)
    parts = []
    if any_status:
        parts.append(reduce(operator.or_, any_status))
    if in_stages:
        parts.append(
            Q(status__in=committee_scope.COMMITTEE_STAGES) & reduce(operator.or_, in_stages)
        )
    return parts


@rules.predicate
def can_view_case_outcome(user, case) -> bool:
    """The review outcome and the corrective actions of the case: whoever sees the case on the
    declaring side or in the committee; the coordinators and quality team of a contributing
    organisation once the case is reviewed (read-only)."""
    if _sees_as_declaring_side(user, case):
        return True
    return case.status in OUTCOME_STAGES and bool(
        contributing_ids_of_user(user, case, Role.COORDINATOR, Role.QUALITY_MANAGER)
    )


def case_outcomes_visible_to(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _cases().none()
    return _cases().filter(
        _declaring_side_q(user)
        | _contributing_q(user, OUTCOME_STAGES, Role.COORDINATOR, Role.QUALITY_MANAGER)
    )


def _declaring_side_q(user) -> Q:
    any_status, in_stages = _declaring_side_parts(user)
    conditions = [*any_status, *in_stages]
    return reduce(operator.or_, conditions) if conditions else NOTHING


def _declaring_side_parts(user) -> tuple[list[Q], list[Q]]:
    """(conditions on cases in any status, conditions that only hold in the committee's
    stages): the declarant, the coordinators, the quality team and the committees."""
    coordinated = organisation_ids_with_role(user, Role.COORDINATOR)
    # A coordinator sees every case of their organisation: there, neither their own
    # declarations nor the quality team's stages need a test of their own (fewer conditions to
    # build and to plan on every list).
    declared_in = organisation_ids_with_role(user) - coordinated
    quality = organisation_ids_with_role(user, Role.QUALITY_MANAGER) - coordinated
    any_status, in_stages = [], []
    if declared_in:
        any_status.append(Q(declared_by_id=user.pk, organisation_id__in=declared_in))
    if coordinated:
        any_status.append(Q(organisation_id__in=coordinated))
    # Quality teams see a case once anonymised (ready for review and later), never the raw
    # texts of a case still being documented.
    if quality:
        in_stages.append(
            Q(organisation_id__in=quality, status__in=committee_scope.COMMITTEE_STAGES)
        )
    # Committees read cases in their stages only (the scope's contract, see committee_scope).
    committee = committee_scope.current().reads_q(user)
    if committee != NOTHING:
        in_stages.append(committee)
    return any_status, in_stages


def can_read_case_texts(user, case) -> bool:
    """The declaring side's free texts (the summary, every free-text clinical fact such as the
    certified cause, the chronology events of the other organisations, the parents'
    questions), wherever they are shown: the declaring side always; others (a contributing
    organisation) once the anonymisation of these texts is validated (the validation checks
    every one of them, and any later change to one withdraws it), or once the case is in the
    committee's hands (it passed the submission's check): before that they may still hold what
    the scrubber finds."""
    return (
        can_view_identity(user, case)
        or bool(case.summary_validated_at)
        or case.status in committee_scope.COMMITTEE_STAGES
    )


def can_read_care_event(user, event, case, *, texts_readable: bool | None = None) -> bool:
    """The description of one chronology event: `can_read_case_texts`, or an event of the
    user's own contributing organisation (theirs to write and correct). `texts_readable`: the
    former already asked for the case (a list asks it once)."""
    if texts_readable is None:
        texts_readable = can_read_case_texts(user, case)
    return texts_readable or event_organisation_id(event, case) in contributing_ids_of_user(
        user, case
    )


@rules.predicate
def can_view_identity(user, case) -> bool:
    """The identity vault: the declarant and the coordinators of the declaring organisation."""
    return _is_declarant(user, case) or _coordinates(user, case)


def cases_with_identity_visible_to(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _cases().none()
    return _cases().filter(
        Q(declared_by_id=user.pk, organisation_id__in=organisation_ids_with_role(user))
        | Q(organisation_id__in=organisation_ids_with_role(user, Role.COORDINATOR))
    )


# --- Editing --------------------------------------------------------------------------------
@rules.predicate
def can_edit_case(user, case) -> bool:
    """Clinical facts: the declarant while drafting, the coordinator while documenting."""
    if case.status == S.DRAFT:
        return _is_declarant(user, case)
    return case.status in EDITABLE_BY_COORDINATOR and _coordinates(user, case)


def cases_editable_by(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _cases().none()
    return _cases().filter(
        Q(
            status=S.DRAFT,
            declared_by_id=user.pk,
            organisation_id__in=organisation_ids_with_role(user),
        )
        | Q(
            status__in=EDITABLE_BY_COORDINATOR,
            organisation_id__in=organisation_ids_with_role(user, Role.COORDINATOR),
        )
    )


@rules.predicate
def can_delete_draft(user, case) -> bool:
    """A draft never sent: its author, or a coordinator of the declaring organisation."""
    return case.status == S.DRAFT and (_is_declarant(user, case) or _coordinates(user, case))


def drafts_deletable_by(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _cases().none()
    return _cases().filter(
        Q(declared_by_id=user.pk, organisation_id__in=organisation_ids_with_role(user))
        | Q(organisation_id__in=organisation_ids_with_role(user, Role.COORDINATOR)),
        status=S.DRAFT,
    )


@rules.predicate
def can_document_case(user, case) -> bool:
    """Chronology and anonymisation: the coordinator, while documenting."""
    return case.status == S.DOCUMENTING and _coordinates(user, case)


# --- Transitions (django-fsm calls permission(instance, user)) ------------------------------
def may_declare(case, user) -> bool:
    return case.status == S.DRAFT and _is_declarant(user, case)


def may_accept(case, user) -> bool:
    return _coordinates(user, case)


def may_submit_for_review(case, user) -> bool:
    return _coordinates(user, case)


def may_schedule(case, user) -> bool:
    return committee_scope.current().plans(user, case)


def may_record_review(case, user) -> bool:
    return committee_scope.current().plans(user, case)


def may_close(case, user) -> bool:
    return committee_scope.current().chairs(user, case) or (
        case.status == S.ACTION_FOLLOW_UP
        and case.organisation_id in organisation_ids_with_role(user, Role.QUALITY_MANAGER)
    )


def may_reopen(case, user) -> bool:
    return committee_scope.current().chairs(user, case)


# --- The parents' pathway (DESIGN §5) ------------------------------------------------------
# The coordinator records that the parents were told and their questions while documenting,
# and still while the case waits for its session (questions can come late); once reviewed, the
# coordinator prints the letter that answers them, with the identity from the vault.
PARENTS_CONTACT_EDITABLE = (S.DOCUMENTING, S.READY, S.SCHEDULED)
PARENTS_LETTER_STAGES = (S.REVIEWED, S.ACTION_FOLLOW_UP, S.CLOSED)


def coordinates_case(user, case) -> bool:
    """A coordinator of the declaring organisation (the coordinator side of a case)."""
    return _coordinates(user, case)


@rules.predicate
def can_record_parents_contact(user, case) -> bool:
    """Parents told of the review, by which function, when, and their questions: the
    coordinator of the declaring organisation, from documentation until the session."""
    return case.status in PARENTS_CONTACT_EDITABLE and _coordinates(user, case)


def cases_parents_contact_editable_by(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _cases().none()
    return _cases().filter(
        status__in=PARENTS_CONTACT_EDITABLE,
        organisation_id__in=organisation_ids_with_role(user, Role.COORDINATOR),
    )


@rules.predicate
def can_add_care_event(user, case) -> bool:
    """Add chronology events: the declaring coordinators and the coordinators of a
    contributing organisation, while the case is documented."""
    return case.status == S.DOCUMENTING and (
        _coordinates(user, case) or bool(contributing_ids_of_user(user, case))
    )


def cases_where_events_addable_by(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _cases().none()
    return _cases().filter(
        Q(
            status=S.DOCUMENTING,
            organisation_id__in=organisation_ids_with_role(user, Role.COORDINATOR),
        )
        | _contributing_q(user, (S.DOCUMENTING,))
    )


def event_organisation_id(event, case) -> int:
    """The organisation that wrote a chronology event (empty means the declaring one)."""
    return event.organisation_id or case.organisation_id


def can_change_care_event(user, event, case=None) -> bool:
    """Correct or delete one event: the declaring coordinators any event (they answer for the
    whole chronology), a contributing coordinator only their own organisation's; while the
    case is documented."""
    case = case if case is not None else event.case
    if case.status != S.DOCUMENTING or event.case_id != case.pk:
        return False
    if _coordinates(user, case):
        return True
    return event_organisation_id(event, case) in contributing_ids_of_user(user, case)


def care_events_changeable_by(user) -> QuerySet:
    """`can_change_care_event` as a queryset of events."""
    events = apps.get_model("cases", "CareEvent").objects
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return events.none()
    coordinated = organisation_ids_with_role(user, Role.COORDINATOR)
    named = Exists(
        _contributions().filter(
            case_id=OuterRef("case_id"), organisation_id=OuterRef("organisation_id")
        )
    )
    return events.filter(
        Q(case__organisation_id__in=coordinated) | (Q(organisation_id__in=coordinated) & named),
        case__status=S.DOCUMENTING,
    )


@rules.predicate
def can_write_to_parents(user, case) -> bool:
    """The letter to the parents (identity inserted at print time): only the coordinators of
    the declaring organisation (not the declarant), once the committee has reviewed the case."""
    return case.status in PARENTS_LETTER_STAGES and _coordinates(user, case)


def cases_parents_letter_printable_by(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _cases().none()
    return _cases().filter(
        status__in=PARENTS_LETTER_STAGES,
        organisation_id__in=organisation_ids_with_role(user, Role.COORDINATOR),
    )


@rules.predicate
def can_manage_contributions(user, case) -> bool:
    """Name or remove the contributing organisations: the coordinators of the declaring
    organisation, once the case is declared (a closed case too: a contributor found late)."""
    return case.status != S.DRAFT and _coordinates(user, case)


def cases_whose_contributions_managed_by(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _cases().none()
    return (
        _cases()
        .filter(organisation_id__in=organisation_ids_with_role(user, Role.COORDINATOR))
        .exclude(status=S.DRAFT)
    )


def cases_documentable_by(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _cases().none()
    return _cases().filter(
        status=S.DOCUMENTING,
        organisation_id__in=organisation_ids_with_role(user, Role.COORDINATOR),
    )


rules.add_rule("cases.view_case", can_view_case)
rules.add_rule("cases.view_identity", can_view_identity)
rules.add_rule("cases.edit_case", can_edit_case)
rules.add_rule("cases.document_case", can_document_case)
rules.add_rule("cases.delete_draft", can_delete_draft)
rules.add_rule("cases.record_parents_contact", can_record_parents_contact)
rules.add_rule("cases.write_to_parents", can_write_to_parents)
rules.add_rule("cases.view_case_outcome", can_view_case_outcome)
rules.add_rule("cases.add_care_event", can_add_care_event)
rules.add_rule("cases.manage_contributions", can_manage_contributions)

PAIRED_SCOPES = {
    "cases.view_case": cases_visible_to,
    "cases.view_identity": cases_with_identity_visible_to,
    "cases.edit_case": cases_editable_by,
    "cases.document_case": cases_documentable_by,
    "cases.delete_draft": drafts_deletable_by,
    "cases.record_parents_contact": cases_parents_contact_editable_by,
    "cases.write_to_parents": cases_parents_letter_printable_by,
    "cases.view_case_outcome": case_outcomes_visible_to,
    "cases.add_care_event": cases_where_events_addable_by,
    "cases.manage_contributions": cases_whose_contributions_managed_by,
}
# Predicates on a chronology event rather than a case, each with its queryset of events.
PAIRED_EVENT_SCOPES = {"change_care_event": (can_change_care_event, care_events_changeable_by)}


def organisation_ids_of_visible_cases(user) -> set[int]:
    """The organisations whose cases the user may see (the case list's organisation filter
    offers these, and only these): the same roles as cases_visible_to, without the rows."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    ids = organisation_ids_with_role(user, Role.CLINICIAN, Role.COORDINATOR, Role.QUALITY_MANAGER)
    ids |= set(_contributed_cases(user).values_list("organisation_id", flat=True))
    return ids | committee_scope.current().organisation_ids(user)


def _contributed_cases(user) -> QuerySet:
    """The cases the user sees as a contributing coordinator (their declaring organisations
    join the case list's filter)."""
    return _cases().filter(_contributing_q(user, VISIBLE_TO_CONTRIBUTORS)).order_by()


def organisations_of_visible_cases_q(user) -> Q:
    """`organisation_ids_of_visible_cases` as a condition on organisations, for reading them in
    one query (the committee's agendas looked at inside it, not before)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    ids = organisation_ids_with_role(user, Role.CLINICIAN, Role.COORDINATOR, Role.QUALITY_MANAGER)
    scope = committee_scope.current()
    contributed = Q(pk__in=[])
    if organisation_ids_with_role(user, Role.COORDINATOR):
        contributed = Q(pk__in=_contributed_cases(user).values("organisation_id"))
    if hasattr(scope, "organisations_q"):
        return Q(pk__in=ids) | contributed | scope.organisations_q(user)
    return Q(pk__in=ids | scope.organisation_ids(user)) | contributed


def may_see_cases(user) -> bool:
    """The "Cas" section is for the roles that work on cases (not administrators alone)."""
    from accounts.permissions import has_role

    return has_role(user, Role.CLINICIAN, Role.COORDINATOR, Role.QUALITY_MANAGER, *COMMITTEE_ROLES)
