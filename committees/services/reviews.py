"""Recording the committee's review of a case, and the minutes of a session."""

from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.conditions import parents_questions, places_with_identifiers
from cases.exceptions import NotAllowed, TransitionConflict, TransitionRefused
from cases.fields import max_comment_length, too_long
from cases.models import Case
from cases.services.transitions import case_transition
from cases.status import CaseStatus
from rmm import workflow

from ..conditions import (
    awaits_review,
    minutes_can_be_drafted,
    missing_for_review,
    quorum,
    review_correction_refusal,
    reviews_can_be_recorded_in,
)
from ..models import (
    CaseReview,
    ContributingFactor,
    MinutesCaseExtract,
    MinutesVersion,
    Session,
    SessionStatus,
)
from ..models.review import icd_pm_timing_error as icd_pm_group_error
from ..models.session import REVIEW_CORRECTED
from ..permissions import can_chair_session, can_plan_session
from ..selectors import minutes_context


def review_texts(review: CaseReview, factors) -> list[tuple[str, str]]:
    """(where, text) for every free text of a review: all of it goes into the minutes."""
    texts = [
        (str(CaseReview._meta.get_field(name).verbose_name), getattr(review, name))
        for name in ("what_went_well", "answers_to_parents", "conclusion")
    ]
    texts += [
        (_("le commentaire du facteur %(code)s") % {"code": item.code}, comment)
        for item, comment, _barrier in factors
    ]
    return texts


def refuse_unless_complete_and_anonymous(review: CaseReview, case, factors) -> None:
    reasons = []
    missing = missing_for_review(review)
    if missing:
        reasons.append(_("la revue est incomplète : %(missing)s") % {"missing": ", ".join(missing)})
    timing_error = icd_pm_timing_error(review, case)
    if timing_error:
        reasons.append(timing_error)
    if parents_questions(case) and not (review.answers_to_parents or "").strip():
        reasons.append(
            _("les parents ont posé des questions : notez les réponses que le comité y apporte")
        )
    # The review's own texts are bounded by full_clean; the factors' comments are bulk-created.
    for _item, comment, _barrier in factors:
        length_problem = too_long(comment, max_comment_length.limit, max_comment_length.message)
        if length_problem:
            reasons.append(length_problem)
    places = places_with_identifiers(case, review_texts(review, factors))
    if places:
        reasons.append(
            _("des identifiants subsistent dans : %(places)s") % {"places": ", ".join(places)}
        )
    if reasons:
        raise TransitionRefused(reasons)


def icd_pm_timing_error(review: CaseReview, case) -> str | None:
    """ICD-PM: the review's group fits the death (one predicate, shared with the form)."""
    return icd_pm_group_error(review.icd_pm_group, case)


