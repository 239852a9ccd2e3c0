"""The named attendance sheet of a session and the yearly participation certificates drawn
from it (DPC, accreditation). Reads only; every list in a fixed number of queries.

What counts: the sessions of the seat's committee whose minutes are validated, the only ones
whose attendance is locked (conditions.attendance_refusal). A session held but not yet
validated is announced on the certificate as not yet counted, never counted: a certificate
must not change once handed to a DPC office. "Sessions held while they held a seat" are the
counted sessions whose attendance sheet names the professional (present, excused or absent):
the sheet is the record of who sat on the committee on that day.

Nothing of a case appears here: no code, no summary, no agenda.
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User

from . import pdf
from .models import (
    Attendance,
    Committee,
    CommitteeMember,
    CommitteeRole,
    Session,
    SessionGuest,
    SessionStatus,
)

FIRST_YEAR = 2000
COUNTED = SessionStatus.MINUTES_VALIDATED
NOT_YET_COUNTED = SessionStatus.HELD
PRESENT = Attendance.Status.PRESENT


def current_year() -> int:
    return timezone.localdate().year


def year_refusal(year: int) -> str | None:
    """Why no certificate exists for `year` (None when it may): 2000 to this year only."""
    if not FIRST_YEAR <= year <= current_year():
        return _(
            "Aucune attestation pour cette année : choisissez une année de %(first)s à %(last)s."
        ) % {
            "first": FIRST_YEAR,
            "last": current_year(),
        }
    return None


def valid_year(year: int) -> int:
    """A year of certificates: 2000 to this year, else 404 (never a 500, never a future year,
    never year 0 read as 'this year')."""
    if (refusal := year_refusal(year)) is not None:
        raise Http404(refusal)
    return year


def year_from_url(text: str) -> int:
    """A year as written in a certificate URL: its canonical digits only ("2026", never "0"
    nor "02026"), within 2000..this year; ValueError otherwise (the route does not match: 404)."""
    if not text.isascii() or not text.isdigit() or text != str(int(text)):
        raise ValueError(_("Année mal écrite."))
    year = int(text)
    if (refusal := year_refusal(year)) is not None:
        raise ValueError(refusal)
    return year


def duration_label(minutes: int | None) -> str:
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


# --- Attendance sheet -----------------------------------------------------------------------
@dataclass
class SheetRow:
    name: str
    function: str
    organisations: str
    role: str
    status: str
    status_label: str


@dataclass
class GuestRow:
    name: str
    function: str
    organisations: str
    presence: str
    presence_label: str


def _active_memberships(lookup: str) -> Prefetch:
    return Prefetch(
        lookup,
        queryset=Membership.objects.filter(is_active=True).select_related("organisation"),
        to_attr="active_memberships",
    )


def _organisations_of(user) -> str:
    return ", ".join(sorted({m.organisation.name for m in user.active_memberships}))


def attendance_sheet_refusal(session: Session) -> str | None:
    """Why a session has no attendance sheet (None when it has one): a cancelled session was
    never held, a blank sheet of it would be a false record."""
    if session.status == SessionStatus.CANCELLED:
        return _("Séance annulée : elle n'a pas de feuille d'émargement.")
    return None


def sheet_guests(*, session: Session) -> list[GuestRow]:
    """The professionals invited from outside the committee for a case of this session (live
    invitations), one row per person whatever the number of cases: present when recorded
    present for one of them (2 queries). Read-only here: the secretary records their presence
    on the session's guest pages."""
    invitations = (
        SessionGuest.objects.filter(session=session, revoked_at__isnull=True)
        .select_related("user")
        .prefetch_related(_active_memberships("user__memberships"))
        .order_by("user__full_name", "user_id", "invited_at", "pk")
    )
    labels = dict(SessionGuest.Presence.choices)
    by_user: dict[int, list[SessionGuest]] = {}
    for invitation in invitations:
        by_user.setdefault(invitation.user_id, []).append(invitation)
    rows = []
    for invited in by_user.values():
        presences = {invitation.presence for invitation in invited}
        present, absent = SessionGuest.Presence.PRESENT, SessionGuest.Presence.ABSENT
        presence = present if present in presences else absent if absent in presences else ""
        functions = list(dict.fromkeys(invitation.function for invitation in invited))
        user = invited[0].user
        rows.append(
            GuestRow(
                name=user.full_name,
                function=" ; ".join(functions) or user.job_title,
                organisations=_organisations_of(user),
                presence=presence,
                presence_label=str(labels.get(presence, _("Non renseigné"))),
            )
        )
    return rows


def attendance_sheet(*, session: Session) -> dict:
    """The named sheet of a session: every member recorded, and every active member not yet
    recorded, with function and organisation, then the invited guests (6 queries whatever
    the committee's size). 404 for a cancelled session (attendance_sheet_refusal)."""
    if (refusal := attendance_sheet_refusal(session)) is not None:
        raise Http404(refusal)
    recorded = {row.member_id: row.status for row in Attendance.objects.filter(session=session)}
    members = (
        CommitteeMember.objects.filter(committee_id=session.committee_id)
        .filter(Q(is_active=True) | Q(pk__in=list(recorded)))
        .select_related("user")
        .prefetch_related(_active_memberships("user__memberships"))
        .order_by("user__full_name", "pk")
    )
    labels = dict(Attendance.Status.choices)
    roles = dict(CommitteeRole.choices)
    rows = []
    for member in members:
        status = recorded.get(member.pk, "")
        rows.append(
            SheetRow(
                name=member.user.full_name,
                function=member.user.job_title or member.specialty,
                organisations=_organisations_of(member.user),
                role=str(roles.get(member.role, member.role)),
                status=status,
                status_label=str(labels.get(status, _("Non renseigné"))),
            )
        )
    counts = {key: sum(1 for row in rows if row.status == key) for key in labels}
    guests = sheet_guests(session=session)
    return {
        "session": session,
        "rows": rows,
        "counts": counts,
        "guests": guests,
        "guests_present": sum(1 for row in guests if row.presence == SessionGuest.Presence.PRESENT),
        "locked": session.status == COUNTED,
    }


