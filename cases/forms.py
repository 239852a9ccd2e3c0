"""Forms of the case pages. Validation messages are French; the forms only
validate input: what happens next is decided by the services."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import validate_email
from django.forms.fields import BaseTemporalField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from rmm.validators import validate_plausible_date
from rmm.widgets import CompactSelect, CompactTextInput

from .clinical import FIELD_GROUPS, LAST_DAY_IN_SCOPE, CaseKind, Outcome, age_at_death
from .clinical.layout import LIVE_BIRTH_ONLY
from .clinical.messages import clinical_error_messages
from .fields import NormalisedCharField, max_comment_length, max_summary_length
from .models import CareEvent, Case, CaseContribution, IdentityVault
from .models.contribution import ROLE_LABEL_MAX_LENGTH
from .selectors import CaseFilters
from .status import CaseStatus

DATE_INPUT_FORMATS = ["%d/%m/%Y"]
PHONE_CHARACTERS = re.compile(r"[+\d\s().-]+")
# A time with each date, always (MomentField refuses a date alone with a clinical message).
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M", "%d/%m/%Y %H h %M"]
CLINICAL_FIELDS = [field for _legend, fields in FIELD_GROUPS for field in fields]
# The edit page lists the checkboxes it rendered: an unticked box is absent from a POST, and
# only this list tells "shown and unticked" (False) from "not shown" (keep the recorded value).
SHOWN_CHECKBOX = "shown_checkbox"


def keep_submitted_fields_only(form: forms.BaseForm) -> None:
    """Drop from a bound form every field its POST does not carry, so that saving it leaves
    those values as recorded: a field missing from a submission is not a field emptied."""
    shown = set(form.data.getlist(SHOWN_CHECKBOX)) if hasattr(form.data, "getlist") else set()
    for name, field in list(form.fields.items()):
        key = form.add_prefix(name)
        if isinstance(field.widget, forms.CheckboxInput):
            present = key in form.data or name in shown
        else:
            present = not field.widget.value_omitted_from_data(form.data, form.files, key)
        if not present:
            del form.fields[name]


def shown_checkboxes(form: forms.BaseForm) -> list[str]:
    return [name for name, f in form.fields.items() if isinstance(f.widget, forms.CheckboxInput)]


# Always needed to declare (the rule itself: `clinical_facts_missing_fields`, and the guard of
# the `declare` transition); marked on the form with a visible "*", `required` and aria.
REQUIRED_TO_DECLARE = frozenset(
    {
        "organisation",
        "outcome",
        "gestational_age_weeks",
        "gestational_age_days",
        "birth_weight_g",
        "sex",
        "birth_place_type",
    }
)
# Needed for a death after live birth only: said in the help text, not marked "*".
REQUIRED_FOR_LIVE_BIRTH_DEATH = frozenset({"place_of_death", "born_at", "died_at"})
# Needed for a stillbirth only (it decides between ICD-PM antepartum and intrapartum groups).
REQUIRED_FOR_STILLBIRTH = frozenset({"stillbirth_timing"})


@dataclass(frozen=True)
class FieldRow:
    """One control of a declaration step, ready for the template: the widget (with its
    `aria-describedby` pointing at help and errors), and whether it is required to declare."""

    field: forms.BoundField
    widget: str
    required: bool
    required_if_live_birth: bool
    required_if_stillbirth: bool
    checkbox: bool
    errors: list[str]


def _css_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


class StepRowsMixin:
    """Fields shown on a declaration step, with clinical messages and required markers."""

    def prepare_fields(self, model) -> None:
        for name, field in self.fields.items():
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                model_field = None
            # The organisation of a new case and the moments of birth and death are declared
            # with their own messages.
            if (
                model_field is not None
                and name != "organisation"
                and name not in self.declared_fields
            ):
                field.error_messages.update(clinical_error_messages(name, model_field, field))
            if name in REQUIRED_TO_DECLARE:
                field.widget.attrs.update({"required": True, "aria-required": "true"})
            elif name in REQUIRED_FOR_LIVE_BIRTH_DEATH:
                needed = _("Nécessaire pour déclarer un décès après naissance vivante.")
                field.help_text = f"{field.help_text} {needed}".strip()
            elif name in REQUIRED_FOR_STILLBIRTH:
                needed = _("Nécessaire pour déclarer un mort-né.")
                field.help_text = f"{field.help_text} {needed}".strip()

    def rows(self, names=None, *, outcome: str | None = None) -> list[FieldRow]:
        """`outcome`: the event recorded (or sent), which makes its conditional fields required."""
        names = [n for n in (names if names is not None else self.fields) if n in self.fields]
        rows = []
        for name in names:
            bound = self[name]
            css = _css_class(bound.field.widget)
            if bound.errors:
                css += " is-invalid"
            required = (
                name in REQUIRED_TO_DECLARE
                or (outcome == "live_birth_death" and name in REQUIRED_FOR_LIVE_BIRTH_DEATH)
                or (outcome == "stillbirth" and name in REQUIRED_FOR_STILLBIRTH)
            )
            attrs = {"class": css}
            if required:
                attrs.update({"required": True, "aria-required": "true"})
            rows.append(
                FieldRow(
                    field=bound,
                    widget=bound.as_widget(attrs=attrs),
                    required=required,
                    required_if_live_birth=name in REQUIRED_FOR_LIVE_BIRTH_DEATH,
                    required_if_stillbirth=name in REQUIRED_FOR_STILLBIRTH,
                    checkbox=isinstance(bound.field.widget, forms.CheckboxInput),
                    errors=[str(error) for error in bound.errors],
                )
            )
        return rows


def _keep_only(form: forms.BaseForm, names) -> None:
    for name in list(form.fields):
        if name not in names:
            del form.fields[name]


class ClinicalFactsForm(StepRowsMixin, forms.ModelForm):
    """The clinical facts of a case. `step`: an unbound form shows that step's fields only; a
    bound one with `only_submitted` keeps the fields its POST carries (absent is not empty)."""

    class Meta:
        model = Case
        fields = CLINICAL_FIELDS

    def __init__(self, *args, organisations=None, only_submitted=False, step=None, **kwargs):
        super().__init__(*args, **kwargs)
        if only_submitted and self.is_bound:
            keep_submitted_fields_only(self)
        elif step is not None:
            _keep_only(self, step.facts)
            if self.instance.outcome == Outcome.STILLBIRTH:
                # Questions about a live-born baby are not asked for a stillbirth; an answer
                # already recorded stays shown, so that it can be seen and corrected.
                for name in LIVE_BIRTH_ONLY:
                    if name in self.fields and getattr(self.instance, name) in (None, "", False):
                        del self.fields[name]
        if organisations is not None:
            self.fields = {
                "organisation": forms.ModelChoiceField(
                    queryset=organisations,
                    label=_("Organisation déclarante"),
                    error_messages={
                        "invalid_choice": _("Choisissez une de vos organisations."),
                        "required": _("Choisissez l'organisation qui déclare ce cas."),
                    },
                ),
                **self.fields,
            }
            if organisations.count() == 1:
                self.fields["organisation"].initial = organisations.first()
        self.shown_checkboxes = shown_checkboxes(self)
        self.prepare_fields(Case)
        # Cross-field rules (stillbirth thresholds, Apgar only for live births...) live on the
        # model's clean(), which a ModelForm runs, so that the service enforces the same rules.

    def has_entries(self) -> bool:
        """Whether anything was typed or chosen (a ticked box counts, an empty select not)."""
        data = getattr(self, "cleaned_data", {})
        return any(
            value not in (None, "", False) for name, value in data.items() if name != "organisation"
        )


TIME_MISSING = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{2,4}\s*$")
# The night the clocks go back, 02:00-02:59 happens twice: « été » names the first time,
# « hiver » the second (25/10/2026 02:30 hiver).
CLOCK_SEASON = re.compile(r"^\s*(?P<moment>.*?)\s+(?P<season>été|ete|hiver)\s*$", re.IGNORECASE)
SUMMER, WINTER = "été", "hiver"


def _local(naive: datetime, *, fold: int) -> datetime:
    return naive.replace(tzinfo=timezone.get_current_timezone(), fold=fold)


def clock_change(naive: datetime) -> str:
    """ "ambiguous" for a local time the clocks going back give twice, "missing" for one their
    going forward skips, "" for any other."""
    first, second = _local(naive, fold=0), _local(naive, fold=1)
    if first.utcoffset() == second.utcoffset():
        return ""
    round_trip = first.astimezone(UTC).astimezone(first.tzinfo).replace(tzinfo=None)
    return "ambiguous" if round_trip == naive else "missing"


class MomentInput(forms.DateTimeInput):
    """Shows « été » or « hiver » after a time of the night the clocks go back, so that a form
    saved again says which of the two it was (without it, the time could not be read back)."""

    def format_value(self, value):
        shown = super().format_value(value)
        if isinstance(value, datetime):
            # The field hands over local time without its zone (`fold` says which pass).
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            if clock_change(local.replace(tzinfo=None)) == "ambiguous":
                return f"{shown} {WINTER if local.fold else SUMMER}"
        return shown


class MomentField(forms.DateTimeField):
    """A date with its time, always: a date alone would silently become midnight (a baby born
    at 10:30 would be counted 10 hours older at death). A time of the night the clocks change
    gets a French explanation instead of Django's, and the twice-lived hour is told apart by
    « été » or « hiver »."""

    widget = MomentInput

    def to_python(self, value):
        if isinstance(value, str) and TIME_MISSING.match(value):
            raise forms.ValidationError(self.error_messages["time_missing"], code="time_missing")
        if isinstance(value, str) and (match := CLOCK_SEASON.match(value)):
            naive = BaseTemporalField.to_python(self, match["moment"])
            if clock_change(naive) != "ambiguous":
                raise forms.ValidationError(
                    _(
                        "« été » ou « hiver » ne se précise que pour l'heure vécue deux fois, la "
                        "nuit du passage à l'heure d'hiver (entre 02:00 et 02:59)."
                    ),
                    code="season_not_needed",
                )
            winter = match["season"].lower() == WINTER
            return _local(naive, fold=1 if winter else 0)
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            if error.code != "ambiguous_timezone":
                raise
            naive = BaseTemporalField.to_python(self, value)
            day, time = f"{naive:%d/%m/%Y}", f"{naive:%H:%M}"
            if clock_change(naive) == "ambiguous":
                raise forms.ValidationError(
                    _(
                        "%(time)s a eu lieu deux fois le %(day)s (passage à l'heure d'hiver) : "
                        "ajoutez « été » pour la première, « hiver » pour la seconde (par "
                        "exemple %(day)s %(time)s hiver)."
                    ),
                    code="ambiguous_hour",
                    params={"time": time, "day": day},
                ) from error
            raise forms.ValidationError(
                _(
                    "%(time)s n'a pas existé le %(day)s (passage à l'heure d'été : de 02:00 on "
                    "passe à 03:00) : vérifiez l'heure."
                ),
                code="missing_hour",
                params={"time": time, "day": day},
            ) from error


def _moment_field(label, help_text, *, time_missing, invalid) -> MomentField:
    return MomentField(
        label=label,
        required=False,
        input_formats=DATETIME_INPUT_FORMATS,
        help_text=help_text,
        validators=[validate_plausible_date],
        widget=MomentInput(
            format="%d/%m/%Y %H:%M",
            attrs={"placeholder": "JJ/MM/AAAA HH:MM", "autocomplete": "off"},
        ),
        error_messages={"time_missing": time_missing, "invalid": invalid},
    )


class IdentityForm(StepRowsMixin, forms.ModelForm):
    born_at = _moment_field(
        _("Date et heure de naissance"),
        _("JJ/MM/AAAA HH:MM, heure obligatoire — chiffré, jamais montré au comité."),
        time_missing=_(
            "Indiquez aussi l'heure de naissance (JJ/MM/AAAA HH:MM) : une date seule compterait "
            "minuit et fausserait l'âge au décès."
        ),
        invalid=_("Saisissez la date et l'heure de naissance au format JJ/MM/AAAA HH:MM."),
    )
    died_at = _moment_field(
        _("Date et heure du décès"),
        _("JJ/MM/AAAA HH:MM, heure obligatoire — l'âge au décès en est calculé."),
        time_missing=_(
            "Indiquez aussi l'heure du décès (JJ/MM/AAAA HH:MM) : une date seule compterait "
            "minuit et fausserait l'âge au décès."
        ),
        invalid=_("Saisissez la date et l'heure du décès au format JJ/MM/AAAA HH:MM."),
    )

    class Meta:
        model = IdentityVault
        fields = IdentityVault.ENCRYPTED_FIELDS
        widgets = {
            field: forms.TextInput()
            for field in IdentityVault.ENCRYPTED_FIELDS
            if field not in ("born_at", "died_at", "address", "narrative_original")
        } | {
            "address": forms.Textarea(attrs={"rows": 2}),
            "narrative_original": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "narrative_original": _(
                "Votre récit des faits. Il reste dans le coffre chiffré ; le référent en tire un "
                "résumé anonymisé pour le comité."
            ),
        }

    def __init__(self, *args, only_submitted=False, step=None, **kwargs):
        super().__init__(*args, **kwargs)
        if only_submitted and self.is_bound:
            keep_submitted_fields_only(self)
        elif step is not None:
            _keep_only(self, step.identity)
        self.shown_checkboxes = shown_checkboxes(self)
        self.prepare_fields(IdentityVault)

    def has_entries(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(value not in (None, "") for value in data.values())

    def clean_email(self):
        email = self.cleaned_data.get("email", "").strip()
        if email:
            try:
                validate_email(email)
            except forms.ValidationError as error:
                raise forms.ValidationError(_("Saisissez une adresse e-mail valide.")) from error
        return email

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        digits = re.sub(r"\D", "", phone)
        if phone and (not PHONE_CHARACTERS.fullmatch(phone) or not 8 <= len(digits) <= 15):
            raise forms.ValidationError(
                _("Saisissez un numéro de téléphone (chiffres, espaces, points, + ou tirets).")
            )
        return phone

    def clean_mother_nir(self):
        from .anonymisation import nir_key_is_valid

        nir = "".join(self.cleaned_data.get("mother_nir", "").split())
        if nir and not nir_key_is_valid(nir):
            raise forms.ValidationError(_("Ce NIR n'est pas valide (clé de contrôle incorrecte)."))
        return nir

    def clean(self):
        cleaned = super().clean()
        born_at, died_at = cleaned.get("born_at"), cleaned.get("died_at")
        for name, moment in (("born_at", born_at), ("died_at", died_at)):
            if moment and moment > timezone.now():
                self.add_error(name, _("Cette date est dans le futur."))
        if born_at and died_at:
            try:
                days, _hours = age_at_death(born_at, died_at)
            except ValueError as error:
                self.add_error("died_at", str(error))
            else:
                if days > LAST_DAY_IN_SCOPE:
                    self.add_error(
                        "died_at",
                        _(
                            "Au-delà de 364 jours, le décès n'entre pas dans "
                            "le champ des RMM périnatales."
                        ),
                    )
        return cleaned


class CareEventForm(forms.ModelForm):
    class Meta:
        model = CareEvent
        fields = [
            "period",
            "gestational_weeks",
            "gestational_days",
            "day_of_life",
            "hour_of_day",
            "place_type",
            "actor_function",
            "description",
            "flag_delay",
            "flag_transfer",
            "flag_missed_contact",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "description": _(
                "Sans nom ni date exacte : fonctions des intervenants et temps relatif."
            ),
        }


class SummaryForm(forms.Form):
    # In normal form (what the scrubber checks and the committee reads), 20 000 characters.
    summary = NormalisedCharField(
        label=_("Résumé anonymisé (montré au comité)"),
        required=False,
        validators=[max_summary_length],
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    validate = forms.BooleanField(
        label=_("Je certifie avoir relu ce résumé : il ne contient plus aucun identifiant."),
        required=False,
    )


class TransitionForm(forms.Form):
    expected_status = forms.ChoiceField(choices=CaseStatus.choices, widget=forms.HiddenInput)
    comment = NormalisedCharField(
        label=_("Motif / commentaire"),
        required=False,
        validators=[max_comment_length],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@dataclass(frozen=True)
class FilterWidget:
    """What the case list draws for one filter (cases/list_html.py): the list is shown on every
    visit, and Django's widget templates (one template per <option>) cost more than its SQL."""

    name: str
    id: str
    label: str
    value: str
    errors: list[str]
    options: list[tuple[str, str, bool]] | None = None  # (value, label, selected) of a select
    placeholder: str = ""


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous")), *CaseStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous")), *CaseKind.choices]
    )
    # Choices are the (id, name) pairs the view read once; the same refusal message as a
    # model choice field.
    organisation = forms.TypedChoiceField(
        label=_("Organisation"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Toutes"))],
        error_messages={
            "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]
        },
    )
    period_start = forms.DateField(
        label=_("Du"),
        required=False,
        validators=[validate_plausible_date],
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"placeholder": "JJ/MM/AAAA"}),
    )
    period_end = forms.DateField(
        label=_("Au"),
        required=False,
        validators=[validate_plausible_date],
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"placeholder": "JJ/MM/AAAA"}),
    )

    def __init__(self, *args, organisations=None, **kwargs):
        """`organisations`: [(id, name)] of the organisations whose cases the user sees."""
        super().__init__(*args, **kwargs)
        if organisations is not None:
            if len(organisations) < 2:  # nothing to choose between: no filter to offer
                del self.fields["organisation"]
            else:
                self.fields["organisation"].choices = [("", _("Toutes")), *organisations]

    def widgets(self) -> list[FilterWidget]:
        """Every filter with its current value and options, computed once per request."""
        errors = self.errors if self.is_bound else {}
        widgets = []
        for name, field in self.fields.items():
            bound = self[name]
            value = bound.value()  # bound: as typed; unbound: nothing
            shown = "" if value is None else str(value)
            options = None
            if isinstance(field, forms.ChoiceField):
                options = [
                    (str(key), str(label), str(key) == shown) for key, label in field.choices
                ]
            widgets.append(
                FilterWidget(
                    name=name,
                    id=bound.auto_id,
                    label=str(field.label),
                    value=shown,
                    errors=[str(error) for error in errors.get(name, [])],
                    options=options,
                    placeholder=field.widget.attrs.get("placeholder", ""),
                )
            )
        return widgets

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("La fin de période précède son début."))
        return cleaned

    def filters(self) -> CaseFilters:
        """The filters that are valid (an invalid one is reported beside its field and in
        `rejected_filters`, never silently dropped with the others)."""
        if not self.is_bound:
            return CaseFilters()
        self.is_valid()  # cleaned_data then holds the valid fields only
        data = self.cleaned_data
        return CaseFilters(
            status=data.get("status") or "",
            kind=data.get("kind") or "",
            organisation_id=data.get("organisation"),
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
        )

    def rejected_filters(self) -> list[str]:
        """Labels of the filters that were given but could not be applied."""
        if not self.is_bound:
            return []
        return [str(self.fields[name].label) for name in self.errors if name in self.fields]


class ContributionForm(forms.Form):
    """Name an organisation of the pathway. The list offers the active organisations other than
    the declaring one; any organisation id is accepted here so that the service answers an
    inactive, declaring or already named one with its own French message."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        error_messages={"invalid_choice": _("Cette organisation n'existe pas.")},
        # Drawn on every case page of a declaring coordinator: about twenty options, each
        # through its own template with Django's widget (2 ms of the page).
        widget=CompactSelect,
    )
    pathway_role = forms.ChoiceField(
        label=_("Rôle dans le parcours"),
        choices=CaseContribution.PathwayRole.choices,
        widget=CompactSelect,
    )
    role_label = NormalisedCharField(
        label=_("Précision (obligatoire pour « Autre »)"),
        required=False,
        max_length=ROLE_LABEL_MAX_LENGTH,
        help_text=_("Fonction ou service, jamais un nom."),
        widget=CompactTextInput,  # Django's markup without a template
    )

    def __init__(self, *args, offered=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The options drawn: (id, label) read once by the view, not one query per option.
        self.fields["organisation"].widget.choices = [("", "---------"), *offered]
        for name, field in self.fields.items():
            css = "form-control" if name == "role_label" else "form-select"
            field.widget.attrs["class"] = f"{css} form-control-sm"
