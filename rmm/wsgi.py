"""WSGI entry point for gunicorn (`gunicorn rmm.wsgi:application`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rmm.settings.production")

application = get_wsgi_application()
