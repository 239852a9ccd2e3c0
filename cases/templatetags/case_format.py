"""Clinical formats for templates: gestational age as "SA + j"."""

from django import template

from ..clinical import format_gestational_age

register = template.Library()


@register.simple_tag
def gestational_age(weeks, days):
    return format_gestational_age(weeks, days)
