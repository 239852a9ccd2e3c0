"""Login form: the email is the username; messages in French come from the templates' gettext."""

from django import forms
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
