import errno
import posixpath
import re

from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.views.static import serve

from . import health, seo, views
from .editor_uploads import browse_images, upload_image
from .feeds import LatestArticlesAtomFeed, LatestArticlesRssFeed
from .search import SearchView
from .security import read_only
from .sitemaps import sitemap_xml

admin.site.site_header = "Carter Treatment Center — site editor"
admin.site.site_title = "Carter site editor"
admin.site.index_title = "Content"

# Public pages answer GET and HEAD only (405 otherwise, not a CSRF failure): security.read_only.
urlpatterns = [
    path("", read_only(views.HomeView.as_view()), name="home"),
    path("articles/", include("articles.urls")),
    path("locations/", include("locations.urls")),
    path("faqs/", include("faqs.urls")),
    path("testimonials/", include("testimonials.urls")),
    path("clinicians/", include("articles.clinician_urls")),
    path("search/", read_only(SearchView.as_view()), name="search"),
    path("feeds/articles/", read_only(LatestArticlesRssFeed()), name="articles-feed"),
    path("feeds/articles/atom/", read_only(LatestArticlesAtomFeed()), name="articles-atom-feed"),
    path("sitemap.xml", read_only(sitemap_xml), name="sitemap"),
    path("robots.txt", read_only(seo.robots_txt), name="robots_txt"),
    path("healthz", read_only(health.healthz), name="healthz"),
    path("readyz", read_only(health.readyz), name="readyz"),
    # The admin lives at ADMIN_URL (required in production; docs/security.md), not at /admin/.
    path(f"{settings.ADMIN_URL}editor/upload/", upload_image, name="ckeditor_upload"),
    path(f"{settings.ADMIN_URL}editor/browse/", browse_images, name="ckeditor_browse"),
    path(settings.ADMIN_URL, admin.site.urls),
]

# An uploaded file is a picture to show, never a page to run: should one ever be opened as a
# document, it may load nothing and runs in a sandbox (no script, no forms, its own origin).
MEDIA_POLICY = "default-src 'none'; img-src 'self'; sandbox"


# Media is read like every public page (GET and HEAD; any other method a 405, not the CSRF page
# and not the file itself, which OPTIONS used to return). Kept by caches no longer than
# MEDIA_CACHE_CONTROL says: a day let a picture deleted on purpose stay on the web that long.
@read_only
def serve_media(request, path, document_root):
    # One address per upload: Django's serve() tidies the path up first, so "editor/./logo.png",
    # "editor//logo.png", "/editor/logo.png" (from "/media//editor/…") and "editor/logo.png/"
    # each served the file. Behind gunicorn, redirects.OneAddressMiddleware has already led the
    # first three to the upload; what still arrives here written another way is not found.
    # ("../x", which climbs out of the folder, stays Django's 400.)
    if not path or posixpath.normpath(path).lstrip("/") != path:
        raise Http404("No such file.")
    try:
        response = serve(request, path, document_root=document_root)
    except OSError as error:
        # A name longer than the filesystem takes (255 bytes: "/media/aaa…") names no upload,
        # but Django's serve() asks the filesystem anyway and its refusal became a 500.
        if error.errno == errno.ENAMETOOLONG:
            raise Http404("No such file.") from None
        raise
    response["Content-Security-Policy"] = MEDIA_POLICY
    response["Cache-Control"] = settings.MEDIA_CACHE_CONTROL
    return response


if settings.DEBUG or settings.SERVE_MEDIA:
    # Uploaded images from the local media folder. In production a proxy or a bucket usually
    # serves them; SERVE_MEDIA lets a single-host stack (docker compose) work without one.
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve_media,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

# Standing pages (/privacy/, /accessibility/) live at the top of the site, so they come last:
# every address above wins, and a page may not take one of them (pages.models.validate_free_address).
urlpatterns += [path("", include("pages.urls"))]

handler400 = "carter_site.views.bad_request"
handler403 = "carter_site.views.permission_denied"
handler404 = "carter_site.views.page_not_found"
handler500 = "carter_site.views.server_error"
