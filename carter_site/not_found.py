"""Addresses visitors did not find: a count per path, so editors can add the redirects that matter.

The site replaced an older one, whose addresses still arrive from search engines, other sites,
printed flyers and bookmarks. `NotFoundMiddleware` counts each GET or HEAD of a public address
that is answered 404, in `AddressNotFound`: the path and nothing else about the request (no
query string, address, browser, referrer, cookie or time of day), how many times, and the first
and last day. docs/security.md ("Privacy") says why that is not tracking; docs/seo.md how
editors use it.

Where it is counted: a middleware above the ones that may still answer a 404 with a redirect
(`AppendSlashMiddleware`, `OldAddressMiddleware`), so it sees the answer visitors get, once,
whether a view raised Http404 or no URL pattern matched. The 404 handler would also count the
addresses those middleware then redirect. The page cache never stores a 404
(caching.PageCacheMiddleware stores 200s only), so no 404 passes it uncounted.

Bounded and cheap:

- one statement per 404 (an insert that adds 1 to the row already there: "upsert", on SQLite and
  PostgreSQL alike, so two workers counting a new address at once make one row of 2);
- paths longer than a redirect can hold, and requests that probe for other software
  (`PROBES`), are not counted;
- at `MAX_ADDRESSES` rows, new paths are no longer added (those already there still count) and
  the admin page says so;
- a path not found for `KEEP_DAYS` days is forgotten: each web process deletes those on the
  first 404 it counts each day (so that request makes two statements), and the admin page
  does when opened.

Counting never turns a 404 into an error: if the database refuses (read-only, down), the 404
page is sent as it would have been, and the failure is logged at most once a minute.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.encoding import escape_uri_path

logger = logging.getLogger(__name__)

MAX_ADDRESSES = 5000
KEEP_DAYS = 90
# As long as a redirect's old address may be (Redirect.old_path): a longer one cannot be redirected.
MAX_PATH_LENGTH = 200

# Parts of a path that only programs looking for other software ask for (WordPress, PHP admin
# pages, configuration and version-control files left on a server, old CGI scripts). Nobody
# looking for this site's pages types them, and there are thousands of them a day on any site.
# Matched anywhere in the path, in lower case.
PROBES = (
    ".php",
    ".asp",
    ".jsp",
    ".cgi",
    "wp-admin",
    "wp-content",
    "wp-includes",
    "wp-login",
    "wp-json",
    "xmlrpc",
    "phpmyadmin",
    "cgi-bin",
    "/.env",
    "/.git",
    "/.svn",
    "/.aws",
    "/.ht",
    "/.ds_store",
)


def _ignored_prefixes():
    """Addresses that are not public pages: the admin, files, health checks, and the place
    programs look for a site's own settings (/.well-known/)."""
    prefixes = [f"/{settings.ADMIN_URL}", "/.well-known/"]
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        if url and url.startswith("/"):
            prefixes.append(url)
    return tuple(prefixes)


def is_counted(path_info):
    """Whether a 404 at `path_info` (the path below the site's prefix) is a public address a
    person may have looked for."""
    from .security import HEALTH_CHECK_PATHS

    if path_info in HEALTH_CHECK_PATHS or path_info.startswith(_ignored_prefixes()):
        return False
    # A shared preview's link holds a token that lets whoever has it read a draft: never stored
    # (the logs leave it out too, carter_site.logging).
    # In any case: with a capital the address is a 404, but the token in it still opens the draft.
    lower = path_info.lower()
    if "/preview/" in lower:
        return False
    return not any(probe in lower for probe in PROBES)


def stored_path(request):
    """The path as django.contrib.redirects looks it up (escaped: non-ASCII and control
    characters as %XX), so that a redirect from it is exactly the row's address."""
    return escape_uri_path(request.path)


class _Throttled:
    """Log a failure to count at most once a minute per process: a database that is down must
    not write a line per 404."""

    def __init__(self):
        self.last = None

    def warning(self, message, *args):
        now = time.monotonic()
        if self.last is None or now - self.last > 60:
            self.last = now
            logger.warning(message, *args, exc_info=True)


_count_failure = _Throttled()
_forgotten_on = None  # the day this process last forgot old addresses


def forget_old(today=None):
    """Delete the addresses not found for KEEP_DAYS days; how many there were."""
    from .models import AddressNotFound

    today = today or timezone.localdate()
    deleted, _ = AddressNotFound.objects.filter(last_seen__lt=today - timedelta(days=KEEP_DAYS)).delete()
    return deleted


