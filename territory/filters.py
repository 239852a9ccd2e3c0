"""The territorial dashboard's filters: a GET form whose invalid fields are reported in French
while the valid ones still apply (as the quality dashboard does)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from rmm.widgets import CompactSelect

from .models import FIRST_YEAR
from .selectors import MONTH, YEAR, TerritoryFilters

LAST_YEAR = 2100
PERIOD = re.compile(r"(?:(?P<month>[0-9]{1,2})/)?(?P<year>[0-9]{4})")


class PeriodField(forms.CharField):
    """A year (AAAA) or a month (MM/AAAA) of death; a year alone opens (or closes) the period
    with its first (or last) month."""

    def __init__(self, *args, end: bool = False, **kwargs):
        self.end = end
        kwargs.setdefault("max_length", 7)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(placeholder=_("AAAA ou MM/AAAA"), inputmode="numeric")

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        match = PERIOD.fullmatch(value.strip())
        if match is None:
            raise forms.ValidationError(_("Saisissez une année (AAAA) ou un mois (MM/AAAA)."))
        year = int(match["year"])
        month = int(match["month"]) if match["month"] else (12 if self.end else 1)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Année hors de la plage %(first)s-%(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        if not 1 <= month <= 12:
            raise forms.ValidationError(_("Le mois va de 01 à 12."))
        return (year, month)


class TerritoryFilterForm(forms.Form):
    period_from = PeriodField(label=_("Décès à partir de"), required=False)
    period_to = PeriodField(label=_("Décès jusqu'à"), required=False, end=True)
    granularity = forms.ChoiceField(
        label=_("Regrouper par"),
        required=False,
        choices=[(YEAR, _("Année")), (MONTH, _("Mois"))],
        widget=CompactSelect,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation déclarante"),
        required=False,
        queryset=None,
        empty_label=_("Toutes"),
        widget=CompactSelect,
    )
    level = forms.ChoiceField(
        label=_("Niveau de maternité"),
        required=False,
        choices=[("", _("Tous")), *Organisation.Level.choices],
        widget=CompactSelect,
    )
    committee = forms.ModelChoiceField(
        label=_("Comité (cas inscrits à ses séances)"),
        required=False,
        queryset=None,
        empty_label=_("Tous"),
        widget=CompactSelect,
    )

    def __init__(self, *args, organisations, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["committee"].queryset = committees
        for form_field in self.fields.values():
            css = "form-select" if isinstance(form_field.widget, forms.Select) else "form-control"
            form_field.widget.attrs["class"] = css

    def offer(self, name: str, pairs: list[tuple[int, str]]) -> None:
        """List (id, label) pairs in a model choice's select without reading its queryset
        (kept to check a submitted value)."""
        field = self.fields[name]
        field.widget.choices = [("", field.empty_label), *pairs]

    def labels(self, name: str) -> list[tuple[int, str]]:
        """(id, label) of a model choice's options, as its select shows them."""
        field = self.fields[name]
        return [(obj.pk, field.label_from_instance(obj)) for obj in field.queryset]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("La fin de la période précède son début."))
        return cleaned

    def filters(self) -> TerritoryFilters:
        """The filters that are valid (an invalid one is reported, never silently dropped)."""
        if not self.is_bound:
            return TerritoryFilters()
        self.is_valid()  # cleaned_data then holds the valid fields only
        data = self.cleaned_data
        organisation, committee = data.get("organisation"), data.get("committee")
        return TerritoryFilters(
            start=data.get("period_from"),
            end=data.get("period_to"),
            granularity=data.get("granularity") or YEAR,
            organisation_id=organisation.pk if organisation else None,
            level=data.get("level") or "",
            committee_id=committee.pk if committee else None,
        )

    def rejected_filters(self) -> list[str]:
        """Labels of the filters that were given but could not be applied."""
        if not self.is_bound:
            return []
        return [str(self.fields[name].label) for name in self.errors if name in self.fields]

    def described(self) -> list[tuple[str, str]]:
        """(label, value) of the filters applied, for the exports' and the report's headers."""
        if not self.is_bound:
            return []
        self.is_valid()
        described = []
        for name in ("period_from", "period_to", "organisation", "level", "committee"):
            value = self.cleaned_data.get(name)
            if not value:
                continue
            if isinstance(value, tuple):
                value = f"{value[1]:02d}/{value[0]}"
            elif name == "level":
                value = dict(Organisation.Level.choices).get(value, value)
            described.append((str(self.fields[name].label), str(value)))
        return described
