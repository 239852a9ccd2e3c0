"""The letter page's form: the team's own details, inserted in the letter instead of its
"[à compléter]" places (optional, never stored; the service normalises and bounds them)."""

from django import forms

from cases.fields import NormalisedCharField

from .parents_letter import LETTER_PLACE_MAX_LENGTH, LETTER_PLACES, MULTILINE_PLACES


class ParentsLetterPlacesForm(forms.Form):
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

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}_error"
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
