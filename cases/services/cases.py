"""Writing a case's content: the declaration (clinical facts and identity), the chronology and
the anonymised summary. Transitions live in services.transitions."""

import re

from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.scope import organisation_ids_with_role

from ..anonymisation import MAX_TEXT_LENGTH, replace_findings
from ..clinical import FIELD_GROUPS
from ..exceptions import (
    InvalidInput,
    NotAllowed,
    TransitionConflict,
    TransitionRefused,
    WouldErase,
)
from ..fields import max_summary_length, too_long
from ..models import CareEvent, Case, CaseContribution, IdentityAccessLog, IdentityVault
from ..permissions import (
    can_add_care_event,
    can_change_care_event,
    can_delete_draft,
    can_document_case,
    can_edit_case,
    can_view_identity,
    contributing_ids_of_user,
)
from ..status import CaseStatus
from ..text import normalise_text
from .codes import next_case_code, territory_of

IDENTITY_FIELDS = IdentityVault.ENCRYPTED_FIELDS
CLINICAL_FACT_FIELDS = frozenset(field for _legend, fields in FIELD_GROUPS for field in fields)
# Emptying a recorded value takes an explicit confirmation, a few fields at a time: a submission
# that blanks more at once is a broken or forged form, never a correction.
MAX_CLEARED_AT_ONCE = 3


def _is_empty(value) -> bool:
    return value is None or value == ""


def _erased(record, changes: dict) -> list[str]:
    """The fields of `record` holding a value that `changes` would empty."""
    return [
        name
        for name, value in changes.items()
        if _is_empty(value) and not _is_empty(getattr(record, name, None))
    ]


def field_label(model, name: str) -> str:
    label = str(model._meta.get_field(name).verbose_name)
    # "Poids de naissance" reads "poids de naissance" inside a sentence; "NIR..." stays.
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _refuse_erasing(case: Case, vault: IdentityVault, facts: dict, identity, clear) -> None:
    erased = [(Case, name) for name in _erased(case, facts)]
    if identity is not None:
        erased += [(IdentityVault, name) for name in _erased(vault, identity)]
    if not erased:
        return
    names = [name for _model, name in erased]
    confirmable = len(names) <= MAX_CLEARED_AT_ONCE
    if confirmable and set(names) <= set(clear):
        return
    message = _(
        "Ces informations déjà enregistrées seraient effacées : %(fields)s. Rien n'a été modifié."
    ) % {"fields": ", ".join(field_label(model, name) for model, name in erased)}
    if confirmable:
        message += " " + _("Pour les effacer volontairement, cochez-les puis enregistrez.")
    else:
        message += " " + _(
            "Pas plus de %(count)d informations effacées à la fois : corrigez-les une par une."
        ) % {"count": MAX_CLEARED_AT_ONCE}
    raise WouldErase(message, fields=names, confirmable=confirmable)


def _normalised_identity(identity: dict | None) -> dict | None:
    """The identity values in the vault's normal form (its fields' own `to_python`), before
    anything is compared: a value made only of invisible characters is empty, so emptying a
    field that way is refused like any erasure unless confirmed."""
    if identity is None:
        return None
    normalised = {}
    for name, value in identity.items():
        if name in IDENTITY_FIELDS and isinstance(value, str):
            value = IdentityVault._meta.get_field(name).to_python(value)
        normalised[name] = value
    return normalised


def _identity_changes(vault: IdentityVault, identity: dict) -> tuple[list[str], list[str]]:
    """(fields given a new value, fields emptied) by `identity` on `vault`: names only."""
    edited, erased = [], []
    for name in IDENTITY_FIELDS:
        if name not in identity:
            continue
        old, new = getattr(vault, name, None), identity[name]
        if _is_empty(old) and _is_empty(new):
            continue
        if _is_empty(new):
            erased.append(name)
        elif old != new:
            edited.append(name)
    return edited, erased


def _log_identity_changes(*, case: Case, by, edited: list[str], erased: list[str]) -> None:
    """Every change to a declared case's identity goes to the identity access log (who, when,
    which fields, never the values), in the transaction that makes it. A draft's author typing
    their own draft is not logged, as their own reading of it is not: the log would also keep
    the unsent draft from ever being deleted."""
    if case.status == CaseStatus.DRAFT:
        return
    name = by.get_full_name() or by.email
    for purpose, fields in (
        (IdentityAccessLog.PURPOSE_EDIT, edited),
        (IdentityAccessLog.PURPOSE_ERASE, erased),
    ):
        if fields:
            IdentityAccessLog.objects.create(
                case=case, user=by, user_name=name, purpose=purpose, fields=",".join(fields)
            )


