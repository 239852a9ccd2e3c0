"""Forms of the committee pages; validation only, decisions in the services."""

from datetime import timedelta
from urllib.parse import unquote

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.anonymisation import find_identifiers
from cases.conditions import parents_questions
from cases.fields import NormalisedCharField, max_comment_length
from rmm.forms import MarksInvalidFields, RowChoiceField, strict_id
from rmm.validators import validate_plausible_date

from .conditions import may_present, presenter_choices
from .models import (
    Attendance,
    CaseReview,
    Committee,
    IcdPmGroup,
    Session,
    SessionStatus,
)
from .models.review import icd_pm_misfit_message, icd_pm_timings_fitting
from .reference_rows import review_reference_rows

DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M"]


class SessionForm(forms.ModelForm):
    committee = forms.ModelChoiceField(queryset=Committee.objects.none(), label=_("Comité"))
    starts_at = forms.DateTimeField(
        label=_("Date et heure"),
        input_formats=DATETIME_INPUT_FORMATS,
        help_text=_("JJ/MM/AAAA HH:MM"),
        validators=[validate_plausible_date],
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M", attrs={"placeholder": "JJ/MM/AAAA HH:MM"}
        ),
    )

    video_link = forms.URLField(
        label=_("Lien de visioconférence"), required=False, assume_scheme="https"
    )

    class Meta:
        model = Session
        fields = ["committee", "starts_at", "duration_minutes", "place", "video_link"]

    def __init__(self, *args, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees
        if committees is not None and committees.count() == 1:
            self.fields["committee"].initial = committees.first()

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        # Recording a session held recently is fine; decades away is a typing error.
        if abs(starts_at - timezone.now()) > timedelta(days=2 * 365):
            raise forms.ValidationError(_("La date doit être à moins de deux ans d'aujourd'hui."))
        return starts_at

    def clean_place(self):
        place = self.cleaned_data["place"]
        # The place reaches the minutes and every member's calendar: no one's name or address.
        if place and find_identifiers(place, []):
            raise forms.ValidationError(
                _("Le lieu contient un identifiant (nom, adresse, numéro) : indiquez une salle.")
            )
        return place

    def clean_video_link(self):
        link = self.cleaned_data["video_link"]
        # The link goes into the agenda e-mail, every calendar and the session page: no e-mail
        # address or number of a person in it, percent-encoded or not (meeting ids pass).
        if link and (find_identifiers(link, []) or find_identifiers(unquote(link), [])):
            raise forms.ValidationError(
                _(
                    "Le lien de visioconférence contient un identifiant (adresse e-mail, "
                    "numéro) : donnez le lien de la salle, sans paramètre personnel."
                )
            )
        return link

    def clean_duration_minutes(self):
        duration = self.cleaned_data["duration_minutes"]
        if not 15 <= duration <= 600:
            raise forms.ValidationError(_("Une séance dure entre 15 minutes et 10 heures."))
        return duration

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("place") and not cleaned.get("video_link"):
            raise forms.ValidationError(_("Indiquez un lieu ou un lien de visioconférence."))
        return cleaned


class SessionMoveForm(SessionForm):
    """The same fields and checks as planning one, the committee aside (a session does not
    change committee), with the status the page showed (a stale page is told so)."""

    expected_status = forms.CharField(widget=forms.HiddenInput, max_length=40)
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=10_000)

    class Meta(SessionForm.Meta):
        fields = ["starts_at", "duration_minutes", "place", "video_link"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, committees=Committee.objects.none(), **kwargs)
        del self.fields["committee"]


class PostedTextsForm(forms.Form):
    """The free texts posted with an action of the session or minutes page, checked like any
    form field (a NUL character, which PostgreSQL refuses, or a text beyond reason is refused)
    before a service stores them."""

    comment = forms.CharField(label=_("Commentaire"), required=False, max_length=4000)
    reason = forms.CharField(label=_("Motif"), required=False, max_length=4000)
    correction_reason = forms.CharField(
        label=_("Motif de la correction"), required=False, max_length=4000
    )
    expected_status = forms.CharField(required=False, max_length=40)

    def error_message(self) -> str:
        return refusal_message(self)


def refusal_message(form: forms.Form) -> str:
    """What a refused action tells the user: every error of its form, and that nothing moved."""
    errors = " ".join(str(error) for errors in form.errors.values() for error in errors)
    return _("Saisie refusée : %(errors)s Rien n'a été changé.") % {"errors": errors}


# --- One form per action of the session page (validation only; the services decide) ---------
NOT_A_PRESENTER = _("Le présentateur doit être membre du comité ou le déclarant du cas.")


