"""The parents' pathway on the committee's side (issue 15, UK PMRT practice).

- The minutes say only whether the parents' questions were answered, never their content nor
  the answers (`minutes_line`).
- Once the case is reviewed, the coordinators of the declaring organisation (only them) print a
  plain-language letter to the parents drafted from the committee's answers, with places to
  complete. The parents' names and address come from the identity vault at print time only,
  through a cases service that writes the print to the identity access log; nothing of it is
  stored, notified or logged here.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.exceptions import InvalidInput
from cases.models import ParentsContactStatus
from cases.permissions import can_write_to_parents
from cases.services.parents import (
    identity_for_parents_letter,
    parents_contact_of,
    parents_letter_refusal,
)
from cases.text import normalise_text

from . import pdf
from .models import CaseReview

S = ParentsContactStatus


def minutes_line(review: CaseReview) -> str:
    """What the minutes say of the parents' questions for a reviewed case: answered, none,
    parents not reached... (the case's parents record is read with the review)."""
    contact = parents_contact_of(review.case)
    if contact.status == S.TOLD:
        if not contact.questions:
            return _("pas de questions")
        if (review.answers_to_parents or "").strip():
            return _("oui, réponses apportées")
        return _("oui, réponses non notées")
    return {
        S.NOT_YET: _("parents pas encore informés"),
        S.UNREACHABLE: _("parents non joints"),
        S.DECLINED: _("les parents n'ont pas souhaité participer"),
    }.get(contact.status, _("non renseigné"))


def latest_review(case) -> CaseReview | None:
    """The case's latest review (a re-review after reopening answers again)."""
    return (
        CaseReview.objects.filter(case=case)
        .select_related("session__committee")
        .order_by("-recorded_at", "-pk")
        .first()
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# The places of the letter the coordinator may fill before printing (the team's own details,
# never the family's): name -> label. Never stored; what is left empty stays "[à compléter]".
LETTER_PLACES = {
    "service": gettext_lazy("Service"),
    "address": gettext_lazy("Adresse du service"),
    "telephone": gettext_lazy("Téléphone"),
    "signatory_first_name": gettext_lazy("Prénom du signataire"),
    "signatory_last_name": gettext_lazy("Nom du signataire"),
    "signatory_function": gettext_lazy("Fonction du signataire"),
    "place": gettext_lazy("Lieu (ville)"),
}
LETTER_PLACE_MAX_LENGTH = 200
MULTILINE_PLACES = ("address",)


def letter_places_clean(values: dict | None) -> dict[str, str]:
    """The team's details typed on the letter page, in normal form with spaces collapsed (the
    address keeps its lines); refused in French beyond 200 characters each. Never stored."""
    cleaned, too_long = {}, []
    for name, label in LETTER_PLACES.items():
        text = normalise_text(str((values or {}).get(name) or ""))
        lines = [" ".join(line.split()) for line in text.splitlines()]
        joiner = "\n" if name in MULTILINE_PLACES else " "
        cleaned[name] = joiner.join(line for line in lines if line)
        if len(cleaned[name]) > LETTER_PLACE_MAX_LENGTH:
            too_long.append(str(label))
    if too_long:
        raise InvalidInput(
            _("%(fields)s : %(limit)s caractères au plus. Aucun courrier n'a été imprimé.")
            % {"fields": ", ".join(too_long), "limit": LETTER_PLACE_MAX_LENGTH}
        )
    return cleaned


def parents_letter_pdf(*, case, review: CaseReview, by, places: dict | None = None) -> bytes:
    """The letter as PDF, for a coordinator of the declaring organisation: the identity is
    read from the vault now (the read is logged as "courrier aux parents") and goes only into
    these bytes, with the team's details typed on the letter page (`places`, never stored)."""
    places = letter_places_clean(places)
    vault = identity_for_parents_letter(case=case, by=by)
    contact = parents_contact_of(case)
    html = render_to_string(
        "committees/parents_letter.html",
        {
            "case": case,
            "organisation": case.organisation,
            "review": review,
            "committee": review.session.committee,
            "session_date": timezone.localtime(review.session.starts_at).date(),
            "contact": contact,
            "questions": _lines(contact.questions),
            "answers": _lines(review.answers_to_parents),
            "addressee": " ".join(
                part for part in (vault.mother_first_name, vault.mother_last_name) if part
            ),
            "address_lines": _lines(vault.address),
            "child_first_name": vault.child_first_name,
            "places": places,
            "team_address_lines": _lines(places["address"]),
            "signatory": " ".join(
                part
                for part in (places["signatory_first_name"], places["signatory_last_name"])
                if part
            ),
        },
    )
    return pdf.html_to_pdf(html)


def letter_panel(case, user, reviews: list) -> dict | None:
    """On the case page (with the committee's reviews, read once: `home.CaseReviewRow`), for
    the coordinators of the declaring organisation once the case is reviewed: the committee's
    latest answers and the letter to download, or why there is none (parents not told,
    declined...)."""
    if not reviews or not can_write_to_parents(user, case):
        return None
    return {
        "review": reviews[-1],
        "contact": parents_contact_of(case),
        "refusal": parents_letter_refusal(case),
    }
