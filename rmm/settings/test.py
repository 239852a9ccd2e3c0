"""Test settings: fast password hashing, in-memory email, plain static storage. DATABASE_URL and
REDIS_URL are honoured so that CI runs against real PostgreSQL and Redis."""

from .base import *  # noqa: F403
from .base import env_list

SECRET_KEY = "test-only-not-secret-" + "y" * 40
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True

# Serve static files straight from the source folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A fixed, public test key: test data only.
FIELD_ENCRYPTION_KEYS = ["dGVzdC1vbmx5LWtleS1ub3Qtc2VjcmV0LTMyYnl0ZXM="]

RMM_DEMO_ALLOWED = True

# The test process publishes tasks into memory, where no worker reads them: unit tests call the
# task functions themselves, and the tests that claim delivery start a real worker on real Redis.
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "cache+memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}

# No cache between tests (figures would outlive the data they came from); the dashboard's cache
# is tested with a cache of its own (tests/territory/test_dashboard_cache.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
# Tests change reference rows between requests: read them every time.
RMM_REFERENCE_ROWS_CACHE_SECONDS = 0