def _save_identity(case: Case, identity_data: dict) -> IdentityVault:
    vault, _created = IdentityVault.objects.get_or_create(case=case)
    for field in IDENTITY_FIELDS:
        if field in identity_data:
            empty = None if field in ("born_at", "died_at") else ""
            setattr(vault, field, identity_data[field] or empty)
    vault.save()
    return vault


def _derive(case: Case, vault: IdentityVault) -> None:
    try:
        case.compute_derived_values(born_at=vault.born_at, died_at=vault.died_at)
    except ValueError as error:  # death before birth, or beyond the first year: French text
        raise InvalidInput(str(error)) from error


class _SameFormCreatedFirst(Exception):
    pass


# What the form's one-time token looks like (secrets.token_urlsafe); anything else is ignored.
FORM_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,64}")


def _form_token(token: str | None) -> str | None:
    return token if token and FORM_TOKEN.fullmatch(token) else None


def draft_of_token(*, by, token: str | None) -> Case | None:
    """The draft a declaration form with this one-time token already created, for its author."""
    token = _form_token(token)
    if token is None:
        return None
    return Case.objects.filter(declaration_token=token, declared_by=by).first()


def case_create_draft(*, organisation, by, facts: dict, identity: dict) -> Case:
    """A clinician starts a declaration for their organisation (saved even if incomplete)."""
    case, _created = case_create_draft_once(
        organisation=organisation, by=by, facts=facts, identity=identity, token=None
    )
    return case


@transaction.atomic
def case_create_draft_once(
    *, organisation, by, facts: dict, identity: dict, token: str | None
) -> tuple[Case, bool]:
    """`case_create_draft` for the declaration form, whose one-time `token` is kept with the
    draft: sent again (a reload, a double click, even at the same instant), it creates nothing
    and gives the first draft. Returns (draft, created)."""
    from accounts.permissions import can_declare_case_for

    if not can_declare_case_for(by, organisation):
        raise NotAllowed(_("Vous ne pouvez pas déclarer de cas pour cette organisation."))
    token = _form_token(token)
    if existing := draft_of_token(by=by, token=token):
        return existing, False
    identity = _normalised_identity(identity)
    territory = territory_of(organisation)
    case = Case(organisation=organisation, territory=territory, declared_by=by, **facts)
    case.declaration_token = token or None
    try:
        with transaction.atomic():
            case.code = next_case_code(territory=territory, year=timezone.localdate().year)
            # The counter's lock made a creation of the same form at the same instant finish
            # first: its draft is visible now (and the number taken here goes back).
            if draft_of_token(by=by, token=token):
                raise _SameFormCreatedFirst
            case.full_clean(exclude=["status", "declaration_token"])
            case.save()
    except (_SameFormCreatedFirst, IntegrityError):
        if existing := draft_of_token(by=by, token=token):
            return existing, False
        raise
    vault = _save_identity(case, identity)
    _derive(case, vault)
    case.save()
    return case, True


@transaction.atomic
def case_update(
    *,
    case: Case,
    by,
    facts: dict,
    identity: dict | None = None,
    clear=frozenset(),
    expected_version: str | None = None,
) -> Case:
    """Complete or correct the clinical facts (and identity, for those who may see it).

    Only the fields given change. Emptying a value already recorded is refused unless the
    field is in `clear` (the user's explicit confirmation), and never for more than
    MAX_CLEARED_AT_ONCE fields at once. `expected_version`, the case's last change as the page
    showed it (`Case.updated_at`): a page older than a change made since is refused, never
    allowed to put back what that change corrected."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not can_edit_case(by, case):
        raise NotAllowed(_("Ce cas n'est plus modifiable par vous à ce stade."))
    if expected_version is not None and expected_version != case.updated_at.isoformat():
        raise TransitionConflict(
            _(
                "Ce cas a été modifié entre-temps (le %(when)s) : rechargez la page pour "
                "partir de la version à jour. Rien n'a été enregistré."
            )
            % {"when": timezone.localtime(case.updated_at).strftime("%d/%m/%Y à %H:%M")}
        )
    if identity is not None and not can_view_identity(by, case):
        raise NotAllowed(_("Vous n'avez pas accès à l'identité de ce cas."))
    unknown = set(facts) - set(CLINICAL_FACT_FIELDS)
    if unknown:
        raise InvalidInput(_("Champs inconnus : rien n'a été modifié."))
    identity = _normalised_identity(identity)
    current_vault, _created = IdentityVault.objects.get_or_create(case=case)
    _refuse_erasing(case, current_vault, facts, identity, clear)
    texts_before = _free_texts(case)
    for field, value in facts.items():
        setattr(case, field, value)
    edited = erased = ()
    if identity is not None:
        edited, erased = _identity_changes(current_vault, identity)
        vault = _save_identity(case, identity)
        _log_identity_changes(case=case, by=by, edited=edited, erased=erased)
    else:
        vault = current_vault
    _derive(case, vault)
    case.full_clean(exclude=["status"])
    if _free_texts(case) != texts_before or (
        identity is not None and edited and _validated_texts_name_the_family(case)
    ):
        # A free text a contributing organisation reads once validated: validate it again
        # (also when the identity just entered shows that a validated text names the family).
        _invalidate_anonymisation(case)
    case.save()
    return case


def _validated_texts_name_the_family(case: Case) -> bool:
    from ..conditions import places_with_identifiers, review_texts

    return bool(case.summary_validated_at) and bool(
        places_with_identifiers(case, review_texts(case))
    )


def _free_texts(case: Case) -> list:
    from ..conditions import free_text_fields

    return [getattr(case, field.attname) or "" for field in free_text_fields(case)]


@transaction.atomic
def case_draft_delete(*, case: Case, by) -> str:
    """A draft its author abandons (or a coordinator of the organisation) disappears with its
    identity: it was never declared. Returns its code, for the message."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not can_delete_draft(by, case):
        raise NotAllowed(
            _("Seul un brouillon se supprime, par son auteur ou un référent de l'organisation.")
        )
    if IdentityAccessLog.objects.filter(case=case).exists():
        # The access log is append-only: what it records stays, and so does its case.
        raise InvalidInput(
            _(
                "Ce brouillon ne peut pas être supprimé : des consultations de son identité sont "
                "inscrites au journal des accès. Rien n'a été supprimé."
            )
        )
    code = case.code
    try:
        IdentityVault.objects.filter(case=case).delete()
        case.delete()
    except ProtectedError as error:
        raise InvalidInput(
            _("Ce brouillon est lié à d'autres enregistrements : rien n'a été supprimé.")
        ) from error
    return code


