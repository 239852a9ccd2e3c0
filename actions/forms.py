"""Forms of the actions pages: validation only, the services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from cases.fields import NormalisedCharField, max_comment_length
from cases.models import Case
from cases.status import CaseStatus
from committees.models import ContributingFactor
from rmm.forms import IdsChoiceField, RowChoiceField
from rmm.validators import validate_plausible_date

from .models import ActionStatus, Barrier, Nature, Priority


# --- Action page (pages.py) ------------------------------------------------------------------
class ActionTransitionForm(forms.Form):
    """A move of the action: the status the user saw, and a comment (the reason of a cancel)."""

    expected_status = forms.ChoiceField(choices=ActionStatus.choices, widget=forms.HiddenInput)
    comment = NormalisedCharField(
        label=_("Motif / commentaire"),
        required=False,
        validators=[max_comment_length],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProgressNoteForm(forms.Form):
    """What the owner did, with an optional piece of evidence (type and size checked by the
    service)."""

    text = NormalisedCharField(
        label=_("Avancement"),
        validators=[max_comment_length],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Décrivez l'avancement.")},
    )
    evidence = forms.FileField(
        label=_("Pièce justificative (facultatif)"),
        required=False,
        help_text=_("PDF, image, texte ou tableur, 5 Mo au plus. Aucune donnée d'identité."),
    )
    pseudonymised = forms.BooleanField(
        label=_("Pièce pseudonymisée (peut être montrée au comité)"), required=False
    )


class EffectivenessForm(forms.Form):
    """What the effectiveness indicator showed."""

    result = NormalisedCharField(
        label=_("Résultat de la mesure d'efficacité"),
        validators=[max_comment_length],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez le résultat de la mesure.")},
    )


class HandOverForm(forms.Form):
    """The reference of the action in the organisation's quality programme (PAQSS)."""

    reference = NormalisedCharField(
        label=_("Référence dans le programme qualité (PAQSS)"),
        max_length=200,
        error_messages={"required": _("Indiquez la référence dans le programme qualité (PAQSS).")},
    )


def refusal_message(form: forms.Form) -> str:
    """Every error of a refused form, and that nothing was saved."""
    errors = " ".join(str(error) for errors in form.errors.values() for error in errors)
    return _("Saisie refusée : %(errors)s Rien n'a été enregistré.") % {"errors": errors}


# --- Proposal in session (proposal.py) -------------------------------------------------------
DATE_INPUT_FORMATS = ["%d/%m/%Y"]
WHAT_CHANGES_HELP = _(
    "Ce qui va changer dans l'organisation des soins : un système, jamais une personne. "
    "Par exemple « protocole de transfert in utero révisé et affiché en salle de naissance », "
    "« interprétariat téléphonique disponible 24 h/24 aux urgences obstétricales »."
)


def _date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        validators=[validate_plausible_date],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "JJ/MM/AAAA"}),
        error_messages={"invalid": _("Date attendue au format JJ/MM/AAAA.")},
        **kwargs,
    )


class FactorChoiceField(IdsChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.item.code} {obj.item.display_label}"


class CaseCodeChoiceField(IdsChoiceField):
    def label_from_instance(self, obj):
        return obj.code


class ActionProposalForm(forms.Form):
    """An action proposed in session for a case (and, optionally, other cases of the agenda),
    answering the ALARM factors of the case's review. The service checks everything again."""

    what_changes = NormalisedCharField(
        label=_("Ce qui va changer"),
        max_length=4_000,
        help_text=WHAT_CHANGES_HELP,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": _(
                    "Un système, jamais une personne : « check-list de transfert in utero "
                    "intégrée au dossier obstétrical »"
                ),
            }
        ),
        error_messages={"required": _("Dites ce qui va changer.")},
    )
    barrier = forms.ChoiceField(label=_("Type de barrière"), choices=Barrier.choices)
    nature = forms.ChoiceField(label=_("Nature"), choices=Nature.choices)
    owner_organisation = RowChoiceField(
        label=_("Organisation responsable"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("L'organisation responsable doit être celle du cas.")},
    )
    owner_function = NormalisedCharField(
        label=_("Fonction ou service responsable"),
        max_length=200,
        help_text=_("Par exemple : cadre de la salle de naissance, pharmacie, direction qualité."),
        error_messages={"required": _("Indiquez la fonction ou le service responsable.")},
    )
    owner_person = RowChoiceField(
        label=_("Personne responsable (facultatif)"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Jamais citée dans le compte rendu : seule la fonction y figure."),
    )
    due_date = _date_field(_("Échéance"))
    priority = forms.ChoiceField(
        label=_("Priorité"), choices=Priority.choices, initial=Priority.MEDIUM
    )
    indicator = NormalisedCharField(
        label=_("Indicateur d'efficacité"),
        validators=[max_comment_length],
        help_text=_("Mesurable : « 100 % des transferts in utero tracés dans le dossier »."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez un indicateur d'efficacité mesurable.")},
    )
    indicator_check_date = _date_field(_("Date de mesure de l'efficacité"))
    factors = FactorChoiceField(
        label=_("Facteurs contributifs auxquels l'action répond"),
        queryset=ContributingFactor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    extra_cases = CaseCodeChoiceField(
        label=_("Autres cas de la séance auxquels l'action répond (facultatif)"),
        queryset=Case.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, session, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(
            pk=case.organisation_id
        )
        self.fields["owner_person"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True,
                memberships__organisation_id=case.organisation_id,
                memberships__is_active=True,
            )
            .distinct()
            .order_by("full_name", "pk")
        )
        self.fields["factors"].queryset = ContributingFactor.objects.filter(
            review__case=case, review__session=session
        ).select_related("item")
        self.fields["extra_cases"].queryset = (
            Case.objects.filter(agenda_items__session=session)
            .exclude(pk=case.pk)
            .exclude(status=CaseStatus.CLOSED)
            .order_by("code")
        )

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("L'échéance ne peut pas être dans le passé."))
        return due

    def clean(self):
        data = super().clean()
        due, check = data.get("due_date"), data.get("indicator_check_date")
        if due and check and check < due:
            self.add_error(
                "indicator_check_date",
                _("L'efficacité se mesure à l'échéance ou après."),
            )
        return data

    def action_fields(self) -> dict:
        data = self.cleaned_data
        names = (
            "what_changes",
            "barrier",
            "nature",
            "owner_organisation",
            "owner_function",
            "owner_person",
            "due_date",
            "priority",
            "indicator",
            "indicator_check_date",
        )
        return {name: data[name] for name in names}


class NoActionForm(forms.Form):
    """Why the committee decided that the case needs no corrective action."""

    reason = NormalisedCharField(
        label=_("Motif : pourquoi aucune action corrective n'est nécessaire"),
        validators=[max_comment_length],
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez le motif.")},
    )
