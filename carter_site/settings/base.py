"""Settings shared by every environment. Values that differ come from the environment."""

import datetime as dt
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from ..logging import django_logging
from ..release import fingerprint
from .environment import (
    cache_folder,
    database_config,
    domain,
    email_address,
    email_addresses,
    email_backend,
    env_bool,
    env_int,
    env_list,
    env_path,
    env_str,
    mail_host,
    origins,
    redis_url,
    site_url,
    temporary_folder,
    time_zone,
    url_path,
)

# Upper bounds on numbers from the environment: past them Python cannot build the date or the
# socket timeout (AXES_COOLOFF_MINUTES=10**20 was an OverflowError), or the value is a typo.
DAY = 24 * 60 * 60

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Uploads in progress and the default cache folder need one: a read-only container without a
# tmpfs on /tmp stops here with a sentence that says so.
_temporary_folder = temporary_folder()

# Overridden in dev/test; prod.py insists on a real one from the environment.
SECRET_KEY = env_str("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = origins("CSRF_TRUSTED_ORIGINS")
# The public address (https://www.carter.example) for absolute links; see carter_site/seo.py.
SITE_URL = site_url("SITE_URL")

INSTALLED_APPS = [
    # Django's admin, on the site class that adds two-step sign-in (carter_site.two_factor).
    "carter_site.admin_config.CarterAdminConfig",
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
    # Security (docs/security.md): CSP headers, login lockout, two-step sign-in for staff.
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "carter_site",
    "locations",
    "faqs",
    "testimonials",
    "articles",
    "pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response (docs/security.md). Keep
    # it above any page-cache middleware, so pages served from the cache get the headers too.
    "carter_site.security.SecurityHeadersMiddleware",
    # A page asked for at an address written another way ("/privacy%2F", "/media/editor/./x.png")
    # is led to the address as it is written (carter_site.redirects). Above WhiteNoise and the page
    # cache, which would serve the copy.
    "carter_site.redirects.OneAddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The page cache (carter_site.caching, docs/performance.md): anonymous GET/HEAD of public pages.
    # Below the middleware that adds headers to every response (security headers, CSP) and
    # WhiteNoise, so cached pages still get those headers and static files never reach it; above
    # sessions, auth and everything else, which a page served from the cache skips.
    "carter_site.caching.PageCacheMiddleware",
    # Counts the public addresses answered 404, for the admin's "Addresses not found" (a path
    # and a number, nobody's visit: carter_site.not_found). Above the middleware that may still
    # redirect a 404 (a slash added, an old address), so it counts only what visitors got.
    "carter_site.not_found.NotFoundMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's CommonMiddleware, adding a slash only where that leads to a page (carter_site.redirects).
    "carter_site.redirects.AppendSlashMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor (carter_site.two_factor).
    "django_otp.middleware.OTPMiddleware",
    # Who is signed in, for the email telling a staff member that how they sign in changed
    # (carter_site.sign_in_notices).
    "carter_site.sign_in_notices.CurrentRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old addresses of renamed pages answer 301 (consulted only when a page is not found), with
    # or without a query string after them (carter_site.redirects).
    "carter_site.redirects.OldAddressMiddleware",
    # A database that does not answer gets a calm 503 page, not a 500 (carter_site.security). Keep
    # it below any page-cache middleware, so cached pages are still served during an outage.
    "carter_site.security.DatabaseOutageMiddleware",
    # Login lockout (django-axes): its documentation asks for the last place.
    "axes.middleware.AxesMiddleware",
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
    "default": database_config(
        "DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0, maximum=DAY),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails a request (and /readyz) in seconds, not minutes.
    # 2 s is the least libpq honours; a public page then answers within about that much.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DB_CONNECT_TIMEOUT", 2, minimum=1, maximum=300)
    )
# Behind a pooler in transaction mode (PgBouncer's pool_mode = transaction), each transaction may
# run on another server connection: a server-side cursor, which QuerySet.iterator() opens outside
# a transaction, is then gone before its rows are fetched. Client-side cursors read all the rows
# at once instead (docs/operations.md, "Connection poolers").
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)
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
TIME_ZONE = time_zone("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_path("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_path("MEDIA_ROOT", str(BASE_DIR / "media")))
# Django refuses this too, but only once static files are first needed: in a traceback at
# gunicorn's start, or in a 500 on every page.
if MEDIA_ROOT.resolve() == STATIC_ROOT.resolve():
    raise ImproperlyConfigured(
        f"MEDIA_ROOT and STATIC_ROOT are the same folder, {MEDIA_ROOT.resolve()}: keep uploads apart from the "
        "collected static files (the image's defaults are /app/media and /app/staticfiles)."
    )
# Serve MEDIA_ROOT from Django itself (development always does). For one host without a
# proxy or bucket, such as the docker compose stack; see docs/operations.md.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
# Uploaded media: files under MEDIA_ROOT (a volume in Docker) unless an S3-compatible bucket is
# named, which several web containers can share (AWS S3, MinIO, Cloudflare R2, ...).
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
# The host name media addresses are written with (https:// before it); checked in every
# environment, since it also names the Content-Security-Policy's media origin below.
AWS_S3_CUSTOM_DOMAIN = domain("AWS_S3_CUSTOM_DOMAIN")
if AWS_STORAGE_BUCKET_NAME:
    from botocore.config import Config as _BotoConfig

    MEDIA_STORAGE = {
        # django-storages' S3 storage, whose writes never replace an object (carter_site/storage.py).
        "BACKEND": "carter_site.storage.MediaBucketStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Credentials: these two, or boto3's own chain (instance role, AWS_PROFILE, ...).
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "custom_domain": AWS_S3_CUSTOM_DOMAIN or None,
            "location": env_str("AWS_LOCATION") or "media",
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or None,
            # Public media: plain URLs that cached pages can keep (signed ones expire).
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", False),
            "default_acl": None,
            "file_overwrite": False,
            # A bucket that does not answer fails a request within gunicorn's 30 seconds (two
            # tries of 3 s to connect and 10 s to answer), with a message, instead of holding
            # the worker until gunicorn kills it and the editor's change with it.
            "client_config": _BotoConfig(
                connect_timeout=3, read_timeout=10, retries={"mode": "standard", "max_attempts": 2}
            ),
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: images only, checked by content, and never larger than this.
MAX_IMAGE_UPLOAD_BYTES = env_int(
    "MAX_IMAGE_UPLOAD_BYTES", 5 * 1024 * 1024, minimum=1, maximum=100 * 1024 * 1024
)
MAX_IMAGE_PIXELS = 40_000_000
# The most form data (files apart) Django reads from one request; above it, the answer is a bare
# 400 page and an editor loses what they typed. It is the largest rich text (2 MB,
# carter_site.richtext.MAX_RICH_TEXT_BYTES) with room for a picture or two pasted into the editor
# by mistake (a 3 MB photo is about 4 MB once pasted), so those reach the form and get a message.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# --- Rich text editing (see docs/security.md for why CKEditor 4 is configured this way).
CKEDITOR_UPLOAD_PATH = "editor/"
CKEDITOR_ALLOW_NONIMAGE_FILES = False
CKEDITOR_IMAGE_BACKEND = "carter_site.editor_uploads.PictureBackend"  # and smaller copies for phones
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
        # The Link dialog: no tabs whose settings the sanitiser drops (a target, a class, an id),
        # https:// first; static/js/link-dialog.js takes ftp:// and news:// out of its list.
        "linkShowAdvancedTab": False,
        "linkShowTargetTab": False,
        "linkDefaultProtocol": "https://",
        "extraAllowedContent": "img[width,height]",
        "height": 420,
        "width": "100%",
        "language": "en",
        "entities": False,
    },
}
# An FAQ's answer shows under its question, a heading: its editor has no headings to offer
# (faqs.models.validate_no_headings refuses those pasted in).
CKEDITOR_CONFIGS["answer"] = {
    **CKEDITOR_CONFIGS["default"],
    "toolbar_Carter": [
        group for group in CKEDITOR_CONFIGS["default"]["toolbar_Carter"] if group["name"] != "styles"
    ],
    "format_tags": "p",
    "height": 240,
}

