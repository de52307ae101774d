"""Links between the site's own pages, and where each one leads a visitor.

Editors link one text to another by typing or pasting an address in the editor's Link dialog:
`/articles/does-insurance-cover-iop/`, the full address copied from the browser, sometimes the
staff preview's by mistake. Pages are renamed (their old addresses redirect, carter_site.redirects),
unpublished, scheduled, taken down or deleted, and a link that led somewhere may now lead a
visitor to "page not found". This module finds out, without the network:

- `check_texts()` reads the links of many texts at once and says, for each link to this site
  that does not lead a visitor straight to a page, why: no page there, a page visitors cannot
  see (a draft, one scheduled for later, one taken down, a location or standing page not
  published, an FAQ topic without a published question), the admin or a preview, or an old
  address that redirects (it works, but the new address is better). Each address is read with
  Django's URL resolver (`resolve()`), then the pages are looked up together: one query for the
  old addresses and one per kind of page linked, however many links and texts.
- A link to a part of a page (`/articles/x/#what-we-check`, or `#costs` within the same text) is
  checked against the ids of the page a visitor would get: the page is rendered once, as a
  visitor gets it, by its own view and templates, and its ids read (`page_parts()`). One render
  per distinct page linked with a part, never per link; no second copy of the rules that give
  headings, FAQs and quotes their ids (docs/editorial-workflow.md, "Links between pages").
- `texts_linking_to()` finds the published texts with a link to a page, by any of its addresses
  (old ones included), before it goes away (docs/editorial-workflow.md, "Links between pages").

A link to another website is never checked, nor a mail or phone link. "This site" is a relative
address, or an absolute one whose host is the canonical one (SITE_URL) or one ALLOWED_HOSTS
names ("*" aside: it names every host, not ours in particular).
"""

import datetime
import logging
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.redirects.models import Redirect
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, QueryDict
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, resolve
from django.utils import timezone

from .publishing import local_time

logger = logging.getLogger(__name__)

# The pages that exist only for a row with that slug, by view name: (app label, model name).
DETAIL_PAGES = {
    "articles:detail": ("articles", "Article"),
    "locations:detail": ("locations", "Location"),
    "pages:detail": ("pages", "Page"),
    "faqs:topic": ("faqs", "Topic"),
    "clinicians:detail": ("articles", "Clinician"),
}
# What an editor calls each kind of page, in a sentence: "the article “…”".
KIND_NAMES = {
    "Article": "article",
    "Location": "location",
    "Page": "standing page",
    "Topic": "FAQ topic",
    "Clinician": "page of the clinician",
}
# The rich texts the site shows, by model: the field, and how to name the text in a list.
RICH_TEXTS = {
    ("articles", "Article"): "body",
    ("locations", "Location"): "body",
    ("pages", "Page"): "body",
    ("faqs", "FAQ"): "answer",
}
PREVIEW_VIEWS = {"admin:articles_article_preview", "articles:shared_preview"}
NOT_FOUND = "visitors get “page not found” there"


# --- Reading the links of a text.


@dataclass
class Link:
    href: str
    text: str = ""

    @property
    def words(self):
        return " ".join(self.text.split())


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self._open = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open = Link(dict(attrs).get("href") or "")

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.links.append(self._open)
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open.text += data


def links_in(html):
    """The links of a rich text, with their words, in the order they appear."""
    parser = _LinkParser()
    parser.feed(html or "")
    parser.close()
    return parser.links


def is_own_host(host):
    """Whether `host` (a host name, perhaps with a port) names this site."""
    name, _port = split_domain_port(host.lower())
    if not name:
        return False
    canonical = (urlsplit(settings.SITE_URL).hostname or "").lower() if settings.SITE_URL else ""
    allowed = [pattern for pattern in settings.ALLOWED_HOSTS if pattern != "*"]
    return name == canonical or validate_host(name, allowed)


