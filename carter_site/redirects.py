"""Renamed pages keep their old addresses: permanent redirects that never chain or loop.

Built on django.contrib.redirects, whose middleware answers 301 for a stored old path
only when nothing else answers it (so a redirect can never hide a live page).
"""

from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.redirects.middleware import RedirectFallbackMiddleware
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F
from django.db.models.signals import post_save, pre_save
from django.http import HttpResponsePermanentRedirect
from django.middleware.common import CommonMiddleware
from django.urls import Resolver404, resolve
from django.utils.encoding import escape_uri_path

from .addresses import written_another_way


def validate_lower_case(slug):
    """A slug, and so the address it makes, is written in lower case.

    An address typed in capitals leads to the public page at the same address in lower case
    (OldAddressMiddleware), so a page whose slug had capitals would stand apart from the one
    visitors reach: /articles/Caps-Slug/ answered while /articles/caps-slug/ was "not found", and
    another page could sit at the lower-case address. A validator on the model's field, so that
    the admin, the importer and the demo content keep the same rule."""
    if slug != slug.lower():
        raise ValidationError(
            "Write the address in lower case: %(lower)s.", code="lower_case", params={"lower": slug.lower()}
        )


# Addresses under which other programs read the site's own word about itself (RFC 8615): a
# certificate authority checks that whoever asks for a certificate controls the site by fetching
# /.well-known/acme-challenge/<token>, and follows redirects to do so; browsers, apps and
# security researchers read change-password, assetlinks.json, security.txt there. A redirect
# from one of them to another server would let whoever made it speak for the site: get a
# certificate for its domain, claim its links for an app. They are never an old page's address.
RESERVED_PREFIX = "/.well-known/"


def is_reserved_address(path):
    """Whether `path` is under RESERVED_PREFIX, however it is written ("/.Well-Known/", escaped)."""
    return unquote(path or "").lower().startswith(RESERVED_PREFIX)


def redirect_path_limit():
    """The longest address a redirect keeps (django.contrib.redirects' old_path and new_path)."""
    return min(Redirect._meta.get_field(name).max_length for name in ("old_path", "new_path"))


def record_move(old_path, new_path):
    """From now on `old_path` answers 301 to `new_path`, and so does anything that led to it.

    Not for an address longer than a redirect keeps: no redirect can lead from or to it, and
    PostgreSQL refused the save that renamed the page. Forms keep new addresses within it (an
    article's slug); one saved before that, or restored from such a version, is left as it is."""
    if not old_path or old_path == new_path or max(len(old_path), len(new_path)) > redirect_path_limit():
        return
    site = Site.objects.get_current()
    with transaction.atomic():
        redirects = Redirect.objects.filter(site=site)
        # Chains collapse: whatever pointed at the old address now points at the new one.
        redirects.filter(new_path=old_path).update(new_path=new_path)
        # The new address is a live page again; a redirect from it would only confuse.
        redirects.filter(old_path=new_path).delete()
        redirects.update_or_create(site=site, old_path=old_path, defaults={"new_path": new_path})
        redirects.filter(old_path=F("new_path")).delete()


def live_page_at(path, user=None):
    """Whether visitors get a page at `path` now; a redirect from it would then never answer
    (django.contrib.redirects steps in only where the site answers 404). Given a `user` who may
    see drafts (carter_site.publishing.can_see_unpublished), whether that user gets one there."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return False
    if match.view_name in PUBLIC_DETAIL_PAGES:
        from .publishing import can_see_unpublished

        app_label, model_name = PUBLIC_DETAIL_PAGES[match.view_name]
        model = apps.get_model(app_label, model_name)
        objects = model._default_manager
        objects = (
            objects.all() if user is not None and can_see_unpublished(user, model) else objects.published()
        )
        return objects.filter(slug=match.kwargs.get("slug")).exists()
    if match.view_name == "faqs:topic":  # a topic's page answers while a question of it is published
        from faqs.models import FAQ

        return FAQ.objects.published().filter(topic__slug=match.kwargs.get("slug")).exists()
    # Any other named page always answers (home, lists, search, feeds, the admin); unnamed
    # patterns serve files, which may be gone.
    return bool(match.url_name)


# Detail pages that answer only for a published object with that slug.
PUBLIC_DETAIL_PAGES = {
    "articles:detail": ("articles", "Article"),
    "locations:detail": ("locations", "Location"),
    "pages:detail": ("pages", "Page"),
    "clinicians:detail": ("articles", "Clinician"),
}


def unpublished_page_at(path):
    """The article, location or standing page whose address is `path` when visitors do not get it
    now (a draft, one scheduled for later, one taken down), else None."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    if match.view_name not in PUBLIC_DETAIL_PAGES:
        return None
    model = apps.get_model(*PUBLIC_DETAIL_PAGES[match.view_name])
    page = model._default_manager.filter(slug=match.kwargs.get("slug")).first()
    return page if page is not None and not page.is_public else None


