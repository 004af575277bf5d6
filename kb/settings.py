"""Settings for kb, all from the environment (see `.env.example` and the
README's table), read and cast by `kb.env`: a value that does not parse
stops start-up with an error naming the variable.

Defaults suit a developer machine: with no `DATABASE_URL` the demo runs on an
SQLite file; production sets `DEBUG=0`, `SECRET_KEY`, `ALLOWED_HOSTS` and a
PostgreSQL `DATABASE_URL`.
"""

import os
import tempfile

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from environs import validate

from kb.env import BASE_DIR, env
from kb.logs import JSON_FORMATTER
from kb.net import parse_networks, trusted_networks

DEBUG = env.bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env.names("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

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
    # First: kb's bounds on the URL, the headers and the time a request takes.
    "kb.bounds.RequestBoundsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A NUL or a regex lookup in an admin URL is a 400 on every admin page.
    "glossary.admin.guards.AdminGuardMiddleware",
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
                "glossary.context_processors.site",
            ],
        },
    },
]

# PostgreSQL in tests and production; an SQLite file for the no-setup demo.
# (Lower case: not a setting, so the URL's password never shows on an error page.)
database_url = env.str("DATABASE_URL", "") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            database_url,
            conn_max_age=env.int("CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
except ValueError as error:  # dj-database-url's errors do not name the setting
    message = f"DATABASE_URL is not a database URL: {error}"
    raise ImproperlyConfigured(message) from error
# Web processes (kb/gunicorn.py sets it) stop any one query after this many
# seconds, short of the request's own bound; 0 (commands, the job worker):
# no bound.
KB_STATEMENT_TIMEOUT_SECONDS = env.float("KB_STATEMENT_TIMEOUT_SECONDS", 0)
if KB_STATEMENT_TIMEOUT_SECONDS > 0 and DATABASES["default"]["ENGINE"].endswith(
    "postgresql"
):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={int(KB_STATEMENT_TIMEOUT_SECONDS * 1000)}"
    )

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
TIME_ZONE = env.str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("KB_STATIC_ROOT", BASE_DIR / "staticfiles")
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
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.names("CSRF_TRUSTED_ORIGINS", "")
# Trust X-Forwarded-Proto only when a proxy that sets it is configured.
if env.bool("KB_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxies in front of kb (addresses or networks, comma-separated):
# X-Forwarded-For is read only on requests that arrive from one of them, so
# a client reaching gunicorn directly cannot choose its address (throttles
# and login lockouts key on it; see kb/net.py). The old count of proxies
# trusted any sender and is refused.
KB_TRUSTED_PROXIES = env.names("KB_TRUSTED_PROXIES", "")
trusted_networks(tuple(KB_TRUSTED_PROXIES))  # refuses a non-address at start-up
if os.environ.get("KB_NUM_PROXIES"):  # retired; not read as a setting
    raise ImproperlyConfigured(
        "KB_NUM_PROXIES is gone: list the proxies' addresses in KB_TRUSTED_PROXIES."
    )

# Request bodies: the link endpoint takes up to 1 MB of JSON.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("KB_MAX_BODY_BYTES", 1024 * 1024)
# kb's bounds on a request (kb/bounds.py), under gunicorn's raised limits so
# the refusal is kb's (JSON under /api/): the URL, the number of headers and
# each header's size; and the time a request may take (kb/deadline.py; set
# for web processes by kb/gunicorn.py, short of its worker timeout).
KB_MAX_URL_BYTES = env.int("KB_MAX_URL_BYTES", 16384)
KB_MAX_HEADERS = env.int("KB_MAX_HEADERS", 100)
KB_MAX_HEADER_BYTES = env.int("KB_MAX_HEADER_BYTES", 8190)
KB_REQUEST_TIMEOUT_SECONDS = env.float("KB_REQUEST_TIMEOUT_SECONDS", 0)

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
AXES_FAILURE_LIMIT = env.int("KB_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "kb.net.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# A shared cache (Redis) when configured, so every app process agrees.
redis_url = env.str("REDIS_URL", "")
if redis_url:
    # Fail soft (kb/cache.py): Redis down is no cache, logged, never a 500;
    # short timeouts so an unreachable host costs little.
    CACHES = {
        "default": {
            "BACKEND": "kb.cache.FailSoftRedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    # An import's file waits between preview and confirm; with several app
    # servers it must wait somewhere they all see.
    IMPORT_EXPORT_TMP_STORAGE_CLASS = "glossary.import_export.SharedTmpStorage"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long a process leaves an unreachable Redis alone before trying again.
KB_CACHE_RETRY_SECONDS = env.float("KB_CACHE_RETRY_SECONDS", 5.0)
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# The API (glossary/api): JSON only, read by anyone, written with a staff
# token; pages capped at 100 items; every error one JSON shape. Rates are per
# client address (kb.net.client_ip decides which one); an empty rate turns that
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
        "anon": env.str("KB_API_ANON_RATE", "1200/minute") or None,
        "user": env.str("KB_API_USER_RATE", "6000/minute") or None,
    },
    "DEFAULT_PAGINATION_CLASS": "glossary.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
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
    # Errors, caching headers and empty parameters for every operation
    # (glossary/api/schema.py), then the library's own enum hook.
    "POSTPROCESSING_HOOKS": [
        "glossary.api.schema.document_errors_and_caching",
        "drf_spectacular.hooks.postprocess_schema_enums",
    ],
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
CORS_ALLOWED_ORIGINS = env.names("KB_CORS_ALLOWED_ORIGINS", "")
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
        "json": JSON_FORMATTER,
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str(
                "KB_LOG_FORMAT",
                "text" if DEBUG else "json",
                validate=validate.OneOf(["json", "text"]),
            ),
        }
    },
    "root": {"handlers": ["console"], "level": env.log_level("LOG_LEVEL", "INFO")},
}