def _upsert(path, today):
    """Add 1 to `path`'s count, or add `path` while there are fewer than MAX_ADDRESSES rows: one
    statement. Returns whether a row was counted."""
    from .models import AddressNotFound

    quote = connection.ops.quote_name
    table = quote(AddressNotFound._meta.db_table)
    path_, count, first, last = (
        quote(AddressNotFound._meta.get_field(name).column)
        for name in ("path", "count", "first_seen", "last_seen")
    )
    # The SELECT gives a row to insert while the table has room, or when the path is there
    # already (the conflict then adds 1 to it); otherwise none, and nothing is written. SQLite
    # (3.24 and later) and PostgreSQL write ON CONFLICT alike; SQLite needs the WHERE that an
    # INSERT ... SELECT followed by ON CONFLICT has here.
    sql = (
        f"INSERT INTO {table} ({path_}, {count}, {first}, {last}) "
        f"SELECT %s, 1, %s, %s WHERE (SELECT COUNT(*) FROM {table}) < %s "
        f"OR EXISTS (SELECT 1 FROM {table} WHERE {path_} = %s) "
        f"ON CONFLICT ({path_}) DO UPDATE SET {count} = {table}.{count} + 1, {last} = excluded.{last}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [path, today, today, MAX_ADDRESSES, path])
        return cursor.rowcount > 0


def count_not_found(path):
    """Count one 404 at `path` (as `stored_path` gives it); False if nothing was counted (the
    list is full, or the database refused)."""
    from django.db import transaction

    today = timezone.localdate()
    try:
        # Inside a transaction (ATOMIC_REQUESTS, a test), a refused statement must not break it.
        if connection.in_atomic_block:
            with transaction.atomic():
                return _count(path, today)
        return _count(path, today)
    except Exception:
        _count_failure.warning("Could not count an address not found; the 404 page was sent as usual.")
        return False


def _count(path, today):
    global _forgotten_on
    counted = _upsert(path, today)
    if _forgotten_on != today:
        forget_old(today)
        _forgotten_on = today
    return counted


def _missing_only_by_its_query(request):
    """A page whose address names nothing (a list, the search) answers at that address: its 404
    comes from the query string (a page past the last of a list), which is not kept, so the
    address itself must not be listed as not found."""
    match = getattr(request, "resolver_match", None)
    return (
        bool(request.META.get("QUERY_STRING"))
        and match is not None
        and bool(match.url_name)
        and not match.kwargs
    )


class NotFoundMiddleware:
    """Counts the public addresses answered 404 (see the module's description)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.method in ("GET", "HEAD")
            and is_counted(request.path_info)
            and not _missing_only_by_its_query(request)
        ):
            path = stored_path(request)
            if len(path) <= MAX_PATH_LENGTH:
                count_not_found(path)
        return response


def is_full():
    """Whether new addresses are no longer counted."""
    from .models import AddressNotFound

    return AddressNotFound.objects.count() >= MAX_ADDRESSES


# --- What editors see ---------------------------------------------------------------------------


def may_redirect(request):
    """Who may add redirects sees the addresses not found, and dismisses them."""
    return request.user.is_active and request.user.has_perm("redirects.add_redirect")


def mark_fixed(rows):
    """Set `redirect` (the redirect that now answers the row's address, or None) and `page_now`
    (whether a page answers there now) on each of `rows`: one query for the redirects, and one
    per kind of page (articles, locations, ...) whatever the number of rows."""
    from collections import defaultdict
    from urllib.parse import unquote

    from django.apps import apps
    from django.contrib.redirects.models import Redirect
    from django.contrib.sites.models import Site
    from django.urls import Resolver404, resolve

    from .redirects import PUBLIC_DETAIL_PAGES

    rows = list(rows)
    if not rows:
        return rows
    # django.contrib.redirects also tries the address with a slash added.
    slashed = {
        row.path: f"{row.path}/" for row in rows if settings.APPEND_SLASH and not row.path.endswith("/")
    }
    redirects = {
        redirect.old_path: redirect
        for redirect in Redirect.objects.filter(
            site=Site.objects.get_current(), old_path__in={row.path for row in rows} | set(slashed.values())
        )
    }
    slugs = defaultdict(dict)  # view name -> {slug: rows}
    for row in rows:
        row.redirect = redirects.get(row.path) or redirects.get(slashed.get(row.path))
        row.page_now = False
        if row.redirect is not None:
            continue
        try:
            match = resolve(unquote(row.path))
        except (Resolver404, ValueError):
            continue
        if match.view_name in PUBLIC_DETAIL_PAGES:
            slugs[match.view_name].setdefault(match.kwargs.get("slug"), []).append(row)
        else:
            row.page_now = bool(match.url_name)  # a list, the search: it always answers
    for view_name, by_slug in slugs.items():
        model = apps.get_model(*PUBLIC_DETAIL_PAGES[view_name])
        for slug in (
            model._default_manager.published().filter(slug__in=by_slug).values_list("slug", flat=True)
        ):
            for row in by_slug[slug]:
                row.page_now = True
    return rows


def not_found_this_week(request):
    """How many addresses visitors did not find in the last seven days that no redirect answers
    yet, for the admin's home page; None for those who may not add redirects. One query."""
    from django.contrib.redirects.models import Redirect
    from django.db.models import Exists, OuterRef

    from .models import AddressNotFound

    if not may_redirect(request):
        return None
    week_ago = timezone.localdate() - timedelta(days=6)
    redirected = Redirect.objects.filter(site_id=settings.SITE_ID, old_path=OuterRef("path"))
    return AddressNotFound.objects.filter(last_seen__gte=week_ago).exclude(Exists(redirected)).count()
