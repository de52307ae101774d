"""Production: every secret from the environment, refuses to start without one."""

from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend
from django.utils.module_loading import import_string

from .base import *  # noqa: F403
from .environment import (
    MIN_DISTINCT_CHARACTERS,
    email_backend,
    env_bool,
    env_int,
    env_required,
    env_str,
    host_names,
    secret_key,
    strong_secret_key,
    url_path,
)

# Keys that have ever stood in this repository or its docs; none may reach production.
KNOWN_DEVELOPMENT_KEYS = {
    "dev-only-insecure-key-never-use-in-production",
    "test-only-key-not-secret",
    "change-me",
}

if env_bool("DEBUG", False):
    raise ImproperlyConfigured(
        "DEBUG is on, but these are the production settings. Unset DEBUG, or use "
        "DJANGO_SETTINGS_MODULE=carter_site.settings.dev on a developer machine."
    )
DEBUG = False

SECRET_KEY = secret_key()
if SECRET_KEY in KNOWN_DEVELOPMENT_KEYS or not strong_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is a development value or too weak (it needs at least 50 characters, "
        f"{MIN_DISTINCT_CHARACTERS} of them different, no short piece repeated and no django-insecure- "
        """in front): generate one with python -c "import secrets; print(secrets.token_urlsafe(64))"."""
    )
ALLOWED_HOSTS = host_names("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production (comma-separated host names).")
# No falling back to the development SQLite file (base.py), which the image cannot even write: a
# container would wait DB_WAIT_TIMEOUT for nothing. An explicit sqlite:///... is still accepted.
env_required("DATABASE_URL")

# Pictures in a bucket are shown from AWS_S3_CUSTOM_DOMAIN, which the storage writes into their
# addresses: the pages' Content-Security-Policy shows pictures from this site and the origins of
# CSP_MEDIA_ORIGINS only, and the editor keeps only pictures it may show (carter_site.richtext).
# The bucket's own address would be refused by both, every picture on the site a broken one, and
# the storage provider a third party to every visit.
if AWS_STORAGE_BUCKET_NAME:  # noqa: F405
    _media_domain = AWS_S3_CUSTOM_DOMAIN  # noqa: F405 (a host name: base.py checked it)
    if not _media_domain:
        raise ImproperlyConfigured(
            "AWS_STORAGE_BUCKET_NAME is set but AWS_S3_CUSTOM_DOMAIN is not: pictures would be shown from the "
            "storage provider's own domain, which the pages' Content-Security-Policy and the editor refuse. "
            "Serve the bucket from a domain of the site's own (media.example.org) and set AWS_S3_CUSTOM_DOMAIN "
            "to it."
        )
    if f"https://{_media_domain}".lower() not in {origin.lower() for origin in CSP_MEDIA_ORIGINS}:  # noqa: F405
        raise ImproperlyConfigured(
            f"CSP_MEDIA_ORIGINS leaves out https://{_media_domain}, where AWS_S3_CUSTOM_DOMAIN serves the "
            "pictures: add it, or leave CSP_MEDIA_ORIGINS unset (it then holds just that origin)."
        )