def own_path(href, base="/"):
    """The path on this site that `href` leads to (read from the page at `base`), or None for a
    link elsewhere, a mail or phone link, or one within the page (`#section`)."""
    href = (href or "").strip()
    if not href or href.startswith(("#", "?")):
        return None
    parts = urlsplit(href)
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return None  # mailto:, tel:, and whatever else the sanitiser let through
    if parts.netloc:
        if not is_own_host(parts.netloc.rpartition("@")[2]):
            return None
        return parts.path or "/"
    if parts.scheme:  # "https:/articles/x/", which browsers read as relative
        return None
    return urlsplit(urljoin(base, href)).path or "/"


# --- Where a path leads.


@dataclass(frozen=True)
class Verdict:
    """Where a link leads a visitor: `dead` when to no page (or, `part`, to a page without the part
    its "#…" names), `moved` to a page by way of an old address (`address` is then the page's
    own), neither when straight to a page."""

    why: str = ""
    dead: bool = False
    moved: bool = False
    address: str = ""
    part: bool = False  # dead because the part of the page after "#" is not there

    @property
    def fine(self):
        return not (self.dead or self.moved)


FINE = Verdict()


def _admin_prefix():
    return "/" + settings.ADMIN_URL.lstrip("/")


def _is_admin(path):
    """Whether `path` is the admin's or under it: "/admin" too, which a browser is sent on from
    to "/admin/" (AppendSlashMiddleware)."""
    prefix = _admin_prefix()
    return path.startswith(prefix) or path == prefix.rstrip("/")


def _match(path):
    try:
        return resolve(unquote(path))
    except Resolver404:
        return None


def _detail(match):
    """(model name, slug) of a detail page's match, else None."""
    if match is None or match.view_name not in DETAIL_PAGES:
        return None
    return DETAIL_PAGES[match.view_name][1], match.kwargs.get("slug", "")


