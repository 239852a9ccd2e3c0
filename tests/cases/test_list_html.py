"""The case list's rows and filters written in Python (cases/list_html.py) are byte for byte what
the template's loops wrote: those loops, kept here, are rendered beside the functions."""

from datetime import UTC, datetime

from django.template import Context, Template
from django.utils.safestring import mark_safe

from cases.forms import FilterWidget
from cases.list_html import case_rows_html, filter_fields_html
from cases.selectors import CaseRow

FORMER_ROWS = Template(
    """{% for case in cases %}
  <tr>
    <td><a href="{{ case.url }}">{{ case.code }}</a></td>
    <td>{{ case.kind_label }}</td>
    <td>{{ case.organisation_name }}</td>
    <td><span class="badge text-bg-secondary">{{ case.status_label }}</span></td>
    <td>{{ case.created_on }}</td>
  </tr>
  {% endfor %}"""
)

FORMER_FILTERS = Template(
    """{% for field in filters %}
  <div class="col-sm-6 col-md-2">
    <label class="form-label" for="{{ field.id }}">{{ field.label }}</label>
    {% if field.options is not None %}<select name="{{ field.name }}" class="form-select" """
    """id="{{ field.id }}"{% if field.errors %} aria-invalid="true" aria-describedby="""
    """"{{ field.id }}_error"{% endif %}>{% for value, label, selected in field.options %}"""
    """<option value="{{ value }}"{% if selected %} selected{% endif %}>{{ label }}</option>"""
    """{% endfor %}</select>
    {% else %}<input type="text" name="{{ field.name }}"{% if field.value %} """
    """value="{{ field.value }}"{% endif %} placeholder="{{ field.placeholder }}" """
    """class="form-control" id="{{ field.id }}"{% if field.errors %} aria-invalid="true" """
    """aria-describedby="{{ field.id }}_error"{% endif %}>{% endif %}
    {% if field.errors %}<div id="{{ field.id }}_error">{% for error in field.errors %}"""
    """<div class="invalid-feedback d-block">{{ error }}</div>{% endfor %}</div>{% endif %}
  </div>
  {% endfor %}"""
)

HOSTILE = "<script>alert('x')</script> & \"Maternité\" \u200b"


def row(**overrides) -> CaseRow:
    fields = {
        "pk": 7,
        "code": "RMM-F-0007",
        "url": "/cas/7/",
        "kind_label": "Mort néonatale précoce",
        "status": "ready",
        "status_label": "Prêt pour le comité",
        "organisation_name": "Maternité Nord (niveau 3)",
        "created_at": datetime(2026, 1, 2, tzinfo=UTC),
        "created_on": "02/01/2026",
    }
    return CaseRow(**{**fields, **overrides})


def test_rows_are_the_former_loop_s():
    rows = [
        row(),
        row(pk=8, code=HOSTILE, organisation_name=HOSTILE, kind_label="—"),
        row(status_label=mark_safe("<b>déjà sûr</b>")),
    ]
    for shown in ([], rows[:1], rows):
        assert case_rows_html(shown) == FORMER_ROWS.render(Context({"cases": shown}))


def test_filters_are_the_former_loop_s():
    select = FilterWidget(
        name="status",
        id="id_status",
        label="Statut",
        value="ready",
        errors=[],
        options=[("", "Tous", False), ("ready", "Prêt", True), ("x&<", HOSTILE, False)],
        placeholder="",
    )
    text = FilterWidget(
        name="code",
        id="id_code",
        label="Code",
        value=HOSTILE,
        errors=["Saisissez un code valide.", HOSTILE],
        options=None,
        placeholder="RMM-…",
    )
    empty = FilterWidget(
        name="q", id="id_q", label="Texte", value="", errors=[], options=None, placeholder=""
    )
    wrong = FilterWidget(
        name="kind",
        id="id_kind",
        label="Type",
        value="?",
        errors=["Choix invalide."],
        options=[("", "Tous", False)],
        placeholder="",
    )
    for fields in ([], [select], [select, text, empty, wrong]):
        assert filter_fields_html(fields) == FORMER_FILTERS.render(Context({"filters": fields}))
