"""Minutes as PDF. A draft changes until the chair validates it, so it is rendered on every
download; a validated version never changes (a correction is a new version), so it is
rendered once (WeasyPrint takes about half a second a page) and kept in the default storage,
which no URL serves: MinutesPdfView reads it back after its own permission checks."""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation

from . import pdf
from .models import MinutesVersion

logger = logging.getLogger(__name__)


def minutes_pdf_render(minutes: MinutesVersion) -> bytes:
    html = render_to_string(
        "committees/minutes_print.html",
        {"session": minutes.session, "minutes": minutes, "for_pdf": True},
    )
    return pdf.html_to_pdf(html)


def minutes_pdf_stored(minutes: MinutesVersion) -> bytes:
    """The frozen version's PDF, rendered and stored the first time it is asked for."""
    if not minutes.pdf:
        # The record's language, not the first reader's: every reader gets the same document.
        with translation.override(settings.LANGUAGE_CODE):
            content = minutes_pdf_render(minutes)
        name = f"compte-rendu-rmm-{minutes.session_id}-v{minutes.version}.pdf"
        minutes.pdf.save(name, ContentFile(content), save=False)
        # Two first downloads at once: the first to record its file wins, the other's goes.
        kept = MinutesVersion.objects.filter(pk=minutes.pk, pdf="").update(pdf=minutes.pdf.name)
        if not kept:
            minutes.pdf.storage.delete(minutes.pdf.name)
            minutes.refresh_from_db(fields=["pdf"])
        else:
            return content
    with minutes.pdf.open("rb") as stored:
        return stored.read()


def minutes_pdf_store_quietly(minutes_id: int) -> None:
    """Called after the chair's validation commits, so that the first download is instant. A
    failure here loses nothing: the first download renders it."""
    try:
        minutes_pdf_stored(MinutesVersion.objects.select_related("session").get(pk=minutes_id))
    except Exception:  # the validation is done; the PDF can wait
        logger.exception("Minutes %s: PDF not rendered at validation", minutes_id)
