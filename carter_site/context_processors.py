from django.utils.functional import SimpleLazyObject

from .caching import clinician_pages, footer_pages, published_locations, site_settings


def site(request):
    """What every page's header and footer show: settings from the admin, the locations, the
    standing pages, whether clinicians have pages, and which menu section is current.

    All four come from the site-wide data cache (carter_site.caching): no query once any page has
    been rendered since the last change to content, and none at all for a template (a feed, the
    sitemap) that never shows them.
    """
    match = getattr(request, "resolver_match", None)
    return {
        "site_settings": SimpleLazyObject(lambda: site_settings(request)),
        "footer_locations": SimpleLazyObject(lambda: published_locations(request)),
        "footer_pages": SimpleLazyObject(lambda: footer_pages(request)),
        "clinician_pages": SimpleLazyObject(lambda: clinician_pages(request)),
        # The menu section this page belongs to (its app), marked in the header; error pages set
        # it to None. Its link is "the current page" only on the section's first page; anywhere
        # else in the section (an article, page 2 of the list) it is "the current section".
        "nav_section": match.app_name if match else None,
        "nav_current": "page" if _is_first_list_page(request, match) else "true",
    }


def _is_first_list_page(request, match):
    return bool(match) and match.url_name == "list" and request.GET.get("page", "1") == "1"
