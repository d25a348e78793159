"""Settings, all read from the environment (12-factor). One place; fail fast on a missing secret."""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("BINHAN_VAR_DIR", Path.cwd() / "var")).resolve()

DEBUG = env_bool("DEBUG")
# Demo mode: a throw-away database with demo users; relaxes the secrets and 2FA rules.
DEMO = env_bool("BINHAN_DEMO")
TESTING = env_bool("BINHAN_TESTING", "pytest" in sys.modules)

# Commands that never sign anything or serve a request may run without the secret (code generation).
OFFLINE_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "help", "version"}
OFFLINE = len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or DEMO or TESTING or OFFLINE:
        SECRET_KEY = "insecure-demo-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set (or run with DEBUG=1 or BINHAN_DEMO=1).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if (DEBUG or DEMO or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "binhan.core",
    "binhan.geo",
    "binhan.accounts",
    "binhan.reports",
    "binhan.alerts",
    "binhan.community",
    "binhan.mediation",
    "binhan.firesafety",
    "binhan.cameras",
    "binhan.residence",
    "binhan.handovers",
    "binhan.stats",
    "binhan.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "binhan.core.middleware.RequestContextMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "binhan.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "binhan.core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "binhan.urls"
ASGI_APPLICATION = "binhan.asgi.application"
WSGI_APPLICATION = "binhan.wsgi.application"

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
                "binhan.core.context_processors.shell",
            ],
        },
    },
]