def file_at(path):
    """Whether `path` is an uploaded picture or a static file this site serves at its own address
    (not one in a bucket on another domain, which a redirect reaches by its https:// address)."""
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.files.storage import default_storage

    path = urlsplit(path).path
    places = [
        (settings.MEDIA_URL, default_storage.exists),
        (settings.STATIC_URL, lambda name: staticfiles_storage.exists(name) or bool(finders.find(name))),
    ]
    for prefix, exists in places:
        if prefix.startswith("/") and path.startswith(prefix) and len(path) > len(prefix):
            try:
                return exists(unquote(path[len(prefix) :]))
            except (SuspiciousFileOperation, OSError, ValueError):  # "../", a name no file can have
                return False
    return False


def find_loop(old_path, new_path, site=None, exclude_pk=None):
    """The chain of paths that would lead from `new_path` back to `old_path`, or None."""
    if old_path == new_path:
        return [old_path, new_path]
    site = site or Site.objects.get_current()
    targets = dict(
        Redirect.objects.filter(site=site).exclude(pk=exclude_pk).values_list("old_path", "new_path")
    )
    chain, current = [old_path, new_path], new_path
    while current in targets and len(chain) <= len(targets) + 2:
        current = targets[current]
        chain.append(current)
        if current == old_path:
            return chain
    return None


class KeepsOldAddresses:
    """Model mixin: renaming the slug of a page that has been public records a redirect.

    The model needs `slug`, `get_absolute_url()`, `is_public` and a `was_public` field: once a
    page has been public, that is remembered on every later save, so unpublishing it, renaming
    it and publishing it again still keeps every address it had. `has_been_public` says so; a
    model whose pages can stop being public on their own (an article past its take-down time)
    says it in its own words.

    The work is done by the pre_save and post_save receivers below (connected in
    CarterSiteConfig.ready()), not in save(): django-reversion restores an old version with
    `save_base(raw=True)`, which skips save() but still sends those signals, and a restored
    slug must keep the address it replaces just like one typed into the form.
    """

    @property
    def has_been_public(self):
        """Public now or at any time before: its address has been shared."""
        return self.was_public or self.is_public

    def save(self, *args, **kwargs):
        with transaction.atomic():  # the row and its redirect, together
            super().save(*args, **kwargs)


def _remember_address(sender, instance, using, update_fields=None, **kwargs):
    previous = None
    if instance.pk is not None and (update_fields is None or "slug" in update_fields):
        previous = sender._default_manager.using(using).filter(pk=instance.pk).first()
    if (previous is not None and previous.has_been_public) or instance.has_been_public:
        instance.was_public = True  # also when restoring a version saved before it was public
    instance._keeps_old_addresses_previous = previous


def _record_move(sender, instance, **kwargs):
    previous = instance.__dict__.pop("_keeps_old_addresses_previous", None)
    if previous is not None and previous.slug != instance.slug and previous.has_been_public:
        record_move(previous.get_absolute_url(), instance.get_absolute_url())


def connect_signals():
    """Watch the saves of every model with KeepsOldAddresses (called from CarterSiteConfig.ready())."""
    from django.apps import apps

    for model in apps.get_models():
        if issubclass(model, KeepsOldAddresses):
            uid = f"carter_site.redirects:{model._meta.label}"
            pre_save.connect(_remember_address, sender=model, dispatch_uid=uid)
            post_save.connect(_record_move, sender=model, dispatch_uid=uid)


class OldAddressMiddleware(RedirectFallbackMiddleware):
    """Django's redirects fallback, which also knows an old address when a query string follows it.

    Django looks redirects up by the full path, query string included, and the rows written here
    hold bare paths: "/articles/old-name/?fbclid=…", the address a social network or a campaign
    email sends people to, found nothing and answered 404. The query string is carried over to
    the new address.
    """

    def process_response(self, request, response):
        if is_reserved_address(request.path):
            return response  # not even a redirect stored there another way (RESERVED_PREFIX)
        response = super().process_response(request, response)
        query = request.META.get("QUERY_STRING", "")
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            lower = _public_page_in_lower_case(request.path)
            if lower is not None:
                return self.response_redirect_class(escape_uri_path(lower) + (f"?{query}" if query else ""))
        if response.status_code != 404 or not query:
            return response
        site = get_current_site(request)
        # The path as Django's own lookup writes it (escaped: "/%00", never a raw NUL, which
        # PostgreSQL refuses in a query).
        path = escape_uri_path(request.path)
        paths = [path]
        if settings.APPEND_SLASH and not path.endswith("/"):
            paths.append(f"{path}/")
        redirect = Redirect.objects.filter(site=site, old_path__in=paths).order_by("-old_path").first()
        if redirect is None:
            return response
        if not redirect.new_path:
            return self.response_gone_class()
        separator = "&" if "?" in redirect.new_path else "?"
        return self.response_redirect_class(f"{redirect.new_path}{separator}{query}")