@transaction.atomic
def review_record(
    *, session: Session, case, by, review: CaseReview, delays=(), pathway_breaks=(), factors=()
) -> CaseReview:
    """Record the review of a case on the session's agenda; the case becomes 'reviewed' (the
    `record_review` transition's guard finds this review, complete and with quorum).

    A case reopened by the chair since its latest review (already 'reviewed') gets a new review
    record and stays 'reviewed': one review per reopening, earlier ones stay in its history.
    `factors` are (ALARM item, comment, recovery barrier) triples."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not can_plan_session(by, session):
        raise NotAllowed(_("Seuls le président et le secrétaire enregistrent la revue."))
    if not reviews_can_be_recorded_in(session):
        raise TransitionConflict(
            _(
                "La revue s'enregistre pendant ou après la séance, une fois celle-ci commencée, "
                "avant la validation du compte rendu."
            )
        )
    if not session.agenda.filter(case=case).exists():
        raise NotAllowed(_("Ce cas n'est pas à l'ordre du jour de cette séance."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not awaits_review(case):
        raise TransitionConflict(
            _("Ce cas n'attend pas de revue (statut : %(status)s).")
            % {"status": case.get_status_display()}
        )
    present, quorum_ok = quorum(session)
    if not quorum_ok:
        raise TransitionRefused(
            [
                _(
                    "le quorum n'est pas atteint (%(present)s présent(s), %(quorum)s requis) : "
                    "enregistrez les présences"
                )
                % {"present": present, "quorum": session.committee.quorum}
            ]
        )
    refuse_unless_complete_and_anonymous(review, case, factors)
    review.case = case
    review.session = session
    review.recorded_by = by
    review.full_clean(exclude=["case", "session", "recorded_by"])
    review.save()
    review.delays.set(delays)
    review.pathway_breaks.set(pathway_breaks)
    ContributingFactor.objects.bulk_create(
        ContributingFactor(review=review, item=item, comment=comment, recovery_barrier=barrier)
        for item, comment, barrier in factors
    )
    if case.status == CaseStatus.SCHEDULED:
        case_transition(
            case_id=case.pk,
            name="record_review",
            by=by,
            expected_status=CaseStatus.SCHEDULED,
            # No date here: the history is screened for identifiers, and dates look like them.
            comment=_("Revue en séance RMM n° %(number)s") % {"number": session.pk},
        )
    return review


@transaction.atomic
def review_update(
    *, review: CaseReview, by, delays=(), pathway_breaks=(), factors=()
) -> CaseReview:
    """Correct a recorded review (same checks as recording it) until the session's minutes are
    validated; then it is frozen with them, and the minutes are reopened for correction first
    (a new version, with its reason: DESIGN §5). Each correction is written in the session's
    history (who, when)."""
    session = Session.objects.select_for_update().get(pk=review.session_id)
    if not can_plan_session(by, session):
        raise NotAllowed(_("Seuls le président et le secrétaire corrigent la revue."))
    if refusal := review_correction_refusal(session):
        raise TransitionConflict(refusal)
    case = Case.objects.select_for_update().get(pk=review.case_id)
    stored = CaseReview.objects.select_for_update().get(pk=review.pk)
    refuse_unless_complete_and_anonymous(review, case, factors)
    if reasons := removed_factors_with_actions(review=stored, factors=factors):
        raise TransitionRefused(reasons)
    review.full_clean(exclude=["case", "session", "recorded_by"])
    review.save()
    review.delays.set(delays)
    review.pathway_breaks.set(pathway_breaks)
    factors_update(review=review, factors=factors)
    if refusal := plan_missing_after_correction(case=case, before=stored, after=review):
        raise TransitionRefused([refusal])  # the whole correction is rolled back
    session.transitions.create(
        transition=REVIEW_CORRECTED,
        source=session.status,
        target=session.status,
        actor=by,
        actor_name=by.get_full_name() or by.email,
        comment=_("Revue du cas %(code)s corrigée.") % {"code": case.code},
    )
    return review


def removed_factors_with_actions(*, review: CaseReview, factors) -> list[str]:
    """Why the correction may not drop some ALARM factors of the stored review: corrective
    actions answer them (their links would silently go with the factor's row)."""
    wanted = {item.pk for item, _comment, _barrier in factors}
    reasons = []
    for factor in (
        review.factors.exclude(item_id__in=wanted)
        .select_related("item")
        .prefetch_related("corrective_actions")
        .order_by("item__code")
    ):
        actions = sorted(action.pk for action in factor.corrective_actions.all())
        if actions:
            reasons.append(
                _(
                    "le facteur ALARM %(code)s ne peut pas être retiré de la revue : les "
                    "actions correctives %(actions)s y répondent"
                )
                % {"code": factor.item.code, "actions": ", ".join(f"A{pk}" for pk in actions)}
            )
    return reasons


def plan_missing_after_correction(*, case, before: CaseReview, after: CaseReview) -> str | None:
    """A correction of the case's latest review that newly calls for an action plan (avoidable,
    care graded C or D) on a case already past its review (plan adopted, closed) that has no
    plan nor a recorded reason for none: refused, the chair reopens the case instead (read
    after the correction is saved, from the guards that `adopt_action_plan` states)."""
    if case.status not in (CaseStatus.ACTION_FOLLOW_UP, CaseStatus.CLOSED):
        return None
    if before.calls_for_action_plan or not after.calls_for_action_plan:
        return None
    latest = case.reviews.order_by("-recorded_at", "-pk").values_list("pk", flat=True).first()
    if latest != after.pk or not workflow.refusal_reasons(case, "adopt_action_plan"):
        return None
    return _(
        "le cas %(code)s est « %(status)s » sans plan d'actions, et cette correction en "
        "demande un (cas évitable ou potentiellement évitable, ou soins notés C ou D) : le "
        "président rouvre le cas pour que le comité le revoie, ou la revue note qu'aucune "
        "action corrective n'est nécessaire"
    ) % {"code": case.code, "status": case.get_status_display()}


def factors_update(*, review: CaseReview, factors) -> None:
    """Update the review's ALARM factors in place, by item: kept items keep their row (so the
    corrective actions linked to them hold), new ones are added, only removed ones go (the
    caller refused to remove one that an action answers: `removed_factors_with_actions`)."""
    existing = {factor.item_id: factor for factor in review.factors.all()}
    wanted = {item.pk for item, _comment, _barrier in factors}
    review.factors.exclude(item_id__in=wanted).delete()
    changed, created = [], []
    for item, comment, barrier in factors:
        factor = existing.get(item.pk)
        if factor is None:
            created.append(
                ContributingFactor(
                    review=review, item=item, comment=comment, recovery_barrier=barrier
                )
            )
        elif (factor.comment, factor.recovery_barrier) != (comment, barrier):
            factor.comment, factor.recovery_barrier = comment, barrier
            changed.append(factor)
    ContributingFactor.objects.bulk_update(changed, ["comment", "recovery_barrier"])
    ContributingFactor.objects.bulk_create(created)


@transaction.atomic
def minutes_draft(*, session: Session, by, correction_reason: str = "") -> MinutesVersion:
    """Generate (or regenerate) the minutes from the session's reviews (anonymous). Once
    validated they are frozen: a correction reopens the session's minutes (audited, with its
    reason) and starts a new version."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not can_plan_session(by, session):
        raise NotAllowed(_("Seuls le président et le secrétaire rédigent le compte rendu."))
    if not minutes_can_be_drafted(session):
        raise TransitionConflict(_("Le compte rendu se rédige une fois la séance tenue."))
    correction_reason = correction_reason.strip()
    if session.status == SessionStatus.MINUTES_VALIDATED:
        if not correction_reason:
            raise TransitionRefused(
                [
                    _(
                        "le compte rendu validé est figé : une correction crée une "
                        "nouvelle version et demande un motif"
                    )
                ]
            )
        session = workflow.apply(
            model=Session,
            pk=session.pk,
            name="reopen_for_correction",
            by=by,
            expected_status=SessionStatus.MINUTES_VALIDATED,
            comment=correction_reason,
        )
    context = minutes_context(session=session)
    body = render_to_string("committees/minutes_body.html", context)
    latest = session.minutes.order_by("-version").first()
    if latest is not None and not latest.is_frozen:
        latest.body_html = body
        latest.save(update_fields=["body_html"])
        minutes = latest
    else:
        version = (session.minutes.aggregate(last=Max("version"))["last"] or 0) + 1
        minutes = MinutesVersion.objects.create(
            session=session,
            version=version,
            created_by=by,
            correction_reason=correction_reason,
            body_html=body,
        )
    _store_case_extracts(minutes, context)
    return minutes


def _store_case_extracts(minutes: MinutesVersion, context: dict) -> None:
    """Each case's part of the minutes, rendered from the same template and frozen with the
    version, for the organisation that declared it (a draft's extracts are simply redone)."""
    minutes.case_extracts.all().delete()
    MinutesCaseExtract.objects.bulk_create(
        MinutesCaseExtract(
            minutes=minutes,
            case_id=review.case_id,
            body_html=render_to_string(
                "committees/partials/_minutes_case.html", {**context, "review": review}
            ),
        )
        for review in context["reviews"]
    )


@transaction.atomic
def minutes_validate(*, session: Session, by, version: int) -> MinutesVersion:
    """The chair validates the latest version: it is frozen for good, and the session's
    minutes are validated (audited)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if not can_chair_session(by, session):
        raise NotAllowed(_("Seul le président valide le compte rendu."))
    minutes = session.minutes.select_for_update().get(version=version)
    latest = session.minutes.order_by("-version").first()
    if minutes.is_frozen or minutes.pk != latest.pk:
        raise TransitionConflict(_("Cette version n'est plus la dernière ou est déjà validée."))
    minutes.validated_by = by
    minutes.validated_at = timezone.now()
    minutes.save(update_fields=["validated_by", "validated_at"])
    if session.status == SessionStatus.HELD:
        workflow.apply(
            model=Session,
            pk=session.pk,
            name="validate_minutes",
            by=by,
            expected_status=SessionStatus.HELD,
        )
    # Frozen now: rendered to PDF once, after commit (the first download would do it anyway).
    from ..minutes_pdf import minutes_pdf_store_quietly

    transaction.on_commit(lambda: minutes_pdf_store_quietly(minutes.pk))
    return minutes
