from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Cases: declaration, identity vault, anonymisation and the audited case workflow."""

    name = "cases"
    verbose_name = _("Cas")

    def ready(self):
        from accounts.navigation import register_section

        from . import home, permissions, signals  # noqa: F401  (rules, home items, signals)
        from .permissions import may_see_cases

        register_section(_("Cas"), "cases:list", may_see_cases)
