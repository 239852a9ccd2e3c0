"""The admin site, bound to RMM's own permission predicates and login page."""

from django.contrib.admin.apps import AdminConfig


class RMMAdminConfig(AdminConfig):
    default_site = "rmm.admin.RMMAdminSite"

    def ready(self):
        super().ready()
        from . import checks  # noqa: F401  (registers the deployment checks)
