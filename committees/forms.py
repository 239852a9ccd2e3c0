"""Forms of the committee pages; validation only, decisions in the services."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.anonymisation import find_identifiers
from cases.fields import NormalisedCharField, max_comment_length
from rmm.forms import IdsChoiceField, RowChoiceField
from rmm.validators import validate_plausible_date

from .conditions import may_present, presenter_choices
from .models import (
    AlarmItem,
    Attendance,
    CaseReview,
    Committee,
    Delay,
    PathwayStage,
    Session,
    SessionStatus,
)

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


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif d'annulation"), widget=forms.Textarea(attrs={"rows": 2})
    )


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


class ReviewForm(forms.ModelForm):
    """The review record plus, for each ALARM item, a tick, a comment and a recovery flag."""

    delays = IdsChoiceField(
        queryset=Delay.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Retards (modèle des trois retards)"),
    )
    pathway_breaks = IdsChoiceField(
        queryset=PathwayStage.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Étapes où le parcours a rompu"),
    )
    optimal_care = forms.TypedChoiceField(
        label=_("Soins optimaux"),
        required=False,
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
            "parents_questions",
            "answers_to_parents",
            "conclusion",
            "no_action_needed",
        ]
        widgets = {
            field: forms.Textarea(attrs={"rows": 3})
            for field in ["what_went_well", "parents_questions", "answers_to_parents", "conclusion"]
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        recorded = {}
        if self.instance.pk:
            self.initial["optimal_care"] = {True: "yes", False: "no"}.get(
                self.instance.optimal_care, ""
            )
            recorded = {factor.item_id: factor for factor in self.instance.factors.all()}
        self.alarm_items = list(AlarmItem.objects.filter(is_active=True).select_related("category"))
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
