"""Fast pages that are never stale: the page cache, the site-wide data cache, and their invalidation.

How it fits together (docs/performance.md tells the story, with measurements):

- **The content version.** One short random token in the cache that every web process shares
  (`CONTENT_VERSION_CACHE`: Redis with REDIS_URL; otherwise a folder, CACHE_DIR, shared by
  the workers of a container and its manage.py commands). Every cached page and every piece of cached site-wide data is
  stored under a key that contains it. Saving, publishing, unpublishing or deleting any
  content, or the site settings, writes a new token (`content_changed()`): from the next
  request on, every process on every container looks for keys nobody has written yet, so
  every page is rendered afresh, once. Nothing has to be found and deleted, and a process
  that missed the change cannot exist: it reads the token on every request.
- **What changes content.** `post_save`, `post_delete` and `m2m_changed` of every model of the
  content apps but the staff's own work (`NOT_CONTENT`: requests for a clinical review) (connected in `CarterSiteConfig.ready()`), which also covers the admin's
  forms, inlines and list editing, django-reversion's restore and recover, the importer and
  `load_demo_content`. `QuerySet.update()` sends no signal: code that changes content with it
  (the admin's bulk publish and unpublish actions) calls `content_changed()` itself.
  The token is written at once, and again when the transaction commits, so a page rendered
  from the old rows while the transaction was open is never kept under the new token.
- **Time.** Articles go live and come down at their scheduled times, testimonials leave the
  site when consent expires: no save happens then. A page is kept at most until the next such
  moment anywhere on the site (`next_scheduled_change()`: the next article publish or take-down
  time, or the next midnight, when date-based rules flip), so it never outlives what it shows.
- **Site-wide data.** The site settings and the published locations (header, footer, location
  pages) are cached per content version too, and kept in each process's memory: a page the
  cache does not have costs only its own queries.
- **Who gets cached pages.** `PageCacheMiddleware` serves and stores GET and HEAD requests
  without a session or messages cookie, to the public views in `CACHEABLE_VIEWS`, when the
  response is a plain 200 that sets no cookie and does not forbid storing. Staff (a session
  cookie) always get a freshly rendered page marked `private, no-store`; they neither read
  nor write the cache. Search results with a query are never stored anywhere (privacy).
- **HTTP caching.** Public pages carry a strong `ETag` (a hash of the body) and
  `Last-Modified` (when the page was rendered), and answer 304 to a matching
  `If-None-Match` / `If-Modified-Since`, from the cache or not. `Cache-Control: public,
  max-age=0, s-maxage=N` lets a CDN or reverse proxy keep a page N seconds
  (`PAGE_CACHE_S_MAXAGE`, never past the next scheduled change) while browsers revalidate
  every time (a 304 costs a few hundred bytes).

A broken cache (Redis down) never breaks a page: every cache operation that fails is logged
and the page is rendered as if caching were off.
"""

import gzip
import hashlib
import logging
import math
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from datetime import time as clock_time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from .addresses import written_another_way
from .reversing import cached_reverse

logger = logging.getLogger(__name__)

# Apps whose every model is content shown on public pages,
CONTENT_APPS = ("carter_site", "articles", "locations", "faqs", "testimonials", "pages")
# but for these, the staff's own work (requests for a review, the emails they want, their
# passkeys, whose sign count moves at every sign-in), the site's bookkeeping, which no public page
# reads (the names in versions, the addresses visitors did not find), and the record of the
# pictures uploaded through the editor (a page shows one only once a text that names it is saved;
# when `manage.py picture_copies` records copies, it calls content_changed() itself): saving one
# leaves every cached page as it is.
NOT_CONTENT = frozenset(
    {
        "articles.ReviewRequest",
        "articles.NoticePreference",
        "carter_site.Passkey",
        "carter_site.EditorPicture",
        "carter_site.NameInVersion",
        "carter_site.NamesInVersionsRead",
        "carter_site.AddressNotFound",
    }
)
# Rows that describe uploaded files rather than show them: a file's stored name, kept exactly as
# the storage has it (no text cleaning), and never taken for a use of the file
# (carter_site.media_usage).
DESCRIBE_UPLOADS = frozenset({"carter_site.EditorPicture"})

# The public pages: URL names of the views whose anonymous responses may be stored.
CACHEABLE_VIEWS = frozenset(
    {
        "home",
        "articles:list",
        "articles:detail",
        "locations:list",
        "locations:detail",
        "faqs:list",
        "faqs:topic",
        "testimonials:list",
        "pages:detail",
        "clinicians:list",
        "clinicians:detail",
        "search",  # the empty search page only: a query string with `q` is never looked up
        "articles-feed",
        "articles-atom-feed",
        "sitemap",
        "robots_txt",
    }
)
# Views whose responses to a query are private to the visitor (what they searched for, where
# they live).
PRIVATE_QUERY_VIEWS = frozenset({"search", "locations:list"})

