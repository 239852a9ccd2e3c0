"""Developer and demo defaults: debug on, SQLite and a filesystem broker under var/ unless
DATABASE_URL / REDIS_URL say otherwise. Never used on a server."""

from .base import *  # noqa: F403
from .base import (
    CELERY_BEAT_SCHEDULE,
    FIELD_ENCRYPTION_KEYS,
    VAR_DIR,
    env_bool,
    env_int,
    env_list,
    env_str,
)

# Debug pages show local variables (identity values among them): off unless a developer asks.
DEBUG = env_bool("RMM_DEBUG", False)
RMM_DEMO_ALLOWED = True
SECRET_KEY = env_str("SECRET_KEY", "local-only-not-secret-" + "x" * 40)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

# The demo shows reminders firing within a minute of `make run`.
RMM_SWEEP_SECONDS = env_int("RMM_SWEEP_SECONDS", 60)
CELERY_BEAT_SCHEDULE["notifications-sweep"]["schedule"] = RMM_SWEEP_SECONDS

for folder in ("broker", "broker-control", "celery-results", "mail", "media"):
    (VAR_DIR / folder).mkdir(parents=True, exist_ok=True)

# Serve static files straight from the source folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if not FIELD_ENCRYPTION_KEYS:
    # `make run` generates its own key, kept under var/ (never committed) and reused next time.
    from cryptography.fernet import Fernet

    _key_file = VAR_DIR / "field-encryption.key"
    if not _key_file.exists():
        _key_file.write_bytes(Fernet.generate_key())
        _key_file.chmod(0o600)
    FIELD_ENCRYPTION_KEYS = [_key_file.read_text().strip()]