# Caches (docs/performance.md). "default" is shared by every process that serves the site: Redis
# when REDIS_URL is set (every container); otherwise a folder on this machine, shared by the
# workers of one container and by its manage.py commands. It holds the content version that
# invalidates every cached page at once (carter_site.caching). "pages" holds rendered pages and
# site-wide data, keyed by that version: in Redis too, or else in each process's own memory.
REDIS_URL = redis_url("REDIS_URL")
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX") or "carter"
# This code's release: pages rendered by another (during a rolling upgrade) are not this one's
# to serve (carter_site/release.py). The content version itself is shared by every release.
RELEASE = fingerprint(BASE_DIR, STATIC_ROOT)
if REDIS_URL:
    _redis = {
        # Django's Redis backend, reusing its client objects (carter_site/cache_backends.py).
        "BACKEND": "carter_site.cache_backends.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        # A Redis that does not answer costs a request a second, not a hung worker.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    CACHES = {
        "default": _redis,
        "pages": {**_redis, "KEY_PREFIX": f"{CACHE_KEY_PREFIX}.{RELEASE}"},
        "passkeys": {**_redis, "KEY_PREFIX": f"{CACHE_KEY_PREFIX}.passkeys"},
    }
else:
    _cache_folder = cache_folder("CACHE_DIR", str(Path(_temporary_folder) / "carter-site-cache"))
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": _cache_folder,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        },
        # The passkey sign-in's challenges (carter_site.passkeys), which anyone may ask for: in a
        # folder of their own, so that a flood of them makes Django cull challenges, never the
        # content version beside which they would otherwise be kept. A folder inside CACHE_DIR (which
        # must be writable): the default cache lists and culls only the files directly in it.
        "passkeys": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(Path(_cache_folder) / "passkey-challenges"),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "carter-site-pages",
            "KEY_PREFIX": RELEASE,
            "OPTIONS": {"MAX_ENTRIES": 500},
        },
    }

