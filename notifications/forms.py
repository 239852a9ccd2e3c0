from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import OPTIONAL_KINDS, Delivery, Kind


class PreferencesForm(forms.Form):
    """The language of the e-mails, and for each optional kind how it is e-mailed. What the HAS
    method expects to reach people (agenda, minutes due, actions overdue) is not offered."""

    language = forms.ChoiceField(label=_("Langue des e-mails"), choices=settings.LANGUAGES)

    def __init__(self, *args, preferences=None, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in OPTIONAL_KINDS:
            self.fields[kind] = forms.ChoiceField(
                label=Kind(kind).label,
                choices=Delivery.choices,
                widget=forms.RadioSelect,
                initial=preferences.delivery_of(kind) if preferences else Delivery.IMMEDIATE,
            )
        if preferences is not None:
            self.fields["language"].initial = preferences.language

    def deliveries(self) -> dict[str, str]:
        return {kind: self.cleaned_data[kind] for kind in OPTIONAL_KINDS}
