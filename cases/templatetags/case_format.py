"""Clinical formats for templates: gestational age as "SA + j"; scrubber placeholders set apart."""

import re

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..anonymisation import PLACEHOLDERS
from ..clinical import format_gestational_age

register = template.Library()


@register.simple_tag
def gestational_age(weeks, days):
    return format_gestational_age(weeks, days)


_PLACEHOLDER_HTML = re.compile(
    "|".join(re.escape(conditional_escape(placeholder)) for placeholder in PLACEHOLDERS.values())
)


@register.filter(needs_autoescape=True)
def placeholders(value, autoescape=True):
    """The text escaped first, then each scrubber placeholder ([NOM], [DATE], [LIEU]...) set
    in a <span class="placeholder">, so that the committee tells them from the narrative.
    Only the placeholders' own escaped text is marked: nothing the author typed becomes
    markup."""
    text = conditional_escape(value) if autoescape else escape(value)
    return mark_safe(  # noqa: S308 - escaped above; only our fixed placeholders are wrapped
        _PLACEHOLDER_HTML.sub(lambda m: f'<span class="placeholder">{m.group()}</span>', text)
    )


def _description_html(event, hidden: str) -> str:
    if getattr(event, "text_hidden", False):
        # Another organisation's text not yet validated (`can_read_care_event`).
        return f'<div class="text-body-secondary event-hidden">{hidden}</div>'
    return f"<div>{linebreaksbr(placeholders(event.description), autoescape=True)}</div>"


@register.filter
def timeline(events) -> str:
    """The case's chronology (its events, each with who added it), written here with every
    text escaped rather than by a partial template: a dozen lookups and translations per event.
    Byte for byte the former `_timeline.html` markup (tested with it, French and English)."""
    if not events:
        empty = escape(_("La chronologie est vide."))
        return mark_safe(f'\n\n<p class="text-body-secondary">{empty}</p>\n\n')  # noqa: S308
    added_by = _("Ajouté par %(organisation)s")
    hidden = escape(
        _("Description lisible une fois l'anonymisation validée par l'organisation déclarante.")
    )
    badges = (
        ("flag_delay", "warning", escape(_("retard"))),
        ("flag_transfer", "info", escape(_("transfert"))),
        ("flag_missed_contact", "danger", escape(_("contact manqué"))),
    )
    html = ['\n\n<ol class="list-group list-group-numbered timeline">\n  ']
    for event in events:
        actor = f" · {escape(event.get_actor_function_display())}" if event.actor_function else ""
        author = event.author
        author_html = (
            '<div class="small text-body-secondary event-author">'
            f"{added_by % {'organisation': escape(author.name)}}</div>"
            if author
            else ""
        )
        flags = "".join(
            f'\n    <span class="badge text-bg-{style}">{label}</span>'
            if getattr(event, flag)
            else "\n    "
            for flag, style, label in badges
        )
        html.append(
            '\n  <li class="list-group-item">\n'
            '    <div class="d-flex justify-content-between">'
            f"<strong>{escape(event.relative_time)}</strong>"
            '<span class="small text-body-secondary">'
            f"{escape(event.get_place_type_display())}{actor}</span></div>\n"
            f"    {_description_html(event, hidden)}\n"
            f"    {author_html}{flags}\n"
            "  </li>\n  "
        )
    html.append("\n</ol>\n\n")
    return mark_safe("".join(html))  # noqa: S308 (every text escaped above)