# Query parameters that select a different page, and so are part of the cache key.
KEYED_PARAMETERS = frozenset({"page"})
# Campaign and click identifiers: no view reads them, the canonical link drops them, and they
# must not turn a campaign's traffic into cache misses. Ignored for the key.
IGNORED_PARAMETERS = frozenset(
    {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id"}
    | {"gclid", "gbraid", "wbraid", "dclid", "fbclid", "msclkid", "twclid", "mc_cid", "mc_eid"}
)

VERSION_KEY = "content-version"
CACHE_STATUS_HEADER = "X-Page-Cache"


# --- Settings ---------------------------------------------------------------------------------


def _setting(name, default):
    return getattr(settings, name, default)


def page_cache_enabled():
    return _setting("PAGE_CACHE_ENABLED", True)


def _page_store():
    """Where rendered pages and site-wide data live (keyed by the content version)."""
    alias = _setting("PAGE_CACHE_ALIAS", "pages")
    return caches[alias if alias in settings.CACHES else "default"]


def _version_store():
    """Where the content version lives: a cache every web process shares."""
    return caches[_setting("CONTENT_VERSION_CACHE", "default")]


class _Throttled:
    """Log a cache failure at most once a minute per process, not once per request."""

    def __init__(self):
        self.last = 0.0

    def warning(self, message, *args):
        now = time.monotonic()
        if now - self.last > 60:
            self.last = now
            logger.warning(message, *args, exc_info=True)


_cache_failure = _Throttled()
_replay_failure = _Throttled()


# --- The content version ----------------------------------------------------------------------


def _new_version():
    """A new content version: when it was made (nanoseconds, hexadecimal), then a random part, so
    two processes making one at the same moment still make different ones."""
    return f"{time.time_ns():x}.{secrets.token_urlsafe(6)}"


def _version_made_ns(version):
    """When `version` was made, in nanoseconds; None for one of another form (an older release's)."""
    made, dot, _ = (version or "").partition(".")
    try:
        return int(made, 16) if dot else None
    except ValueError:
        return None


def content_version():
    """The current content version, created if the cache has none (empty, evicted, restarted)."""
    store = _version_store()
    version = _read_version(store)
    if version is None:
        store.add(VERSION_KEY, _new_version(), None)
        version = store.get(VERSION_KEY)
    return version


# A file-based cache writes each value to a new file and renames it into place, so the file's
# identity changes with every new version: while it stays the same, the version read last is
# still current. One stat() instead of opening and unpickling the file on every request. File
# times are only as fine as the kernel's clock tick, and a freed inode can be reused: a file
# written less than a second ago is always read.
_file_version = {}  # file -> ((inode, mtime, size), version)
_version_paths = {}  # cache folder -> the version's file
_SETTLED_NS = 1_000_000_000


def _read_version(store):
    if not isinstance(store, FileBasedCache):
        return store.get(VERSION_KEY)
    path = _version_paths.get(store._dir)
    if path is None:
        path = _version_paths[store._dir] = store._key_to_file(VERSION_KEY)
    try:
        stat = os.stat(path)
    except OSError:
        return store.get(VERSION_KEY)
    identity = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    known = _file_version.get(path)
    if known is not None and known[0] == identity and time.time_ns() - stat.st_mtime_ns > _SETTLED_NS:
        return known[1]
    version = store.get(VERSION_KEY)
    if version is not None:
        _file_version[path] = (identity, version)
    return version


# A content change this process could not announce (the cache did not answer): it moves the
# version on as soon as the cache answers again (`_version_or_none`). Without that, a cache that
# comes back with its keys (Redis restarted from its snapshot, or cut off for a while, rather than
# restarted empty) would serve the pages it held from before the change until they expire.
_invalidation_owed = False


def _write_new_version():
    global _invalidation_owed
    _version_store().set(VERSION_KEY, _new_version(), None)
    _invalidation_owed = False


def _bump():
    """Move the content version on; False when the cache could not be reached."""
    global _invalidation_owed
    try:
        _write_new_version()
    except Exception:
        # Saving content must not fail because the cache does.
        _invalidation_owed = True
        logger.exception(
            "Could not invalidate the page cache: this process tries again as soon as the cache answers; "
            "until then, and if it stops first, cached pages may be stale for up to %s s.",
            _setting("PAGE_CACHE_TIMEOUT", 600),
        )
        return False
    return True


def content_changed(using=None):
    """Every cached page and site-wide datum is out of date from now on, on every process.

    Call it after changing content without model signals (`QuerySet.update()`,
    `bulk_create()`, raw SQL). Inside a transaction it takes effect at once and again on
    commit: pages rendered from the old rows meanwhile are stored under a version that is
    already gone.

    Returns False when the cache could not be reached (the failure is logged).
    """
    changed = _bump()
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        transaction.on_commit(_bump, using=using)
    return changed


def _on_save_or_delete(sender, using=None, **kwargs):
    content_changed(using)


def _on_m2m_changed(sender, action, using=None, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        content_changed(using)


def connect_signals():
    """Invalidate on every change to content (called from CarterSiteConfig.ready())."""
    from django.apps import apps

    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.label in NOT_CONTENT:
                continue
            uid = f"carter_site.caching:{model._meta.label}"
            post_save.connect(_on_save_or_delete, sender=model, dispatch_uid=uid)
            post_delete.connect(_on_save_or_delete, sender=model, dispatch_uid=uid)
            m2m_changed.connect(_on_m2m_changed, sender=model, dispatch_uid=uid)


# --- Time: the next scheduled change ----------------------------------------------------------


def _start_of_day(day):
    """Midnight at the start of `day` in the site's time zone (when date-based rules flip)."""
    return timezone.make_aware(datetime.combine(day, clock_time.min))


def next_scheduled_change(now=None):
    """The next moment the public site changes by itself: one query.

    An article going live or being taken down at its scheduled time; and midnight in the
    site's time zone, when rules written in dates flip (a testimonial's consent starting or
    expiring; a location's holiday hours or closure coming within the two weeks a page shows
    them ahead, starting, and being over: all of them at midnight, by design). Pages are rendered afresh at least once a day: a small price for never
    needing to know which dates a page depends on.
    """
    from django.db.models import Min, Q

    from articles.models import Article

    now = now or timezone.now()
    articles = Article.objects.filter(status=Article.Status.PUBLISHED).aggregate(
        publish=Min("published_at", filter=Q(published_at__gt=now)),
        expire=Min("expires_at", filter=Q(expires_at__gt=now)),
    )
    midnight = _start_of_day(timezone.localdate(now) + timedelta(days=1))
    return min([moment for moment in articles.values() if moment is not None] + [midnight])


def seconds_until_next_change(version):
    """Seconds until the next scheduled change, computed once per content version and moment."""
    store = _page_store()
    key = f"next-change:{version}"
    moment = store.get(key)
    now = time.time()
    if moment is None or moment <= now:
        moment = next_scheduled_change().timestamp()
        keep = min(_setting("PAGE_CACHE_TIMEOUT", 600), math.floor(moment - now))
        if keep >= 1:
            store.set(key, moment, keep)
    return moment - now


# --- Site-wide data: what every page's header and footer show ---------------------------------


def _load_site_settings():
    from .models import SiteSettings

    return SiteSettings.objects.filter(pk=1).first() or SiteSettings(pk=1)


def _load_published_locations():
    """With their weekly hours, and their special days not yet over: which of those a page shows
    depends on the date, so pages pick them when they are rendered (locations.hours), and a
    list loaded days ago holds them all still (only the ones over since are extra)."""
    from django.db.models import Prefetch

    from locations.models import Location, SpecialDay

    special_days = SpecialDay.objects.not_over(timezone.localdate())
    return list(
        Location.objects.published().prefetch_related(
            "opening_hours", Prefetch("special_days", queryset=special_days)
        )
    )


def _load_footer_pages():
    from pages.models import Page

    return list(Page.objects.in_footer().only("title", "slug"))


@dataclass(frozen=True)
class ClinicianWithPage:
    """What the footer and site search need of a clinician who agreed to a public page."""

    name: str
    credentials: str
    slug: str
    bio: str

    def __str__(self):
        return f"{self.name}, {self.credentials}"

    def get_absolute_url(self):
        return cached_reverse("clinicians:detail", self.slug)


def _load_clinician_pages():
    from articles.models import Clinician

    return tuple(
        ClinicianWithPage(*row)
        for row in Clinician.objects.published().values_list("name", "credentials", "slug", "bio")
    )


def _load_pictures_with_copies():
    from .picture_copies import known_copies

    return known_copies()


SITE_DATA = {
    "site-settings": _load_site_settings,
    "published-locations": _load_published_locations,
    "footer-pages": _load_footer_pages,
    # Named anew when what it holds changed (it was a yes or no): a shared cache may hold the old.
    "clinicians-with-pages": _load_clinician_pages,
    "pictures-with-copies": _load_pictures_with_copies,
}


# The latest site-wide data this process has seen, by name: (content version, value, when it
# stops being used). Reading it costs no unpickling; a new version (any content change, anywhere)
# makes it unusable at once. It is kept no longer than a cached page (PAGE_CACHE_TIMEOUT): when
# a change could not move the version on (the cache did not answer), the site settings and
# locations of every page are then as old as the pages the cache still holds, not for ever.
_process_copy = {}


def _process_copy_of(name, version):
    """This process's copy of `name` for `version`, unless it has none or it is too old."""
    copy = _process_copy.get(name)
    if copy is not None and copy[0] == version and time.monotonic() < copy[2]:
        return copy
    return None


def _site_datum(name, request):
    """`name` from SITE_DATA for the current content version, loaded from the database once per version.

    Looked up in this process's memory, then the shared page cache, then the database. Kept on
    `request` too, so a page reads it once however many parts of it ask. Callers must not
    change what they get: it is shared by the requests of this process.
    """
    memo = getattr(request, "_carter_site_data", None) if request is not None else None
    if memo is not None and name in memo:
        return memo[name]
    version = _version_for(request) if request is not None else _version_or_none()
    copy = _process_copy_of(name, version) if version is not None else None
    if copy is not None:
        value = copy[1]
    else:
        value = None
        key = f"{name}:{version}" if version is not None else None
        if key is not None:
            try:
                value = _page_store().get(key)
            except Exception:
                _cache_broke()
                key = None
        if value is None:
            value = SITE_DATA[name]()
            if key is not None:
                try:
                    _page_store().set(key, value, _setting("PAGE_CACHE_TIMEOUT", 600))
                except Exception:
                    _cache_broke()
        if version is not None:
            _process_copy[name] = (version, value, time.monotonic() + _setting("PAGE_CACHE_TIMEOUT", 600))
    if request is not None:
        if memo is None:
            memo = request._carter_site_data = {}
        memo[name] = value
    return value


def site_settings(request=None):
    """The site settings (one query per content version, then none)."""
    return _site_datum("site-settings", request)


def published_locations(request=None):
    """The published locations, in order, with their opening hours and special days (three
    queries per version)."""
    return _site_datum("published-locations", request)


def footer_pages(request=None):
    """The published standing pages the footer links to, in order (one query per version)."""
    return _site_datum("footer-pages", request)


def clinician_pages(request=None):
    """The clinicians who have a public page, in name order (ClinicianWithPage): for the footer's
    link to the list of them, shown while there is one, and for site search (one query per
    version)."""
    return _site_datum("clinicians-with-pages", request)


def pictures_with_copies(request=None):
    """Stored name -> (width, copy widths) of the pictures a text may show that have smaller
    copies: articles' pictures, locations' and clinicians' photos and the pictures uploaded
    through the editor (carter_site.picture_copies.known_copies: one query per version, then
    none). The `richtext`
    filter offers them for every picture of every text on a page, with no query per text or
    picture; only a text that shows an upload asks. Replacing or deleting an article's picture
    saves its row, which moves the version on: no text offers the copies of a picture no row
    keeps any more. An upload through the editor records its picture without a new version: no
    saved text shows it yet, and the save of the text that will moves the version on."""
    return _site_datum("pictures-with-copies", request)


def published_location(request, slug):
    return next((location for location in published_locations(request) if location.slug == slug), None)


# After a cache failure this process renders without the cache for a few seconds, rather than
# waiting for a dead Redis's socket timeout (1 s) on every request.
CACHE_RETRY_SECONDS = 5
_cache_down_until = 0.0
_clock = time.monotonic


def _version_or_none():
    global _cache_down_until
    if _cache_down_until and _clock() < _cache_down_until:
        return None
    try:
        version = content_version()
        if _invalidation_owed:
            # The pages stored under `version` may predate a change: never serve them. Until the
            # new version is written the cache counts as broken, and pages are rendered afresh.
            _write_new_version()
            logger.warning("The cache answers again: moved the content version on for a change it missed.")
            version = content_version()
    except Exception:
        _cache_broke()
        return None
    _cache_down_until = 0.0
    return version


def _cache_broke():
    """Log (at most once a minute) and stop using the cache for CACHE_RETRY_SECONDS."""
    global _cache_down_until
    _cache_down_until = _clock() + CACHE_RETRY_SECONDS
    _cache_failure.warning("The cache failed; rendering without it for %s s.", CACHE_RETRY_SECONDS)


@receiver(setting_changed)
def _forget_process_state(setting, **kwargs):
    """Tests that swap caches or settings start from a clean slate in this process."""
    global _cache_down_until, _local_bytes, _invalidation_owed
    if setting in {"CACHES", "CONTENT_VERSION_CACHE", "PAGE_CACHE_ALIAS", "PAGE_CACHE_ENABLED"}:
        _cache_down_until = 0.0
        _invalidation_owed = False
        _process_copy.clear()
        with _local_lock:
            _local_pages.clear()
            _local_bytes = 0
        _file_version.clear()
        _version_paths.clear()


def _cached_site_datum(name):
    """`name` from SITE_DATA for the current content version without touching the database, or None."""
    try:
        version = content_version()
        copy = _process_copy_of(name, version)
        if copy is not None:
            return copy[1]
        return _page_store().get(f"{name}:{version}")
    except Exception:
        return None


def cached_site_settings():
    """The current site settings without touching the database, or None: for error pages."""
    return _cached_site_datum("site-settings")


def cached_published_locations():
    """The published locations without touching the database, or an empty list: for error pages,
    which show them in the footer like every other page when any page has read them lately."""
    return _cached_site_datum("published-locations") or []


# --- The page cache ---------------------------------------------------------------------------


@dataclass
class CachedPage:
    headers: list  # as sent, ETag, Last-Modified and Vary included; Cache-Control only if the view set it
    body: bytes
    etag: str
    last_modified: int  # epoch seconds
    expires: float  # epoch seconds
    own_cache_control: bool
    # Only on this process's own copy, once the whole stack has sent the page: every header as
    # sent, those added above the page cache (security headers) included, and those computed for
    # each response excepted. What `PageCacheApplication` replays without entering Django.
    sent_headers: list | None = None
    # The body gzip-compressed, for clients that accept it (None: sent as it is).
    gzipped: bytes | None = None


# --- This process's copy of shared pages -------------------------------------------------------
#
# With Redis, a page read from the shared cache costs a round trip and unpickling its body on
# every request (about a quarter of a millisecond each, measured). Pages this process has read
# or written are therefore also kept in its own memory, under the same key. The key contains
# the content version, which is still read from the shared cache on every request, so a change
# anywhere makes these copies unreachable at once; each is also dropped at its page's expiry.
# Least recently used pages go first once they hold LOCAL_PAGE_BYTES.

LOCAL_PAGE_BYTES = 8 * 1024 * 1024
_local_pages = OrderedDict()  # key -> CachedPage, most recently used last
_local_bytes = 0
# Threads of one worker (GUNICORN_THREADS) share these: each change, and each lookup that
# reorders them, happens under the lock.
_local_lock = threading.Lock()


def _page_store_is_local():
    return isinstance(_page_store(), LocMemCache)


def _local_copy(key):
    """This process's own copy of the page under `key`, unless it has none or it has expired."""
    with _local_lock:
        page = _local_pages.get(key)
        if page is None:
            return None
        if page.expires > time.time():
            _local_pages.move_to_end(key)
            return page
        _drop_local(key)
        return None


def _get_page(key):
    """The page stored under `key`: from this process's memory if it has it, else the cache."""
    page = _local_copy(key)
    if page is not None:
        return page
    page = _page_store().get(key)
    if page is not None and not _page_store_is_local():
        _remember_local(key, page)
    return page


def _set_page(key, page, timeout):
    _page_store().set(key, page, timeout)
    if not _page_store_is_local():
        _remember_local(key, page)


def _remember_local(key, page):
    global _local_bytes
    with _local_lock:
        _drop_local(key)
        _local_pages[key] = page
        _local_bytes += _size(page)
        while _local_bytes > LOCAL_PAGE_BYTES and _local_pages:
            _drop_local(next(iter(_local_pages)))


def _drop_local(key):
    """Forget this process's copy of `key` (the caller holds `_local_lock`)."""
    global _local_bytes
    page = _local_pages.pop(key, None)
    if page is not None:
        _local_bytes -= _size(page)


def _size(page):
    """The memory a copy holds for its bodies, compressed form included."""
    return len(page.body) + len(page.gzipped or b"")


def page_key(request, version):
    """The cache key of the page `request` asks for, or None when it must not be cached.

    Scheme and host are part of it: canonical links and structured data are absolute URLs.
    """
    keyed = []
    for name, values in request.GET.lists():
        if name in IGNORED_PARAMETERS:
            continue
        if name not in KEYED_PARAMETERS or len(values) != 1:
            return None
        value = values[0]
        # One spelling per page number: "?page=02" or "?page=+2" would be new keys for old pages.
        if not value.isdigit() or not value.isascii() or value.startswith("0"):
            return None
        keyed.append(f"{name}={value}")
    address = f"{request.scheme}://{request.get_host()}{request.path}?{'&'.join(sorted(keyed))}"
    return f"page:{version}:{hashlib.blake2b(address.encode(), digest_size=16).hexdigest()}"


def _etag(body):
    return f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


def _view_name(request):
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else None


def _paginates(request):
    """Whether the view reads `?page=` (a paginated list): elsewhere it selects nothing."""
    view_class = getattr(request.resolver_match.func, "view_class", None)
    return bool(getattr(view_class, "paginate_by", None))


def _has_cache_control(response, *directives):
    value = response.get("Cache-Control", "").lower()
    return any(directive in value for directive in directives)


def _has_query(request):
    return any(name not in IGNORED_PARAMETERS for name in request.GET)


def is_public_page(request, response):
    """A public page as any visitor would get it: nothing personal, nothing transient."""
    if response.status_code != 200 or response.streaming:
        return False
    view_name = _view_name(request)
    if view_name not in CACHEABLE_VIEWS or (view_name in PRIVATE_QUERY_VIEWS and _has_query(request)):
        return False
    if any(name in request.GET for name in KEYED_PARAMETERS) and not _paginates(request):
        return False  # "/?page=7" is the home page again: one copy per number would fill the cache
    if response.cookies or _has_cache_control(response, "private", "no-store", "no-cache"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    # Varying on anything but the cookie (which holds no session here) and the encoding
    # (this site compresses nothing itself) would need a key per variant.
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
    return vary <= {"cookie", "accept-encoding"}


def _cache_control(fresh_for):
    """Browsers revalidate every time (max-age=0: a 304 is cheap); shared caches may keep the
    page PAGE_CACHE_S_MAXAGE seconds, never past the next scheduled change (`fresh_for`)."""
    s_maxage = max(0, min(_setting("PAGE_CACHE_S_MAXAGE", 60), math.floor(fresh_for)))
    return f"public, max-age=0, s-maxage={s_maxage}"


_LIFETIMES = re.compile(r"\b(max-age|s-maxage)=(\d+)", re.IGNORECASE)


def _aged(cache_control, page):
    """A view's own Cache-Control (the sitemap's), as it holds now: its lifetimes less the time
    the page has spent in this cache, so a CDN given a stored copy keeps it no longer than one
    given the page when it was rendered (never past the next scheduled change)."""
    age = math.ceil(max(0.0, time.time() - page.last_modified))
    return _LIFETIMES.sub(lambda match: f"{match[1]}={max(0, int(match[2]) - age)}", cache_control)


_CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)


def _conditional(request, response, etag, last_modified):
    """304 (or 412) when the request's conditions say so; `response` otherwise."""
    meta = request.META
    if not any(header in meta for header in _CONDITIONAL_HEADERS):
        return response
    if (
        "HTTP_IF_MODIFIED_SINCE" in meta
        and "HTTP_IF_NONE_MATCH" not in meta
        and "HTTP_IF_UNMODIFIED_SINCE" not in meta
        and not _date_tells(request, meta["HTTP_IF_MODIFIED_SINCE"])
    ):
        return response  # the date alone cannot tell this copy from the page now: send the page
    return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)


def _date_tells(request, since):
    """Whether a copy sent with `Last-Modified: since` is known to be the page as it is now.

    Last-Modified is only a second. Two renders within one second, before and after an edit,
    carry the same date, so a cache that revalidates by date alone (no ETag) would keep the old
    one. The date settles it only when the content version now current was made no later than
    the start of that second (the copy was rendered from it: a page's Last-Modified is the second
    its request began), and that second is over (a scheduled change may still come within it).
    Otherwise the page is sent again; the ETag, which is exact, is unaffected."""
    seconds = parse_http_date_safe(since)
    made = _version_made_ns(_version_for(request))
    if seconds is None or made is None:
        return False
    return made <= seconds * 1_000_000_000 and seconds + 1 <= time.time()


def seconds_until_next_change_for(request):
    """Seconds until the next scheduled change, for a response's own Cache-Control (the
    sitemap's): remembered per content version like the pages' own, 0 while the cache is broken."""
    version = _version_for(request)
    if version is None:
        return 0
    try:
        return seconds_until_next_change(version)
    except DatabaseError:  # the next scheduled change is unknown: keep nothing
        return 0
    except Exception:
        _cache_broke()
        return 0


def _version_for(request):
    """The content version for this request, read once (None while the cache is broken)."""
    if not hasattr(request, "_carter_content_version"):
        request._carter_content_version = _version_or_none()
    return request._carter_content_version


# --- Compression ---------------------------------------------------------------------------------
#
# Public pages are sent gzip-compressed to clients that accept it: a phone on a slow connection
# gets the FAQ page in 9 KB instead of 80. A page is compressed once, when it is stored, and
# both forms are kept. The compressed form is a representation of its own (RFC 9110): its own
# ETag, derived from the page's, and `Vary: Accept-Encoding` on both. Only public pages are
# compressed, never a response with a session or a search query in it (BREACH needs a secret or
# the visitor's own input in a compressed body; public pages have neither).

GZIP_MIN_BYTES = 512  # below this the headers weigh more than what compression saves
_COMPRESSIBLE_TYPES = ("text/", "application/xml", "application/rss+xml", "application/atom+xml")


def _compressible(response):
    return (
        not response.has_header("Content-Encoding")
        and response.get("Content-Type", "").startswith(_COMPRESSIBLE_TYPES)
        and len(response.content) >= GZIP_MIN_BYTES
    )


def _gzip(body):
    # No timestamp in the header: every process compresses a page to the same bytes.
    return gzip.compress(body, compresslevel=6, mtime=0)


def _gzip_etag(etag):
    """'"abc"' -> '"abc-gzip"' (and W/"abc" -> W/"abc-gzip"): same page, another representation."""
    return f'{etag[:-1]}-gzip"'


def accepts_gzip(accept_encoding):
    """Whether an Accept-Encoding header allows gzip. `gzip;q=0` refuses it, and `*` stands for
    every coding not named (RFC 9110, 12.5.3)."""
    gzip_q = any_q = None
    for part in accept_encoding.split(","):
        coding, _, parameters = part.partition(";")
        coding = coding.strip().lower()
        q = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0  # a weight nobody can read accepts nothing
        if coding in ("gzip", "x-gzip"):
            gzip_q = q
        elif coding == "*":
            any_q = q
    chosen = gzip_q if gzip_q is not None else any_q
    return chosen is not None and 0 < chosen <= 1


def _encoded(body, gzipped, etag, accept_encoding):
    """(body, ETag, headers) of the representation a client sending `accept_encoding` gets: the
    compressed one if there is one and it accepts it. `headers` are those that describe it."""
    if gzipped is not None and accepts_gzip(accept_encoding):
        etag = _gzip_etag(etag)
        return (
            gzipped,
            etag,
            [("ETag", etag), ("Content-Length", str(len(gzipped))), ("Content-Encoding", "gzip")],
        )
    return body, etag, [("ETag", etag), ("Content-Length", str(len(body)))]


def _representation(page, accept_encoding):
    return _encoded(page.body, page.gzipped, page.etag, accept_encoding)


def _is_personal(cookies, meta):
    """A request whose page may depend on who sent it: a session, messages or credentials."""
    return settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies or "HTTP_AUTHORIZATION" in meta


class PageCacheMiddleware:
    """Serves and stores anonymous public pages; marks staff pages `private, no-store`.

    Place it below the middleware that adds headers to every response (SecurityMiddleware, the
    CSP middleware) so pages from the cache get them too, and below WhiteNoise (static files
    never reach it); above SessionMiddleware and everything else, which a cached page skips.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        request._carter_started = time.time()
        if _is_personal(request.COOKIES, request.META):
            return self._personal(request, self.get_response(request))

        key = None
        if page_cache_enabled():
            version = _version_for(request)
            key = page_key(request, version) if version is not None else None
            if key is not None:
                try:
                    page = _get_page(key)
                except Exception:
                    _cache_broke()
                    key = page = None
                if page is not None:
                    request.environ[_SENT_PAGE] = (key, page)
                    return self._from_cache(request, page)

        response = self.get_response(request)
        if not is_public_page(request, response):
            if _view_name(request) in PRIVATE_QUERY_VIEWS and _has_query(request):
                add_never_cache_headers(response)  # what someone searched for stays theirs
            return response
        return self._public(request, response, key if request.method == "GET" else None)

    def _personal(self, request, response):
        """A request with a session: staff get `private, no-store`; nothing is stored or served."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        elif not _has_cache_control(response, "private", "no-store"):
            response.headers["Cache-Control"] = "private, max-age=0"
        patch_vary_headers(response, ("Cookie",))
        return response

    def _public(self, request, response, key):
        """A freshly rendered public page: stored under `key` (if any) and made conditional."""
        now = time.time()
        # The second this request began: it read the content from then on (see _date_tells).
        last_modified = int(getattr(request, "_carter_started", now))
        etag = response.get("ETag") or _etag(response.content)
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = http_date(last_modified)
        patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
        compressible = _compressible(response)
        gzipped = None
        own_cache_control = response.has_header("Cache-Control")
        fresh_for = _setting("PAGE_CACHE_TIMEOUT", 600)
        status = "skip"
        version = _version_for(request)
        if version is None:
            fresh_for = 0  # the next scheduled change is unknown: no shared caching
        else:
            try:
                fresh_for = min(fresh_for, math.floor(seconds_until_next_change(version)))
                if key is not None and fresh_for >= 1:
                    headers = [(name, value) for name, value in response.items() if name.lower() != "date"]
                    gzipped = _gzip(response.content) if compressible else None
                    page = CachedPage(
                        headers, response.content, etag, last_modified, now + fresh_for, own_cache_control,
                        gzipped=gzipped,
                    )  # fmt: skip
                    _set_page(key, page, fresh_for)
                    request.environ[_SENT_PAGE] = (key, page)
                    status = "miss"
            except DatabaseError:  # the next scheduled change is unknown: keep nothing
                fresh_for = 0
            except Exception:
                _cache_broke()
                fresh_for = 0
        if not own_cache_control:
            response.headers["Cache-Control"] = _cache_control(fresh_for)
        if page_cache_enabled():
            response.headers[CACHE_STATUS_HEADER] = status
        accept_encoding = request.META.get("HTTP_ACCEPT_ENCODING", "")
        if compressible and gzipped is None and accepts_gzip(accept_encoding):
            gzipped = _gzip(response.content)  # not stored, but this client gets it compressed
        response.content, etag, headers = _encoded(response.content, gzipped, etag, accept_encoding)
        for name, value in headers:
            response.headers[name] = value
        return _conditional(request, response, etag, last_modified)

    def _from_cache(self, request, page):
        body, etag, representation = _representation(page, request.META.get("HTTP_ACCEPT_ENCODING", ""))
        response = HttpResponse(body)
        headers = response.headers
        for name, value in [*page.headers, *representation]:
            headers[name] = value
        if not page.own_cache_control:
            headers["Cache-Control"] = _cache_control(page.expires - time.time())
        elif "Cache-Control" in headers:
            headers["Cache-Control"] = _aged(headers["Cache-Control"], page)
        headers[CACHE_STATUS_HEADER] = "hit"
        return _conditional(request, response, etag, page.last_modified)


# --- Pages answered before Django --------------------------------------------------------------
#
# A page from the cache still costs, through Django, a request and a response object, the
# request signals and five middleware: more than the lookup itself (docs/performance.md). Once
# this process has sent a page through the whole stack, `PageCacheApplication`, wrapped around
# Django's WSGI application (carter_site.wsgi), answers the next requests for it itself: the
# same body, and the same headers, security headers included, as the stack sent. Only what
# varies per response is computed again: Cache-Control's s-maxage, the status header, and the
# headers of the representation the client accepts (compressed or not).
#
# It decides nothing on its own: the key is `page_key()` of the same request, the version is
# read on every request as for any hit, and whatever it is not sure of goes to Django, which
# applies every rule above: any method but GET and HEAD; a session, messages or credentials; a
# conditional request; a broken cache; a page this process has not yet sent itself.

_SENT_PAGE = "carter_site.sent_page"  # in the WSGI environ: (key, page) of the page being sent
# Computed for each response; the last three depend on the representation sent (compressed or not).
_PER_RESPONSE_HEADERS = frozenset(
    {"date", "cache-control", CACHE_STATUS_HEADER.lower(), "etag", "content-length", "content-encoding"}
)


class PageCacheApplication:
    """WSGI middleware: pages this process has already sent, answered without entering Django."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            replay = _replay(environ)
        except Exception:
            # Replaying is only ever a shortcut: whatever went wrong, Django answers instead.
            _replay_failure.warning("Could not replay a page; Django answered the request.")
            replay = None
        if replay is not None:
            headers, body = replay
            start_response("200 OK", headers)
            return [body]
        sent = {}

        def start_and_note(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, exc_info)

        response = self.application(environ, start_and_note)
        page = environ.get(_SENT_PAGE)
        if page is not None and sent.get("status") == "200 OK":
            _note_sent(*page, sent["headers"])
        return response


def _note_sent(key, page, headers):
    """Keep this process's copy of `page` with the headers the whole stack sent it with."""
    if any(name.lower() == "set-cookie" for name, _ in headers):
        return
    recomputed = _PER_RESPONSE_HEADERS - {
        *(["cache-control"] if page.own_cache_control else []),
        *(["content-encoding"] if page.gzipped is None else []),  # the view's own, if any
    }
    kept = [(name, value) for name, value in headers if name.lower() not in recomputed]
    _remember_local(key, replace(page, sent_headers=kept))


def _replay(environ):
    """(headers, body) of the page `environ` asks for if this process has sent it, else None."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or not _local_pages:
        return None
    if written_another_way(environ) is not None:
        return None  # "/privacy%2F" is "/privacy/" decoded: Django leads it there (redirects.OneAddressMiddleware)
    if any(name in environ for name in _CONDITIONAL_HEADERS):
        return None  # 304s and 412s are Django's (get_conditional_response)
    cookie = environ.get("HTTP_COOKIE")
    if _is_personal(parse_cookie(cookie) if cookie else {}, environ) or not page_cache_enabled():
        return None
    version = _version_or_none()
    if version is None:
        return None
    try:
        # A copy: WSGIRequest rewrites PATH_INFO in the environ it is given (decoded as UTF-8),
        # and Django, if it answers instead, must get the environ as the server sent it.
        key = page_key(WSGIRequest(environ.copy()), version)
    except (SuspiciousOperation, ValueError):
        return None  # a host not allowed, too many parameters: Django answers those
    page = _local_copy(key) if key is not None else None
    if page is None or page.sent_headers is None:
        return None  # not yet sent by this process, or expired: Django renders it again
    body, _etag, representation = _representation(page, environ.get("HTTP_ACCEPT_ENCODING", ""))
    headers = [*page.sent_headers, *representation]
    if not page.own_cache_control:
        headers.append(("Cache-Control", _cache_control(page.expires - time.time())))
    else:
        headers = [
            (name, _aged(value, page) if name.lower() == "cache-control" else value)
            for name, value in headers
        ]
    headers.append((CACHE_STATUS_HEADER, "hit"))
    return headers, body
