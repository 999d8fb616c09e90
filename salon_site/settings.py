"""Settings for the 盐沙龙 transcript site: one module, configured from the environment.

Every variable is read through a small typed helper that fails loudly (ImproperlyConfigured)
on a value it cannot understand, instead of guessing.

| variable               | default                          |
| ---------------------- | -------------------------------- |
| DJANGO_DEBUG           | off                              |
| DJANGO_SECRET_KEY      | required unless DEBUG is on      |
| DJANGO_ALLOWED_HOSTS   | localhost,127.0.0.1 (comma list) |
| DJANGO_CSRF_TRUSTED_ORIGINS | none (comma list of https://host) |
| DJANGO_SECURE_SSL_REDIRECT | on unless DEBUG (0: plain http)   |
| DJANGO_SESSION_COOKIE_SECURE, DJANGO_CSRF_COOKIE_SECURE | on unless DEBUG |
| DJANGO_SECURE_HSTS_SECONDS | 31536000 unless DEBUG (then 0)    |
| DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS, DJANGO_SECURE_HSTS_PRELOAD | on unless DEBUG |
| DJANGO_SECURE_REFERRER_POLICY | same-origin                    |
| DJANGO_SECURE_PROXY_SSL_HEADER | none (X-Forwarded-Proto behind a TLS proxy) |
| DATABASE_URL           | sqlite:///<project>/db.sqlite3   |
| DJANGO_CONN_MAX_AGE    | 60 (seconds a connection is kept) |
| DJANGO_SQLITE_TIMEOUT  | 60 (seconds a SQLite writer waits for another) |
| DATABASE_REPLICA_URL   | none (a read replica: reads go there, salon_site/routers.py) |
| REDIS_URL              | none (files in DJANGO_CACHE_DIR, shared on this machine) |
| DJANGO_CACHE_DIR       | <project>/var/cache (the cache without REDIS_URL) |
| SEARCH_BACKEND         | database (FTS5 / tsvector) or tantivy (needs the `tantivy` extra) |
| SEARCH_INDEX_DIR       | <sqlite file>-tantivy, or <project>/var/search (the tantivy index) |
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, on/off)")


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"the environment variable {name} is required")
    return value


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (the first is the default)."""
    value = env_str(name, "").strip().lower() or choices[0]
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(choices)}")
    return value


DEBUG = env_bool("DJANGO_DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env_str(
        "DJANGO_SECRET_KEY", "django-insecure-development-only-key-not-for-production"
    )
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    if len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 32 characters long")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# Security: with DEBUG off the site is https only, whatever the environment forgets to say; each
# setting can be turned off on purpose (DJANGO_SECURE_SSL_REDIRECT=0 for a plain-http loopback
# load test). `manage.py check --deploy` is clean with these defaults.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = env_str("DJANGO_SECURE_REFERRER_POLICY", "same-origin")
X_FRAME_OPTIONS = "DENY"


def _proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """DJANGO_SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto: trust that header's "https" (only behind
    a TLS-terminating proxy that always sets it). Unset: no proxy header is trusted."""
    header = env_str(name, "").strip()
    if not header:
        return None
    if not re.fullmatch(r"[A-Za-z0-9-]+", header):
        raise ImproperlyConfigured(f"{name}={header!r} is not a header name (X-Forwarded-Proto)")
    return ("HTTP_" + header.upper().replace("-", "_"), "https")


SECURE_PROXY_SSL_HEADER = _proxy_ssl_header("DJANGO_SECURE_PROXY_SSL_HEADER")

# Content-Security-Policy (django-csp): only our own scripts, styles and images, no inline script,
# no framing, forms post only here. Reader pages carry no inline code at all, so cached pages need
# no nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        # an event's recording (Event.recording_url) plays in the page with the browser's own
        # player, and editors host it wherever they can (a CDN, an archive): any https origin,
        # for media only. Media cannot run code, so this widens nothing that scripts could use.
        "media-src": [SELF, "https:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "taggit",
    "ninja",
    "axes",
    "reversion",
    "django_htmx",
    "transcripts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses every text answer the site renders, cached or not: pages served by the page
    # cache below come out already gzipped (a stored gzip copy, Content-Encoding set, so this
    # leaves them alone), the rest (search, admin, API, error pages) is compressed here. Inside
    # whitenoise, which serves its own precompressed static files. BREACH: the reader pages carry
    # no secret (their forms are GETs without a CSRF token); the admin's forms do, but Django
    # masks the CSRF token anew in every response and this middleware pads each gzip stream with
    # random bytes (Heal-the-BREACH, Django 4.2+), so compressing the admin is safe as well.
    "django.middleware.gzip.GZipMiddleware",
    # serves stored pages to anonymous readers before the session, locale and auth layers run
    "transcripts.middleware.PageCacheMiddleware",
    # a lost database connection: a 503 page with Retry-After, not a traceback
    "transcripts.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: the editors' workbench answers htmx requests with page fragments
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # a login refused for too many failures gets the lockout page (salon_site/login_throttling.py)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "salon_site.urls"

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
                "django.template.context_processors.i18n",
                "transcripts.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "salon_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Persistent connections: opening one per request costs more than a cached page.
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL: readers keep reading while an import writes; NORMAL sync is safe with WAL.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        # a 64 MB page cache: the search index is read hard
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
    )
    # A write transaction takes the write lock when it begins, and a second writer (an editor
    # saving during a long import) waits for it instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["timeout"] = env_int("DJANGO_SQLITE_TIMEOUT", 60)