def attendance_sheet_pdf(*, session: Session) -> bytes:
    context = attendance_sheet(session=session) | {"for_pdf": True}
    return pdf.html_to_pdf(render_to_string("committees/attendance_sheet_print.html", context))


# --- Certificates ---------------------------------------------------------------------------
@dataclass
class CertificateYear:
    seat_id: int
    committee: str
    year: int
    attended: int
    held: int


def certificate_years_of(*, user) -> list[CertificateYear]:
    """Years and committees where the user attended at least one counted session, newest
    first (one query)."""
    rows = (
        Attendance.objects.filter(member__user_id=user.pk, session__status=COUNTED)
        .annotate(year=ExtractYear("session__starts_at"))
        .values("member_id", "member__committee__name", "year")
        .annotate(attended=Count("pk", filter=Q(status=PRESENT)), held=Count("pk"))
        .filter(attended__gte=1)
        .order_by("-year", "member__committee__name")
    )
    return [
        CertificateYear(
            seat_id=row["member_id"],
            committee=row["member__committee__name"],
            year=row["year"],
            attended=row["attended"],
            held=row["held"],
        )
        for row in rows
    ]


@dataclass
class CommitteeCertificateRow:
    seat_id: int
    name: str
    role: str
    attended: int
    held: int


def committee_certificates(*, committee: Committee, year: int) -> list[CommitteeCertificateRow]:
    """For the chair and secretary: each professional of the committee who attended at least
    one counted session in `year`, with their count (one query). 404 outside 2000..this
    year."""
    valid_year(year)
    roles = dict(CommitteeRole.choices)
    rows = (
        Attendance.objects.filter(
            member__committee_id=committee.pk,
            session__status=COUNTED,
            session__starts_at__year=year,
        )
        .values("member_id", "member__user__full_name", "member__role")
        .annotate(attended=Count("pk", filter=Q(status=PRESENT)), held=Count("pk"))
        .filter(attended__gte=1)
        .order_by("member__user__full_name", "member_id")
    )
    return [
        CommitteeCertificateRow(
            seat_id=row["member_id"],
            name=row["member__user__full_name"],
            role=str(roles.get(row["member__role"], row["member__role"])),
            attended=row["attended"],
            held=row["held"],
        )
        for row in rows
    ]


@dataclass
class Certificate:
    name: str
    function: str
    organisations: str
    committee: Committee
    year: int
    attended: list[tuple[str, str]]  # (DD/MM/YYYY, duration or "")
    held: int
    not_yet_counted: int
    hours: str
    chair_name: str
    issued_on: str


def certificate_of(*, seat: CommitteeMember, year: int) -> Certificate:
    """The participation certificate of one seat for one year: 404 outside 2000..this year
    and when no counted session was attended (a certificate of nothing is not issued). Signed
    by the committee's chair, named without "du comité" (committee names say "Comité ...");
    no place of issue: organisations record none."""
    valid_year(year)
    rows = list(
        Attendance.objects.filter(
            member=seat, session__status=COUNTED, session__starts_at__year=year
        )
        .select_related("session")
        .order_by("session__starts_at", "session_id")
    )
    attended = [row.session for row in rows if row.status == PRESENT]
    if not attended:
        raise Http404
    not_yet_counted = Attendance.objects.filter(
        member=seat, session__status=NOT_YET_COUNTED, session__starts_at__year=year
    ).count()
    minutes = sum(session.duration_minutes or 0 for session in attended)
    chair = (
        CommitteeMember.objects.filter(
            committee_id=seat.committee_id, role=CommitteeRole.CHAIR, is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    user = User.objects.prefetch_related(_active_memberships("memberships")).get(pk=seat.user_id)
    return Certificate(
        name=user.full_name,
        function=user.job_title or seat.specialty,
        organisations=_organisations_of(user),
        committee=seat.committee,
        year=year,
        attended=[
            (
                timezone.localtime(session.starts_at).strftime("%d/%m/%Y"),
                duration_label(session.duration_minutes),
            )
            for session in attended
        ],
        held=len(rows),
        not_yet_counted=not_yet_counted,
        hours=duration_label(minutes),
        chair_name=chair.user.full_name if chair else "",
        issued_on=timezone.localdate().strftime("%d/%m/%Y"),
    )


def certificate_pdf(*, seat: CommitteeMember, year: int) -> bytes:
    certificate = certificate_of(seat=seat, year=year)
    html = render_to_string(
        "committees/certificate_print.html", {"certificate": certificate, "for_pdf": True}
    )
    return pdf.html_to_pdf(html)


def certificate_filename(seat: CommitteeMember, year: int) -> str:
    return f"attestation-rmm-{year}-{seat.pk}.pdf"


def years_choice(*, last: int | None = None) -> list[int]:
    """This year and the four before, for the chair's and secretary's year links."""
    last = last or current_year()
    return [year for year in range(last, last - 5, -1) if year >= FIRST_YEAR]
