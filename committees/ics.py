"""iCalendar (.ics) invitation for a session: committee, time, place or video link, and the
case codes on the agenda (pseudonymous codes only)."""

import unicodedata
from datetime import UTC, timedelta

from django.utils import timezone

from .models import SessionStatus


def _escape(text: str) -> str:
    """An RFC 5545 TEXT value on one line: every line break (CR, LF or both) becomes the
    escaped "\\n", other control characters go (a bare CR would end the property)."""
    text = text.replace("\r\n", "\n")
    for line_break in ("\r", "\u2028", "\u2029", "\u0085", "\x0b", "\x0c"):
        text = text.replace(line_break, "\n")
    text = "".join(
        char for char in text if char in "\n\t" or unicodedata.category(char) not in ("Cc", "Cf")
    )
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    # RFC 5545: lines longer than 75 octets are folded with CRLF + space.
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > 74:
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _revision(session) -> int:
    return session.times_moved() + (1 if session.status == SessionStatus.CANCELLED else 0)


def session_ics(*, session, case_codes: list[str], domain: str) -> str:
    def stamp(moment):
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    start = session.starts_at
    end = start + timedelta(minutes=session.duration_minutes)
    location = session.place or session.video_link
    description = "Ordre du jour (codes des cas) : " + (", ".join(case_codes) or "à venir")
    if session.video_link:
        description += f"\nVisioconférence : {session.video_link}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//RMM//Seances RMM//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:rmm-session-{session.pk}@{domain}",
        f"DTSTAMP:{stamp(timezone.now())}",
        # Each move, and the cancellation, a new revision of the same event: a calendar that
        # already holds it updates it instead of keeping the old date (RFC 5545, 3.8.7.4).
        f"SEQUENCE:{_revision(session)}",
        f"DTSTART:{stamp(start)}",
        f"DTEND:{stamp(end)}",
        f"SUMMARY:{_escape('Séance RMM — ' + session.committee.name)}",
        f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(description)}",
        "STATUS:" + ("CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED"),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
