"""rmm.choices.ChoiceLabelsMixin: `get_FOO_display()` from labels translated once per field and
language says exactly what Django's own method says."""

import pytest
from django.db import models
from django.utils import translation

from cases.models import CareEvent
from rmm.choices import ChoiceLabelsMixin


def djangos_display(instance, name):
    return models.Model._get_FIELD_display(instance, instance._meta.get_field(name))


@pytest.mark.parametrize("language", ["fr", "en", "fr"])
def test_labels_are_django_s_in_the_active_language(language):
    assert issubclass(CareEvent, ChoiceLabelsMixin)
    field = CareEvent._meta.get_field("place_type")
    with translation.override(language):
        for value, _label in field.flatchoices:
            event = CareEvent(place_type=value, actor_function="", period="postnatal")
            for name in ("place_type", "actor_function", "period"):
                assert getattr(event, f"get_{name}_display")() == djangos_display(event, name)


def test_a_value_outside_the_choices_is_shown_as_itself():
    event = CareEvent(place_type="somewhere_else", actor_function=None)
    assert event.get_place_type_display() == "somewhere_else"
    assert djangos_display(event, "actor_function") is None
    assert event.get_actor_function_display() is None


def test_english_labels_differ_from_french_ones():
    event = CareEvent(place_type=CareEvent._meta.get_field("place_type").flatchoices[0][0])
    with translation.override("fr"):
        french = event.get_place_type_display()
    with translation.override("en"):
        english = event.get_place_type_display()
    with translation.override("fr"):
        assert event.get_place_type_display() == french
    assert french != english