class SessionTransitionForm(forms.Form):
    """A move of the session: the status the planner saw, and a reason where one is asked."""

    expected_status = forms.ChoiceField(choices=SessionStatus.choices, widget=forms.HiddenInput)
    reason = NormalisedCharField(
        label=_("Motif"),
        required=False,
        validators=[max_comment_length],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AgendaAddForm(forms.Form):
    case = RowChoiceField(
        queryset=Session.objects.none(),
        label=_("Cas prêt à inscrire"),
        error_messages={"invalid_choice": _("Ce cas ne peut pas être inscrit à cette séance.")},
    )
    presenter = RowChoiceField(
        queryset=Session.objects.none(),
        required=False,
        label=_("Présentateur"),
        error_messages={"invalid_choice": NOT_A_PRESENTER},
    )

    def __init__(self, *args, session, **kwargs):
        from .selectors import agenda_candidates

        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["case"].queryset = agenda_candidates(session=session)
        self.fields["presenter"].queryset = User.objects.filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        case, presenter = cleaned.get("case"), cleaned.get("presenter")
        if (
            case is not None
            and presenter is not None
            and not may_present(presenter, self.session, case)
        ):
            self.add_error("presenter", self.fields["presenter"].error_messages["invalid_choice"])
        return cleaned


class PresenterForm(forms.Form):
    presenter = RowChoiceField(
        queryset=Session.objects.none(),
        required=False,
        label=_("Présentateur"),
        error_messages={"invalid_choice": NOT_A_PRESENTER},
    )

    def __init__(self, *args, session, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = presenter_choices(session, case)


class AgendaRemoveForm(forms.Form):
    comment = NormalisedCharField(
        label=_("Commentaire"), required=False, validators=[max_comment_length]
    )


class AgendaMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Monter")), ("down", _("Descendre"))])

    @property
    def offset(self) -> int:
        return -1 if self.cleaned_data["direction"] == "up" else 1


class AttendanceForm(forms.Form):
    """One choice per active member of the committee (present, excused, absent, or nothing)."""

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(session.committee.members.filter(is_active=True).select_related("user"))
        for member in self.members:
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=_("Présence de %(name)s") % {"name": member.user.full_name},
                choices=[("", "—"), *Attendance.Status.choices],
                required=False,
            )

    def statuses(self) -> dict[int, str]:
        """{committee member id: status} for the members whose presence was given."""
        return {
            member.pk: self.cleaned_data[f"member_{member.pk}"]
            for member in self.members
            if self.cleaned_data.get(f"member_{member.pk}")
        }


class ReferenceRowsField(forms.ChoiceField):
    """A choice among reference rows loaded once by the form (one query per taxonomy, none at
    rendering or validation); the cleaned value is the row. Posted ids are checked as ids."""

    def __init__(self, *, rows=(), **kwargs):
        super().__init__(**kwargs)
        self.set_rows(rows)

    def set_rows(self, rows):
        self.rows = {row.pk: row for row in rows}
        self.choices = [("", "—"), *((row.pk, str(row)) for row in self.rows.values())]

    def prepare_value(self, value):
        return getattr(value, "pk", value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        pk = strict_id(value)
        if pk is None or pk not in self.rows:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return self.rows[pk]

    def validate(self, value):
        forms.Field.validate(self, value)

    def valid_value(self, value):
        return value in self.rows.values()


class ReferenceRowsMultipleField(forms.MultipleChoiceField):
    """Several reference rows loaded once by the form (see ReferenceRowsField)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, rows=(), **kwargs):
        super().__init__(**kwargs)
        self.set_rows(rows)

    def set_rows(self, rows):
        self.rows = {row.pk: row for row in rows}
        self.choices = [(row.pk, str(row)) for row in self.rows.values()]

    def prepare_value(self, value):
        if value is None:
            return []
        return [getattr(item, "pk", item) for item in value]

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            raise forms.ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        rows = []
        for item in value:
            pk = strict_id(item)
            if pk is None or pk not in self.rows:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
            rows.append(self.rows[pk])
        return rows

    def validate(self, value):
        forms.Field.validate(self, value)


# What the committee must decide before the review is recorded (conditions.REQUIRED_FOR_REVIEW
# says the same to the service): marked on the form, each refusal beside its field.
REQUIRED_MESSAGES = {
    "icd_pm_group": _("Choisissez le groupe CIM-PM (moment et cause du décès)."),
    "maternal_condition": _("Choisissez la condition maternelle (M1 à M5)."),
    "grade_care_to_death": _("Notez les soins jusqu'au décès (A à D)."),
    "grade_neonatal_care": _("Notez les soins néonatals (A à D)."),
    "grade_after_death": _("Notez les soins après le décès et l'accompagnement (A à D)."),
    "avoidability": _("Indiquez l'évitabilité du décès."),
    "optimal_care": _("Indiquez si les soins ont été optimaux."),
    "conclusion": _("Rédigez la conclusion et les décisions du comité."),
}


PARENTS_ANSWERS_REQUIRED = _(
    "Les parents ont posé des questions : notez les réponses que le comité y apporte."
)


WIDGET_CLASSES = {
    "Select": "form-select",
    "Textarea": "form-control",
    "CheckboxInput": "form-check-input",
}


class ReviewForm(MarksInvalidFields, forms.ModelForm):
    """The review record plus, for each ALARM item, a tick, a comment and a recovery flag.

    `case` narrows the ICD-PM groups to those that fit its death (the same predicate the
    review service applies). Reference rows are read once each, in the form's constructor."""

    icd_pm_group = ReferenceRowsField(label=_("Groupe CIM-PM (moment et cause)"))
    maternal_condition = ReferenceRowsField(label=_("Condition maternelle (M1-M5)"))
    delays = ReferenceRowsMultipleField(
        required=False, label=_("Retards (modèle des trois retards)")
    )
    pathway_breaks = ReferenceRowsMultipleField(
        required=False, label=_("Étapes où le parcours a rompu")
    )
    optimal_care = forms.TypedChoiceField(
        label=_("Soins optimaux"),
        coerce=lambda value: value == "yes",
        empty_value=None,
        choices=[("", "—"), ("yes", _("Oui")), ("no", _("Non"))],
    )

    class Meta:
        model = CaseReview
        fields = [
            "icd_pm_group",
            "maternal_condition",
            "grade_care_to_death",
            "grade_neonatal_care",
            "grade_after_death",
            "avoidability",
            "optimal_care",
            "delays",
            "pathway_breaks",
            "what_went_well",
            "answers_to_parents",
            "conclusion",
            "no_action_needed",
        ]
        widgets = {
            field: forms.Textarea(attrs={"rows": 5 if field == "answers_to_parents" else 3})
            for field in ["what_went_well", "answers_to_parents", "conclusion"]
        }

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        # Displayed, the rows kept a short while; posted, checked against the database's.
        reference = review_reference_rows(fresh=self.is_bound)
        timings = icd_pm_timings_fitting(case)
        groups = [group for group in reference.icd_pm_groups if group.timing in timings]
        icd = self.fields["icd_pm_group"]
        icd.set_rows(groups)
        # A group posted for another kind of death is refused beside the field, in the words
        # the review service would use.
        icd.error_messages["invalid_choice"] = icd_pm_misfit_message(case)
        if timings != tuple(IcdPmGroup.Timing.values):
            icd.help_text = _(
                "Seuls les groupes qui correspondent à ce décès (%(outcome)s) sont proposés."
            ) % {"outcome": case.get_outcome_display().lower()}
        self.fields["maternal_condition"].set_rows(reference.maternal_conditions)
        self.fields["delays"].set_rows(reference.delays)
        self.fields["pathway_breaks"].set_rows(reference.pathway_stages)
        for name, message in REQUIRED_MESSAGES.items():
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message
        # The parents' questions, gathered beforehand on the case, are answered in session.
        self.parents_questions = parents_questions(case)
        answers = self.fields["answers_to_parents"]
        answers.help_text = _(
            "En langage simple, une réponse par question : elles servent au courrier que le "
            "référent complète et envoie aux parents. Le compte rendu dit seulement que les "
            "questions ont reçu une réponse, jamais leur contenu."
        )
        if self.parents_questions:
            answers.required = True
            answers.error_messages["required"] = PARENTS_ANSWERS_REQUIRED
        for name in self.Meta.fields:
            widget = self.fields[name].widget
            css = WIDGET_CLASSES.get(type(widget).__name__)
            if css:
                widget.attrs["class"] = css
        recorded = {}
        if self.instance.pk:
            self.initial["optimal_care"] = {True: "yes", False: "no"}.get(
                self.instance.optimal_care, ""
            )
            recorded = {factor.item_id: factor for factor in self.instance.factors.all()}
        self.alarm_items = reference.alarm_items
        for item in self.alarm_items:
            if item.pk in recorded:
                self.initial[f"factor_{item.pk}"] = True
                self.initial[f"factor_{item.pk}_comment"] = recorded[item.pk].comment
                self.initial[f"factor_{item.pk}_barrier"] = recorded[item.pk].recovery_barrier
            self.fields[f"factor_{item.pk}"] = forms.BooleanField(
                required=False, label=item.display_label
            )
            self.fields[f"factor_{item.pk}_comment"] = NormalisedCharField(
                required=False,
                label=_("Commentaire"),
                validators=[max_comment_length],
                widget=forms.TextInput(),
            )
            self.fields[f"factor_{item.pk}_barrier"] = forms.BooleanField(
                required=False, label=_("Barrière de récupération")
            )

    def main_fields(self):
        """The review's own fields, in order (the ALARM grid is laid out apart)."""
        return [self[name] for name in self.Meta.fields]

    def error_list(self):
        """(field id or None, label, message) for the error summary at the top of the form."""
        entries = [(None, "", str(error)) for error in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS or name not in self.fields:
                continue
            bound = self[name]
            for error in errors:
                entries.append((bound.auto_id, str(bound.label), str(error)))
        return entries

    def alarm_rows(self):
        """(category, item, tick field, comment field, barrier field) for the template."""
        return [
            (
                item.category,
                item,
                self[f"factor_{item.pk}"],
                self[f"factor_{item.pk}_comment"],
                self[f"factor_{item.pk}_barrier"],
            )
            for item in self.alarm_items
        ]

    def factors(self):
        data = self.cleaned_data
        return [
            (
                item,
                data.get(f"factor_{item.pk}_comment", ""),
                bool(data.get(f"factor_{item.pk}_barrier")),
            )
            for item in self.alarm_items
            if data.get(f"factor_{item.pk}")
        ]
