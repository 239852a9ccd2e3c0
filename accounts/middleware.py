"""A password an administrator chose is known to them: until its owner replaces it, every page
leads to the password change form (logout, language switch and static files stay open)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

ALLOWED_URL_NAMES = ["password_change", "password_change_done", "logout", "set_language"]


class ForcePasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed = None

    def allowed_paths(self) -> tuple[str, ...]:
        if self._allowed is None:
            # The e-mail confirmation link may be opened by its holder whatever their state.
            email_link = reverse("email_change_confirm", args=["token"]).removesuffix("token/")
            self._allowed = (*(reverse(name) for name in ALLOWED_URL_NAMES), email_link)
        return self._allowed

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and not request.path.startswith(self.allowed_paths())
            and not request.path.startswith(settings.STATIC_URL)
        ):
            messages.warning(
                request,
                _(
                    "Votre mot de passe a été choisi par un administrateur : remplacez-le par "
                    "un mot de passe que vous seul connaissez avant de continuer."
                ),
            )
            return redirect("password_change")
        return self.get_response(request)
