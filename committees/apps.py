from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("Comités et séances RMM")

    def ready(self):
        from accounts.navigation import register_section
        from cases import committee_scope
        from rmm import workflow

        from . import conditions, home, permissions  # noqa: F401  (home items, case panel)
        from .services import sessions

        committee_scope.register(permissions.CommitteeMembershipScope())
        # What committees add to the case workflow, whatever the route that moves a case.
        workflow.add_guard("cases.case", "schedule", conditions.on_an_open_agenda)
        workflow.add_guard("cases.case", "record_review", conditions.review_recorded_with_quorum)
        for name in ("adopt_action_plan", "close"):
            workflow.add_guard("cases.case", name, conditions.no_re_review_pending)
        for name in ("send_back", "postpone"):
            workflow.add_effect("cases.case", name, sessions.withdraw_from_agendas)
        workflow.add_effect("committees.session", "cancel", sessions.release_agenda)
        register_section(_("Séances"), "committees:session_list", permissions.is_in_a_committee)
