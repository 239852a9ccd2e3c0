"""The admin site, bound to RMM's own permission predicates and login page."""

from django.contrib.admin.apps import AdminConfig


class RMMAdminConfig(AdminConfig):
    default_site = "rmm.admin.RMMAdminSite"
