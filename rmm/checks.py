"""Deployment checks of our own settings (`manage.py check --deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.http.request import validate_host


@register(Tags.security, deploy=True)
def site_url_check(app_configs, **kwargs):
    """Password links and reminders are built from RMM_SITE_URL: on a server left at the
    default (http://127.0.0.1:8000), every link in every email points nowhere."""
    url = urlsplit(settings.RMM_SITE_URL)
    if url.scheme != "https" or not url.hostname:
        return [
            Warning(
                f"RMM_SITE_URL ({settings.RMM_SITE_URL}) is not an https:// address: the links "
                "in emails would be wrong or sent over plain HTTP.",
                hint="Set RMM_SITE_URL to the public address, e.g. https://rmm.example.org.",
                id="rmm.W001",
            )
        ]
    if not validate_host(url.hostname, settings.ALLOWED_HOSTS):
        return [
            Warning(
                f"The host of RMM_SITE_URL ({url.hostname}) is not in ALLOWED_HOSTS: the links "
                "in emails would answer 400.",
                hint="Add it to ALLOWED_HOSTS.",
                id="rmm.W002",
            )
        ]
    return []
