"""The dashboards' selects are rendered without a template per option: the markup is Django's,
for every field of both filter forms, with a value chosen, none, and labels to escape."""

import pytest
from django import forms

from accounts.models import Organisation
from actions.filters import ActionFilterForm
from committees.models import Committee
from rmm.widgets import CompactSelect
from territory.filters import TerritoryFilterForm
from tests.factories import MaternityFactory

pytestmark = pytest.mark.django_db


def as_django(bound_field) -> str:
    """The same field rendered by Django's own Select (templates)."""
    widget = forms.Select(attrs=bound_field.field.widget.attrs)
    widget.choices = bound_field.field.widget.choices
    return bound_field.as_widget(widget=widget)


@pytest.fixture
def choices(network, maternity, committee):
    MaternityFactory(name='Maternité "Les <Lilas>" & Cie', parent=network)
    return (
        Organisation.objects.order_by("name"),
        Committee.objects.order_by("name"),
    )


@pytest.mark.parametrize("form_class", [TerritoryFilterForm, ActionFilterForm])
def test_compact_selects_render_as_django_does(choices, maternity, committee, form_class):
    organisations, committees = choices
    for data in (
        None,
        {"organisation": str(maternity.pk), "committee": str(committee.pk), "level": "3"},
        {"status": "done", "barrier": "recovery", "nature": "training", "granularity": "month"},
        {"organisation": "not a number", "status": "<script>"},
    ):
        form = form_class(data, organisations=organisations, committees=committees)
        selects = [field for field in form if isinstance(field.field.widget, CompactSelect)]
        assert len(selects) >= 4
        for field in selects:
            assert str(field) == as_django(field), field.name
    html = str(form_class(None, organisations=organisations, committees=committees))
    assert "&quot;Les &lt;Lilas&gt;&quot; &amp; Cie" in html


def test_the_dashboard_lists_its_choices_from_kept_labels(
    client, observer, network, maternity, committee, settings
):
    """The organisation and committee lists come from labels kept with the figures: the same
    options, the submitted one selected, a value outside the scope still refused."""
    from django.core.cache import cache
    from django.urls import reverse

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    client.force_login(observer)
    url = reverse("territory:dashboard")
    for _ in range(2):  # computed, then read back
        response = client.get(url, {"organisation": maternity.pk})
        form = response.context["form"]
        expected = [("", "Toutes"), *form.labels("organisation")]
        shown = [(value, str(label)) for value, label in form["organisation"].field.widget.choices]
        assert shown == expected and len(expected) > 2
        assert f'<option value="{maternity.pk}" selected>' in response.content.decode()
        assert committee.name in response.content.decode()
    outside = MaternityFactory(name="Ailleurs")
    refused = client.get(url, {"organisation": outside.pk})
    assert "organisation" in refused.context["form"].errors
    cache.clear()