# kb's own settings.
KB_SHOW_NAME = env.str("KB_SHOW_NAME", "The Retort")
# The site's name when kb holds several shows (or always, when set); one show
# names the site itself (glossary/context_processors.py).
KB_SITE_NAME = env.str("KB_SITE_NAME", "")
KB_TRANSCRIPT_MAX_BYTES = env.int("KB_TRANSCRIPT_MAX_BYTES", 20 * 1024 * 1024)
# How long rendered API bodies are reused (keyed by their ETag).
KB_API_CACHE_SECONDS = env.int("KB_API_CACHE_SECONDS", 300)
# From this many terms on, a changed glossary's matcher is built by a thread
# while requests keep the previous one (glossary/matchers.py).
KB_LINKER_BACKGROUND_TERMS = env.int("KB_LINKER_BACKGROUND_TERMS", 2000)
# Where the host's processes share built matchers (pickled, one file per
# glossary version); empty turns sharing off, and every process builds its own.
KB_LINKER_CACHE_DIR = env.str(
    "KB_LINKER_CACHE_DIR",
    os.path.join(tempfile.gettempdir(), f"kb-linker-{os.getuid()}"),
)
# What one transcript may hold (glossary/transcripts/limits.py), so the work
# on a file is bounded.
KB_TRANSCRIPT_MAX_SECONDS = env.float("KB_TRANSCRIPT_MAX_SECONDS", 172800.0)
KB_TRANSCRIPT_MAX_SEGMENTS = env.int("KB_TRANSCRIPT_MAX_SEGMENTS", 100000)
KB_TRANSCRIPT_MAX_CUES = env.int("KB_TRANSCRIPT_MAX_CUES", 200000)
KB_TRANSCRIPT_MAX_SPEAKERS = env.int("KB_TRANSCRIPT_MAX_SPEAKERS", 500)
KB_TRANSCRIPT_MAX_PEOPLE = env.int("KB_TRANSCRIPT_MAX_PEOPLE", 200)
# Uploads (the API and the admin): the largest file taken (larger ones go
# through `manage.py ingest_transcript`), and the largest ingested inside the
# request, well within gunicorn's worker timeout; larger ones are stored in
# KB_UPLOAD_DIR and ingested by the job worker (glossary/services/uploads.py).
# Several machines need KB_UPLOAD_DIR shared, or another storage backend
# under STORAGES["transcripts"].
KB_UPLOAD_MAX_BYTES = env.int("KB_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
KB_UPLOAD_INLINE_MAX_BYTES = env.int("KB_UPLOAD_INLINE_MAX_BYTES", 1024 * 1024)
# A relative path is the project's (BASE_DIR), whatever directory a web
# process or the worker was started from: both must find the same files.
KB_UPLOAD_DIR = BASE_DIR / env.path("KB_UPLOAD_DIR", BASE_DIR / "var" / "uploads")
# Where Django spools uploads over 2.5 MB while it reads them (default: the
# system's temporary directory); a full disk there is a 507, not a 500.
FILE_UPLOAD_TEMP_DIR = env.str("KB_UPLOAD_TEMP_DIR", "") or None
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "kb.upload_handlers.NoRoomAwareUploadHandler",
]
STORAGES["transcripts"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": KB_UPLOAD_DIR},
}

# Wikipedia enrichment: who kb says it is (Wikimedia asks for a contact), and
# how long answers are reused without a request (0 turns the cache off).
KB_WIKIPEDIA_USER_AGENT = env.str(
    "KB_WIKIPEDIA_USER_AGENT",
    "kb/0.1 (https://github.com/kb-glossary/kb; kb@example.org)",
)
KB_WIKIPEDIA_CACHE_SECONDS = env.int("KB_WIKIPEDIA_CACHE_SECONDS", 86400)
KB_WIKIPEDIA_MISS_CACHE_SECONDS = env.int("KB_WIKIPEDIA_MISS_CACHE_SECONDS", 3600)

# Importing a show from its podcast feed. A feed or transcript host is the
# outside world: every request is bounded.
KB_FEED_MAX_BYTES = env.int("KB_FEED_MAX_BYTES", 20 * 1024 * 1024)
KB_FEED_MAX_ITEMS = env.int("KB_FEED_MAX_ITEMS", 5000)
KB_FETCH_TIMEOUT_SECONDS = env.float("KB_FETCH_TIMEOUT_SECONDS", 20.0)
KB_FETCH_MAX_REDIRECTS = env.int("KB_FETCH_MAX_REDIRECTS", 5)
# Internal networks feeds may be fetched from all the same (kb/net.py): none by
# default; "127.0.0.1/32" for a feed served on this machine.
KB_FETCH_ALLOWED_NETWORKS = env.names("KB_FETCH_ALLOWED_NETWORKS", "")
parse_networks(tuple(KB_FETCH_ALLOWED_NETWORKS), "KB_FETCH_ALLOWED_NETWORKS")
KB_FETCH_USER_AGENT = env.str(
    "KB_FETCH_USER_AGENT",
    "kb/0.1 podcast glossary feed importer (https://github.com/kb-glossary/kb)",
)
# Background jobs: django-tasks' database backend, on whatever database kb
# uses (PostgreSQL, or the demo's SQLite); `manage.py db_worker` runs them.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