def identity_for_display(*, case: Case, by) -> IdentityVault:
    """The vault of a case for someone allowed to see it; every call is logged."""
    if not can_view_identity(by, case):
        raise NotAllowed(_("Vous n'avez pas accès à l'identité de ce cas."))
    with transaction.atomic():
        IdentityAccessLog.objects.create(
            case=case, user=by, user_name=by.get_full_name() or by.email
        )
        vault, _created = IdentityVault.objects.get_or_create(case=case)
    return vault


def identity_for_edit(*, case: Case, by) -> IdentityVault:
    """The vault a submitted edit form is checked against (nothing is written here: the
    update service saves it); an unsaved empty vault when the case has none yet."""
    if not can_view_identity(by, case):
        raise NotAllowed(_("Vous n'avez pas accès à l'identité de ce cas."))
    return IdentityVault.objects.filter(case=case).first() or IdentityVault(case=case)


# --- Chronology -----------------------------------------------------------------------------
def _require_documenting(case: Case, by) -> None:
    if not can_document_case(by, case):
        raise NotAllowed(_("La chronologie ne se modifie que par le référent, en documentation."))


def _require_event_change(case: Case, by, event: CareEvent) -> None:
    if not can_change_care_event(by, event, case):
        raise NotAllowed(
            _(
                "Cet événement ne se modifie que par le référent de l'organisation déclarante "
                "ou de l'organisation qui l'a ajouté, en documentation. Rien n'a été modifié."
            )
        )


def author_organisation_id(*, case: Case, by) -> int | None:
    """The organisation a new event is marked with: the declaring one for its coordinators,
    otherwise the contributing organisation the user coordinates (the first named)."""
    if case.organisation_id in organisation_ids_with_role(by, Role.COORDINATOR):
        return case.organisation_id
    ids = contributing_ids_of_user(by, case)
    if not ids:
        return None
    return (
        CaseContribution.objects.filter(case=case, organisation_id__in=ids)
        .order_by("added_at", "pk")
        .values_list("organisation_id", flat=True)
        .first()
    )


@transaction.atomic
def care_event_save(*, case: Case, by, event: CareEvent) -> CareEvent:
    """Add or correct one event of the chronology (relative time, function, never a name).

    The declaring coordinators and the coordinators of a contributing organisation add events,
    each marked with its organisation; an event is corrected by its own organisation's
    coordinators or the declaring ones."""
    # Checked on the locked row: a case sent for review meanwhile takes no more events.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if event.pk is None:
        if not can_add_care_event(by, locked):
            raise NotAllowed(
                _(
                    "La chronologie ne s'enrichit que par les référents des organisations du "
                    "parcours, en documentation."
                )
            )
        event.organisation_id = author_organisation_id(case=locked, by=by)
    else:
        stored = CareEvent.objects.filter(pk=event.pk, case=locked).first()
        if stored is None:
            raise InvalidInput(
                _("Cet événement a été supprimé entre-temps : rien n'a été enregistré.")
            )
        _require_event_change(locked, by, stored)
        event.organisation_id = stored.organisation_id  # never moved to another organisation
    event.case = case
    event.full_clean()
    _check_before_birth(case, event)
    if event.pk is None:
        # A new event takes its place in time: after every event that is not later than it.
        events = list(case.care_events.select_for_update().order_by("position", "pk"))
        earlier = [item for item in events if item.time_key <= event.time_key]
        event.position = (earlier[-1].position + 1) if earlier else 0
        later_ids = [item.pk for item in events if item.position >= event.position]
        CareEvent.objects.filter(pk__in=later_ids).update(position=F("position") + 1)
    event.save()
    _invalidate_anonymisation(case)
    return event