def previewed_article_id(match):
    """The id of the article a preview address shows: the admin's preview takes it in the
    address, a shared preview link in its signed token (read without a query)."""
    from articles.models import Article, PreviewLink

    from .admin_input import is_id

    if match.view_name == "admin:articles_article_preview":
        # Only an id an article can have: "²" passes str.isdigit() but not int(), and a number
        # with thousands of digits is no id, whatever was pasted into the text.
        object_id = match.kwargs.get("object_id", "")
        return int(object_id) if object_id.isdigit() and is_id(Article._meta.pk, object_id) else None

    try:
        data = signing.Signer(salt=PreviewLink.SIGNING_SALT).unsign_object(match.kwargs.get("token", ""))
        return int(data["article"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def _is_file(path):
    prefixes = [prefix for prefix in (settings.MEDIA_URL, settings.STATIC_URL) if prefix.startswith("/")]
    return any(path.startswith(prefix) for prefix in prefixes)


@dataclass
class _Lookups:
    """Everything the verdicts read from the database, fetched once for a batch of paths."""

    now: datetime.datetime
    redirects: dict = field(default_factory=dict)  # old path -> new path
    pages: dict = field(default_factory=dict)  # (model name, slug) -> object
    articles_by_id: dict = field(default_factory=dict)


def _old_address_candidates(path):
    candidates = [path]
    if settings.APPEND_SLASH and not path.endswith("/"):
        candidates.append(f"{path}/")
    return candidates


def _variants(path):
    """The addresses a visitor may be led on to from `path` without a redirect row: the same in
    lower case (OldAddressMiddleware), with the final slash (AppendSlashMiddleware)."""
    lower = path.lower()
    candidates = [lower] if lower != path else []
    if not path.endswith("/"):
        candidates += [f"{path}/"] + ([f"{lower}/"] if lower != path else [])
    return candidates


def fetch_lookups(paths, now=None):
    """One query for the old addresses among `paths`, then one per kind of page they (or the
    addresses those lead to) name."""
    from faqs.models import FAQ

    lookups = _Lookups(now=now or timezone.now())
    paths = set(paths)
    maybe_old = {
        candidate
        for path in paths
        if not _is_file(path) and not _is_admin(path) and (_match(path) is None or _detail(_match(path)))
        for candidate in _old_address_candidates(path)
    }
    if maybe_old:
        lookups.redirects = dict(
            Redirect.objects.filter(site_id=settings.SITE_ID, old_path__in=maybe_old).values_list(
                "old_path", "new_path"
            )
        )
    onward = {own_path(target) for target in lookups.redirects.values() if target}
    wanted, article_ids = {}, set()
    for path in paths | {path for path in onward if path}:
        for candidate in [path, *_variants(path)]:
            match = _match(candidate)
            previewed = previewed_article_id(match) if match and match.view_name in PREVIEW_VIEWS else None
            if previewed is not None:
                article_ids.add(previewed)
            detail = _detail(match)
            if detail:
                wanted.setdefault(detail[0], set()).add(detail[1])
    if article_ids:
        wanted.setdefault("Article", set())
    for model_name, slugs in wanted.items():
        app_label = next(label for label, name in DETAIL_PAGES.values() if name == model_name)
        model = apps.get_model(app_label, model_name)
        rows = model._default_manager.filter(slug__in=slugs)
        if model_name == "Article":
            rows = model._default_manager.filter(Q(slug__in=slugs) | Q(pk__in=article_ids)).defer("body")
        elif model_name == "Topic":
            published = FAQ.objects.published().filter(topic=OuterRef("pk"))
            rows = rows.annotate(has_published_question=Exists(published))
        elif model_name == "Clinician":
            rows = rows.only("name", "credentials", "slug", "has_page")
        else:
            rows = rows.defer("body")
        for row in rows:
            lookups.pages[(model_name, row.slug)] = row
            if model_name == "Article":
                lookups.articles_by_id[row.pk] = row
    return lookups


def _is_visible(obj, now):
    if hasattr(obj, "has_published_question"):
        return obj.has_published_question
    if hasattr(obj, "get_state"):
        return obj.get_state(now) == obj.State.LIVE
    return obj.is_public


def _why_hidden(obj, now):
    """Why visitors do not get `obj`'s page, as the end of a sentence."""
    kind = KIND_NAMES[type(obj).__name__]
    name = f"the {kind} “{obj}”"
    if hasattr(obj, "has_published_question"):
        return f"leads to {name}, which has no published question: {NOT_FOUND} until one is published."
    if hasattr(obj, "has_page"):
        return (
            f"leads to {name}, who has no public page: {NOT_FOUND} until a site administrator ticks "
            "“show a page on the site” on the clinician's record, once the clinician has agreed."
        )
    if hasattr(obj, "get_state"):
        state = obj.get_state(now)
        if state == obj.State.SCHEDULED:
            return f"leads to {name}, scheduled to go live on {local_time(obj.published_at)}: until then {NOT_FOUND}."
        if state == obj.State.EXPIRED:
            return f"leads to {name}, taken down on {local_time(obj.expires_at)}: {NOT_FOUND}."
        return f"leads to {name}, a draft: {NOT_FOUND} until it is published."
    return f"leads to {name}, which is not published: {NOT_FOUND} until it is."


def _staff_only(match, lookups):
    article = lookups.articles_by_id.get(previewed_article_id(match) or -1)
    if match.view_name == "articles:shared_preview":
        what = "a shared preview link, which works only until it expires or is revoked, and marks the page not public"
    else:
        what = "a staff preview in the admin, which visitors cannot open"
    instead = (
        f" Link to the article’s own address, {article.get_absolute_url()}"
        if article
        else (" Link to the article’s own address (/articles/…/)")
    )
    return Verdict(f"is {what}.{instead}, which visitors can open once it is published.", dead=True)


def verdict(path, lookups, hops=0):
    """Where `path` leads a visitor, from what `lookups` fetched."""
    if _is_admin(path):
        match = _match(path)
        if match is not None and match.view_name in PREVIEW_VIEWS:
            return _staff_only(match, lookups)
        return Verdict(
            "leads to the site editor (the admin), which visitors cannot open. Link to the page’s public "
            "address instead.",
            dead=True,
        )
    if _is_file(path):
        from .redirects import file_at

        return FINE if file_at(path) else Verdict(f"leads to no file: {NOT_FOUND}.", dead=True)
    match = _match(path)
    if match is not None and match.view_name in PREVIEW_VIEWS:
        return _staff_only(match, lookups)
    detail = _detail(match)
    hidden = None
    if detail:
        hidden = lookups.pages.get(detail)
        if hidden is not None and _is_visible(hidden, lookups.now):
            return FINE
    elif match is not None:
        return FINE  # the home page, a list, search, a feed: always there
    # Visitors get "page not found" here, unless an old address leads them on.
    for old in _old_address_candidates(path):
        if old not in lookups.redirects:
            continue
        target = lookups.redirects[old]
        if not target:
            return Verdict(f"is an old address marked as gone: {NOT_FOUND}.", dead=True)
        onward_path = own_path(target)
        onward = verdict(onward_path, lookups, hops + 1) if onward_path and hops < 2 else FINE
        if onward.dead:
            return Verdict(f"is an old address that leads to {target}, which {onward.why}", dead=True)
        address = onward.address or target
        return Verdict(
            f"is an old address: visitors are sent on to {address}. It works, but link to {address} instead.",
            moved=True,
            address=address,
        )
    for variant in _variants(path):
        if hops < 2 and verdict(variant, lookups, hops + 2).fine:
            return Verdict(
                f"reaches its page only by a detour to {variant}. Link to {variant} instead.",
                moved=True,
                address=variant,
            )
    if hidden is not None:
        return Verdict(_why_hidden(hidden, lookups.now), dead=True)
    return Verdict(
        f"leads to no page: {NOT_FOUND}. Open the page on the site and copy its address from the browser, "
        "or take the link out.",
        dead=True,
    )


# --- The parts of a page: the ids a link's "#…" can name.

# An id a browser finds on any page without an element of that name: "#top" is the top of the
# page (HTML's rule, in any case).
TOP_OF_PAGE = "top"
# More parts than this in a warning, and the rest are counted, not named.
MAX_PARTS_NAMED = 12


@dataclass(frozen=True)
class PageParts:
    """The ids of a page as a visitor gets it, and its headings that have one, (id, words) in
    order: the parts an editor would link to, which a warning names."""

    ids: frozenset
    headings: tuple

    def has(self, fragment):
        """Whether a link ending in `#fragment` lands on a part of this page: an id as written, or
        as it reads once its %-escapes are decoded (browsers try both); "#top" always does."""
        decoded = unquote(fragment)
        return fragment in self.ids or decoded in self.ids or decoded.lower() == TOP_OF_PAGE


class _IdParser(HTMLParser):
    """Every id of a page, and the words of the headings (h2, h3) inside <main> that have one."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.headings = set(), []
        self._in_main, self._heading = 0, None

    def handle_starttag(self, tag, attrs):
        element_id = dict(attrs).get("id")
        if element_id:
            self.ids.add(element_id)
        if tag == "main":
            self._in_main += 1
        elif tag in ("h2", "h3") and element_id and self._in_main:
            self._heading = [element_id, ""]

    def handle_endtag(self, tag):
        if tag == "main":
            self._in_main -= 1
        elif tag in ("h2", "h3") and self._heading is not None:
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading[1] += data


def _visitor_host():
    """A host name the site answers to, for a request made here: the canonical one (SITE_URL) if
    ALLOWED_HOSTS lets it in, else the first host ALLOWED_HOSTS names."""
    canonical = (urlsplit(settings.SITE_URL).hostname or "") if settings.SITE_URL else ""
    named = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host not in ("*", ".")]
    if canonical and validate_host(canonical, settings.ALLOWED_HOSTS):
        return canonical
    return named[0] if named else "localhost"


def page_parts(path, query="", viewer=None, site_data=None):
    """The PageParts of the page at `path` (with the query string `query`) as `viewer` gets it (a
    visitor, without a session, when None), or None when there is no HTML page to read there:
    not found, not a page (a feed, a file), or an error while rendering it.

    The page's own view renders it, in this process, without middleware: no page cache is read or
    written, nothing is sent. Its queries are those of the page (few: the site-wide data it shows
    comes from carter_site.caching, kept in `site_data` between pages). A savepoint keeps an error
    of the page from spoiling the transaction of the save that asked."""
    match = _match(path)
    if match is None:
        return None
    host = _visitor_host()
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.META = {"REQUEST_METHOD": "GET", "HTTP_HOST": host, "SERVER_NAME": host, "SERVER_PORT": "443"}
    request.META["QUERY_STRING"] = query
    request.GET = QueryDict(query)
    request.user = viewer or AnonymousUser()
    request.resolver_match = match
    if site_data is not None:
        request._carter_site_data = site_data
    try:
        with transaction.atomic():
            response = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render"):
                response.render()
    except Exception as error:  # a page not found, or one that failed: nothing to check against
        if not isinstance(error, Http404):
            logger.warning("The page %s could not be rendered to read its parts.", path, exc_info=True)
        return None
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return None
    parser = _IdParser()
    parser.feed(response.content.decode(response.charset or "utf-8", errors="replace"))
    parser.close()
    return PageParts(frozenset(parser.ids), tuple(parser.headings))


def fragment_of(href):
    """The part of `href` after "#", or None when there is none to check: no "#", nothing after
    it (the top of the page), or a text fragment ("#:~:text=…", which browsers search for)."""
    href = (href or "").strip()
    if "#" not in href:
        return None
    fragment = href.split("#", 1)[1]
    if not fragment or fragment.startswith(":~:"):
        return None
    return fragment


def _missing_part(fragment, where, parts):
    """Why a link to `where` with `#fragment` lands at the top of the page, with its parts."""
    wanted = unquote(fragment)
    why = (
        f"goes to {where}, but it has no part called “{wanted}”: visitors land at the top of the page "
        "instead."
    )
    if parts.headings:
        named = [f"“{part_id}” ({words})" for part_id, words in parts.headings[:MAX_PARTS_NAMED]]
        more = len(parts.headings) - MAX_PARTS_NAMED
        listed = ", ".join(named) + (f" and {more} more" if more > 0 else "")
        why += f" Its parts are: {listed}. Write one of them after the “#”, or take the “#…” out."
    else:
        why += " Take the “#…” out, or link to another page."
    return why


# --- Checking texts.


@dataclass(frozen=True)
class LinkProblem:
    """A link of a text that does not lead a visitor straight to a page."""

    words: str
    href: str
    why: str
    dead: bool
    part: bool = False  # the page is there, the part after "#" is not

    def __str__(self):
        words = f"“{self.words}”" if self.words else "without words"
        return f"The link {words} ({self.href}) {self.why}"


def _from_the_root(href):
    """The path `href` would lead to with a slash in front, for an address written without one
    ("articles/paying-for-iop/", which a browser reads from the page showing it); else None."""
    href = (href or "").strip()
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("/", "#", "?")) or not href:
        return None
    return own_path(f"/{href}")


def check_texts(texts, now=None, viewer=None):
    """{key: [LinkProblem, …]} for `texts`, an iterable of (key, html, address of the page that
    shows it), or of (key, html, that address, the page a link to "#…" alone is read on) when the
    two differ (an FAQ's answer); only keys with a problem. Fetches what every link needs at once
    (fetch_lookups), and renders once each page linked with a "#…" (page_parts): the text's own
    page as `viewer` sees it (the editor who saved it, who sees it before it is public), every
    other page as a visitor does."""
    found = []
    for key, html, base, *own in texts:
        base = base or "/"
        own_page = own[0] if own else base
        # A text shown on its own page: "this page"; an FAQ's answer, on several: the one named.
        this_page = "this page" if not own else f"the page {own_page}"
        for link in links_in(html):
            href = link.href.strip()
            if href.startswith("#"):
                if fragment_of(href):
                    found.append((key, link, None, None, (own_page, this_page)))
                continue
            path = own_path(href, base)
            if path is not None:
                found.append((key, link, path, _from_the_root(href), (own_page, this_page)))
    if not found:
        return {}
    paths = {path for _key, _link, path, _rooted, _own in found if path}
    lookups = fetch_lookups(paths | {rooted for _key, _link, _path, rooted, _own in found if rooted}, now)
    rendered, site_data = {}, {}

    def parts_of(path, query="", as_viewer=None):
        key = (path, query, as_viewer is not None)
        if key not in rendered:
            rendered[key] = page_parts(path, query, as_viewer, site_data)
        return rendered[key]

    problems = {}
    for key, link, path, rooted, (own_page, this_page) in found:
        href = link.href.strip()
        if path is None:  # "#costs": a part of the page the text is on
            parts = parts_of(own_page, as_viewer=viewer)
            result = FINE
            if parts is not None and not parts.has(fragment_of(href)):
                result = Verdict(_missing_part(fragment_of(href), this_page, parts), dead=True, part=True)
        else:
            result = verdict(path, lookups)
            if result.dead and rooted and rooted != path and not (meant := verdict(rooted, lookups)).dead:
                address = meant.address or rooted
                result = Verdict(
                    f"does not start with a slash, so browsers read it from the page that shows it: it leads "
                    f"to {path}: {NOT_FOUND}. Write {address} instead.",
                    dead=True,
                )
            fragment = fragment_of(href)
            if fragment and not result.dead:
                # The page is there (perhaps by way of an old address): is the part?
                target = own_path(result.address) if result.address else path
                query = "" if result.address else urlsplit(href).query
                parts = parts_of(target, query) if target else None
                if parts is not None and not parts.has(fragment):
                    result = Verdict(_missing_part(fragment, target, parts), dead=True, part=True)
        if not result.fine:
            problems.setdefault(key, []).append(
                LinkProblem(link.words, href, result.why, result.dead, result.part)
            )
    return problems


def text_address(obj):
    """The address of the page that shows `obj`'s rich text, against which a relative link is read."""
    if hasattr(obj, "answer"):  # an FAQ, shown on many pages: the FAQ page stands for them
        return "/faqs/"
    return obj.get_absolute_url() if getattr(obj, "slug", "") else "/"


def parts_page(obj):
    """The page a link to "#…" alone in `obj`'s rich text is read against: the text's own page.
    An FAQ's answer is shown on its topic's page, on the FAQ page while there are few questions,
    and on the articles and locations that show the question: "#…" names a part of whichever page
    shows it, so it is read against its topic's page, the one that always shows it (select the
    topic with the FAQ)."""
    if hasattr(obj, "answer"):
        return obj.topic.get_absolute_url()
    return text_address(obj)


def text_to_check(key, obj, html):
    """`obj`'s text as check_texts() reads it, under `key`."""
    base, own = text_address(obj), parts_page(obj)
    return (key, html, base) if own == base else (key, html, base, own)


def rich_text_of(obj):
    """The rich text of a content object the site shows, or None for another kind of object."""
    name = RICH_TEXTS.get((obj._meta.app_label, obj._meta.object_name))
    return getattr(obj, name) if name else None


def link_warnings(obj, viewer=None):
    """The warnings about the links of `obj`'s rich text, one sentence each, for the admin; its
    own page is read as `viewer` (the editor who saved it) sees it, before it is public too."""
    html = rich_text_of(obj)
    if not html:
        return []
    found = check_texts([text_to_check(obj.pk, obj, html)], viewer=viewer)
    return [str(problem) for problem in found.get(obj.pk, [])]


def published_texts(filters=None, live_by=None):
    """The rich texts visitors can read now, as (object, html, address of its page): live articles,
    published locations, standing pages and FAQs. `filters`, if given, maps each model to a Q
    that narrows its rows (texts_linking_to). With `live_by` (a time), articles scheduled to go
    live by then come too: their `published_at` says when. The long texts are read, the rest
    only as needed."""
    for (app_label, model_name), name in RICH_TEXTS.items():
        model = apps.get_model(app_label, model_name)
        if model_name == "Article" and live_by is not None:
            rows = model._default_manager.published() | model._default_manager.scheduled().filter(
                published_at__lte=live_by
            )
        else:
            rows = model._default_manager.published()
        if filters is not None:
            rows = rows.filter(filters(name))
        if model_name == "FAQ":
            rows = rows.select_related("topic").only("pk", "question", "answer", "topic__slug")
        else:
            title = "name" if model_name == "Location" else "title"
            when = ("published_at",) if model_name == "Article" else ()
            rows = rows.only("pk", title, "slug", name, *when)
        for obj in rows.order_by("pk"):
            yield obj, getattr(obj, name), text_address(obj)


def describe_text(obj):
    """Where a text is, for a list: "article “Paying for IOP” (/articles/paying-for-iop/)"."""
    if isinstance(obj, apps.get_model("faqs", "FAQ")):
        return f"FAQ “{obj}” ({obj.get_open_url()})"
    kind = KIND_NAMES.get(type(obj).__name__, obj._meta.verbose_name)
    return f"{kind} “{obj}” ({obj.get_absolute_url()})"


# --- Who links to a page, before it goes away.


def _address_key(path):
    """How two addresses of one page compare: in lower case, without the final slash (visitors
    are led from either form to the page, OldAddressMiddleware and AppendSlashMiddleware)."""
    return unquote(path).lower().rstrip("/")


def texts_linking_to(pages, leave_out_pages=True, live_by=None):
    """{page: [text, …]}: the published texts with a link to one of `pages` (articles, locations,
    standing pages, FAQ topics) by any of its addresses, its current one or an old one that
    redirects to it. Texts among `pages` themselves are left out (they go together), unless
    `leave_out_pages` is false (they go one after another: carter_site.coming_up), which may
    also ask for the articles going live by `live_by` (published_texts).

    The database narrows the texts to those that hold one of the addresses (`icontains`, one
    query per kind of text, plus one for the old addresses); their links are then read, so that
    "/privacy" in "/privacy-notice/" or in a sentence counts for nothing."""
    pages = list(pages)
    if not pages:
        return {}
    by_key = {}
    for page in pages:
        by_key[_address_key(page.get_absolute_url())] = page
    current = {page.get_absolute_url(): page for page in pages}
    old = Redirect.objects.filter(site_id=settings.SITE_ID, new_path__in=list(current)).values_list(
        "old_path", "new_path"
    )
    for old_path, new_path in old:
        by_key.setdefault(_address_key(old_path), current[new_path])
    keys = sorted(key for key in by_key if key)

    def holds_an_address(field_name):
        condition = Q()
        for key in keys:
            condition |= Q(**{f"{field_name}__icontains": key})
        return condition

    going = {(type(page), page.pk) for page in pages} if leave_out_pages else set()
    found = {}
    for text, html, base in published_texts(holds_an_address, live_by=live_by):
        if (type(text), text.pk) in going:
            continue
        for link in links_in(html):
            path = own_path(link.href, base)
            page = by_key.get(_address_key(path)) if path else None
            if page is not None and text not in found.setdefault(page, []):
                found[page].append(text)
    return {page: texts for page, texts in found.items() if texts}