class AppendSlashMiddleware(CommonMiddleware):
    """Django's CommonMiddleware, whose redirect to the address with a slash ("/privacy" to
    "/privacy/") is made only where that address is a page visitors get.

    Django redirects when the address with a slash matches a URL pattern. A standing page's
    pattern matches any "/<slug>/" (pages/urls.py), so every unknown address ("/wp-admin", a
    typo) answered a permanent redirect, then a 404. Now a detail page (an article, a location, a
    standing page) is looked up first, also in lower case ("/Privacy" leads to "/privacy/" in one
    step); any
    other page (a list, the search) is redirected as before. Staff who see drafts are led to a
    draft too, as they are to its address with the slash.
    """

    def should_redirect_with_slash(self, request):
        if not super().should_redirect_with_slash(request):
            return False
        with_slash = f"{request.path_info}/"
        user = getattr(request, "user", None)
        try:
            if live_page_at(with_slash, user):
                return True
            # "/Privacy" goes straight to "/privacy/", not by way of "/Privacy/".
            request.page_in_lower_case = with_slash != with_slash.lower() and live_page_at(
                with_slash.lower(), user
            )
            return request.page_in_lower_case
        except DatabaseError:  # as Django would: the next request meets the outage page, if any
            return True

    def get_full_path_with_slash(self, request):
        full_path = super().get_full_path_with_slash(request)
        if not getattr(request, "page_in_lower_case", False):
            return full_path
        path, separator, query = full_path.partition("?")
        prefix = path[: len(path) - len(request.path_info) - 1]  # the script prefix, as it was
        return f"{prefix}{request.path_info.lower()}/{separator}{query}"


def _public_page_in_lower_case(path):
    """`path` in lower case when that is a public page visitors get now, else None.

    Addresses are written in lower case, and read off a flyer, a card or the radio they are
    typed as heard: "/locations/Alpharetta/" finds the page. Only public pages: the admin's
    address is not confirmed to anyone who guesses it in another case.

    Without its slash too ("/Locations/Alpharetta" to "/locations/alpharetta/", in one step): the
    slash is added by AppendSlashMiddleware only where the address with a slash matches a URL
    pattern as typed, which "/Locations/…" matches nowhere, so it was "not found" while
    "/locations/Alpharetta" and "/Locations/Alpharetta/" each led to the page."""
    from .caching import CACHEABLE_VIEWS

    lower = path.lower()
    if lower == path:
        return None
    candidates = [lower]
    if settings.APPEND_SLASH and not lower.endswith("/"):
        candidates.append(f"{lower}/")
    for candidate in candidates:
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        if match.view_name in CACHEABLE_VIEWS and live_page_at(candidate):
            return candidate
    return None


class OneAddressMiddleware:
    """A page asked for at an address written another way ("/privacy%2F", "/media/editor/./x.png",
    "//privacy/", "/priv%61cy/") answers a permanent redirect to the address as it is written,
    where that address is a page or a file visitors get (carter_site.addresses). Elsewhere the site
    answers as before: the same rule as for an address in capitals or without its slash.

    High in MIDDLEWARE: above WhiteNoise, which serves static files by the decoded path, and the
    page cache. The replay before Django (carter_site.caching) leaves such a request to Django."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            target = _page_written_another_way(request)
            if target is not None:
                query = request.META.get("QUERY_STRING", "")
                return HttpResponsePermanentRedirect(target + (f"?{query}" if query else ""))
        return self.get_response(request)


def _page_written_another_way(request):
    """The canonical address of the request, when it was written another way and leads to a
    page or a file visitors get; else None."""
    canonical = written_another_way(request.META)
    if canonical is None:
        return None
    path = unquote(canonical)
    if "?" in path or "#" in path or "\x00" in path:  # escaped in the address, never a page's
        return None
    try:
        if is_reserved_address(path):
            return None
        if live_page_at(path) or file_at(canonical):
            return canonical
    except DatabaseError:  # the site answers as it would have; the outage page, if any
        return None
    return None