def _check_before_birth(case: Case, event: CareEvent) -> None:
    if event.period != CareEvent.Period.ANTENATAL or case.gestational_age_weeks is None:
        return
    birth = (case.gestational_age_weeks, case.gestational_age_days or 0)
    if (event.gestational_weeks, event.gestational_days or 0) > birth:
        raise InvalidInput(
            _("Cet événement anténatal (%(event)s) est après la naissance (%(birth)s).")
            % {"event": event.relative_time, "birth": f"{birth[0]} SA + {birth[1]} j"}
        )


@transaction.atomic
def care_event_delete(*, case: Case, by, event: CareEvent) -> None:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _require_event_change(locked, by, event)
    CareEvent.objects.filter(pk=event.pk, case=locked).delete()


@transaction.atomic
def care_event_move(*, case: Case, by, event: CareEvent, offset: int) -> None:
    """Move an event up (-1) or down (+1) in the chronology."""
    _require_documenting(case, by)
    events = list(case.care_events.select_for_update().order_by("position", "pk"))
    index = next(i for i, item in enumerate(events) if item.pk == event.pk)
    new_index = max(0, min(len(events) - 1, index + offset))
    events.insert(new_index, events.pop(index))
    for position, item in enumerate(events):
        if item.position != position:
            CareEvent.objects.filter(pk=item.pk).update(position=position)


# --- Anonymisation --------------------------------------------------------------------------
def _invalidate_anonymisation(case: Case) -> None:
    # Any change to a text the committee reads needs a new explicit validation.
    Case.objects.filter(pk=case.pk).update(summary_validated_at=None, summary_validated_by=None)
    case.summary_validated_at = None
    case.summary_validated_by = None


def suggested_summary(*, case: Case, by) -> tuple[str, str]:
    """(original narrative, scrubbed proposal) for the coordinator's side-by-side screen."""
    from ..detection import rejected_digests, text_findings

    vault = identity_for_display(case=case, by=by)
    original = normalise_text((vault.narrative_original or case.summary)[:MAX_TEXT_LENGTH])
    # Both are bounded by their fields; a row written before the limits is cut, not a 500.
    findings = text_findings(
        text=original,
        known=vault.known_values(),
        case_id=case.pk,
        rejected=rejected_digests(case),
    )
    return original, replace_findings(original, findings)


@transaction.atomic
def summary_save(*, case: Case, by, summary: str, validate: bool) -> Case:
    """Save the pseudonymised summary; `validate` records the coordinator's explicit check."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _require_documenting(case, by)
    # Checked and stored in the same normal form: the committee reads what the scrubber read.
    summary = normalise_text(summary)
    length_problem = too_long(summary, max_summary_length.limit, max_summary_length.message)
    if length_problem:
        raise InvalidInput(length_problem)
    changed = case.summary != summary
    case.summary = summary
    vault, _created = IdentityVault.objects.get_or_create(case=case)
    if validate:
        from ..conditions import places_with_identifiers, review_texts
        from ..detection import rejected_digests, text_findings

        remaining = text_findings(
            text=summary,
            known=vault.known_values(),
            case_id=case.pk,
            rejected=rejected_digests(case),
        )
        reasons = []
        if remaining:
            # The count only: the values are shown on the coordinator's screen, never in a
            # message that could be logged.
            reasons.append(
                _("des identifiants subsistent dans le résumé (%(count)s)")
                % {"count": len(remaining)}
            )
        # The validation opens every text of the declaring side to the contributing
        # organisations (`can_read_case_texts`): each is checked, not the summary alone.
        others = places_with_identifiers(case, review_texts(case)[1:], both_signals=True)
        if others:
            reasons.append(
                _("des identifiants subsistent dans %(places)s (détail ci-dessous)")
                % {"places": ", ".join(others)}
            )
        if reasons:
            raise TransitionRefused(reasons)
    if validate:
        case.summary_validated_at = timezone.now()
        case.summary_validated_by = by
    elif changed:
        case.summary_validated_at = None
        case.summary_validated_by = None
    case.save(
        update_fields=["summary", "summary_validated_at", "summary_validated_by", "updated_at"]
    )
    return case
