"""How pages present themselves to search engines: addresses, breadcrumbs, robots.txt.

Every absolute URL the site writes (canonical links, Open Graph, JSON-LD, sitemap, feeds)
starts with `site_origin()`, so they all agree on the scheme and host:

- `settings.SITE_URL`, when a deployment sets it (for example "https://www.example.org"),
  fixes both, whatever host name a request arrived on;
- otherwise the request's own host, over https whenever the request was secure or the
  site redirects everything to https (production), so a canonical URL is never http there.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .picture_copies import srcset


def site_origin(request):
    """`https://host` with no trailing slash: the start of every absolute URL we publish."""
    configured = getattr(settings, "SITE_URL", "")
    if configured:
        return configured.rstrip("/")
    secure = request.is_secure() or getattr(settings, "SECURE_SSL_REDIRECT", False)
    return f"{'https' if secure else request.scheme}://{request.get_host()}"


def absolute_url(origin, url):
    """`url` made absolute against `origin`; already absolute URLs (a CDN, S3) are kept."""
    if not url:
        return ""
    if url.startswith("//"):
        return f"{urlsplit(origin).scheme}:{iri_to_uri(url)}"
    if urlsplit(url).scheme:
        return iri_to_uri(url)
    return origin + iri_to_uri(url)


def page_url(path, page_number):
    """A list's address for one page: page 1 is the list itself, never `?page=1`."""
    if not page_number or int(page_number) <= 1:
        return path
    return f"{path}?page={int(page_number)}"


def canonical_url(request, page_obj=None):
    """The page's one address: no tracking or other query parameters, except a page number."""
    number = page_obj.number if page_obj is not None else None
    return absolute_url(site_origin(request), page_url(request.path, number))


@dataclass(frozen=True)
class PageImage:
    """A picture a page is represented by in link previews and structured data."""

    url: str
    alt: str
    width: int | None = None
    height: int | None = None
    # The smaller copies and the picture itself, for an <img srcset>: "" when it has no copies.
    srcset: str = ""


DEFAULT_SHARE_IMAGE = ("img/share-default.png", 1200, 630)
LOGO_IMAGE = ("img/logo.png", 512, 512)


def uploaded_image(field_file, alt):
    """An uploaded image with the size kept with its row (carter_site.images.PictureField), or
    None. The file itself is never read: pages do not wait for, or fail with, the media storage."""
    if not field_file:
        return None
    field, row = field_file.field, field_file.instance
    width = getattr(row, field.width_field) if field.width_field else None
    height = getattr(row, field.height_field) if field.height_field else None
    copies = getattr(row, field.copies_field) if field.copies_field else None
    return PageImage(field_file.url, alt, width, height, _srcset(field_file, width, copies))


def _srcset(field_file, width, copies):
    """The picture's smaller copies (carter_site.picture_copies) and the picture, by their widths,
    as the row keeps them: no storage is asked."""
    return srcset(field_file.storage, field_file.name, width, copies)


def default_share_image(site_settings):
    path, width, height = DEFAULT_SHARE_IMAGE
    return PageImage(static(path), site_settings.organization_name, width, height)


@dataclass(frozen=True)
class Crumb:
    name: str
    url: str


def breadcrumb_trail(*steps):
    """Home, then each (name, url) step: what the visible breadcrumbs and the JSON-LD both show."""
    return [Crumb("Home", reverse("home")), *(Crumb(name, url) for name, url in steps)]


@require_safe
@cache_control(max_age=60 * 60 * 24, public=True)
def robots_txt(request):
    """Crawlers may read everything public, not internal search results.

    The admin is not named here: its address is kept out of public files (settings.ADMIN_URL,
    docs/security.md), and its pages say noindex themselves (a meta tag and X-Robots-Tag).
    """
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('search')}",
        "",
        f"Sitemap: {absolute_url(site_origin(request), reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