# The page cache. PAGE_CACHE_ENABLED=false renders every request (benchmarks, debugging); the
# site-wide data cache stays on. TIMEOUT: the longest a page is kept (never past the next
# scheduled publish or take-down). S_MAXAGE: how long a CDN or proxy may keep a public page.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_TIMEOUT = env_int("PAGE_CACHE_TIMEOUT", 600, minimum=1, maximum=30 * DAY)
PAGE_CACHE_S_MAXAGE = env_int("PAGE_CACHE_S_MAXAGE", 60, minimum=0, maximum=DAY)
PAGE_CACHE_ALIAS = "pages"
CONTENT_VERSION_CACHE = "default"
# How long an upload may be kept: by a CDN or proxy no longer than a page (a picture removed on
# purpose, a client's photo whose consent was withdrawn, leaves the web with the page that showed
# it), by a browser five minutes. Sent by the site's media view and written on every object of a
# bucket (carter_site.storage); docs/security.md, "Image uploads".
MEDIA_CACHE_CONTROL = f"public, max-age=300, s-maxage={PAGE_CACHE_S_MAXAGE}"

# Sessions and CSRF: the browser never sends them cross-site on a POST.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A refused form gets a page in the site's design that says what to do (carter_site.views).
CSRF_FAILURE_VIEW = "carter_site.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LOGIN_URL = "admin:login"
# Where signing in leads when the sign-in address names no page, or one on another site (which
# Django refuses to follow): the admin, the only thing staff sign in to. Django's default,
# /accounts/profile/, is no page here.
LOGIN_REDIRECT_URL = "admin:index"

# --- Security (docs/security.md) ---------------------------------------------------------------

# The admin's address. Production requires ADMIN_URL (prod.py); "admin/" only serves development.
ADMIN_URL = url_path("ADMIN_URL", env_str("ADMIN_URL") or "admin/")
# Staff must sign in with a code from an authenticator app (TOTP). Always on in production.
ADMIN_REQUIRE_OTP = env_bool("ADMIN_REQUIRE_OTP", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER") or "Carter site editor"
# A break-glass token (manage.py break_glass_token) works once, and only within this many minutes.
BREAK_GLASS_TOKEN_MINUTES = env_int("BREAK_GLASS_TOKEN_MINUTES", 60, minimum=1, maximum=24 * 60)
# Sessions are only for staff: a working day, not Django's two weeks.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 10, minimum=60, maximum=30 * DAY)

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock sign-in after AXES_FAILURE_LIMIT failures, counted per user name and, apart, per address;
# the lock lifts after AXES_COOLOFF_MINUTES, or when an administrator resets it (docs/security.md).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1, maximum=1000)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = dt.timedelta(
    minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1, maximum=365 * 24 * 60)
)
# A sign-in forgives only the signed-in person's own failures from the same address
# (carter_site.two_factor): axes' own reset would also wipe other user names' failures from that
# address, letting one staff member keep guessing another's password.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "carter_site.two_factor.lockout_response"
AXES_CLIENT_IP_CALLABLE = "carter_site.security.client_ip"
# What it records of a posted user name: printable and at most a user name's length (a longer one
# would not fit its column and fail the sign-in page with a 500).
AXES_USERNAME_CALLABLE = "carter_site.security.axes_username"
# Behind N proxies that append to X-Forwarded-For, the visitor's address is the Nth from the
# right. 0: the TCP peer (REMOTE_ADDR). Set it to the number of proxies, never more.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=10)

