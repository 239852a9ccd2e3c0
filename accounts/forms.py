"""Login and password reset forms: the email is the username; messages in French come from the
templates' gettext."""

import unicodedata

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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
        from .models import User

        wanted = unicodedata.normalize("NFKC", email).casefold()
        # Like Django: the database's case-insensitive match, then an exact Unicode comparison.
        return (
            user
            for user in User.objects.filter(email__iexact=email, is_active=True)
            if unicodedata.normalize("NFKC", user.email).casefold() == wanted
        )