# --- Database: SQLite (WAL) under var/ by default, PostgreSQL through DATABASE_URL. ---
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'binhan.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_SQLITE), conn_max_age=0)}
# SQLite checkpoints its write-ahead log inside the COMMIT that fills it ("auto"), or, under
# `binhan serve` ("thread"), in a thread of each server process, off the request path
# (core/db/checkpoint.py).
BINHAN_SQLITE_CHECKPOINT = os.environ.get("BINHAN_SQLITE_CHECKPOINT", "auto")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if not os.environ.get("DATABASE_URL"):
        VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
                "PRAGMA foreign_keys=ON;"
            ),
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("BINHAN_TEST_SQLITE_NAME") or None}
    # The statistics' facts, ledger and cursor in a file of their own, next to the database: SQLite
    # lets one transaction write at a time per file, and the follower's writes would otherwise hold
    # report intake up (docs/performance.md). They are derived data: `binhan stats-rebuild` makes
    # them again from the rest. PostgreSQL keeps them in its one database (core/db/router.py).
    from binhan.core.db.router import statistics_file  # the naming rule, shared with bench/_common.py

    _test_name = DATABASES["default"]["TEST"]["NAME"]
    DATABASES["stats"] = {
        **DATABASES["default"],
        "NAME": os.environ.get("BINHAN_STATS_SQLITE_NAME") or statistics_file(DATABASES["default"]["NAME"]),
        "OPTIONS": dict(DATABASES["default"]["OPTIONS"]),
        "TEST": {"NAME": statistics_file(_test_name) if _test_name else None},  # else in memory, as the default's
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that skips `SELECT 1` on a quiet socket (core/db/postgresql).
    DATABASES["default"]["ENGINE"] = "binhan.core.db.postgresql"
# Requests run on fixed threads in each server process (see asgi.py), so a thread keeps its
# connection between requests instead of opening one per request; live streams close theirs
# (core.live.run_db). BINHAN_DB_POOL=1 uses psycopg's pool on PostgreSQL instead (measured
# slower here: docs/performance.md). Tests keep Django's default of one connection per request.
if not TESTING:
    if DATABASES["default"]["ENGINE"] == "binhan.core.db.postgresql" and env_bool("BINHAN_DB_POOL"):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 2, "max_size": int(os.environ.get("BINHAN_DB_POOL_SIZE", "20")), "timeout": 10,
        }
    else:
        for _database in DATABASES.values():
            _database["CONN_MAX_AGE"] = int(os.environ.get("BINHAN_CONN_MAX_AGE", "600"))
            _database["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ["binhan.core.db.router.StatisticsRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["binhan.accounts.backends.UsernamePhoneOrEmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Staff roles must use TOTP two-factor; off by default only in demo, debug and tests.
BINHAN_REQUIRE_2FA = env_bool("BINHAN_REQUIRE_2FA", not (DEMO or DEBUG or TESTING))
OTP_TOTP_ISSUER = "Bình An"

# --- Languages and time ---
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English"), ("fr", "Français"), ("fa", "فارسی")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "binhan_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("BINHAN_TIME_ZONE", "Asia/Ho_Chi_Minh")
# Grouping only where a figure is shown (intcomma), never in ids inside URLs and form values.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["binhan.formats"]

# --- Static files, served by WhiteNoise from the ASGI server itself ---
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("BINHAN_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("BINHAN_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "binhan.core.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- Cache (rate limits) and live events ---
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Shared by every worker process, so a rate limit holds across them.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "binhan_cache"}}

# How long a server process keeps its index of residential groups for placing reports (0: none).
BINHAN_UNIT_CACHE_SECONDS = int(os.environ.get("BINHAN_UNIT_CACHE_SECONDS", "0" if TESTING else "60"))

# How long a server process trusts its lookup of an Open311 key (a revocation elsewhere takes this long).
BINHAN_KEY_CACHE_SECONDS = int(os.environ.get("BINHAN_KEY_CACHE_SECONDS", "0" if TESTING else "5"))

# How often each server process looks for new outbox events when nothing wakes it up.
BINHAN_EVENTS_POLL_SECONDS = float(os.environ.get("BINHAN_EVENTS_POLL_SECONDS", "0.25"))
BINHAN_SSE_HEARTBEAT_SECONDS = float(os.environ.get("BINHAN_SSE_HEARTBEAT_SECONDS", "15"))
BINHAN_OUTBOX_KEEP_DAYS = int(os.environ.get("BINHAN_OUTBOX_KEEP_DAYS", "7"))

# --- Background tasks: Django's tasks API (django-tasks backport), database queue by default ---
TASKS = {
    "default": {
        "BACKEND": os.environ.get("BINHAN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Email ---
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Bình An <no-reply@binhan.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security: strict outside debug ---
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind a TLS-terminating proxy in production; the demo and tests run on plain http.
SECURE_TRANSPORT = not (DEBUG or DEMO or TESTING) and env_bool("BINHAN_SECURE", True)
SESSION_COOKIE_SECURE = SECURE_TRANSPORT
CSRF_COOKIE_SECURE = SECURE_TRANSPORT
SECURE_SSL_REDIRECT = SECURE_TRANSPORT and env_bool("BINHAN_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if SECURE_TRANSPORT else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_TRANSPORT
SECURE_HSTS_PRELOAD = SECURE_TRANSPORT
if SECURE_TRANSPORT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# One policy for every page: no inline scripts, nothing from another origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob: https:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)
SILENCED_SYSTEM_CHECKS = [] if SECURE_TRANSPORT else ["security.W004", "security.W008", "security.W012",
                                                      "security.W016"]

# Map tiles: any XYZ tile server; pages work without tiles (offline).
BINHAN_TILE_URL = os.environ.get("BINHAN_TILE_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50
BINHAN_SITE_NAME = _("Bình An")

# --- Alerts (binhan.alerts): approval, channels, SMS gateway, Web Push keys ---
# Alerts at or above this severity need a second person's approval ("" = never; e.g. "severe").
BINHAN_ALERTS_APPROVAL_SEVERITY = os.environ.get("BINHAN_ALERTS_APPROVAL_SEVERITY", "")
BINHAN_ALERTS_FANOUT_GROUPS = int(os.environ.get("BINHAN_ALERTS_FANOUT_GROUPS", "500"))
BINHAN_SITE_URL = os.environ.get("BINHAN_SITE_URL", "")  # absolute links in emails and SMS
BINHAN_SMS_BACKEND = os.environ.get("BINHAN_SMS_BACKEND", "locmem" if TESTING else "file")
BINHAN_SMS_URL = os.environ.get("BINHAN_SMS_URL", "")
BINHAN_SMS_TOKEN = os.environ.get("BINHAN_SMS_TOKEN", "")
BINHAN_VAPID_PUBLIC_KEY = os.environ.get("BINHAN_VAPID_PUBLIC_KEY", "")
BINHAN_VAPID_PRIVATE_KEY = os.environ.get("BINHAN_VAPID_PRIVATE_KEY", "")
BINHAN_VAPID_SUBJECT = os.environ.get("BINHAN_VAPID_SUBJECT", "")

# --- Security cameras (binhan.cameras): stream encryption, footage limits, retention ---
# Secret the stream-encryption key is derived from (HKDF); empty = SECRET_KEY (demo and tests).
BINHAN_CAMERAS_KEY = os.environ.get("BINHAN_CAMERAS_KEY", "")
# Previous secrets, comma-separated: they still decrypt until `binhan cameras-rotate-key` re-encrypts.
BINHAN_CAMERAS_OLD_KEYS = env_list("BINHAN_CAMERAS_OLD_KEYS")
BINHAN_CAMERAS_MAX_CLIP_MB = int(os.environ.get("BINHAN_CAMERAS_MAX_CLIP_MB", "200"))
BINHAN_CAMERAS_MAX_WINDOW_HOURS = int(os.environ.get("BINHAN_CAMERAS_MAX_WINDOW_HOURS", "6"))
BINHAN_CAMERAS_FOOTAGE_KEEP_DAYS = int(os.environ.get("BINHAN_CAMERAS_FOOTAGE_KEEP_DAYS", "30"))
BINHAN_CAMERAS_CASE_KEEP_DAYS = int(os.environ.get("BINHAN_CAMERAS_CASE_KEEP_DAYS", "90"))
BINHAN_CAMERAS_HEALTH_TIMEOUT = float(os.environ.get("BINHAN_CAMERAS_HEALTH_TIMEOUT", "3"))

# --- Temporary stays (binhan.residence): deadline hours, the 30-day limit, retention ---
BINHAN_STAY_DEADLINE_HOUR = int(os.environ.get("BINHAN_STAY_DEADLINE_HOUR", "23"))  # declare before this hour
BINHAN_STAY_LATE_ARRIVAL_HOUR = int(os.environ.get("BINHAN_STAY_LATE_ARRIVAL_HOUR", "8"))  # next day, for late arrivals
BINHAN_STAY_MAX_DAYS = int(os.environ.get("BINHAN_STAY_MAX_DAYS", "30"))  # from this length: temporary residence
BINHAN_STAY_RETENTION_MONTHS = int(os.environ.get("BINHAN_STAY_RETENTION_MONTHS", "12"))

# --- Statistics (binhan.stats, docs/statistics.md) ---
# How the statistics follow the outbox: "thread" (a thread in each writing process, nudged after each
# commit), "worker" (a thread of `binhan worker` reads the outbox every half second; what `binhan serve`
# sets when it runs the worker), "inline" (in the after-commit subscriber itself) or "off" (only
# `binhan stats-follow` and the worker's periodic task; the default under tests, which call the
# follower themselves).
BINHAN_STATS_FOLLOW = os.environ.get("BINHAN_STATS_FOLLOW", "off" if TESTING else "thread")
