from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    """The territorial diagnosis (DESIGN §8): indicators, exports and the annual report, read
    from the other apps (accounts, cases, committees, actions), which never import it."""

    name = "territory"
    verbose_name = _("Diagnostic territorial")

    def ready(self):
        from accounts.navigation import register_section

        from .permissions import may_see_territory

        register_section(_("Diagnostic territorial"), "territory:dashboard", may_see_territory)
