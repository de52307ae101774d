"""HTTP-level defences: security headers, the visitor's address, and database outages.

See docs/security.md for the threats these answer.

- `SecurityHeadersMiddleware`: Content-Security-Policy (django-csp 4) with one policy for the
  public site and a looser one confined to the admin's address, Permissions-Policy on every
  response, `X-Robots-Tag: noindex` on the admin, and a session cookie that is not a session
  key dropped before anything looks it up. Django's SecurityMiddleware adds HSTS, nosniff,
  Referrer-Policy and Cross-Origin-Opener-Policy; XFrameOptionsMiddleware adds X-Frame-Options.
- `DatabaseOutageMiddleware` and `database_outage_response()`: when PostgreSQL does not
  answer, visitors get a calm 503 page in the site's design, with the phone number and the
  crisis line, rendered without the database, instead of a 500 or a hung request.
- `client_ip()`: the visitor's address for login lockouts, behind a known number of proxies.
"""

import functools
import ipaddress
import logging
import re
import sys
import time

from csp.constants import HEADER
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import build_policy, default_config
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.dispatch import receiver
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

HEALTH_CHECK_PATHS = frozenset({"/healthz", "/readyz"})
# Seconds a client is asked to wait before trying again during a database outage.
RETRY_AFTER_SECONDS = 30


def is_admin_path(path):
    return path.startswith(f"/{settings.ADMIN_URL}")


# --- Headers -----------------------------------------------------------------------------------


def permissions_policy_header(policy):
    """{"camera": [], "fullscreen": ["self"]} -> 'camera=(), fullscreen=(self)'."""

    def allow_list(origins):
        return " ".join(origin if origin in {"self", "*"} else f'"{origin}"' for origin in origins)

    return ", ".join(f"{feature}=({allow_list(origins)})" for feature, origins in policy.items())


# Session keys of Django's database and cache session backends: lowercase letters and digits.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SESSION_KEY = re.compile(r"^[a-z0-9]{8,64}$")


def shows_public_page(response):
    """Mark `response`, served under ADMIN_URL, as a public page's template (the admin's preview
    of an article): it gets the public pages' policy, not the admin's. Its text is the editors'
    own, a draft nobody else has read yet; the admin's policy would run any script that got into
    it, inline, in the session of whoever opens the preview. Returns the response."""
    response.public_page_policy = True
    return response


