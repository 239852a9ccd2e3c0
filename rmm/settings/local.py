"""Developer and demo defaults: debug on, SQLite and a filesystem broker under var/ unless
DATABASE_URL / REDIS_URL say otherwise. Never used on a server."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env_list, env_str

DEBUG = True
SECRET_KEY = env_str("SECRET_KEY", "local-only-not-secret-" + "x" * 40)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

for folder in ("broker", "broker-control", "celery-results", "mail", "media"):
    (VAR_DIR / folder).mkdir(parents=True, exist_ok=True)

# Serve static files straight from the source folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
