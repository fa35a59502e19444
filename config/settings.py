"""Settings for the blog, driven by environment variables.

Every variable is documented in the README. The defaults give a working local
site on SQLite at http://127.0.0.1:8000 with DEBUG off.
"""

import os
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url

from config.secret_key import load_or_create

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or load_or_create(BASE_DIR / ".secret_key")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

SITE_NAME = os.environ.get("SITE_NAME", "The Django Dispatch")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_DESCRIPTION = os.environ.get(
    "SITE_DESCRIPTION", "News, notes and long reads from a small publication."
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Static pages (About, Contact, ...) edited in the admin; flatpages needs the sites framework.
    "django.contrib.sites",
    "django.contrib.flatpages",
    "taggit",
    "axes",
    "blog",
]

MIDDLEWARE = [
    "blog.request_log.RequestIdMiddleware",
    "blog.content_version.OncePerRequestMiddleware",
    "blog.middleware.ViewCountMiddleware",
    # A hit returns here, with the headers of the layers below stored with the page; those
    # layers run only for pages rendered now, and for /healthz and static files.
    "blog.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "blog.middleware.PolicyHeadersMiddleware",
    "blog.middleware.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "blog.middleware.RejectNulBytesMiddleware",
    "blog.middleware.ConditionalGetMiddleware",
    # Inside the page cache, so that the redirect or 410 it makes of a 404 is cached too.
    "blog.redirects.OldAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# The one Site row; blog.apps keeps its domain and name in step with SITE_URL and SITE_NAME.
SITE_ID = 1
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blog.context_processors.site",
            ],
        },
    },
]

# Databases -----------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write view counts at once: WAL lets readers run
    # beside a writer, IMMEDIATE takes the write lock at BEGIN so a transaction
    # never fails half-way on an upgrade, and the timeout makes writers queue.
    # Connections are kept like PostgreSQL's: opening one (and its PRAGMAs) costs more
    # CPU than a cached page.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache ---------------------------------------------------------------------

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's Redis cache, degrading to misses while Redis is away.
            "BACKEND": "blog.cache_backends.ResilientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {
                "socket_connect_timeout": 1,
                "socket_timeout": 1,
                # Kept in each worker while Redis says they are unchanged (blog.near_cache):
                # the content version, pages, fragments, cards, per-version values and view counts.
                "NEAR_CACHE": {
                    "PREFIXES": [
                        "blog:content-state",
                        "blog:page:",
                        "blog:versioned:",
                        "blog:post-card:",
                        "template.cache.",
                        "blog:view-count:",
                    ],
                    "MAX_BYTES": env_int("NEAR_CACHE_MB", 16) * 1024 * 1024,
                },
            },
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "blog"),
        }
    }
else:
    # Shared by every local worker, unlike the per-process memory cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / ".cache")),
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "blog"),
        }
    }

# Auth ----------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The admin's address; moving it off /admin/ keeps most password-guessing bots away.
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin").strip("/") + "/"
# Lock an address out of one account after repeated failures; `manage.py axes_reset` lifts it.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "blog.client_ip.client_ip"
# How many proxies append to X-Forwarded-For in front of the site (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

# Internationalisation --------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# Static files and media --------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "blog.static_storage.StaticFilesStorage"},
}
if os.environ.get("S3_BUCKET"):
    # Uploads shared by several app servers (pip install '.[s3]'): any S3-compatible store.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "custom_domain": os.environ.get("S3_CUSTOM_DOMAIN") or None,
            "file_overwrite": False,
            "querystring_auth": False,
        },
    }

# Security ------------------------------------------------------------------
# HTTPS-only settings have their own switches so that the local site, with
# DEBUG off, still works over plain http on 127.0.0.1.

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The admin sets a few style attributes; scripts stay strictly same-origin.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Email ---------------------------------------------------------------------
# EMAIL_URL: smtp://user:password@host:587?tls=1 (or ?ssl=1); unset prints mail to stdout.


def email_settings(url: str) -> dict:
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parts = urlsplit(url)
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    default_port = {"smtps": 465, "submission": 587}.get(parts.scheme, 25)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or default_port,
        # A slow mail server must not hold a worker for long.
        "EMAIL_TIMEOUT": 10,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": options.get("tls") in {"1", "true"} or parts.scheme == "submission",
        "EMAIL_USE_SSL": options.get("ssl") in {"1", "true"} or parts.scheme == "smtps",
    }


globals().update(email_settings(os.environ.get("EMAIL_URL", "")))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = getaddresses([os.environ.get("ADMINS", "")])
ADMINS = [(name, address) for name, address in ADMINS if address]

# Tags ----------------------------------------------------------------------

TAGGIT_TAGS_FROM_STRING = "blog.tagging.parse_tags"
TAGGIT_STRING_FROM_TAGS = "blog.tagging.join_tags"

# Blog ----------------------------------------------------------------------

POSTS_PER_PAGE = 10
# Searches a minute per client address; 0 turns the limit off.
SEARCH_RATE_LIMIT = env_int("SEARCH_RATE_LIMIT", 60)
# Anonymous pages are cached this long: a view count shown on one can be that much older.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60)
PAGE_CACHE_EXCLUDED_PREFIXES = (
    f"/{ADMIN_URL}",
    "/preview/",
    "/reset/",
    "/healthz",
    "/static/",
    "/media/",
)
VIEW_COUNT_COOKIE_MAX_AGE = 30 * 60
# Cover uploads larger than this many bytes or pixels are refused: decoding a huge image
# takes memory in proportion to its pixels, not its file size.
COVER_MAX_BYTES = env_int("COVER_MAX_BYTES", 10 * 1024 * 1024)
COVER_MAX_PIXELS = env_int("COVER_MAX_PIXELS", 25_000_000)
# How long a shared preview link works; any change to the post revokes it sooner.
SHARED_PREVIEW_DAYS = env_int("SHARED_PREVIEW_DAYS", 7)
# Revisions kept per post; the oldest go as new ones are recorded.
POST_REVISIONS_KEPT = env_int("POST_REVISIONS_KEPT", 50)

# Logging -------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "blog.request_log.RequestIdFilter"},
        "skip_503": {"()": "blog.request_log.SkipServiceUnavailable"},
    },
    "formatters": {"json": {"()": "blog.request_log.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["request_id", "skip_503"],
        },
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "django.request": {"handlers": ["stdout", "mail_admins"], "propagate": False},
    },
}