STORAGES = {
    "default": MEDIA_STORAGE,  # noqa: F405 (a volume, or S3-compatible storage: see base.py)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One JSON object per line on stdout, for the log collector (LOG_FORMAT=plain to read by eye).
LOGGING = logging_from_environment("json")  # noqa: F405

# Email leaves through SMTP (EMAIL_HOST...); never printed into the logs, where reset links
# or personal details would end up, nor kept in files or memory where nobody reads it. Django's
# backends for development do one or the other (the file backend is the console's, to a file).
EMAIL_BACKEND = email_backend("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
if issubclass(import_string(EMAIL_BACKEND), (ConsoleEmailBackend, LocmemEmailBackend)):
    raise ImproperlyConfigured(
        f"EMAIL_BACKEND is {EMAIL_BACKEND}, which prints emails into the logs or keeps them in files or "
        "memory nobody reads: leave it unset in production, to send through SMTP (EMAIL_HOST)."
    )

# Error reports to Sentry, when SENTRY_DSN is set. sentry-sdk is not a dependency of the image:
# install it to use this (docs/operations.md, "Error reports").
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    # Checked first, so that a wrong rate is named even where the SDK is not installed yet.
    try:
        _traces_sample_rate = float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0") or 0)
    except ValueError:
        _traces_sample_rate = None
    if _traces_sample_rate is None or not 0 <= _traces_sample_rate <= 1:  # NaN fails both
        raise ImproperlyConfigured(
            "SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1 (the share of requests traced), "
            f"not {env_str('SENTRY_TRACES_SAMPLE_RATE')!r}."
        )
    try:
        import sentry_sdk
        from sentry_sdk.integrations.django import DjangoIntegration

        from ..error_reports import scrub_error_report
    except ImportError:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but the sentry-sdk package is not installed. Build the image with "
            "--build-arg EXTRA_PIP_PACKAGES='sentry-sdk[django]==<version>', or unset SENTRY_DSN."
        ) from None
    # The SDK reads the DSN here, and answers a mistyped one (no project number, no scheme, no
    # key) with its own traceback: the container would stop without saying which variable.
    try:
        sentry_sdk.utils.Dsn(SENTRY_DSN)
    except sentry_sdk.utils.BadDsn as error:
        raise ImproperlyConfigured(
            f"SENTRY_DSN is not an address Sentry gives ({error}): copy it from the project's Client Keys "
            "page, such as https://PUBLIC_KEY@o123.ingest.sentry.io/4567, or unset SENTRY_DSN."
        ) from None
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        environment=env_str("SENTRY_ENVIRONMENT") or "production",
        release=env_str("SENTRY_RELEASE") or None,
        traces_sample_rate=_traces_sample_rate,
        send_default_pii=False,  # no IP addresses, cookies or user names leave the site
        before_send=scrub_error_report,  # nor query strings (search words) or referrers
        # Traced requests (SENTRY_TRACES_SAMPLE_RATE) are sent as transactions, which skip
        # before_send: they carry the same request details, and lose the same ones.
        before_send_transaction=scrub_error_report,
    )

# HTTPS everywhere. Behind a proxy that terminates TLS, it must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0, maximum=2 * 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
# "__Host-": browsers keep these cookies only when set over HTTPS, for this exact host and path /,
# so neither a subdomain nor plain HTTP can plant or overwrite them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- The admin (docs/security.md) ------------------------------------------------------------------

# Not at the well-known /admin/: a path of the operator's choosing, never written in this repository.
ADMIN_URL = url_path("ADMIN_URL", env_required("ADMIN_URL"))
if ADMIN_URL.lower() in {"admin/", "wp-admin/", "administrator/", "django-admin/"}:
    raise ImproperlyConfigured(
        "ADMIN_URL must not be a well-known address such as admin/: choose one that is hard to guess, "
        "such as editor- followed by a few random letters and digits (see docs/security.md)."
    )
# docker-compose.yml falls back to this address so that `docker compose up` works on a fresh
# checkout, and the docs print it: fine while the site answers to this machine's own names only,
# never once ALLOWED_HOSTS names a host others reach it by.
COMPOSE_DEMO_ADMIN_URL = "site-editor/"
LOCAL_HOST_NAMES = {"localhost", "127.0.0.1", "[::1]"}
if (
    ADMIN_URL.lower() == COMPOSE_DEMO_ADMIN_URL
    and {host.lower() for host in ALLOWED_HOSTS} - LOCAL_HOST_NAMES
):
    raise ImproperlyConfigured(
        f"ADMIN_URL is {COMPOSE_DEMO_ADMIN_URL}, the compose file's demo address that the docs print, but "
        "ALLOWED_HOSTS names a host others can reach: set ADMIN_URL in .env to an address of your own, "
        "such as editor- followed by a few random letters and digits (see .env.example)."
    )
# Staff always sign in with a code from an authenticator app; there is no switch to turn it off
# (for a lost phone, see "Break glass" in docs/security.md).
ADMIN_REQUIRE_OTP = True

# Behind HTTPS, browsers upgrade any http:// address a page still names to https://.
if SECURE_SSL_REDIRECT:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True  # noqa: F405
    CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]["upgrade-insecure-requests"] = True  # noqa: F405
