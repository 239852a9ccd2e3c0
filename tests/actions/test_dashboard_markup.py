"""The dashboard writes some of its markup in Python (the filter fields, the template-free
inputs) and keeps some with its figures (counts, chart, the unfiltered form): the markup is
the one the templates wrote, and what is kept is what a fresh rendering gives."""

import pytest
from django import forms
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation
from actions import dashboard
from actions.filters import ActionFilterForm
from committees.models import Committee
from rmm.widgets import CompactCheckboxInput, CompactDateInput, CompactTextInput
from tests.actions.test_dashboard import URL, make_action
from tests.factories import MaternityFactory

pytestmark = pytest.mark.django_db

LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The template's loop over the form, as it was before `dashboard.filters_html`.
FIELDS_LOOP = """{% for field in form %}
  <div class="col-sm-6 col-md-3 col-lg-2">
    {% if field.field.widget.input_type == "checkbox" %}
    <div class="form-check mb-2">{{ field }} <label class="form-check-label" for="{{ field.id_for_label }}">{{ field.label }}</label></div>
    {% else %}
    <label class="form-label" for="{{ field.id_for_label }}">{{ field.label }}</label>
    {{ field }}
    {% endif %}
    {% if field.errors %}<div class="invalid-feedback d-block" id="{{ field.auto_id }}_error">{% for error in field.errors %}{{ error }} {% endfor %}</div>{% endif %}
  </div>
  {% endfor %}"""  # noqa: E501 - the template's own lines

DATA = [
    None,
    {"owner": 'Cadre "<sage>" & co', "overdue": "on", "due_from": "01/02/2025"},
    {"due_from": "32/13/2020", "due_to": "<b>", "organisation": "999999", "status": "nope"},
    {"due_from": "01/03/2025", "due_to": "01/01/2025", "overdue": "", "owner": "=1+1"},
]


@pytest.fixture
def world(session, ready_case, chair):
    return [make_action(session, ready_case, chair, days=days) for days in (-3, 0, 12)]


@pytest.fixture
def lists(network, maternity, committee):
    MaternityFactory(name='Maternité "Les <Lilas>" & Cie', parent=network)
    return Organisation.objects.order_by("name"), Committee.objects.order_by("name")


def filter_form(data, lists):
    organisations, committees = lists
    form = ActionFilterForm(data, organisations=organisations, committees=committees)
    form.offer("organisation", list(organisations.values_list("pk", "name")))
    form.offer("committee", list(committees.values_list("pk", "name")))
    return form


@pytest.mark.parametrize("data", DATA)
def test_the_filter_fields_are_written_as_the_template_wrote_them(lists, data):
    form = filter_form(data, lists)
    expected = engines["django"].from_string(FIELDS_LOOP).render({"form": form})
    assert str(dashboard.filters_html(form)) == expected


@pytest.mark.parametrize("data", DATA)
def test_template_free_inputs_render_as_django_does(lists, data):
    form = filter_form(data, lists)
    compact = (CompactTextInput, CompactDateInput, CompactCheckboxInput)
    inputs = [field for field in form if isinstance(field.field.widget, compact)]
    assert len(inputs) == 4
    for field in inputs:
        widget = field.field.widget
        django_class = next(
            base for base in type(widget).__mro__ if base.__module__ == "django.forms.widgets"
        )
        twin = django_class(attrs=widget.attrs)
        if isinstance(widget, forms.DateInput):
            twin.format = widget.format
        assert str(field) == field.as_widget(widget=twin), field.name


def test_kept_figures_and_form_are_what_a_fresh_page_shows(
    client, quality_manager, world, settings
):
    """The second visit reads its counts, chart and unfiltered form from the cache (fewer
    queries) and shows exactly the markup of the first; a filtered form is written anew."""
    from django.core.cache import cache

    settings.CACHES = LOCAL_CACHE
    settings.RMM_ACTIONS_DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    client.force_login(quality_manager)
    client.get(URL)  # the session
    cache.clear()
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(URL).content.decode()
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(URL).content.decode()
    assert len(second_queries.captured_queries) < len(first_queries.captured_queries)

    def between(html, start, end):
        first = html.index(start)
        return html[first : html.index(end, first)]

    for start, end in (('<form method="get"', "</form>"), ("<section aria-label", "list-title")):
        assert between(second, start, end) == between(first, start, end)
    filtered = client.get(URL, {"owner": "Cadre <b>"}).content.decode()
    assert 'value="Cadre &lt;b&gt;"' in between(filtered, '<form method="get"', "</form>")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one query on PostgreSQL only")
def test_the_page_reads_its_rows_with_their_cases_codes_in_one_query(
    client, quality_manager, world, ready_case
):
    client.force_login(quality_manager)
    client.get(URL)
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL)
    reads = [q["sql"] for q in context.captured_queries if '"cases_case"."code"' in q["sql"]]
    assert reads == []  # no query of its own for the codes
    rows = response.context["rows"]
    assert rows and all(row.case_codes == [ready_case.code] for row in rows)
    assert f"<td>{ready_case.code}</td>" in response.content.decode()
