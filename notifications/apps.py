from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Notifications: reminders computed from the database and delivered in-app and by email."""

    name = "notifications"
    verbose_name = _("Notifications")
