"""The review screen's clinical facts as HTML (`cases.clinical.summary` gives them as data).

Written here rather than by a template: about thirty facts of five variables each were half the
variable lookups of the page (a lookup tries a dictionary key before the attribute, then
escapes). The markup is the one the template wrote; every text is escaped, and a free text
goes through the same filters (placeholders set apart, line breaks kept)."""

from django.template.defaultfilters import linebreaksbr
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cases.clinical.summary import Fact, FactGroup
from cases.templatetags.case_format import placeholders


def _value(fact: Fact) -> str:
    if fact.free_text:
        return linebreaksbr(placeholders(fact.value), autoescape=True)
    return escape(fact.value)


def _fact(fact: Fact) -> str:
    muted = "" if fact.given else " fst-italic text-body-secondary"
    return (
        "\n    "
        f'<dt class="col-sm-6 fw-normal text-body-secondary" data-fact="{escape(fact.name)}">'
        f"{escape(fact.label)}</dt>\n"
        f'    <dd class="col-sm-6 mb-1{muted}">{_value(fact)}</dd>\n  '
    )


def _group(group: FactGroup) -> str:
    title_id = f"facts-group-{int(group.index)}"
    return (
        f'\n<section class="mb-3" aria-labelledby="{title_id}">\n'
        f'  <h3 class="h6 border-bottom pb-1" id="{title_id}">{escape(group.title)}</h3>\n'
        f'  <dl class="row small mb-0">\n  {"".join(_fact(fact) for fact in group.facts)}\n'
        "  </dl>\n</section>\n"
    )


def facts_html(groups: list[FactGroup]) -> SafeString:
    """The `#case-facts` block: a section per group, a dt/dd pair per fact."""
    return mark_safe(  # noqa: S308 - every interpolated text is escaped above
        f'<div id="case-facts">\n{"".join(_group(group) for group in groups)}\n</div>\n'
    )
