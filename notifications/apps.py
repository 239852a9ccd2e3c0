from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Notifications (DESIGN §7): reminders derived from the database by a periodic sweep, event
    notifications written with the change that causes them, one ledger so that each is told
    once, delivered in-app and by e-mail. The top of the dependency chain: it reads cases,
    committees and actions, and none of them imports it."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from committees.services.guests import on_guest_invited
        from committees.services.sessions import on_session_moved
        from rmm import workflow

        from . import events

        workflow.add_effect("cases.case", "declare", events.case_declared)
        workflow.add_effect("cases.case", "submit_for_review", events.case_ready)
        workflow.add_effect("actions.correctiveaction", "approve", events.action_assigned)
        workflow.add_effect("committees.session", "send_agenda", events.agenda_sent)
        # Before the committees app's own effect gives the agenda's cases back: the notice
        # reads who was to present them.
        workflow.add_effect("committees.session", "cancel", events.session_cancelled, first=True)
        on_guest_invited(events.guest_invited)
        on_session_moved(events.session_moved)
