"""Settings shared by every environment. Values that differ come from the environment."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ..logging import django_logging
from .environment import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Overridden in dev/test; prod.py insists on a real one from the environment.
SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public address (https://www.carter.example) for absolute links; see carter_site/seo.py.
SITE_URL = env_str("SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.sites",
    "django.contrib.redirects",
    "reversion",
    "reversion_compare",
    "ckeditor",
    "ckeditor_uploader",
    "carter_site",
    "locations",
    "faqs",
    "testimonials",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old addresses of renamed pages answer 301 (consulted only when a page is not found).
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
]

SITE_ID = 1

ROOT_URLCONF = "carter_site.urls"
WSGI_APPLICATION = "carter_site.wsgi.application"

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
                "carter_site.context_processors.site",
            ],
        },
    },
]

# An embedded SQLite file unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails a request (and /readyz) in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Serve MEDIA_ROOT from Django itself (development always does). For one host without a
# proxy or bucket, such as the docker compose stack; see docs/operations.md.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
# Uploaded media: files under MEDIA_ROOT (a volume in Docker) unless an S3-compatible bucket is
# named, which several web containers can share (AWS S3, MinIO, Cloudflare R2, ...).
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Credentials: these two, or boto3's own chain (instance role, AWS_PROFILE, ...).
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": env_str("AWS_LOCATION") or "media",
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or None,
            # Public media: plain URLs that cached pages can keep (signed ones expire).
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            "default_acl": None,
            "file_overwrite": False,
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: images only, checked by content, and never larger than this.
MAX_IMAGE_UPLOAD_BYTES = env_int("MAX_IMAGE_UPLOAD_BYTES", 5 * 1024 * 1024)
MAX_IMAGE_PIXELS = 40_000_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# --- Rich text editing (see docs/security.md for why CKEditor 4 is configured this way).
CKEDITOR_UPLOAD_PATH = "editor/"
CKEDITOR_ALLOW_NONIMAGE_FILES = False
CKEDITOR_IMAGE_BACKEND = "ckeditor_uploader.backends.PillowBackend"
CKEDITOR_RESTRICT_BY_DATE = True
CKEDITOR_BROWSE_SHOW_DIRS = False
CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": "Carter",
        "toolbar_Carter": [
            {"name": "styles", "items": ["Format"]},
            {"name": "basic", "items": ["Bold", "Italic", "RemoveFormat"]},
            {"name": "lists", "items": ["BulletedList", "NumberedList", "Blockquote"]},
            {"name": "links", "items": ["Link", "Unlink"]},
            {"name": "insert", "items": ["Image", "Table", "HorizontalRule"]},
            {"name": "history", "items": ["Undo", "Redo"]},
        ],
        "format_tags": "p;h2;h3;h4",
        "removePlugins": ",".join(
            [
                "sourcearea",
                "sourcedialog",
                "codesnippet",
                "iframe",
                "iframedialog",
                "forms",
                "flash",
                "templates",
                "preview",
                "exportpdf",
                "embed",
                "embedsemantic",
                "mathjax",
                "scayt",
                "wsc",
                "smiley",
                "div",
                "save",
                "newpage",
                "print",
            ]
        ),
        # Client-side filtering is a convenience only; carter_site.richtext sanitises on save.
        "disallowedContent": "script; style; iframe; object; embed; *[on*]; *{*}",
        "extraAllowedContent": "img[width,height]",
        "height": 420,
        "width": "100%",
        "language": "en",
        "entities": False,
    },
}

# Per-process memory by default; Redis, shared by every web container, when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX") or "carter",
            # A Redis that does not answer costs a request a second, not a hung worker.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "carter-site",
        }
    }

# Sessions and CSRF: the browser never sends them cross-site on a POST.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LOGIN_URL = "admin:login"


# Logs go to stdout: plain lines here, one JSON object per line in production (prod.py).
def logging_from_environment(default_format):
    try:
        return django_logging(env_str("LOG_LEVEL") or "INFO", env_str("LOG_FORMAT") or default_format)
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from None


LOGGING = logging_from_environment("plain")

# Email: printed to the console here; production sends through the SMTP server named below.
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "webmaster@localhost"
SERVER_EMAIL = env_str("SERVER_EMAIL") or DEFAULT_FROM_EMAIL
# Who gets an email about each server error (500): comma-separated addresses; none by default.
ADMINS = [(address, address) for address in env_list("ADMINS")]

# django-ckeditor warns that CKEditor 4.22 is unsupported. Accepted, with the mitigations
# in docs/security.md (no Source button, no risky plugins, server-side sanitising).
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001"]
