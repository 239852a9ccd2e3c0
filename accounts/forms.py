"""Login and password reset forms: the email is the username; messages in French come from the
templates' gettext."""

import unicodedata

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Organisation, User
from .permissions import assignable_roles


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Après plusieurs erreurs, le compte est "
            "bloqué temporairement."
        ),
        "inactive": _("Ce compte est désactivé. Contactez l'administrateur de votre organisation."),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django skips accounts without a usable password; RMM has no other way to sign in, and a
    vault account whose administrator-chosen password was disabled must be able to ask again
    once the first link expired."""

    def get_users(self, email):
        wanted = unicodedata.normalize("NFKC", email).casefold()
        # Like Django: the database's case-insensitive match, then an exact Unicode comparison.
        return (
            user
            for user in User.objects.filter(email__iexact=email, is_active=True)
            if unicodedata.normalize("NFKC", user.email).casefold() == wanted
        )


class NewPasswordRulesOnFirstFieldMixin:
    """The password rules (length, too common, like the e-mail) are about the new password, so
    their errors sit under "Nouveau mot de passe", not under its confirmation (Django's
    default); a mismatch stays under the confirmation."""

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        if not self.has_error("new_password2"):
            self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class SetPasswordForm(NewPasswordRulesOnFirstFieldMixin, auth_forms.SetPasswordForm):
    """Invitation and reset: the owner chooses a password."""


class PasswordChangeForm(NewPasswordRulesOnFirstFieldMixin, auth_forms.PasswordChangeForm):
    """The signed-in owner changes their password."""


EMAIL_TAKEN = {"email": {"unique": _("Un compte existe déjà avec cette adresse e-mail.")}}


class InvitationForm(forms.ModelForm):
    """Invite someone: who they are and their first role. No password field: the owner chooses
    it through the link sent to their address (accounts.services.user_invite)."""

    # The admin narrows this to the organisations the administrator manages (get_form).
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Organisation"),
        required=False,
        help_text=_("L'organisation où ce rôle s'exerce."),
    )
    role = forms.ChoiceField(label=_("Rôle dans l'organisation"), required=False)

    class Meta:
        model = User
        fields = ["email", "full_name", "job_title"]
        error_messages = EMAIL_TAKEN

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("— aucun —")), *assignable_roles()]
        self.fields["email"].help_text = _(
            "Son adresse professionnelle : l'invitation y est envoyée, elle sert d'identifiant."
        )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") and not cleaned.get("organisation"):
            self.add_error("organisation", _("Choisissez l'organisation où ce rôle s'exerce."))
        if not cleaned.get("role") and not self.gives_something_else(cleaned):
            self.add_error("role", _("Donnez au moins un rôle ou un siège de comité."))
        return cleaned

    def gives_something_else(self, cleaned) -> bool:
        """Subclasses that add a committee seat say whether one is given."""
        return False

    def invite_organisation(self):
        return self.cleaned_data.get("organisation")

    def also(self, by):
        """What a higher app gives the new account in the same transaction (a committee seat)."""
        return None


class AccountForm(forms.ModelForm):
    """An account as its administrator edits it: never a password (its owner chooses it)."""

    class Meta:
        model = User
        fields = ["email", "full_name", "job_title", "is_active"]
        error_messages = EMAIL_TAKEN
