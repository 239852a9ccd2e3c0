"""The quality dashboard's filters: a GET form whose invalid fields are reported in French while
the valid ones still apply (as the case list does)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.fields import NormalisedCharField
from rmm.validators import validate_plausible_date
from rmm.widgets import CompactCheckboxInput, CompactDateInput, CompactSelect, CompactTextInput

from .models import ActionStatus, Barrier, Nature
from .selectors import ActionFilters

DATE_INPUT_FORMATS = ["%d/%m/%Y"]


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        validators=[validate_plausible_date],
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": _("Saisissez une date au format JJ/MM/AAAA.")},
        widget=CompactDateInput(attrs={"placeholder": "JJ/MM/AAAA"}, format="%d/%m/%Y"),
    )


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous")), *ActionStatus.choices],
        widget=CompactSelect,
    )
    owner = NormalisedCharField(
        label=_("Responsable (fonction ou service)"),
        required=False,
        max_length=200,
        widget=CompactTextInput,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation responsable"),
        required=False,
        queryset=None,
        empty_label=_("Toutes"),
        widget=CompactSelect,
    )
    committee = forms.ModelChoiceField(
        label=_("Comité"),
        required=False,
        queryset=None,
        empty_label=_("Tous"),
        widget=CompactSelect,
    )
    overdue = forms.BooleanField(
        label=_("En retard seulement"), required=False, widget=CompactCheckboxInput
    )
    due_from = _date_field(_("Échéance du"))
    due_to = _date_field(_("Échéance au"))
    barrier = forms.ChoiceField(
        label=_("Type de barrière"),
        required=False,
        choices=[("", _("Tous")), *Barrier.choices],
        widget=CompactSelect,
    )
    nature = forms.ChoiceField(
        label=_("Nature"),
        required=False,
        choices=[("", _("Toutes")), *Nature.choices],
        widget=CompactSelect,
    )

    def __init__(self, *args, organisations, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["committee"].queryset = committees
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs["class"] = "form-control"

    def offer(self, name: str, pairs: list[tuple[int, str]]) -> None:
        """List (id, label) pairs in a model choice's select without reading its queryset
        (kept to check a submitted value)."""
        field = self.fields[name]
        field.widget.choices = [("", field.empty_label), *pairs]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("due_from"), cleaned.get("due_to")
        if start and end and end < start:
            self.add_error("due_to", _("La fin de la période précède son début."))
        return cleaned

    def filters(self) -> ActionFilters:
        """The filters that are valid (an invalid one is reported, never silently dropped)."""
        if not self.is_bound:
            return ActionFilters()
        self.is_valid()  # cleaned_data then holds the valid fields only
        data = self.cleaned_data
        organisation, committee = data.get("organisation"), data.get("committee")
        return ActionFilters(
            status=data.get("status") or "",
            owner=(data.get("owner") or "").strip(),
            organisation_id=organisation.pk if organisation else None,
            committee_id=committee.pk if committee else None,
            overdue_only=bool(data.get("overdue")),
            due_from=data.get("due_from"),
            due_to=data.get("due_to"),
            barrier=data.get("barrier") or "",
            nature=data.get("nature") or "",
        )

    def rejected_filters(self) -> list[str]:
        """Labels of the filters that were given but could not be applied."""
        if not self.is_bound:
            return []
        return [str(self.fields[name].label) for name in self.errors if name in self.fields]