def _admin_policy(request, response):
    return is_admin_path(request.path_info) and not getattr(response, "public_page_policy", False)


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the admin's policy on the admin's address, except for a
    public page shown there (`shows_public_page`).

    A view that sets its own policy (django-csp's decorators) keeps it. Placed high in
    MIDDLEWARE, so responses from any cache below it get the headers too.
    """

    def process_request(self, request):
        super().process_request(request)
        # A session cookie that no session backend could have written (NUL bytes, quotes, a
        # megabyte of text) is dropped here, before it reaches a database query.
        name = settings.SESSION_COOKIE_NAME
        value = request.COOKIES.get(name)
        if (
            value is not None
            and not _SESSION_KEY.match(value)
            and "signed_cookies" not in settings.SESSION_ENGINE
        ):
            del request.COOKIES[name]
        # Headers that end up in database rows (django-axes records them with each sign-in
        # attempt): control characters, NUL above all, have no business there.
        for key in ("HTTP_USER_AGENT", "HTTP_ACCEPT"):
            if key in request.META and _CONTROL_CHARACTERS.search(request.META[key]):
                request.META[key] = _CONTROL_CHARACTERS.sub("?", request.META[key])

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and _admin_policy(request, response):
            admin_policy = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", None)
            if admin_policy:
                parts = PolicyParts(
                    default_config(admin_policy["DIRECTIVES"]), parts.update, parts.replace, parts.nonce
                )
        return parts

    def process_response(self, request, response):
        admin = is_admin_path(request.path_info)
        if self._is_plain(request, response):
            # The usual case, on every response: the policy the settings give, built once.
            header = self._header(_admin_policy(request, response))
            if header and HEADER not in response and not getattr(response, "_csp_exempt", False):
                response[HEADER] = header
        else:  # a view's own policy, a nonce, report-only or exclusions: django-csp decides
            response = super().process_response(request, response)
        policy = getattr(settings, "PERMISSIONS_POLICY", None)
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self._permissions(policy)
        if admin:
            response.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response

    @staticmethod
    def _is_plain(request, response):
        return not (
            getattr(request, "_csp_nonce", None)
            or any(
                getattr(response, name, None) is not None
                for name in ("_csp_config", "_csp_update", "_csp_replace")
            )
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("EXCLUDE_URL_PREFIXES")
            or (settings.DEBUG and response.status_code in (404, 500))
        )

    def _header(self, admin):
        key = "admin" if admin else "public"
        if key not in _built_headers:
            admin_policy = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", None) if admin else None
            config = default_config(admin_policy["DIRECTIVES"]) if admin_policy else None
            _built_headers[key] = build_policy(config=config)
        return _built_headers[key]

    def _permissions(self, policy):
        if "permissions" not in _built_headers:
            _built_headers["permissions"] = permissions_policy_header(policy)
        return _built_headers["permissions"]


# Headers built from the settings once per process; rebuilt when a test changes those settings.
_built_headers = {}


@receiver(setting_changed)
def _forget_built_headers(setting, **kwargs):
    if setting in {
        "CONTENT_SECURITY_POLICY",
        "CONTENT_SECURITY_POLICY_ADMIN",
        "PERMISSIONS_POLICY",
        "ADMIN_URL",
    }:
        _built_headers.clear()


# --- The visitor's address ---------------------------------------------------------------------


def client_ip(request):
    """The address a request came from, for django-axes.

    Without proxies (TRUSTED_PROXY_COUNT=0) that is the TCP peer. Behind N proxies that each
    append the address they saw to X-Forwarded-For, it is the Nth entry from the right: what a
    visitor writes into the header themselves stays to the left of it and is never believed.

    An IPv6 address counts as its /64 network (written as the network's first address), the
    block one home or one server is given: counted one by one, each guess could come from a new
    address of it. An IPv4 address written as IPv6 (`::ffff:203.0.113.9`) is that IPv4 address.
    """
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR", "")
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            try:  # it is stored in an address column: anything else is not believed
                return counted_address(ipaddress.ip_address(forwarded[-count]))
            except ValueError:
                pass
    try:
        return counted_address(ipaddress.ip_address(remote))
    except ValueError:
        return remote


def counted_address(address):
    """`address` as sign-in failures are counted: IPv4 as it is, IPv6 by its /64 network."""
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)


def axes_username(request, credentials):
    """The user name django-axes records and counts: printable, and no longer than a user name can be."""
    value = (credentials or {}).get("username")
    if value is None:
        value = request.POST.get("username", "") if request is not None else ""
    return _CONTROL_CHARACTERS.sub("", str(value)).strip()[:150]


# --- Database outages --------------------------------------------------------------------------

# After this process failed to connect at all, it answers 503 at once for this many seconds
# instead of waiting for another connection attempt per request; then it tries again. Per process.
_outage_until = 0.0


def is_database_outage(exception):
    """An error that means the database cannot be reached or used just now."""
    seen = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, OperationalError | InterfaceError):
            return True
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False


def _could_not_connect():
    try:
        return connections[DEFAULT_DB_ALIAS].connection is None
    except Exception:
        return True


def note_database_outage(request, exception):
    """Log the outage (without the request's query string) and back off if we could not connect."""
    global _outage_until
    if _could_not_connect():
        _outage_until = time.monotonic() + getattr(settings, "DB_OUTAGE_BACKOFF_SECONDS", 2)
    logger.warning(
        "Database unavailable: answered %s with 503.",
        request.path,
        extra={"event": "database_unavailable", "error": type(exception).__name__},
    )


def without_database_context(request):
    """What an error page shows without asking the database: the site settings and the locations
    as the cache holds them (the settings' built-in defaults, and no locations, when it does not)."""
    from .caching import cached_published_locations
    from .models import SiteSettings

    return {
        "site_settings": SiteSettings.load_without_database(),
        "footer_locations": cached_published_locations(),
        "request": request,
    }


def _phone_without_database():
    """The main number as the 503 page would show it (the cached site settings), or the built-in
    default when even that cannot be read: the text that stands in for a page that failed."""
    from .models import SiteSettings

    try:
        return SiteSettings.load_without_database().phone
    except Exception:
        return SiteSettings._meta.get_field("phone").default


def database_outage_response(request=None):
    """The 503 page, rendered without the database (without_database_context)."""
    try:
        body = loader.get_template("503.html").render(without_database_context(request))
        content_type = "text/html; charset=utf-8"
    except Exception:  # never let the error page itself fail
        logger.exception("The 503 page could not be rendered.")
        body = (
            "We are sorry: this page cannot be shown just now. Please try again in a minute, or call "
            f"{_phone_without_database()}. In a crisis, call or text 988.\n"
        )
        content_type = "text/plain; charset=utf-8"
    response = HttpResponse(body, status=503, content_type=content_type)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    # Logged once as a warning by note_database_outage(): not again by Django as an error per
    # request, which would also email the ADMINS for every page during an outage.
    response._has_been_logged = True
    return response


def server_error_for_outage(request):
    """For handler500: the 503 page if the error being handled is a database outage, else None."""
    exception = sys.exc_info()[1]
    if exception is not None and is_database_outage(exception):
        note_database_outage(request, exception)
        return database_outage_response(request)
    return None


class DatabaseOutageMiddleware:
    """Turns database connection errors into the 503 page.

    Errors raised by a view or while rendering its template arrive in process_exception; errors
    in other middleware reach handler500 (carter_site.views.server_error), which does the same.
    The health checks are never short-circuited: /readyz must see the database for itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _outage_until > time.monotonic() and request.path_info not in HEALTH_CHECK_PATHS:
            return database_outage_response(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            note_database_outage(request, exception)
            return database_outage_response(request)
        return None


# --- Public pages only read ---------------------------------------------------------------------

WRITING_METHODS = ("post", "put", "patch", "delete")


def read_only(view):
    """A public view that only reads: GET and HEAD (and OPTIONS for class-based views).

    Any other method gets the view's own 405 with its `Allow` header. Without this, Django's
    CSRF check runs first and answers a POST to an article with the "form could not be sent,
    sign in again" page, which tells a visitor something false. Leaving such a view out of the
    CSRF check is safe because it changes nothing, and that is enforced here: a class-based view
    with a handler for a writing method is refused when the URLs load, and a function view is
    wrapped in `require_safe`.
    """
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        view = require_safe(view)
    elif writes := [method for method in WRITING_METHODS if hasattr(view_class, method)]:
        raise ImproperlyConfigured(
            f"{view_class.__name__} handles {', '.join(m.upper() for m in writes)}: it is not a "
            "read-only view and must keep the CSRF check."
        )

    @functools.wraps(view)
    def reading(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.content:  # Django's is empty: say why, calmly
            response.content = loader.get_template("405.html").render({"nav_section": None}, request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response

    return csrf_exempt(reading)
