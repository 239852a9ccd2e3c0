"""Production settings: everything secret or site-specific comes from the environment and the
server refuses to start without it. `manage.py check --deploy` must print no warning."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    BASE_DIR,
    DATABASE_URL,
    FIELD_ENCRYPTION_KEYS,
    STORAGES,
    env_bool,
    env_int,
    env_list,
    env_str,
)

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("The environment variable ALLOWED_HOSTS is required.")
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "The environment variable RMM_FIELD_ENCRYPTION_KEY is required (a Fernet key: "
        "python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())')."
    )
if DATABASE_URL.startswith("sqlite"):
    raise ImproperlyConfigured("Production needs PostgreSQL: set DATABASE_URL=postgres://...")

# Built into the image (docker/build.sh), outside RMM_VAR_DIR: a volume mounted there must never
# hide the static files of a newer image.
STATIC_ROOT = Path(env_str("RMM_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS only. Two ways to serve it (README, "Mise en production", explains them):
# - behind a reverse proxy that terminates TLS and overwrites X-Forwarded-Proto:
#   RMM_BEHIND_PROXY=1, so that a request the proxy received over HTTPS counts as secure and is
#   not redirected again (without it, every redirect to https:// comes back as http: a loop);
# - anything else (RMM_BEHIND_PROXY unset or 0): the header is not trusted, so a client cannot
#   forge it to pass plain HTTP off as HTTPS; plain HTTP is redirected to https://.
SECURE_SSL_REDIRECT = env_bool("RMM_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health probes speak plain HTTP inside
if env_bool("RMM_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("RMM_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
