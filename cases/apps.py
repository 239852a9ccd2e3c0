from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Cases: declaration, identity vault, anonymisation and the audited case workflow."""

    name = "cases"
    verbose_name = _("Cas")
