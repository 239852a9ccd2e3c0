"""The letter page's form: the team's own details, inserted in the letter instead of its
"[à compléter]" places (optional, never stored; the service normalises and bounds them)."""

from django import forms

from cases.fields import NormalisedCharField
from rmm.forms import MarksInvalidFields

from .parents_letter import LETTER_PLACE_MAX_LENGTH, LETTER_PLACES, MULTILINE_PLACES


class ParentsLetterPlacesForm(MarksInvalidFields, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in LETTER_PLACES.items():
            widget = (
                forms.Textarea(attrs={"rows": 3})
                if name in MULTILINE_PLACES
                else forms.TextInput(attrs={"autocomplete": "off"})
            )
            widget.attrs["class"] = "form-control"
            self.fields[name] = NormalisedCharField(
                label=label, required=False, max_length=LETTER_PLACE_MAX_LENGTH, widget=widget
            )
