from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    """Corrective actions decided by committees and followed by their owners and the quality
    team (DESIGN §6). Sits above `committees`: it adds its guards to the case transitions
    `adopt_action_plan` and `close` through the workflow registry."""

    name = "actions"
    verbose_name = _("Actions correctives")

    def ready(self):
        from accounts.home import register_pending_provider
        from accounts.navigation import register_section
        from rmm import workflow

        from . import conditions, selectors

        workflow.add_guard("cases.case", "adopt_action_plan", conditions.action_plan_adopted)
        workflow.add_guard("cases.case", "close", conditions.actions_finished)
        register_section(_("Actions"), "actions:mine", selectors.sees_actions)
        register_pending_provider(selectors.pending_items)

        from cases.panels import register_case_panel

        register_case_panel(selectors.case_actions_panel, outcome=True)

        from committees.minutes_sections import register_case_section, register_session_section
        from committees.review_panels import register_review_panel

        from . import proposal

        register_review_panel(proposal.review_panel)
        register_case_section(proposal.minutes_case_actions)
        register_session_section(proposal.follow_up_section)
