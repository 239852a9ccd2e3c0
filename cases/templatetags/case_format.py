"""Clinical formats for templates: gestational age as "SA + j"; scrubber placeholders set apart."""

import re

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

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
