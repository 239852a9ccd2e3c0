"""Settings shared by every environment. Anything that differs between a laptop, CI and a
hospital server is read from the environment (see the configuration table in README.md)."""

from pathlib import Path

import dj_database_url

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("RMM_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = False
# Demo data (`load_demo`) may be loaded only where this is True: local and test settings.
RMM_DEMO_ALLOWED = False
SECRET_KEY = env_str("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "rmm.apps.RMMAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_fsm",
    "rules",
    "axes",
]
# Our own apps, in dependency order (load_demo and the i18n tooling walk this list).
PROJECT_APPS = ["accounts", "cases", "committees", "actions", "notifications", "territory"]
INSTALLED_APPS += PROJECT_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rmm.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Pushes the idle expiry forward at most once a minute (see RMM_SESSION_REFRESH_SECONDS).
    "rmm.middleware.SessionIdleRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.ForcePasswordChangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into our French "compte bloqué" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rmm.urls"
WSGI_APPLICATION = "rmm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# PostgreSQL in production, CI and docker compose; SQLite under var/ only as the demo default.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rmm.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
# The demo's embedded database: two requests writing at once (a double click, two people
# cancelling a session) wait for each other instead of failing with "database is locked";
# IMMEDIATE takes the write lock when a transaction begins, so no reader has to upgrade its lock.
SQLITE_OPTIONS = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query to machine code once its estimated cost passes a threshold:
    # worth it for a long report, not for a web page's queries, whose estimates run high on
    # visibility conditions (1.6 s of compilation on a 0.9 s query of the actions dashboard).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, login, lockout, sessions -----------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes must come first so that a locked-out account is refused before any check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour: a reset link lying in a shared mailbox expires fast

AXES_FAILURE_LIMIT = env_int("RMM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("RMM_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
# Lock the account, not the address: a whole hospital often reaches us through one NAT address,
# and locking it would let one mistyped password shut out every colleague (hence W006 silenced).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Session expires after this much inactivity. Requests push the expiry forward, but the
# session is written at most once per RMM_SESSION_REFRESH_SECONDS (an UPDATE and a COMMIT on
# every request otherwise): an idle session ends within that interval of the idle time, never
# later (rmm.middleware.SessionIdleRefreshMiddleware).
SESSION_COOKIE_AGE = env_int("RMM_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
RMM_SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "rmm.views.csrf_failure"

# --- Internationalisation -------------------------------------------------------------------
# Source strings are written in French (the default UI); English comes from locale/en.
LANGUAGE_CODE = "fr"
# Language names in their own language, whatever the current one (a switch must be readable).
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files (Bootstrap is vendored under static/: hospital networks often have no
# internet, so no CDN) -------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ----------------------------------------------------------------------------------
# Public address of the application, for links in emails.
RMM_SITE_URL = env_str("RMM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "RMM <rmm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
else:
    # No mail server configured: messages are written as files under var/mail to be read there.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- Celery ---------------------------------------------------------------------------------
# With REDIS_URL: Redis broker and result store. Without it: kombu's filesystem transport under
# var/, so that `make run` needs no server yet still runs tasks in a real worker (never eager).
REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery-results'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        "control_folder": str(VAR_DIR / "broker-control"),
    }
# A shared cache (the territorial dashboard's aggregates) when Redis is there; per process
# otherwise.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "rmm-cache",
        }
    }
RMM_TERRITORY_CACHE_SECONDS = env_int("RMM_TERRITORY_CACHE_SECONDS", 300)
# The actions dashboard's counts and chart (never its list) are recomputed at most this often per
# person and filters; 0 turns the cache off.
RMM_ACTIONS_DASHBOARD_CACHE_SECONDS = env_int("RMM_ACTIONS_DASHBOARD_CACHE_SECONDS", 60)
# The organisations offered by the case list's filter (labels only, never cases) are read again
# at most this often per person and standing; 0 turns the cache off.
RMM_CASE_FILTER_CACHE_SECONDS = env_int("RMM_CASE_FILTER_CACHE_SECONDS", 300)
# How many actions a committee's follow-up ("Suivi des actions", session page and minutes) holds
# beyond the rows it lists: a count kept this long; 0 counts on every page.
RMM_FOLLOW_UP_COUNT_CACHE_SECONDS = env_int("RMM_FOLLOW_UP_COUNT_CACHE_SECONDS", 60)
# The review form's reference rows (ICD-PM groups, delays, ALARM items...) are read at most this
# often per process for display (a posted form is always checked against the database); an edit
# in the admin shows at once in its own process. 0 reads them on every page.
RMM_REFERENCE_ROWS_CACHE_SECONDS = env_int("RMM_REFERENCE_ROWS_CACHE_SECONDS", 60)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# A publish never blocks a request for long when the broker is down: the ledger keeps what is
# to be sent and the next sweep queues it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# --- Notifications (DESIGN §7) ----------------------------------------------------------------
# The sweep derives every reminder from the database: how often it runs bounds how late one is.
RMM_SWEEP_SECONDS = env_int("RMM_SWEEP_SECONDS", 300)
# An e-mail claimed by a worker that died is taken up again after this lease.
RMM_NOTIFICATION_LEASE_SECONDS = env_int("RMM_NOTIFICATION_LEASE_SECONDS", 600)
RMM_NOTIFICATION_MAX_ATTEMPTS = env_int("RMM_NOTIFICATION_MAX_ATTEMPTS", 5)
# E-mails queued by one sweep at most (the next sweep queues the rest).
RMM_NOTIFICATION_DISPATCH_LIMIT = env_int("RMM_NOTIFICATION_DISPATCH_LIMIT", 5000)
# Local hour from which the daily digests leave.
RMM_DIGEST_HOUR = env_int("RMM_DIGEST_HOUR", 7)

CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions_task",
        "schedule": 60 * 60,
    },
    "notifications-sweep": {
        "task": "notifications.tasks.sweep_task",
        "schedule": RMM_SWEEP_SECONDS,
    },
}

# --- Identity vault encryption ------------------------------------------------------------
# Comma-separated Fernet keys: the first encrypts, every key decrypts (so a key can be rotated
# with `manage.py rotate_identity_key`). Local settings generate one under var/ when unset.
FIELD_ENCRYPTION_KEYS = env_list("RMM_FIELD_ENCRYPTION_KEY", "")

# --- Logging: never log request bodies or identity data; errors go to stderr ----------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env_str("RMM_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger prints the full request on errors; keep only the status line.
        "django.request": {"level": "ERROR", "propagate": True},
        # One line per login otherwise; lockouts are still logged as warnings.
        "axes": {"level": "WARNING", "propagate": True},
    },
}
