from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("Comités et séances RMM")

    def ready(self):
        from accounts.navigation import register_section
        from cases import committee_scope
        from rmm import workflow

        from . import home, permissions  # noqa: F401  (home items, case panel)
        from .services.sessions import withdraw_from_agendas

        committee_scope.register(permissions.CommitteeMembershipScope())
        for name in ("send_back", "postpone"):
            workflow.add_effect("cases.case", name, withdraw_from_agendas)
        register_section(_("Séances"), "committees:session_list", permissions.is_in_a_committee)