# An optional read replica: reads outside a transaction go to it, writes and everything inside a
# transaction (imports, admin saves) to DATABASE_URL (salon_site/routers.py).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
        test_options={"MIRROR": "default"},  # tests read what they wrote
    )
    DATABASE_ROUTERS = ["salon_site.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Logins: django-axes refuses a client address or an account, after DJANGO_LOGIN_FAILURE_LIMIT
# failed logins, for DJANGO_LOGIN_LOCKOUT_MINUTES (each failure meanwhile starts the wait again);
# the right password does not get in meanwhile. Failures are counted in the database, so every
# worker agrees. Behind a proxy REMOTE_ADDR is the proxy's: DJANGO_CLIENT_IP_HEADER names the
# header that carries the client's address (X-Forwarded-For, X-Real-IP), set only by the proxy.
AUTHENTICATION_BACKENDS = [
    "salon_site.login_throttling.LoginThrottleBackend",  # first: a locked-out login stops here
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("DJANGO_LOGIN_THROTTLING", default=True)
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
_LOCKOUT_MINUTES = env_int("DJANGO_LOGIN_LOCKOUT_MINUTES", 15)
if AXES_FAILURE_LIMIT < 1 or _LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured(
        "DJANGO_LOGIN_FAILURE_LIMIT and DJANGO_LOGIN_LOCKOUT_MINUTES must be at least 1"
    )
AXES_COOLOFF_TIME = timedelta(minutes=_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]  # either one, alone, is enough to lock
AXES_RESET_ON_SUCCESS = True  # a good login forgets the earlier failures
AXES_LOCKOUT_CALLABLE = "salon_site.login_throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "salon_site.login_throttling.client_ip"
_client_ip_header = env_str("DJANGO_CLIENT_IP_HEADER", "").strip()
if _client_ip_header and not re.fullmatch(r"[A-Za-z0-9-]+", _client_ip_header):
    raise ImproperlyConfigured(
        f"DJANGO_CLIENT_IP_HEADER={_client_ip_header!r} is not a header name (X-Forwarded-For)"
    )
CLIENT_IP_HEADER = (
    "HTTP_" + _client_ip_header.upper().replace("-", "_") if _client_ip_header else ""
)
# After logging in without a ?next=, editors land on the admin's index (not /accounts/profile/).
LOGIN_REDIRECT_URL = "admin:index"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# A CJK font for quote share cards; empty: search fonts-noto-cjk (transcripts.share_card)
SHARE_CARD_FONT = env_str("SHARE_CARD_FONT", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# The cache (salon_site/cache.py: a cache that fails is a miss, never an error). Keys carry the
# database they were made from, so sites or checks on other databases never read each other's
# pages from one Redis or one folder.
#   REDIS_URL set: Redis, shared by every process on every machine.
#   otherwise: files in DJANGO_CACHE_DIR (default var/cache in the project), shared by every
#   process on this machine: gunicorn's workers, and the import_event and admin runs that must
#   make them forget a changed page.
#   the test suite (pytest sets PYTEST_VERSION): each process's own memory, unless
#   DJANGO_CACHE_DIR says otherwise, so suites run side by side never share a page.
REDIS_URL = env_str("REDIS_URL", "")
CACHE_DIR = env_str("DJANGO_CACHE_DIR", "")
_database = DATABASES["default"]
CACHE_KEY_PREFIX = (
    "salon-"
    + hashlib.sha256(
        "|".join(
            str(_database.get(part) or "") for part in ("ENGINE", "HOST", "PORT", "NAME")
        ).encode()
    ).hexdigest()[:12]
)
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} is not a redis:// or unix:// URL")
    CACHES = {
        "default": {
            "BACKEND": "salon_site.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
elif CACHE_DIR or "PYTEST_VERSION" not in os.environ:
    CACHES = {
        "default": {
            "BACKEND": "salon_site.cache.ResilientFileCache",
            "LOCATION": str(Path(CACHE_DIR or BASE_DIR / "var" / "cache").resolve()),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # pages, gzipped and not, for a few hundred events; the oldest third goes when full
            "OPTIONS": {"MAX_ENTRIES": 5000, "CULL_FREQUENCY": 3},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

# Full-text search: the database's own index (SQLite FTS5, PostgreSQL tsvectors), or a Tantivy
# index in a folder beside the database, kept in step through an outbox table
# (transcripts/search/backends/tantivy.py). The folder is made when first used.
SEARCH_BACKEND = env_choice("SEARCH_BACKEND", ("database", "tantivy"))
if SEARCH_BACKEND == "tantivy":
    try:
        import tantivy  # noqa: F401
    except ImportError:
        raise ImproperlyConfigured(
            "SEARCH_BACKEND=tantivy needs the tantivy package: pip install '.[tantivy]'"
        ) from None
_sqlite_file = _database["NAME"] if _database["ENGINE"].endswith("sqlite3") else ""
SEARCH_INDEX_DIR = Path(
    env_str("SEARCH_INDEX_DIR", "")
    or (f"{_sqlite_file}-tantivy" if _sqlite_file else BASE_DIR / "var" / "search")
).resolve()

# Taggit keeps Chinese in tag slugs (百模大战 stays 百模大战); tags match case-insensitively.
TAGGIT_CASE_INSENSITIVE = True

# Quotes show half-width ,:;?!() between Chinese characters full-width (the text is unchanged).
TRANSCRIPTS_FULLWIDTH_PUNCTUATION = env_bool("TRANSCRIPTS_FULLWIDTH_PUNCTUATION", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
