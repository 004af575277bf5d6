"""Settings for kb, all from the environment (see the README's table).

Defaults suit a developer machine: with no `DATABASE_URL` the demo runs on an
SQLite file; production sets `DEBUG=0`, `SECRET_KEY`, `ALLOWED_HOSTS` and a
PostgreSQL `DATABASE_URL`.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "axes",
    "glossary",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns lockouts into responses.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "kb.urls"
WSGI_APPLICATION = "kb.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# PostgreSQL in tests and production; an SQLite file for the no-setup demo.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("KB_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names in production; plain files while developing.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security. Strict unless DEBUG is on: `check --deploy` passes as configured.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Trust X-Forwarded-Proto only when a proxy that sets it is configured.
if env_bool("KB_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies append to X-Forwarded-For in front of kb; the client's
# address is read that many entries from the right, so a forged header
# cannot choose it (throttles and login lockouts key on it).
KB_NUM_PROXIES = int(os.environ.get("KB_NUM_PROXIES", "0"))

# Request bodies: the link endpoint takes up to 1 MB of JSON.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("KB_MAX_BODY_BYTES", str(1024 * 1024)))

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The admin sets a few inline style attributes.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'", "https:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Admin login throttle (django-axes): a username at one address is locked out
# for an hour after five failures.
AXES_FAILURE_LIMIT = int(os.environ.get("KB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "kb.net.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# A shared cache (Redis) when configured, so every app process agrees.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    # An import's file waits between preview and confirm; with several app
    # servers it must wait somewhere they all see.
    IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# The API (glossary/api): JSON only, read by anyone, written with a staff
# token; pages capped at 100 items; every error one JSON shape. Rates are per
# client address (KB_NUM_PROXIES decides which one); an empty rate turns that
# throttle off.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [
        "glossary.api.throttling.AnonRateThrottle",
        "glossary.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("KB_API_ANON_RATE", "1200/minute") or None,
        "user": os.environ.get("KB_API_USER_RATE", "6000/minute") or None,
    },
    "NUM_PROXIES": KB_NUM_PROXIES,
    "DEFAULT_PAGINATION_CLASS": "glossary.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "glossary.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "glossary.api.errors.exception_handler",
}

# OpenAPI 3 (drf-spectacular): served at /api/schema/, committed as
# docs/openapi.yaml. The docs page serves Swagger UI from kb's own static
# files (drf-spectacular-sidecar), so it works offline under the site's CSP.
SPECTACULAR_SETTINGS = {
    "TITLE": "kb API",
    "DESCRIPTION": (
        "The podcast glossary for the show-notes site: published concepts, "
        "where each episode cites them, and the whole glossary as JSON-LD. "
        "Read-only and anonymous; transcript uploads need a staff token."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AliasKindEnum": "glossary.models.Alias.Kind",
        "TermKindEnum": "glossary.models.Term.Kind",
        "RoleEnum": "glossary.models.Appearance.Role",
        "TranscriptFormatEnum": "glossary.models.Episode.TranscriptFormat",
    },
}

# Cross-origin reads for the show-notes site (django-cors-headers): only the
# origins listed in KB_CORS_ALLOWED_ORIGINS ("https://shownotes.example.org,
# http://localhost:5173"), only under /api/, never with cookies.
CORS_ALLOWED_ORIGINS = env_list("KB_CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "content-type",
    "if-modified-since",
    "if-none-match",
]
CORS_EXPOSE_HEADERS = ["etag", "last-modified", "retry-after", "location"]
CORS_PREFLIGHT_MAX_AGE = 86400

# Logs go to standard output: JSON lines in production, plain text while
# developing (KB_LOG_FORMAT=json|text).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
            },
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("KB_LOG_FORMAT", "text" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# kb's own settings.
KB_SHOW_NAME = os.environ.get("KB_SHOW_NAME", "The Retort")
KB_TRANSCRIPT_MAX_BYTES = int(
    os.environ.get("KB_TRANSCRIPT_MAX_BYTES", str(20 * 1024 * 1024))
)

# Wikipedia enrichment: who kb says it is (Wikimedia asks for a contact), and
# how long answers are reused without a request (0 turns the cache off).
KB_WIKIPEDIA_USER_AGENT = os.environ.get(
    "KB_WIKIPEDIA_USER_AGENT",
    "kb/0.1 (https://github.com/kb-glossary/kb; kb@example.org)",
)
KB_WIKIPEDIA_CACHE_SECONDS = int(os.environ.get("KB_WIKIPEDIA_CACHE_SECONDS", "86400"))
KB_WIKIPEDIA_MISS_CACHE_SECONDS = int(
    os.environ.get("KB_WIKIPEDIA_MISS_CACHE_SECONDS", "3600")
)

# show: importing a show from its podcast feed (issue 13). A feed or
# transcript host is the outside world: every request is bounded.
KB_FEED_MAX_BYTES = int(os.environ.get("KB_FEED_MAX_BYTES", str(20 * 1024 * 1024)))
KB_FEED_MAX_ITEMS = int(os.environ.get("KB_FEED_MAX_ITEMS", "5000"))
KB_FETCH_TIMEOUT_SECONDS = float(os.environ.get("KB_FETCH_TIMEOUT_SECONDS", "20"))
KB_FETCH_MAX_REDIRECTS = int(os.environ.get("KB_FETCH_MAX_REDIRECTS", "5"))
KB_FETCH_USER_AGENT = os.environ.get(
    "KB_FETCH_USER_AGENT",
    "kb/0.1 podcast glossary feed importer (https://github.com/kb-glossary/kb)",
)
# Background jobs: django-tasks' database backend, on whatever database kb
# uses (PostgreSQL, or the demo's SQLite); `manage.py db_worker` runs them.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
