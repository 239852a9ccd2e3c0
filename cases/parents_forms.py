"""The coordinator's "Parents" form on the case page (the service decides what is kept)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rmm.forms import MarksInvalidFields

from .fields import NormalisedCharField
from .forms import DATE_INPUT_FORMATS
from .models import ParentsContactFunction, ParentsContactStatus
from .models.parents import max_parents_questions_length


class ParentsContactForm(MarksInvalidFields, forms.Form):
    status = forms.ChoiceField(
        label=_("Les parents ont-ils été informés de la revue ?"),
        choices=[("", _("— non renseigné —")), *ParentsContactStatus.choices],
        required=False,
    )
    told_on = forms.DateField(
        label=_("Informés le"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "JJ/MM/AAAA"}),
        help_text=_("JJ/MM/AAAA. Gardée de votre côté : le comité ne voit jamais cette date."),
        error_messages={"invalid": _("Saisissez la date au format JJ/MM/AAAA.")},
    )
    told_by_function = forms.ChoiceField(
        label=_("Par (fonction)"),
        choices=[("", "—"), *ParentsContactFunction.choices],
        required=False,
    )
    questions = NormalisedCharField(
        label=_("Questions des parents pour le comité"),
        required=False,
        validators=[max_parents_questions_length],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Une question par ligne, dans les mots des parents mais sans nom, date exacte, "
            "adresse ni numéro : le comité les lit en séance et y répond ; ses réponses "
            "servent au courrier aux parents."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            elif not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs["class"] = "form-control"
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_helptext"