# Content-Security-Policy (django-csp 4). Public pages: this site's own files only, no script
# inline or from elsewhere, no eval, no frames, no plugins. MEDIA_ORIGIN: where uploaded images
# are served from, when that is not this site (an S3 custom domain, see docs/security.md). Each
# is checked as CSRF_TRUSTED_ORIGINS are: it goes into the policy as it is.
CSP_MEDIA_ORIGINS = origins("CSP_MEDIA_ORIGINS", example="https://media.carter.example") or (
    [f"https://{AWS_S3_CUSTOM_DOMAIN}"] if AWS_S3_CUSTOM_DOMAIN else []
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", *CSP_MEDIA_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "media-src": ["'self'", *CSP_MEDIA_ORIGINS],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "worker-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
    },
}
# The admin only (carter_site.security.SecurityHeadersMiddleware picks it by path). CKEditor 4
# writes its toolbar with inline event handlers and its editing frame with an inline script whose
# text changes from page to page, so no hash or nonce can name it: the admin needs 'unsafe-inline'
# for scripts and styles. Still nothing from another origin, no eval, no plugins (docs/security.md).
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *CSP_MEDIA_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}
# Powerful browser features nobody on this site needs, denied to every page and frame.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
}


# Logs go to stdout: plain lines here, one JSON object per line in production (prod.py).
def logging_from_environment(default_format):
    try:
        config = django_logging(env_str("LOG_LEVEL") or "INFO", env_str("LOG_FORMAT") or default_format)
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from None
    # django-axes announces itself at every start (management commands too); its warnings about
    # failed and locked-out sign-ins still reach the log.
    config.setdefault("loggers", {})["axes.apps"] = {"level": "WARNING"}
    # Email to ADMINS for server errors only, not for every record Django logs at ERROR (a 503 from
    # /readyz): carter_site.logging.ServerErrorsOnly. A request refused as suspicious (a foreign
    # Host header, "/media/../x") is a warning before it gets here: carter_site.logging.RefusedRequests.
    # Django's records still reach stdout through the root logger.
    config.setdefault("filters", {}).update(
        {
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
            "server_errors_only": {"()": "carter_site.logging.ServerErrorsOnly"},
        }
    )
    config["handlers"]["mail_admins"] = {
        "level": "ERROR",
        "class": "django.utils.log.AdminEmailHandler",
        # private_details: the subject names the page, a shared preview's token hidden.
        "filters": ["require_debug_false", "server_errors_only", "private_details"],
    }
    config["loggers"]["django"] = {"handlers": ["mail_admins"], "level": "INFO"}
    return config


LOGGING = logging_from_environment("plain")

# Email: printed to the console here; production sends through the SMTP server named below.
EMAIL_BACKEND = email_backend("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = mail_host("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# Django's SMTP backend refuses both only when it sends, so every error mail would be lost.
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS and EMAIL_USE_SSL are both on: choose one, STARTTLS (EMAIL_USE_TLS, usually port 587) "
        "or TLS from the first byte (EMAIL_USE_SSL, usually port 465)."
    )
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1, maximum=300)
DEFAULT_FROM_EMAIL = email_address("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = email_address("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Who gets an email about each server error (500): comma-separated addresses; none by default.
ADMINS = [(address, address) for address in email_addresses("ADMINS")]
# Those emails never carry the query string, the Referer or what a visitor searched for, which
# can be health information (carter_site.error_reports). With DEBUG on, a developer's own error
# pages still show everything.
DEFAULT_EXCEPTION_REPORTER = "carter_site.error_reports.PrivateExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "carter_site.error_reports.PrivateExceptionReporterFilter"

# django-ckeditor warns that CKEditor 4.22 is unsupported. Accepted, with the mitigations
# in docs/security.md (no Source button, no risky plugins, server-side sanitising).
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001"]
