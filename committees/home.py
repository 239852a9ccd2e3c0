"""Committee items on the home page and the reviews panel on the case page."""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.home import PendingItem, register_pending_provider
from cases.panels import register_case_panel
from cases.status import CaseStatus
from rmm.querysets import KeyedQuery

from . import parents_letter
from .models import (
    Avoidability,
    CaseReview,
    Committee,
    MinutesCaseExtract,
    Session,
    SessionStatus,
)
from .permissions import (
    PLANNERS,
    charter_accepted_committees,
    committee_ids,
    covered_by_committees,
    invitations_visible_to,
)


@register_pending_provider
def committee_items(user):
    ids = committee_ids(user)
    if not ids:
        return []
    items = []
    unsigned = ids - charter_accepted_committees(user)
    for committee in Committee.objects.filter(pk__in=unsigned).order_by("name"):
        items.append(
            PendingItem(
                title=_("Accepter la charte de confidentialité"),
                detail=committee.name,
                url=reverse("committees:charter", args=[committee.pk]),
            )
        )
    upcoming = (
        Session.objects.filter(
            committee_id__in=ids,
            starts_at__gte=timezone.now(),
            status__in=[SessionStatus.PLANNED, SessionStatus.AGENDA_SENT],
        )
        .select_related("committee")
        .order_by("starts_at")
        .first()
    )
    if upcoming is not None:
        items.append(
            PendingItem(
                title=_("Prochaine séance le %(date)s")
                % {"date": timezone.localtime(upcoming.starts_at).strftime("%d/%m/%Y %H:%M")},
                detail=upcoming.committee.name,
                url=reverse("committees:session_detail", args=[upcoming.pk]),
            )
        )
    planned_ids = committee_ids(user, *PLANNERS, charter=True)
    if planned_ids:
        from cases.models import Case

        waiting = Case.objects.filter(
            status=CaseStatus.READY, organisation_id__in=covered_by_committees(user, *PLANNERS)
        )
        count = waiting.count()
        if count:
            items.append(
                PendingItem(
                    title=ngettext(
                        "%(n)s cas prêt à inscrire en séance",
                        "%(n)s cas prêts à inscrire en séance",
                        count,
                    )
                    % {"n": count},
                    url=f"{reverse('cases:list')}?status=ready",
                    count=count,
                )
            )
        unminuted = Session.objects.filter(
            committee_id__in=planned_ids, status=SessionStatus.HELD
        ).count()
        if unminuted:
            items.append(
                PendingItem(
                    title=ngettext(
                        "%(n)s compte rendu à rédiger ou valider",
                        "%(n)s comptes rendus à rédiger ou valider",
                        unminuted,
                    )
                    % {"n": unminuted},
                    url=reverse("committees:session_list"),
                    count=unminuted,
                )
            )
    # Last, and no query: the member's participation certificates (DPC, accreditation).
    items.append(
        PendingItem(
            title=_("Mes attestations de participation"),
            detail=_("Pour le DPC et l'accréditation"),
            url=reverse("committees:my_certificates"),
        )
    )
    return items


@register_pending_provider
def guest_items(user):
    """A professional invited for a case (issue 15): each live invitation, to its charter
    first (one query, a few rows: invitations are per case)."""
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    for guest in (
        invitations_visible_to(user)
        .select_related("session", "case")
        .order_by("session__starts_at")
    ):
        items.append(
            PendingItem(
                title=(
                    _("Invitation : revue du cas %(code)s le %(date)s")
                    if guest.charter_accepted_at
                    else _("Invitation à accepter : revue du cas %(code)s le %(date)s")
                )
                % {
                    "code": guest.case.code,
                    "date": timezone.localtime(guest.session.starts_at).strftime("%d/%m/%Y"),
                },
                detail=guest.function,
                url=reverse("committees:invitation", args=[guest.pk]),
            )
        )
    return items


def _local_date(moment: datetime) -> str:
    # What the template's date filter wrote (0.03 ms a date).
    return timezone.localtime(moment).strftime("%d/%m/%Y")


@dataclass(frozen=True)
class CaseReviewRow:
    """A review as the case page shows it (the reviews panel and the letter's panel)."""

    session_date: str  # local date, written once (as the extracts' dates)
    icd_pm_group: str  # the codes; empty while not classified
    maternal_condition: str
    grades: str  # care up to death / neonatal care / after death
    avoidability: str  # the label
    answers_to_parents: str


CASE_REVIEW_ROWS = KeyedQuery(
    lambda key: (
        CaseReview.objects.filter(case_id=key)
        .order_by("recorded_at", "pk")
        .values(
            "session__starts_at",
            "icd_pm_group__code",
            "maternal_condition__code",
            "grade_care_to_death",
            "grade_neonatal_care",
            "grade_after_death",
            "avoidability",
            "answers_to_parents",
        )
    )
)


def case_reviews_panel(case, user):
    """The committee's reviews of the case (an outcome panel: a contributing organisation reads
    it once the case is reviewed), read as plain values of the columns shown: the page reads
    every review on each view."""
    avoidability = dict(Avoidability.choices)
    reviews = [
        CaseReviewRow(
            session_date=_local_date(review["session__starts_at"]),
            icd_pm_group=review["icd_pm_group__code"] or "",
            maternal_condition=review["maternal_condition__code"] or "",
            grades=" / ".join(
                (
                    review["grade_care_to_death"],
                    review["grade_neonatal_care"],
                    review["grade_after_death"],
                )
            ),
            avoidability=str(avoidability.get(review["avoidability"], review["avoidability"])),
            answers_to_parents=review["answers_to_parents"],
        )
        for review in CASE_REVIEW_ROWS.rows(case.pk)
    ]
    if not reviews:
        return None
    return "committees/partials/_case_reviews.html", {
        "reviews": reviews,
        "decisions": validated_minutes_extracts(case),
        # Issue 15: the letter to the parents, for the declaring organisation's coordinators.
        "letter": parents_letter.letter_panel(case, user, reviews),
    }


register_case_panel(case_reviews_panel, outcome=True)


@dataclass(frozen=True)
class MinutesExtractRow:
    """The case's part of one validated version of a session's minutes."""

    session_id: int
    session_date: str
    committee: str
    version: int
    validated_on: str
    body_html: str


MINUTES_EXTRACT_ROWS = KeyedQuery(
    lambda key: (
        MinutesCaseExtract.objects.filter(case_id=key, minutes__validated_at__isnull=False)
        .order_by("minutes__session__starts_at", "minutes__version")
        .values(
            "minutes__session_id",
            "minutes__session__starts_at",
            "minutes__session__committee__name",
            "minutes__version",
            "minutes__validated_at",
            "body_html",
        )
    )
)


def validated_minutes_extracts(case) -> list[MinutesExtractRow]:
    """The case's part of the latest validated minutes of each session that reviewed it: what
    the declaring organisation's quality team reads of the committee's decisions (never the
    whole minutes, which may tell other organisations' cases). Plain values of the columns
    shown: never the whole minutes' HTML of each session (tens of kilobytes each, read on every
    case page)."""
    latest: dict[int, MinutesExtractRow] = {}
    for extract in MINUTES_EXTRACT_ROWS.rows(case.pk):
        row = MinutesExtractRow(
            session_id=extract["minutes__session_id"],
            session_date=_local_date(extract["minutes__session__starts_at"]),
            committee=extract["minutes__session__committee__name"],
            version=extract["minutes__version"],
            validated_on=_local_date(extract["minutes__validated_at"]),
            body_html=extract["body_html"],
        )
        latest[row.session_id] = row
    return list(latest.values())
