"""rmm.choices.ChoiceLabelsMixin: `get_FOO_display()` from labels translated once per field and
language says exactly what Django's own method says."""

import pytest
from django.db import models
from django.utils import translation

from actions.models import CorrectiveAction
from cases.models import CareEvent, Case, ParentsContact
from committees.models import CaseReview
from rmm.choices import ChoiceLabelsMixin


def djangos_display(instance, name):
    return models.Model._get_FIELD_display(instance, instance._meta.get_field(name))


# The models whose displays the review screen and the case page show (timeline, parents,
# earlier reviews, actions panel, the case's facts).
MODELS = [CareEvent, ParentsContact, CaseReview, CorrectiveAction, Case]


@pytest.mark.parametrize("language", ["fr", "en", "fr"])
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_labels_are_django_s_in_the_active_language(model, language):
    assert issubclass(model, ChoiceLabelsMixin)
    fields = [field for field in model._meta.concrete_fields if field.choices]
    assert fields
    with translation.override(language):
        for field in fields:
            for value, _label in field.flatchoices:
                instance = model(**{field.attname: value})
                shown = getattr(instance, f"get_{field.name}_display")()
                assert shown == djangos_display(instance, field.name), (field.name, value)


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
